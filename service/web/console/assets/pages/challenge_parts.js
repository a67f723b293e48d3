/**
 * The parts of the challenge page that act or rank: the timeline of the log, the moves the
 * reader's role may make (each a form with what that move must carry — a reason, the
 * shortlist, the winners, the signed amount), the applications with the apply form, the
 * rubric ranking and the suggested solvers with their reasons and consortium.
 */
import * as api from "../api.js";
import { el, fmt, say, section, table, when, word } from "../dom.js";
import { t } from "../i18n.js";
import { wan } from "./challenges.js";

const IP_DECLARATIONS = ["accepts_terms", "own_background", "joint", "licensed_in"];
/** Moves that need a reason (the API names the field when it is missing). */
const NEEDS_NOTE = ["withdrawn", "failed", "accepted", "draft"];

/** @param {Record<string, any>[]} log */
export function timeline(log) {
  return el("ol", { id: "timeline", className: "timeline" }, log.map((line) =>
    el("li", { dataset: { to: line.to, seq: String(line.seq) } }, [
      el("div", null, [el("strong", {
        text: line.from ? t("request.logLine", { from: word("chstate", line.from), to: word("chstate", line.to) }) : word("chstate", line.to),
      })]),
      line.note ? el("div", { text: line.note }) : null,
      line.shortlist ? el("div", { text: t("challenge.logShortlist", { ids: line.shortlist.join("、") }) }) : null,
      line.winners ? el("div", { text: t("challenge.logWinners", { ids: line.winners.join("、") }) }) : null,
      line.amount_wan ? el("div", { text: t("challenge.logAmount", { amount: wan(line.amount_wan) }) }) : null,
      el("div", { className: "meta", text: `${when(line.at)} · ${t("request.by", { actor: line.actor, role: word("actor", line.role) })}` }),
    ])));
}

export function movesSection(ch, role, status, reload) {
  const moves = ch.allowed_moves?.[role] || [];
  const box = el("div");
  const buttons = el("div", { id: "moves", className: "actions" }, moves.map((m) =>
    el("button", { type: "button", dataset: { move: m }, text: t("challenge.move", { state: word("chstate", m) }),
      onclick: () => box.replaceChildren(moveForm(ch, m, status, reload)) })));
  return section("moves-card", t("challenge.actions"), [moves.length ? buttons : el("p", { text: t("challenge.noMoves") }), box]);
}

/** Checkboxes of organisation ids (applicants, or the shortlist when awarding from it). */
function picks(name, ids) {
  return el("fieldset", { id: `move-${name}` }, [
    el("legend", { text: t(`challenge.${name}`) }),
    ...(ids.length ? ids.map((id) => el("label", { className: "inline" }, [el("input", { type: "checkbox", name, value: id }), id]))
      : [el("p", { className: "muted", text: t("challenge.noApplicants") })]),
  ]);
}

function moveForm(ch, move, status, reload) {
  const applicants = (ch.application_list || []).map((a) => a.org_id);
  const note = el("textarea", { id: "move-note", rows: "2", maxlength: "2000", required: NEEDS_NOTE.includes(move) ? true : null });
  const extra = [];
  if (move === "shortlisted") extra.push(picks("shortlist", applicants));
  if (move === "awarded") extra.push(picks("winners", ch.state === "shortlisted" ? ch.shortlist : applicants));
  const amount = el("input", { id: "move-amount", type: "number", min: "0.01", step: "0.01", required: true });
  if (move === "signed") extra.push(el("label", null, [t("challenge.amount"), amount]));
  const form = el("form", { id: "move-form", className: "move-form", dataset: { move } }, [
    el("h3", { text: t("challenge.move", { state: word("chstate", move) }) }),
    ...extra,
    el("label", { className: "wide" }, [t(NEEDS_NOTE.includes(move) ? "challenge.reason" : "request.note"), note]),
    el("div", { className: "form-row" }, [el("button", { type: "submit", className: "primary", text: t("common.submit") })]),
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => /** @type {HTMLInputElement} */ (i).value);
    /** @type {{to: string, note?: string, shortlist?: string[], winners?: string[], amount_wan?: number}} */
    const body = { to: move };
    const text = /** @type {HTMLTextAreaElement} */ (note).value.trim();
    if (text) body.note = text;
    if (move === "shortlisted") body.shortlist = checked("shortlist");
    if (move === "awarded") body.winners = checked("winners");
    if (move === "signed") body.amount_wan = Number(/** @type {HTMLInputElement} */ (amount).value);
    try {
      await api.moveChallenge(ch.id, body);
      reload("moved");
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  setTimeout(() => form.querySelector("input, textarea")?.focus(), 0);
  return form;
}

export function applicationsSection(ch, session, owner, status, reload) {
  const apps = ch.application_list || [];
  const items = apps.map((a) =>
    el("li", { className: "result", dataset: { org: a.org_id } }, [
      el("div", { className: "result-head" }, [
        el("a", { className: "result-name", href: `#/org/${encodeURIComponent(a.org_id)}`, text: a.org_id }),
        el("span", { className: "badge", text: word("ipdecl", a.ip_declaration) }),
        el("span", { className: "result-score", text: wan(a.budget_wan) }),
      ]),
      el("p", { className: "result-explanation", text: a.proposal }),
      a.team?.length ? el("p", { className: "muted", text: t("challenge.team", { team: a.team.join("、") }) }) : null,
      a.ip_text ? el("p", { className: "muted", text: a.ip_text }) : null,
      el("p", { className: "muted", text: t("challenge.appliedAt", { at: when(a.applied_at), by: a.applied_by }) }),
    ]));
  const body = [
    el("p", { className: "muted", text: t("challenge.applicationsSeen", { shown: apps.length, total: ch.applications }) }),
    items.length ? el("ul", { id: "applications", className: "result-list" }, items) : null,
  ];
  const mine = apps.some((a) => a.org_id === session.org);
  if (session.role === "company" && !owner && ch.state === "published" && !mine) body.push(applyForm(ch, session.org, status, reload));
  return section("applications-card", t("challenge.applications"), body);
}

function applyForm(ch, orgId, status, reload) {
  const proposal = el("textarea", { id: "apply-proposal", rows: "4", required: true, minlength: "10", maxlength: "8000" });
  const ip = el("select", { id: "apply-ip" }, IP_DECLARATIONS.map((d) => el("option", { value: d, text: word("ipdecl", d) })));
  const ipText = el("textarea", { id: "apply-ip-text", rows: "2", maxlength: "2000" });
  const budget = el("input", { id: "apply-budget", type: "number", min: "0.01", step: "0.01", required: true });
  const team = el("input", { id: "apply-team", maxlength: "2000", placeholder: t("challenge.teamHint") });
  const form = el("form", { id: "apply-form", className: "move-form" }, [
    el("h3", { text: t("challenge.apply", { org: orgId }) }),
    el("label", { className: "wide" }, [t("challenge.proposal"), proposal]),
    el("div", { className: "form-row" }, [
      el("label", null, [t("challenge.ipDeclaration"), ip]),
      el("label", null, [t("challenge.budget"), budget]),
      el("label", null, [t("challenge.teamField"), team]),
    ]),
    el("label", { className: "wide" }, [t("challenge.ipText"), ipText]),
    el("div", { className: "form-row" }, [el("button", { type: "submit", className: "primary", text: t("challenge.applyButton") })]),
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const value = (x) => /** @type {HTMLInputElement} */ (x).value.trim();
    try {
      await api.applyToChallenge(ch.id, {
        org_id: orgId,
        proposal: value(proposal),
        ip_declaration: value(ip),
        ...(value(ipText) ? { ip_text: value(ipText) } : {}),
        budget_wan: Number(value(budget)),
        team: value(team).split(/[,，、;；]/).map((m) => m.trim()).filter(Boolean),
      });
      reload("applied");
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  return form;
}

/** The rubric ranking: best first, mean weighted score out of 100, each criterion's mean. */
export function rankingSection(doc) {
  if (!doc.ranking.length) return [el("p", { text: t("challenge.noApplications") })];
  const crit = doc.rubric.map((c) => c.name);
  const head = [t("challenge.rank"), t("challenges.col.owner"), t("challenge.reviews"), t("challenge.total"),
    ...doc.rubric.map((c) => t("challenge.criterion", { name: word("crit", c.name), weight: Math.round(c.weight * 100) })),
    t("challenge.budget"), t("challenge.ipDeclaration")];
  const rows = doc.ranking.map((r) =>
    el("tr", { dataset: { org: r.org_id } }, [
      el("td", { text: String(r.rank) }),
      el("td", null, [el("a", { href: `#/org/${encodeURIComponent(r.org_id)}`, text: r.org_id })]),
      el("td", { text: String(r.reviews) }),
      el("td", { text: r.reviews ? r.total_100.toFixed(1) : t("stats.none") }),
      ...crit.map((c) => el("td", { text: r.reviews ? fmt(r.by_criterion[c], 2) : t("stats.none") })),
      el("td", { text: wan(r.budget_wan) }),
      el("td", { text: word("ipdecl", r.ip_declaration) }),
    ]));
  return [el("p", { className: "muted", text: t("challenge.rankingHint") }), table(t("challenge.ranking"), head, rows, { id: "ranking" })];
}

/** Suggested solvers (institutes first) with the reasons the engine gives; a consortium. */
export function solversSection(doc) {
  const out = [el("ol", { id: "solvers", className: "result-list" }, doc.solvers.map((r) =>
    el("li", { className: "result", dataset: { org: r.org_id, kind: r.kind, exploratory: String(Boolean(r.exploratory)) } }, [
      el("div", { className: "result-head" }, [
        el("a", { className: "result-name", href: `#/org/${encodeURIComponent(r.org_id)}`, text: r.name }),
        el("span", { className: "result-relation", text: word("kind", r.kind) }),
        r.exploratory ? el("span", { className: "badge exploratory", text: t("badge.exploratory") }) : null,
        el("span", { className: "result-score", text: fmt(r.score) }),
      ]),
      el("ul", { className: "result-parts", "aria-label": t("search.parts") }, Object.entries(r.parts).map(([k, v]) =>
        el("li", { className: "part" }, [el("span", { className: "part-name", text: word("evidence", k) }), " ", el("span", { className: "part-value", text: fmt(v) })]))),
      el("ul", { className: "result-evidence", "aria-label": t("challenge.reasons") }, r.reasons.map((x) => el("li", { className: "result-explanation", text: x }))),
    ])))];
  if (!doc.solvers.length) out.push(el("p", { text: t("request.noSuggestions") }));
  const c = doc.consortium;
  if (c) {
    out.push(el("div", { id: "consortium" }, [
      el("h3", { text: t("challenge.consortium") }),
      el("ul", { className: "consortium-parts" }, c.parts.map((p) => el("li", { dataset: { org: p.org_id } }, [`${p.part} → `, el("a", { href: `#/org/${encodeURIComponent(p.org_id)}`, text: p.name }), ` (${fmt(p.score)})`]))),
      el("h4", { text: t("challenge.members") }),
      el("ul", { className: "consortium-members" }, c.members.map((m) => el("li", { dataset: { org: m.org_id } }, [
        el("a", { href: `#/org/${encodeURIComponent(m.org_id)}`, text: m.name }), ` · ${t("challenge.covers", { parts: m.covers.join("、") })}`]))),
      c.uncovered.length ? el("p", { className: "status error", text: t("challenge.uncovered", { parts: c.uncovered.join("、") }) }) : null,
    ]));
  }
  return out;
}
