/**
 * One challenge (揭榜挂帅) as the signed-in reader may see it: what is asked (problem,
 * indicators, phases, parts, IP terms), the money and dates, the timeline of its log, the
 * moves the reader's role may make, the applications (a company applies here while it is
 * published), and — for staff and the owner — the rubric ranking and the suggested solvers
 * with their reasons and a consortium for several parts.
 *
 * DOM contract (tests): #challenge[data-id][data-state]; #challenge-status; #timeline
 * li[data-to]; #moves button[data-move], #move-form; #applications li[data-org];
 * #apply-form (#apply-proposal, #apply-ip, #apply-budget, #apply-team); #ranking tbody
 * tr[data-org]; #solvers li.result[data-org]; #consortium.
 */
import * as api from "../api.js";
import { el, say, section, when, word } from "../dom.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";
import { stateBadge, wan } from "./challenges.js";
import { applicationsSection, movesSection, rankingSection, solversSection, timeline } from "./challenge_parts.js";

export async function render(main, ctx) {
  if (!ctx.require("signin")) return;
  const id = ctx.params.id;
  const s = ctx.session;
  const ch = await api.challenge(id);
  const owner = s.role === "company" && s.org === ch.org_id;
  const insider = s.role === "staff" || owner;
  const status = el("p", { id: "challenge-status", className: "status", role: "status", "aria-live": "polite" });
  const reload = (done) => go(href(`desk/challenges/${encodeURIComponent(id)}`, { done }));
  main.append(
    el("p", null, [el("a", { href: href("desk/challenges"), text: t("challenge.back") })]),
    el("h1", { tabindex: "-1", text: ch.title || id }),
    overview(ch),
    status,
  );
  const done = ctx.query.get("done");
  if (done) say(status, t(`challenge.done.${done === "applied" ? "applied" : "moved"}`, { state: word("chstate", ch.state) }), "ok");
  const side = [];
  if (ch.problem || ch.indicators?.length || ch.phases?.length || ch.parts?.length) side.push(section("asked-card", t("challenge.asked"), asked(ch)));
  if (ch.log) side.push(section("timeline-card", t("challenge.timeline"), [timeline(ch.log)]));
  if (side.length) main.append(el("div", { className: "grid2" }, side));
  if (insider) main.append(movesSection(ch, s.role, status, reload));
  main.append(applicationsSection(ch, s, owner, status, reload));
  if (!insider) return;
  const rankBox = el("div", null, [el("p", { className: "status", text: t("common.loading") })]);
  const solverBox = el("div", null, [el("p", { className: "status", text: t("common.loading") })]);
  main.append(section("ranking-card", t("challenge.ranking"), [rankBox]), section("solvers-card", t("challenge.solvers"), [solverBox]));
  const [ranking, solvers] = await Promise.all([api.challengeRanking(id), api.challengeSolvers(id, 10)]);
  rankBox.replaceChildren(...rankingSection(ranking));
  solverBox.replaceChildren(...solversSection(solvers));
}

/** The challenge's card: owner, state, money, dates, terms — what every reader may see. */
function overview(ch) {
  const pairs = [
    ["owner", ch.org_id ? el("a", { href: `#/org/${encodeURIComponent(ch.org_id)}`, text: ch.org_id }) : null],
    ["state", stateBadge(ch.state, "challenge-state")],
    ["level", word("level", ch.deliverable_level)],
    ["money", `${word("award", ch.award_kind)} ${wan(ch.amount_wan)}`],
    ["applyBy", ch.apply_by || ch.deadline],
    ["deadline", ch.deadline],
    ["confidentiality", word("conf", ch.confidentiality)],
    ["ipTerms", ch.ip_terms ? word("ipterms", ch.ip_terms) : null],
    ["opened", ch.opened_at ? when(ch.opened_at) : null],
    ["applications", String(ch.applications)],
    ["source", ch.source_request_id ? el("a", { href: href(`desk/r/${encodeURIComponent(ch.source_request_id)}`), text: ch.source_request_id }) : null],
    ["shortlist", ch.shortlist?.length ? ch.shortlist.join("、") : null],
    ["winners", ch.winners?.length ? ch.winners.join("、") : null],
    ["signed", ch.signed_amount_wan ? wan(ch.signed_amount_wan) : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  return el("div", { id: "challenge", className: "card", dataset: { id: ch.id, state: ch.state } }, [
    ch.summary ? el("p", { className: "request-text", text: ch.summary }) : null,
    ch.redacted ? el("p", { className: "status", text: t("challenge.redacted", { level: word("conf", ch.redacted) }) }) : null,
    el("dl", { className: "facts" }, pairs.flatMap(([k, v]) => [el("dt", { text: t(`challenge.f.${k}`) }), el("dd", null, [v])])),
  ]);
}

/** What the owner asks for: the problem, indicators, phases, parts, qualifications, IP. */
function asked(ch) {
  const list = (id, label, items) =>
    items?.length ? [el("h3", { text: label }), el("ul", { id }, items.map((x) => el("li", { text: x })))] : [];
  return [
    ch.problem ? el("p", { id: "challenge-problem", text: ch.problem }) : null,
    ...list("indicators", t("challenge.indicators"), ch.indicators?.map((i) => `${i.name} ${i.target}${i.unit}`)),
    ...list("phases", t("challenge.phases"), ch.phases?.map((p) => t("challenge.phaseDue", { name: p.name, due: p.due }))),
    ...list("parts", t("challenge.parts"), ch.parts),
    ...list("qualifications", t("challenge.qualifications"), ch.qualifications),
    ch.ip_text ? el("p", { text: t("challenge.ipNote", { text: ch.ip_text }) }) : null,
  ];
}
