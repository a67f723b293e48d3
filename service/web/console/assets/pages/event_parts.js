/**
 * The lower parts of an event's page: one company's agenda (why from its own side, its
 * calendar file), outcome entry per meeting (staff), and the event's stats.
 *
 * DOM contract (tests): #agenda-org (select), #agenda tbody tr[data-slot] (.why),
 * #agenda-ics; #outcomes tbody tr[data-a][data-b] select.outcome, #outcomes-save,
 * #outcomes-status[data-saved]; #event-stats .kpi[data-figure] .value.
 */
import * as api from "../api.js";
import { el, fmt, pct, say, section, table, word } from "../dom.js";
import { t } from "../i18n.js";

const STATUSES = ["held", "no_show", "signed", "follow_up"];

/** @param {string} id @param {import("../api.js").EventPlan} plan */
export function agendaSection(id, plan) {
  const pick = el("select", { id: "agenda-org" });
  const box = el("div", { id: "agenda-box" });
  const fill = (p) => {
    const chosen = pick.value;
    const names = new Map();
    for (const m of p.meetings) {
      names.set(m.a, m.a_name);
      names.set(m.b, m.b_name);
    }
    const ids = p.event.participants.map((x) => x.org_id);
    pick.replaceChildren(...ids.map((o) => el("option", { value: o, text: names.get(o) || o })));
    if (chosen && ids.includes(chosen)) pick.value = chosen;
  };
  const show = async () => {
    const org = pick.value;
    if (!org) return;
    const doc = await api.agenda(id, org);
    const rows = doc.meetings.map((m) => el("tr", { dataset: { slot: String(m.slot) } }, [
      el("td", { text: `${m.start.slice(11, 16)}–${m.end.slice(11, 16)}` }),
      el("td", { text: t("event.table", { n: m.table }) }),
      el("td", null, [el("a", { href: `#/org/${encodeURIComponent(m.counterpart)}`, text: m.counterpart_name }),
        m.exploratory ? el("span", { className: "badge exploratory", text: ` ${t("badge.exploratory")}` }) : null]),
      el("td", { className: "why", text: m.why }),
    ]));
    box.replaceChildren(
      el("h3", { id: "agenda-name", text: t("event.agendaOf", { name: doc.name }) }),
      rows.length
        ? table(t("event.agendaOf", { name: doc.name }), ["time", "table", "counterpart", "why"].map((c) => t(`event.col.${c}`)), rows, { id: "agenda" })
        : el("p", { id: "agenda", text: t("event.noMeetings") }),
      el("p", null, [el("a", { id: "agenda-ics", href: `/events/${encodeURIComponent(id)}/${encodeURIComponent(org)}.ics`, download: `${org}.ics`, text: t("event.ics") })]),
    );
  };
  pick.addEventListener("change", show);
  fill(plan);
  show();
  const node = section("agenda-card", t("event.agendas"), [el("label", null, [t("event.participant"), pick]), box]);
  return { node, refresh: (p) => { fill(p); show(); } };
}

/** @param {string} id @param {import("../api.js").EventPlan} plan */
export function outcomesSection(id, plan) {
  const box = el("div");
  const status = el("p", { id: "outcomes-status", className: "status", role: "status", "aria-live": "polite" });
  const save = el("button", { id: "outcomes-save", type: "button", className: "primary", text: t("event.saveOutcomes") });
  /** @type {Map<string, string>} */
  let recorded = new Map();
  let onSaved = () => {};
  const draw = (p) => {
    const rows = p.meetings.map((m) => {
      const key = `${m.a}|${m.b}`;
      const select = el("select", { className: "outcome", dataset: { a: m.a, b: m.b }, "aria-label": t("event.outcomeOf", { a: m.a_name, b: m.b_name }) },
        [el("option", { value: "", text: t("event.noOutcome") }), ...STATUSES.map((s) => el("option", { value: s, text: word("outcome", s) }))]);
      select.value = recorded.get(key) || "";
      return el("tr", { dataset: { a: m.a, b: m.b } }, [
        el("td", { text: `${m.start} · ${t("event.table", { n: m.table })}` }),
        el("td", { text: `${m.a_name} × ${m.b_name}` }),
        el("td", { text: fmt(m.score) }),
        el("td", null, [select]),
      ]);
    });
    box.replaceChildren(table(t("event.outcomes"), ["time", "pair", "score", "outcome"].map((c) => t(`event.col.${c}`)), rows, { id: "outcomes" }));
  };
  save.addEventListener("click", async () => {
    const rows = [];
    for (const s of box.querySelectorAll("select.outcome")) {
      const sel = /** @type {HTMLSelectElement} */ (s);
      const key = `${sel.dataset.a}|${sel.dataset.b}`;
      if (sel.value && sel.value !== recorded.get(key)) rows.push({ a: sel.dataset.a, b: sel.dataset.b, status: sel.value });
    }
    if (!rows.length) return say(status, t("event.nothingToSave"));
    save.disabled = true;
    try {
      const done = await api.recordOutcomes(id, rows);
      for (const o of done) recorded.set(`${o.a}|${o.b}`, o.status);
      status.dataset.saved = String(done.length);
      say(status, t("event.outcomesSaved", { n: done.length }), "ok");
      await onSaved();
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    } finally {
      save.disabled = false;
    }
  });
  const node = section("outcomes-card", t("event.outcomes"), [el("p", { className: "muted", text: t("event.outcomesHint") }), box, el("div", { className: "form-row" }, [save]), status]);
  return {
    node,
    refresh: draw,
    async load(after) {
      onSaved = after;
      recorded = new Map((await api.outcomes(id)).map((o) => [`${o.a}|${o.b}`, o.status]));
      draw(plan);
    },
  };
}

/** @param {string} id */
export function statsSection(id) {
  const box = el("div", { className: "kpis" });
  const node = section("event-stats", t("event.stats"), [box]);
  const kpi = (fid, label, value) =>
    el("div", { className: "kpi", dataset: { figure: fid } }, [el("div", { className: "label", text: label }), el("div", { className: "value", text: value })]);
  return {
    node,
    async load() {
      const s = await api.eventStats(id);
      box.replaceChildren(
        kpi("meetings", t("event.meetings"), String(s.meetings)),
        kpi("recorded", t("event.recorded"), `${s.recorded} / ${s.meetings}`),
        kpi("held", t("event.held"), String(s.held)),
        kpi("no_show_rate", t("event.noShowRate"), pct(s.no_show_rate)),
        kpi("signed", t("event.signed"), String(s.signed)),
        kpi("cooperation_rate", t("event.cooperationRate"), pct(s.cooperation_rate)),
        kpi("partners", t("event.partners"), String(s.companies_with_partner)),
      );
    },
  };
}
