/**
 * 对接会 One event: the plan's figures (objective, bound, gap), the organiser's grid (slots
 * × tables) where staff move meetings — drag a meeting onto another cell, or by keyboard:
 * Enter on a meeting selects it, Enter on the target moves it there (an occupied target is
 * swapped), Escape cancels; the server re-checks the rules and answers which broke — then
 * per-company agendas, outcome entry and the event's stats (event_parts.js).
 *
 * DOM contract (tests): #event[data-id] with #ev-objective, #ev-bound, #ev-gap, #ev-status;
 * #grid td button.cell[data-slot][data-table][data-a][data-b][aria-pressed];
 * #move-status[data-valid] with #move-violations li[data-rule]; the parts' own contract.
 */
import * as api from "../api.js";
import { el, fmt, pct, say, section, table, word } from "../dom.js";
import { t } from "../i18n.js";
import { agendaSection, outcomesSection, statsSection } from "./event_parts.js";

export async function render(main, ctx) {
  const id = ctx.params.id;
  let plan = await api.getEvent(id);
  const staff = Boolean(ctx.session && ctx.session.role === "staff");
  const ev = plan.event;
  const hhmm = (x) => String(x).slice(0, 5); // slots come as "09:00:00"
  const fact = (key, fid, value) => [el("dt", { text: t(key) }), el("dd", { id: fid, text: value })];
  const facts = el("dl", { className: "facts" });
  const drawFacts = () => facts.replaceChildren(...[
    fact("event.date", "ev-date", `${plan.date} · ${hhmm(ev.slots[0])}`),
    fact("event.participants", "ev-participants", String(ev.participants.length)),
    fact("event.meetings", "ev-meetings", String(plan.meetings.length)),
    fact("event.room", "ev-room", t("event.roomValue", { slots: ev.slots.length, tables: ev.tables })),
    fact("event.objective", "ev-objective", fmt(plan.objective)),
    fact("event.bound", "ev-bound", fmt(plan.bound)),
    fact("event.gap", "ev-gap", pct(plan.gap, 3)),
    fact("event.status", "ev-status", word("solve", plan.status)),
    fact("event.evidence", "ev-evidence", plan.evidence_note),
    plan.history_note ? fact("event.history", "ev-history", plan.history_note) : [],
  ].flat());
  drawFacts();
  main.append(
    el("h1", { tabindex: "-1", text: plan.name }),
    el("div", { id: "event", className: "card", dataset: { id } }, [
      facts,
      el("p", null, [
        el("a", { href: `/events/${encodeURIComponent(id)}/agenda.html`, target: "_blank", rel: "noopener", text: t("event.print") }),
      ]),
    ]),
  );

  // The organiser's grid.
  const gridBox = el("div", { id: "grid-box" });
  const moveStatus = el("div", { id: "move-status", className: "status", role: "status", "aria-live": "polite" });
  let picked = null; // the selected cell's {slot, table}
  const hint = el("p", { className: "muted", id: "grid-hint", text: staff ? t("event.gridHint") : t("event.gridReadOnly") });

  const move = async (from, to) => {
    picked = null;
    if (from.slot === to.slot && from.table === to.table) return drawGrid();
    try {
      const verdict = await api.moveMeeting(id, from, to);
      moveStatus.dataset.valid = String(verdict.valid);
      if (verdict.applied) {
        plan = await api.getEvent(id);
        say(moveStatus, t("event.moved", { n: verdict.moves.length }), "ok");
      } else {
        say(moveStatus, verdict.valid ? t("event.nothingMoved") : t("event.refused"), verdict.valid ? "" : "error");
      }
      if (verdict.violations.length) {
        moveStatus.append(el("ul", { id: "move-violations" }, verdict.violations.map((v) =>
          el("li", { dataset: { rule: v.rule }, text: `${word("rule", v.rule)}: ${v.message}` }))));
      }
      moveStatus.append(el("p", { className: "muted", text: t("event.checked", { rules: verdict.checked.map((r) => word("rule", r)).join("、") }) }));
    } catch (err) {
      say(moveStatus, t("common.error", { message: err.message }), "error");
    }
    drawGrid();
    drawFacts();
    parts.refresh(plan);
    const again = gridBox.querySelector(`button.cell[data-slot="${to.slot}"][data-table="${to.table}"]`);
    if (again instanceof HTMLElement) again.focus();
  };

  const cellButton = (slot, tbl, m) => {
    const label = m ? `${m.a_name} × ${m.b_name}` : t("event.free");
    const b = el("button", {
      type: "button", className: `cell${m ? "" : " free"}${m && m.exploratory ? " exploratory" : ""}`,
      dataset: { slot: String(slot), table: String(tbl), a: m ? m.a : "", b: m ? m.b : "" },
      "aria-pressed": staff ? "false" : null,
      "aria-label": t("event.cellLabel", { slot, time: hhmm(ev.slots[slot - 1]), table: tbl, what: label }),
      disabled: !staff && !m ? true : null,
      draggable: staff && m ? "true" : null,
      text: label,
    });
    if (m && m.exploratory) b.append(el("span", { className: "badge exploratory", text: t("badge.exploratory") }));
    if (!staff) return b;
    b.addEventListener("click", () => {
      if (picked) return move(picked, { slot, table: tbl });
      if (!m) return say(moveStatus, t("event.pickMeeting"));
      picked = { slot, table: tbl };
      b.setAttribute("aria-pressed", "true");
      say(moveStatus, t("event.picked", { what: label }));
    });
    b.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && picked) {
        picked = null;
        drawGrid();
        say(moveStatus, t("event.cancelled"));
      }
    });
    b.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData("text/plain", `${slot},${tbl}`);
      e.dataTransfer.effectAllowed = "move";
    });
    b.addEventListener("dragover", (e) => {
      e.preventDefault();
      b.classList.add("drop");
    });
    b.addEventListener("dragleave", () => b.classList.remove("drop"));
    b.addEventListener("drop", (e) => {
      e.preventDefault();
      const [s, tb] = (e.dataTransfer.getData("text/plain") || "").split(",").map(Number);
      if (s && tb) move({ slot: s, table: tb }, { slot, table: tbl });
    });
    return b;
  };

  const drawGrid = () => {
    const at = new Map(plan.meetings.map((m) => [`${m.slot},${m.table}`, m]));
    const rows = ev.slots.map((time, i) => el("tr", { dataset: { slot: String(i + 1) } }, [
      el("th", { scope: "row", text: hhmm(time) }),
      ...Array.from({ length: ev.tables }, (_, j) => el("td", null, [cellButton(i + 1, j + 1, at.get(`${i + 1},${j + 1}`))])),
    ]));
    const heads = [t("event.time"), ...Array.from({ length: ev.tables }, (_, j) => t("event.table", { n: j + 1 }))];
    gridBox.replaceChildren(table(t("event.grid"), heads, rows, { id: "grid", className: "grid-table" }));
    if (picked) gridBox.querySelector(`button.cell[data-slot="${picked.slot}"][data-table="${picked.table}"]`)?.setAttribute("aria-pressed", "true");
  };
  drawGrid();
  main.append(section("grid-card", t("event.grid"), [hint, moveStatus, gridBox]));

  const parts = {
    agenda: agendaSection(id, plan),
    outcomes: staff ? outcomesSection(id, plan) : null,
    stats: statsSection(id),
    refresh(p) {
      this.agenda.refresh(p);
      if (this.outcomes) this.outcomes.refresh(p);
    },
  };
  main.append(parts.agenda.node);
  if (parts.outcomes) main.append(parts.outcomes.node);
  main.append(parts.stats.node);
  await Promise.all([parts.outcomes ? parts.outcomes.load(() => parts.stats.load()) : null, parts.stats.load()]);
}
