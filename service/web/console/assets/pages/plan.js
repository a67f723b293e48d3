/**
 * 规划对接会 Plan wizard (staff): 1 theme and shortlist (who should come, and why), 2 the
 * room (slots, tables), 3 requests (must meet / meet / no thanks) and unavailability,
 * 4 plan — a job on the server whose progress, best objective, bound and gap the page
 * polls and shows, then a link to the organiser's grid.
 *
 * DOM contract (tests): #plan-name, #plan-date, #plan-chain, #plan-region, #plan-size,
 * #plan-shortlist; #shortlist tbody tr[data-org] (input.keep, .reason); #plan-start,
 * #plan-minutes, #plan-slots, #plan-tables; #pair-a, #pair-b, #pair-pref, #pair-add,
 * #pairs li[data-a][data-b][data-pref]; #unavail input[data-org][data-slot];
 * #plan-time, #plan-run; #job[data-state][data-phase] with progress#job-bar,
 * #job-objective, #job-bound, #job-gap (#shortlist-job the same for step 1); #plan-open.
 */
import * as api from "../api.js";
import { el, fmt, pct, say, section, table, word } from "../dom.js";
import { getLang, t } from "../i18n.js";
import { href } from "../router.js";

const PREFS = ["must_meet", "meet", "no_thanks"];
const POLL_MS = 250;

/** Start a plan job and poll it until it ends; `tick` sees every answer. */
async function runJob(body, tick) {
  const { job_id } = await api.startPlan(body);
  for (;;) {
    const job = await api.planJob(job_id);
    tick(job);
    if (job.state === "done") return job.result;
    if (job.state === "failed") throw new api.ApiError(job.error.detail, job.error_status, job.error.errors);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function jobBox(id) {
  const bar = el("progress", { id: `${id}-bar`, max: "1", value: "0", "aria-labelledby": `${id}-label` });
  const label = el("span", { id: `${id}-label`, text: t("plan.job.waiting") });
  const fig = (id, key) => [el("dt", { text: t(key) }), el("dd", { id, text: t("stats.none") })];
  const box = el("div", { id, className: "job", dataset: { state: "idle" } }, [
    el("div", { className: "job-line" }, [label, bar]),
    el("dl", { className: "facts" }, [...fig(`${id}-objective`, "plan.job.objective"), ...fig(`${id}-bound`, "plan.job.bound"), ...fig(`${id}-gap`, "plan.job.gap")]),
  ]);
  box.hidden = true;
  const show = (job) => {
    box.hidden = false;
    box.dataset.state = job.state;
    box.dataset.phase = job.phase || "";
    bar.value = job.progress;
    label.textContent = t("plan.job.line", { phase: word("phase", job.phase || job.state), pct: Math.round(job.progress * 100) });
    box.querySelector(`#${id}-objective`).textContent = job.best_objective === null ? t("stats.none") : fmt(job.best_objective);
    box.querySelector(`#${id}-bound`).textContent = job.bound === null ? t("stats.none") : fmt(job.bound);
    box.querySelector(`#${id}-gap`).textContent = job.gap === null ? t("stats.none") : pct(job.gap, 3);
  };
  return { box, show };
}

const field = (label, input) => el("label", null, [label, input]);

export async function render(main, ctx) {
  if (!ctx.require("staff")) return;
  const chains = (await api.chains()).chains;
  const zh = getLang() === "zh";
  const day = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
  const $ = {
    name: el("input", { id: "plan-name", required: true, maxlength: "200", value: t("plan.defaultName") }),
    date: el("input", { id: "plan-date", type: "date", required: true, value: day }),
    chain: el("select", { id: "plan-chain" }, [el("option", { value: "", text: t("plan.anyChain") }),
      ...chains.map((c) => el("option", { value: c.id, text: zh ? c.name : c.name_en }))]),
    region: el("input", { id: "plan-region", maxlength: "64" }),
    size: el("input", { id: "plan-size", type: "number", min: "2", max: "250", value: "20" }),
    start: el("input", { id: "plan-start", type: "time", value: "09:00" }),
    minutes: el("input", { id: "plan-minutes", type: "number", min: "5", max: "240", value: "20" }),
    slots: el("input", { id: "plan-slots", type: "number", min: "1", max: "24", value: "6" }),
    tables: el("input", { id: "plan-tables", type: "number", min: "1", max: "1000", value: "10" }),
    time: el("input", { id: "plan-time", type: "number", min: "1", max: "60", value: "5" }),
  };
  $.chain.value = chains.some((c) => c.id === "nev") ? "nev" : "";
  /** @type {{list: import("../api.js").ShortlistEntry[], pairs: {a: string, b: string, preference: string}[]}} */
  const st = { list: [], pairs: [] };

  const slotTimes = () => {
    const [h, m] = ($.start.value || "09:00").split(":").map(Number);
    const n = Math.max(1, Number($.slots.value) || 1), len = Number($.minutes.value) || 20;
    return Array.from({ length: n }, (_, i) => {
      const x = h * 60 + m + i * len;
      return `${String(Math.floor(x / 60) % 24).padStart(2, "0")}:${String(x % 60).padStart(2, "0")}`;
    });
  };
  const eventBase = () => ({
    name: $.name.value.trim(), date: $.date.value, timezone: "Asia/Shanghai",
    theme: { chains: $.chain.value ? [$.chain.value] : [], regions: $.region.value.trim() ? [$.region.value.trim()] : [] },
    slots: slotTimes(), meeting_minutes: Number($.minutes.value) || 20, tables: Number($.tables.value) || 1,
  });

  // 1 — theme and shortlist
  const job1 = jobBox("shortlist-job");
  const status1 = el("p", { className: "status", role: "status", "aria-live": "polite" });
  const listBox = el("div", { id: "shortlist-box" });
  const shortlistBtn = el("button", { id: "plan-shortlist", type: "button", className: "primary", text: t("plan.shortlist") });
  shortlistBtn.addEventListener("click", async () => {
    shortlistBtn.disabled = true;
    say(status1, t("plan.shortlisting"));
    try {
      const plan = await runJob({ event: eventBase(), participants: Number($.size.value) || 20, time_limit: 2, save: false }, job1.show);
      st.list = plan.shortlist;
      st.pairs = [];
      say(status1, t("plan.shortlisted", { n: st.list.length }), "ok");
      drawShortlist();
      drawRequests();
    } catch (err) {
      say(status1, t("common.error", { message: err.message }), "error");
    } finally {
      shortlistBtn.disabled = false;
    }
  });
  const drawShortlist = () => {
    const rows = st.list.map((e) => el("tr", { dataset: { org: e.org_id } }, [
      el("td", null, [el("input", { type: "checkbox", className: "keep", checked: true, "aria-label": t("plan.keep", { name: e.name }), onchange: drawRequests })]),
      el("td", null, [el("a", { href: `#/org/${encodeURIComponent(e.org_id)}`, text: e.name })]),
      el("td", { text: fmt(e.strength) }),
      el("td", { className: "reason", text: e.reason }),
    ]));
    listBox.replaceChildren(table(t("plan.shortlistTitle"), [t("plan.col.keep"), t("plan.col.name"), t("plan.col.strength"), t("plan.col.reason")], rows, { id: "shortlist" }));
  };
  const kept = () => st.list.filter((e) => listBox.querySelector(`tr[data-org="${CSS.escape(e.org_id)}"] input.keep`)?.checked);

  // 3 — requests and unavailability
  const pairA = el("select", { id: "pair-a" }), pairB = el("select", { id: "pair-b" });
  const pairPref = el("select", { id: "pair-pref" }, PREFS.map((p) => el("option", { value: p, text: word("pref", p) })));
  const pairsList = el("ul", { id: "pairs" });
  const unavailBox = el("div", { id: "unavail-box" });
  const pairStatus = el("p", { className: "status", role: "status", "aria-live": "polite" });
  const pairAdd = el("button", { id: "pair-add", type: "button", text: t("plan.addPair") });
  pairAdd.addEventListener("click", () => {
    const a = pairA.value, b = pairB.value;
    if (!a || !b || a === b) return say(pairStatus, t("plan.pairSame"), "error");
    st.pairs = st.pairs.filter((p) => !(new Set([p.a, p.b]).has(a) && new Set([p.a, p.b]).has(b)));
    st.pairs.push({ a, b, preference: pairPref.value });
    say(pairStatus, "");
    drawPairs();
  });
  const nameOf = (id) => st.list.find((e) => e.org_id === id)?.name || id;
  const drawPairs = () => pairsList.replaceChildren(...st.pairs.map((p, i) =>
    el("li", { dataset: { a: p.a, b: p.b, pref: p.preference } }, [
      `${nameOf(p.a)} × ${nameOf(p.b)} · ${word("pref", p.preference)} `,
      el("button", { type: "button", className: "link", text: t("plan.remove"), "aria-label": t("plan.removePair", { a: nameOf(p.a), b: nameOf(p.b) }),
        onclick: () => { st.pairs.splice(i, 1); drawPairs(); } }),
    ])));
  const drawRequests = () => {
    const people = kept();
    const opts = () => people.map((e) => el("option", { value: e.org_id, text: e.name }));
    pairA.replaceChildren(...opts());
    pairB.replaceChildren(...opts());
    if (people.length > 1) pairB.selectedIndex = 1;
    const times = slotTimes();
    const rows = people.map((e) => el("tr", { dataset: { org: e.org_id } }, [
      el("th", { scope: "row", text: e.name }),
      ...times.map((time, s) => el("td", null, [el("input", { type: "checkbox", dataset: { org: e.org_id, slot: String(s + 1) }, "aria-label": t("plan.away", { name: e.name, time }) })])),
    ]));
    unavailBox.replaceChildren(table(t("plan.unavailable"), [t("plan.col.name"), ...times], rows, { id: "unavail" }));
    drawPairs();
  };

  // 4 — plan
  const job2 = jobBox("job");
  const status4 = el("div", { className: "status", role: "status", "aria-live": "polite" });
  const runBtn = el("button", { id: "plan-run", type: "button", className: "primary", text: t("plan.run") });
  runBtn.addEventListener("click", async () => {
    const people = kept();
    if (people.length < 2) return say(status4, t("plan.needShortlist"), "error");
    const away = {};
    for (const box of unavailBox.querySelectorAll("input[data-slot]:checked")) (away[box.dataset.org] ||= []).push(Number(box.dataset.slot));
    const ids = new Set(people.map((e) => e.org_id));
    const event = {
      ...eventBase(),
      participants: people.map((e) => ({ org_id: e.org_id, min_meetings: 1, unavailable: away[e.org_id] || [] })),
      pairs: st.pairs.filter((p) => ids.has(p.a) && ids.has(p.b)),
    };
    runBtn.disabled = true;
    say(status4, t("plan.planning"));
    try {
      const plan = await runJob({ event, time_limit: Number($.time.value) || 5, save: true }, job2.show);
      say(status4, t("plan.planned", { n: plan.meetings.length, status: word("solve", plan.status), gap: pct(plan.gap) }), "ok");
      status4.append(" ", el("a", { id: "plan-open", href: href(`events/${encodeURIComponent(plan.event_id)}`), text: t("plan.open") }));
    } catch (err) {
      say(status4, t("common.error", { message: err.message }), "error");
      if (err.errors?.length) status4.append(el("ul", { id: "plan-errors" }, err.errors.map((e) => el("li", { text: `${e.field}: ${e.message}` }))));
    } finally {
      runBtn.disabled = false;
    }
  });

  main.append(
    el("h1", { tabindex: "-1", text: t("plan.title") }),
    el("p", { className: "lead", text: t("plan.lead") }),
    section("step-theme", t("plan.step1"), [
      el("div", { className: "form-row" }, [field(t("plan.name"), $.name), field(t("plan.date"), $.date), field(t("plan.chain"), $.chain),
        field(t("plan.region"), $.region), field(t("plan.size"), $.size), shortlistBtn]),
      status1, job1.box, listBox,
    ]),
    section("step-room", t("plan.step2"), [
      el("div", { className: "form-row" }, [field(t("plan.start"), $.start), field(t("plan.minutes"), $.minutes), field(t("plan.slots"), $.slots), field(t("plan.tables"), $.tables)]),
      el("p", { className: "muted", text: t("plan.roomHint") }),
    ]),
    section("step-requests", t("plan.step3"), [
      el("div", { className: "form-row" }, [field(t("plan.pairA"), pairA), field(t("plan.pairB"), pairB), field(t("plan.pref"), pairPref), pairAdd]),
      pairStatus, pairsList,
      el("h3", { text: t("plan.unavailable") }),
      el("p", { className: "muted", text: t("plan.unavailableHint") }),
      unavailBox,
    ]),
    section("step-run", t("plan.step4"), [
      el("div", { className: "form-row" }, [field(t("plan.timeLimit"), $.time), runBtn]),
      job2.box, status4,
    ]),
  );
  for (const input of [$.slots, $.start, $.minutes]) input.addEventListener("change", () => st.list.length && drawRequests());
}
