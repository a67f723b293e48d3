/**
 * 对接会 Matchmaking events: the stored events (newest first) with the totals, and the
 * series figures from GET /events/stats — companies served once / several times / never,
 * repeat pairs, partner-found rate beside the park's 5 % reference, per chain and month.
 * Staff get the link to plan a new event.
 *
 * DOM contract (tests): #events-table tbody tr[data-id] (a link per event), #events-count,
 * #new-event (staff), #series .kpi[data-figure] .value, #series-chains tbody tr[data-chain],
 * #series-months tbody tr[data-month].
 */
import * as api from "../api.js";
import { el, pct, section, table, word } from "../dom.js";
import { t } from "../i18n.js";
import { href } from "../router.js";

export async function render(main, ctx) {
  const [doc, series] = await Promise.all([api.events(), api.seriesStats()]);
  const staff = ctx.session && ctx.session.role === "staff";
  main.append(
    el("h1", { tabindex: "-1", text: t("events.title") }),
    el("p", { className: "lead", text: t("events.lead") }),
    staff
      ? el("p", null, [el("a", { id: "new-event", className: "button primary-link", href: href("events/new"), text: t("events.new") })])
      : null,
  );
  const rows = doc.events.map((e) =>
    el("tr", { dataset: { id: e.event_id } }, [
      el("td", null, [el("a", { href: href(`events/${encodeURIComponent(e.event_id)}`), text: e.name })]),
      el("td", { text: e.date }),
      el("td", { text: String(e.participants) }),
      el("td", { text: String(e.meetings) }),
      el("td", { text: word("solve", e.status) }),
      el("td", { text: e.event_id }),
    ]));
  const tot = doc.totals;
  main.append(section("events-card", t("events.list"), [
    el("p", { id: "events-count", className: "status", role: "status",
      text: t("events.count", { n: doc.events.length, companies: tot.companies, held: tot.held, signed: tot.signed }) }),
    rows.length
      ? table(t("events.list"), ["name", "date", "participants", "meetings", "status", "id"].map((c) => t(`events.col.${c}`)), rows, { id: "events-table" })
      : el("p", { text: t("events.none") }),
  ]));
  main.append(seriesSection(series));
}

function seriesSection(s) {
  const kpi = (id, label, value) =>
    el("div", { className: "kpi", dataset: { figure: id } }, [el("div", { className: "label", text: label }), el("div", { className: "value", text: value })]);
  const kpis = el("div", { className: "kpis" }, [
    kpi("events", t("series.events"), String(s.events)),
    kpi("held", t("series.held"), String(s.held)),
    kpi("served", t("series.served"), t("series.servedValue", { once: s.served_once, several: s.served_several, never: s.never_served })),
    kpi("repeat", t("series.repeat"), `${s.repeat_pairs} (${pct(s.repeat_pair_rate)})`),
    kpi("partner", t("series.partnerFound"), `${pct(s.partner_found_rate)} (${s.partner_found}/${s.companies})`),
    kpi("reference", t("series.reference"), pct(s.reference_rate)),
  ]);
  const chains = s.chains.map((c) => el("tr", { dataset: { chain: c.chain } },
    [c.name, String(c.events), String(c.park), String(c.companies), String(c.never_served), pct(c.partner_found_rate)].map((x) => el("td", { text: x }))));
  const months = s.months.map((m) => el("tr", { dataset: { month: m.month } },
    [m.month, String(m.events), String(m.companies), String(m.partner_found), pct(m.partner_found_rate)].map((x) => el("td", { text: x }))));
  return section("series", t("series.title"), [
    kpis,
    el("h3", { text: t("series.byChain") }),
    table(t("series.byChain"), ["chain", "events", "park", "companies", "never", "rate"].map((c) => t(`series.col.${c}`)), chains, { id: "series-chains" }),
    el("h3", { text: t("series.byMonth") }),
    table(t("series.byMonth"), ["month", "events", "companies", "partner", "rate"].map((c) => t(`series.col.${c}`)), months, { id: "series-months" }),
  ]);
}
