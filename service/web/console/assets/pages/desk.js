/**
 * 诉求台 Demand desk queue: open requests (or all), overdue first, with due/overdue badges;
 * filters as chips (state, kind, overdue, finished) kept in the URL; a form to file one.
 *
 * DOM contract (tests): #queue tbody tr[data-id][data-overdue] with .badge.overdue or
 * .badge.due; .chips button.chip[data-filter][data-value]; #file-form (#file-org,
 * #file-kind, #file-urgency, #file-text); #queue-count.
 */
import * as api from "../api.js";
import { el, say, section, table, when, word } from "../dom.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";

const STATES = ["new", "accepted", "assigned", "in_progress", "waiting_on_company", "resolved", "reopened"];
const KINDS = ["supply", "technology", "finance", "policy", "talent", "premises", "other"];

export async function render(main, ctx) {
  if (!ctx.require("signin")) return;
  const q = ctx.query;
  const f = { state: q.get("state") || "", kind: q.get("kind") || "", overdue: q.get("overdue") === "1", all: q.get("all") === "1" };
  const urlWith = (change) => {
    const next = { state: f.state, kind: f.kind, overdue: f.overdue ? "1" : "", all: f.all ? "1" : "", ...change };
    return href("desk", next);
  };
  const chips = (label, name, options, selected) =>
    el("div", { className: "chips", role: "group", "aria-label": label }, [
      el("span", { className: "chips-label", "aria-hidden": "true", text: label }),
      ...options.map(([value, text]) =>
        el("button", {
          type: "button", className: "chip", dataset: { filter: name, value }, "aria-pressed": String(selected === value), text,
          onclick: () => go(urlWith({ [name]: selected === value ? "" : value })),
        })),
    ]);
  const toggles = el("div", { className: "chips", role: "group", "aria-label": t("desk.filters") }, [
    el("button", { type: "button", className: "chip", dataset: { filter: "overdue", value: "1" }, "aria-pressed": String(f.overdue), text: t("desk.overdueOnly"),
      onclick: () => go(urlWith({ overdue: f.overdue ? "" : "1" })) }),
    el("button", { type: "button", className: "chip", dataset: { filter: "all", value: "1" }, "aria-pressed": String(f.all), text: t("desk.includeFinished"),
      onclick: () => go(urlWith({ all: f.all ? "" : "1" })) }),
  ]);
  main.append(
    el("h1", { tabindex: "-1", text: t("desk.title") }),
    el("p", { className: "lead", text: t("desk.lead") }),
    el("div", { className: "card", role: "group", "aria-label": t("desk.filters") }, [
      chips(t("desk.state"), "state", STATES.map((s) => [s, word("state", s)]), f.state),
      chips(t("desk.kindFilter"), "kind", KINDS.map((k) => [k, word("rkind", k)]), f.kind),
      toggles,
    ]),
  );
  const doc = await api.deskQueue({ state: f.state, overdue: f.overdue, all: f.all });
  const rows = doc.requests.filter((r) => !f.kind || r.kind === f.kind);
  const count = el("p", { id: "queue-count", className: "status", role: "status",
    text: t("desk.count", { n: rows.length, overdue: rows.filter((r) => r.overdue).length }) });
  const body = rows.map((r) =>
    el("tr", { dataset: { id: r.id, overdue: String(Boolean(r.overdue)) } }, [
      el("td", null, [el("a", { href: href(`desk/r/${encodeURIComponent(r.id)}`), text: r.id })]),
      el("td", null, [el("a", { href: `#/org/${encodeURIComponent(r.org_id)}`, text: r.org_id })]),
      el("td", { text: r.text }),
      el("td", { text: word("rkind", r.kind) }),
      el("td", null, [el("span", { className: "badge", dataset: { state: r.state }, text: word("state", r.state) }),
        r.urgency === "urgent" ? el("span", { className: "badge warn", text: ` ${t("desk.urgent")}` }) : null]),
      el("td", { text: r.handler || "" }),
      el("td", null, [
        r.overdue ? el("span", { className: "badge bad overdue", text: t("desk.overdue") })
          : r.due_at ? el("span", { className: "badge warn due", text: t("desk.due") }) : null,
        r.due_at ? ` ${t("desk.dueAt", { clock: word("clock", r.clock), at: when(r.due_at) })}` : t("desk.noClock"),
      ]),
    ]));
  main.append(section("queue-card", t("desk.queue"), [
    count,
    rows.length
      ? table(t("desk.queue"), ["id", "org", "text", "kind", "state", "handler", "due"].map((c) => t(`desk.col.${c}`)), body, { id: "queue" })
      : el("p", { text: t("desk.empty") }),
  ]));
  main.append(fileForm(ctx));
}

function fileForm(ctx) {
  const s = ctx.session;
  const org = el("input", { id: "file-org", name: "org_id", required: true, value: s.role === "company" ? s.org : "", readonly: s.role === "company" ? true : null });
  const kind = el("select", { id: "file-kind", name: "kind" }, KINDS.map((k) => el("option", { value: k, text: word("rkind", k) })));
  const urgency = el("select", { id: "file-urgency", name: "urgency" }, ["normal", "urgent"].map((u) => el("option", { value: u, text: t(`urgency.${u}`) })));
  const text = el("textarea", { id: "file-text", name: "text", rows: "3", required: true, minlength: "2", maxlength: "2000" });
  const status = el("p", { className: "status", role: "status", "aria-live": "polite" });
  const form = el("form", { id: "file-form" }, [
    el("div", { className: "form-row" }, [
      el("label", null, [t("desk.fileOrg"), org]),
      el("label", null, [t("desk.fileKind"), kind]),
      el("label", null, [t("desk.fileUrgency"), urgency]),
    ]),
    el("label", { className: "wide" }, [t("desk.fileText"), text]),
    el("div", { className: "form-row" }, [el("button", { type: "submit", className: "primary", text: t("desk.fileButton") })]),
    status,
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const req = await api.fileRequest({
        org_id: /** @type {HTMLInputElement} */ (org).value.trim(),
        text: /** @type {HTMLTextAreaElement} */ (text).value.trim(),
        kind: /** @type {HTMLSelectElement} */ (kind).value,
        urgency: /** @type {HTMLSelectElement} */ (urgency).value,
      });
      go(href(`desk/r/${encodeURIComponent(req.id)}`));
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  return section("file-card", t("desk.file"), [form]);
}
