/**
 * One request: its text, company, state, clocks, the timeline of its append-only log, the
 * moves the signed-in role may make (each a small form with the fields that move needs),
 * the company's confirmation with a rating, and suggestions — solvers with reasons and
 * handlers with one-click assignment (签收 first when the request is still new).
 *
 * DOM contract (tests): #request[data-id][data-state], #timeline li[data-action],
 * #clocks li[data-clock][data-overdue], #moves button[data-move], #move-form (#move-note,
 * #move-handler, #move-solver, #move-callback, #move-into), #confirm-form (#confirm-rating,
 * #confirm-note), #handlers button[data-handler], #solvers li.result, #request-status.
 */
import * as api from "../api.js";
import { el, say, section, when, word } from "../dom.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";

/** Which fields a move asks for (the library checks them; the form only offers them). */
const FIELDS = {
  assigned: ["handler", "note"],
  in_progress: ["handler", "note"],
  resolved: ["note", "solver"],
  returned: ["note"],
  merged: ["into", "note"],
  waiting_on_company: ["note"],
  closed: ["callback", "note"],
  withdrawn: ["callback", "note"],
  reopened: ["note"],
  accepted: ["note"],
};

export async function render(main, ctx) {
  if (!ctx.require("signin")) return;
  const id = ctx.params.id;
  const role = ctx.session.role;
  const req = await api.deskRequest(id);
  const status = el("p", { id: "request-status", className: "status", role: "status", "aria-live": "polite" });
  const reload = (message) => {
    go(href(`desk/r/${encodeURIComponent(id)}`, message ? { done: message } : {}));
  };
  main.append(
    el("h1", { tabindex: "-1", text: t("request.title", { id }) }),
    el("div", { id: "request", className: "card", dataset: { id, state: req.state } }, [
      el("p", { className: "request-text", text: req.text }),
      el("p", null, [
        `${t("request.org")}: `,
        el("a", { href: `#/org/${encodeURIComponent(req.org_id)}`, text: req.org_id }),
        ` · ${word("rkind", req.kind)} · ${t(`urgency.${req.urgency}`)} · ${t("request.filedAt", { at: when(req.filed_at) })}`,
      ]),
      el("p", null, [
        el("span", { id: "request-state", className: "badge", text: word("state", req.state) }),
        req.handler ? ` ${t("desk.col.handler")}: ${req.handler}` : null,
      ]),
    ]),
    status,
  );
  if (ctx.query.get("done")) say(status, t("request.done", { state: word("state", req.state) }), "ok");

  const clocks = Object.entries(req.clocks).map(([name, c]) =>
    el("li", { dataset: { clock: name, overdue: String(Boolean(c.overdue)) } }, [
      c.overdue ? el("span", { className: "badge bad", text: t("desk.overdue") }) : null,
      ` ${t("clock.status", { clock: word("clock", name), status: word("clockstatus", c.status) })}`,
      c.due_at ? ` · ${t("desk.dueAt", { clock: "", at: when(c.due_at) }).trim()}` : "",
    ]));
  const timeline = el("ol", { id: "timeline", className: "timeline" }, req.log.map((line) =>
    el("li", { dataset: { action: line.action, seq: String(line.seq) } }, [
      el("div", null, [
        el("strong", { text: line.from ? t("request.logLine", { from: word("state", line.from), to: word("state", line.to || line.from) }) : word("state", line.to || "") }),
        line.handler ? ` · ${line.handler}` : "",
      ]),
      line.note ? el("div", { text: line.note }) : null,
      el("div", { className: "meta", text: `${when(line.at)} · ${t("request.by", { actor: line.actor, role: word("actor", line.role) })}` }),
    ])));
  main.append(el("div", { className: "grid2" }, [
    section("clocks-card", t("request.clocks"), [el("ul", { id: "clocks" }, clocks)]),
    section("timeline-card", t("request.timeline"), [timeline]),
  ]));

  // Moves this role may make now.
  const moves = (req.allowed_moves[role] || []).filter((m) => !(role === "company" && m === "closed"));
  const formBox = el("div");
  const buttons = el("div", { id: "moves", className: "actions" }, moves.map((m) =>
    el("button", { type: "button", dataset: { move: m }, text: t("request.move", { state: word("state", m) }),
      onclick: () => formBox.replaceChildren(moveForm(id, m, role, status, reload)) })));
  const actions = [moves.length ? buttons : el("p", { text: t("request.noActions") }), formBox];
  if (role === "company" && (req.allowed_moves.company || []).includes("closed")) actions.push(confirmForm(id, status, reload));
  main.append(section("actions-card", t("request.actions"), actions));

  if (role === "staff" && !["closed", "withdrawn", "merged", "returned"].includes(req.state)) {
    const box = el("div", null, [el("p", { className: "status", text: t("common.loading") })]);
    main.append(section("suggestions-card", t("request.suggestions"), [box]));
    const sug = await api.suggestions(id, 5);
    const canAssign = ["new", ...STAFF_ASSIGNABLE].includes(req.state);
    box.replaceChildren(
      el("h3", { text: t("request.handlers") }),
      sug.handlers.length
        ? el("ul", { id: "handlers" }, sug.handlers.map((h) => el("li", null, [
            `${h.handler} · ${h.explanation} `,
            canAssign ? el("button", { type: "button", className: "primary", dataset: { handler: h.handler },
              text: t("request.assign", { who: h.handler }),
              onclick: () => assign(id, req.state, h.handler, status, reload) }) : null,
          ])))
        : el("p", { text: t("request.noSuggestions") }),
      el("h3", { text: t("request.suggestions") }),
      el("ol", { id: "solvers", className: "result-list" }, sug.results.map((r) =>
        el("li", { className: "result", dataset: { org: r.org_id, exploratory: String(Boolean(r.exploratory)) } }, [
          el("div", { className: "result-head" }, [
            el("a", { className: "result-name", href: `#/org/${encodeURIComponent(r.org_id)}`, text: r.name }),
            r.exploratory ? el("span", { className: "badge exploratory", text: t("badge.exploratory") }) : null,
            el("span", { className: "result-score", text: Number(r.score).toFixed(3) }),
          ]),
          el("p", { className: "result-explanation", text: r.explanation }),
        ]))),
    );
  }
}

const STAFF_ASSIGNABLE = ["accepted", "assigned", "in_progress", "reopened", "waiting_on_company"];

async function assign(id, state, handler, status, reload) {
  try {
    if (state === "new") await api.moveRequest(id, { to: "accepted" });
    await api.moveRequest(id, { to: "assigned", handler });
    reload("assigned");
  } catch (err) {
    say(status, t("common.error", { message: err.message }), "error");
  }
}

function moveForm(id, move, role, status, reload) {
  const fields = (FIELDS[move] || ["note"]).filter((f) => !(f === "callback" && role !== "staff"));
  /** @type {Record<string, HTMLElement>} */
  const inputs = {};
  const rows = fields.map((f) => {
    if (f === "callback") {
      inputs[f] = el("input", { id: "move-callback", type: "checkbox" });
      return el("label", { className: "inline" }, [inputs[f], t("request.callback")]);
    }
    inputs[f] = f === "note"
      ? el("textarea", { id: "move-note", rows: "2", maxlength: "2000" })
      : el("input", { id: `move-${f}`, maxlength: "100" });
    const label = { note: "request.note", handler: "request.handlerField", solver: "request.solver", into: "request.into" }[f];
    return el("label", { className: "wide" }, [t(label), inputs[f]]);
  });
  const form = el("form", { id: "move-form", className: "move-form", dataset: { move } }, [
    el("h3", { text: t("request.move", { state: word("state", move) }) }),
    ...rows,
    el("div", { className: "form-row" }, [el("button", { type: "submit", className: "primary", text: t("common.submit") })]),
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    /** @type {Record<string, unknown>} */
    const body = { to: move };
    for (const [f, input] of Object.entries(inputs)) {
      if (f === "callback") body.callback = /** @type {HTMLInputElement} */ (input).checked;
      else {
        const v = /** @type {HTMLInputElement} */ (input).value.trim();
        if (v) body[f] = v;
      }
    }
    try {
      await api.moveRequest(id, body);
      reload(move);
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  setTimeout(() => form.querySelector("input, textarea")?.focus(), 0);
  return form;
}

function confirmForm(id, status, reload) {
  const rating = el("select", { id: "confirm-rating" }, [5, 4, 3, 2, 1].map((n) => el("option", { value: String(n), text: String(n) })));
  const note = el("textarea", { id: "confirm-note", rows: "2", maxlength: "2000" });
  const form = el("form", { id: "confirm-form", className: "move-form" }, [
    el("h3", { text: t("request.confirm") }),
    el("label", null, [t("request.rating"), rating]),
    el("label", { className: "wide" }, [t("request.note"), note]),
    el("div", { className: "form-row" }, [el("button", { type: "submit", className: "primary", text: t("request.confirmButton") })]),
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const v = /** @type {HTMLTextAreaElement} */ (note).value.trim();
      await api.confirmRequest(id, { rating: Number(/** @type {HTMLSelectElement} */ (rating).value), ...(v ? { note: v } : {}) });
      reload("closed");
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  return form;
}
