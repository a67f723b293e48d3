/**
 * 揭榜挂帅 Challenges: the challenges the signed-in reader may see, newest first, filtered by
 * state (chips kept in the URL), each with its owner, level, money, dates and applications;
 * for staff the figures the park reports (GET /challenges/stats: opened, published, matched,
 * signed, the amount signed, match and sign rates) in total and by chain (by name).
 *
 * DOM contract (tests): #challenges tbody tr[data-id][data-state]; #challenges-count;
 * .chips button.chip[data-filter=state][data-value]; #ch-kpi-<figure> .value for opened,
 * published, matched, signed, amount, match-rate, sign-rate; #ch-by-chain tbody tr[data-chain].
 */
import * as api from "../api.js";
import { el, pct, section, table, word } from "../dom.js";
import { getLang, t } from "../i18n.js";
import { go, href } from "../router.js";

export const STATES = ["draft", "in_review", "published", "shortlisted", "awarded", "signed", "in_delivery", "accepted", "closed", "withdrawn", "failed"];

/** 万元 as the API gives it, without trailing zeros. */
export const wan = (x) => (x === null || x === undefined ? t("stats.none") : t("challenge.wan", { n: String(Number(Number(x).toFixed(2))) }));

/** A state badge: good news green, dead ends red. */
export function stateBadge(state, id) {
  const tone = ["signed", "in_delivery", "accepted", "closed"].includes(state) ? " ok" : ["withdrawn", "failed"].includes(state) ? " bad" : "";
  return el("span", { id, className: `badge${tone}`, dataset: { state }, text: word("chstate", state) });
}

export async function render(main, ctx) {
  if (!ctx.require("signin")) return;
  const state = ctx.query.get("state") || "";
  main.append(
    el("h1", { tabindex: "-1", text: t("challenges.title") }),
    el("p", { className: "lead", text: t("challenges.lead") }),
  );
  const staff = ctx.session.role === "staff";
  const [doc, stats, chainDoc] = await Promise.all([
    api.challenges({ state }),
    staff ? api.challengeStats() : null,
    staff ? api.chains() : null,
  ]);
  if (stats) main.append(statsSection(stats, chainDoc));
  main.append(el("div", { className: "card" }, [
    el("div", { className: "chips", role: "group", "aria-label": t("challenges.state") }, [
      el("span", { className: "chips-label", "aria-hidden": "true", text: t("challenges.state") }),
      ...STATES.map((s) =>
        el("button", {
          type: "button", className: "chip", dataset: { filter: "state", value: s }, "aria-pressed": String(state === s), text: word("chstate", s),
          onclick: () => go(href("desk/challenges", { state: state === s ? "" : s })),
        })),
    ]),
  ]));
  const rows = doc.challenges.map((c) =>
    el("tr", { dataset: { id: c.id, state: c.state } }, [
      el("td", null, [el("a", { href: href(`desk/challenges/${encodeURIComponent(c.id)}`), text: c.id })]),
      el("td", null, [c.title || "", c.redacted ? " " : null, c.redacted ? el("span", { className: "badge warn", text: word("conf", c.redacted) }) : null]),
      el("td", null, [c.org_id ? el("a", { href: `#/org/${encodeURIComponent(c.org_id)}`, text: c.org_id }) : ""]),
      el("td", null, [stateBadge(c.state)]),
      el("td", { text: word("level", c.deliverable_level) }),
      el("td", { text: `${word("award", c.award_kind)} ${wan(c.amount_wan)}` }),
      el("td", { text: c.apply_by || c.deadline }),
      el("td", { text: String(c.applications) }),
    ]));
  const head = ["id", "title", "owner", "state", "level", "money", "applyBy", "applications"].map((k) => t(`challenges.col.${k}`));
  main.append(section("challenges-card", t("challenges.list"), [
    el("p", { id: "challenges-count", className: "status", role: "status", text: t("challenges.count", { n: doc.count }) }),
    rows.length ? table(t("challenges.list"), head, rows, { id: "challenges" }) : el("p", { text: t("challenges.empty") }),
  ]));
}

function statsSection(stats, chainDoc) {
  const zh = getLang() === "zh";
  const names = new Map(chainDoc.chains.map((c) => [c.id, zh ? c.name : c.name_en]));
  const kpi = (id, label, value) =>
    el("div", { id: `ch-kpi-${id}`, className: "kpi" }, [el("div", { className: "label", text: label }), el("div", { className: "value", text: value })]);
  const fig = ["opened", "published", "matched", "signed"];
  const rows = Object.entries(stats.by.chain).map(([chain, v]) =>
    el("tr", { dataset: { chain } }, [
      el("td", { text: chain === "(none)" ? t("stats.noChain") : names.get(chain) || chain }),
      ...fig.map((f) => el("td", { text: String(v[f]) })),
      el("td", { text: wan(v.amount_signed_wan) }),
      el("td", { text: pct(v.match_rate) }),
      el("td", { text: pct(v.sign_rate) }),
    ]));
  const head = [t("challenges.chain"), ...fig.map((f) => t(`challenges.fig.${f}`)), t("challenges.fig.amount"), t("challenges.fig.matchRate"), t("challenges.fig.signRate")];
  return section("challenge-stats", t("challenges.stats"), [
    el("div", { className: "kpis" }, [
      ...fig.map((f) => kpi(f, t(`challenges.fig.${f}`), String(stats[f]))),
      kpi("amount", t("challenges.fig.amount"), wan(stats.amount_signed_wan)),
      kpi("match-rate", t("challenges.fig.matchRate"), pct(stats.match_rate)),
      kpi("sign-rate", t("challenges.fig.signRate"), pct(stats.sign_rate)),
    ]),
    el("details", null, [el("summary", { text: t("challenges.byChain") }), table(t("challenges.byChain"), head, rows, { id: "ch-by-chain" })]),
  ]);
}
