/**
 * 政策工具箱 Policy toolkit: every item with its kind, department, benefit and who may use it
 * (its condition tree in words); for one organisation — a company's own, or the one staff
 * choose — the eligibility match in four groups (eligible, nearly: closest first, not
 * eligible, not enough data), each item with the conditions that stand in its way and the
 * clauses the API cites, park providers for the gaps, and every condition checked; and the
 * organisation's declared facts, which the company (or staff) may update.
 *
 * DOM contract (tests): #items tbody tr[data-id]; #org-form (#org-id); #match[data-org];
 * #match-count; #match-eligible, #match-nearly, #match-not_eligible, #match-unknown each
 * li.item[data-item][data-outcome] with .reasons li[data-status][data-field] and
 * .providers li[data-org]; #facts tbody tr[data-field]; #facts-form (#fact-<field>,
 * #facts-as-of); #toolkit-status.
 */
import * as api from "../api.js";
import { el, say, section, table, word } from "../dom.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";

const GROUPS = ["eligible", "nearly", "not_eligible", "unknown"];
/** The facts an organisation declares (the API's STORED_FIELDS), founded a date. */
const FACTS = ["founded", "employees", "revenue", "rd_spend", "rd_ratio", "rd_staff_ratio", "invention_patents", "ip_count", "tax"];

/** A value from the API as text: lists joined, numbers without trailing zeros. */
function show(value) {
  if (Array.isArray(value)) return value.map(show).join("、");
  if (typeof value === "number") return String(Number(value.toFixed(4)));
  return value === null || value === undefined ? "" : String(value);
}

/** A condition tree in words: each leaf's own words (or field, operator and value). */
function describe(node) {
  if (node.kind === "condition") return node.label || `${word("fact", node.field)} ${word("op", node.op)} ${show(node.value)}`;
  const parts = node.items.map(describe);
  if (node.kind !== "any") return parts.join(t("toolkit.and"));
  // a clause's own words may start with "或" (or); the separator says it already
  return t("toolkit.anyOf", { parts: parts.map((p) => p.replace(/^(或|or\s)/, "")).join(t("toolkit.or")) });
}

export async function render(main, ctx) {
  if (!ctx.require("signin")) return;
  const s = ctx.session;
  const orgId = s.role === "company" ? s.org : (ctx.query.get("org") || "").trim();
  const status = el("p", { id: "toolkit-status", className: "status", role: "status", "aria-live": "polite" });
  main.append(el("h1", { tabindex: "-1", text: t("toolkit.title") }), el("p", { className: "lead", text: t("toolkit.lead") }), status);
  if (ctx.query.get("done") === "facts") say(status, t("toolkit.factsSaved"), "ok");
  if (s.role === "staff") main.append(orgForm(orgId));
  const itemsDoc = api.toolkitItems();
  if (orgId) {
    try {
      const [match, facts] = await Promise.all([api.toolkitMatch(orgId), api.orgFacts(orgId)]);
      main.append(matchSection(match), factsSection(orgId, facts, status));
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  }
  main.append(itemsSection((await itemsDoc).items));
}

function orgForm(orgId) {
  const input = el("input", { id: "org-id", name: "org", value: orgId, required: true, maxlength: "64", placeholder: "demo-nev-0019", autocomplete: "off" });
  const form = el("form", { id: "org-form", className: "form-row" }, [
    el("label", null, [t("toolkit.orgId"), input]),
    el("button", { type: "submit", className: "primary", text: t("toolkit.orgButton") }),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(href("desk/toolkit", { org: /** @type {HTMLInputElement} */ (input).value.trim() }));
  });
  return section("org-card", t("toolkit.chooseOrg"), [el("p", { className: "muted", text: t("toolkit.chooseHint") }), form]);
}

/** The leaf of the trace a gap comes from (for its own words), else null. */
function leafOf(r, gap) {
  const leaves = [...r.trace.missed, ...r.trace.unknown];
  return leaves.find((l) => l.field === gap.field && l.clause === gap.clause) || null;
}

function reasonLine(r, gap) {
  const leaf = leafOf(r, gap);
  const what = t("toolkit.cite", { what: leaf?.label || gap.need, clause: gap.clause });
  const text = gap.status === "unknown"
    ? t("toolkit.unknownFact", { what, field: word("fact", gap.field) })
    : t("toolkit.missed", { what, actual: show(gap.actual) });
  return el("li", { dataset: { status: gap.status, field: gap.field }, text });
}

function itemResult(r, group) {
  const reasons = (r.gaps || []).map((g) => reasonLine(r, g));
  if (!r.in_effect) {
    const span = `${r.effective_from || "…"} – ${r.effective_to || "…"}`;
    reasons.unshift(el("li", { dataset: { status: "not_in_effect", field: "effective" }, text: t("toolkit.notInEffect", { span }) }));
  }
  const providers = (r.providers || []).map((p) =>
    el("li", { dataset: { org: p.org_id } }, [
      el("a", { href: `#/org/${encodeURIComponent(p.org_id)}`, text: p.name }),
      ` · ${p.why} · ${t("toolkit.closes", { what: p.closes.join("、") })}`,
      p.if_missing ? ` ${t("toolkit.ifMissing")}` : "",
    ]));
  const all = [...r.trace.met, ...r.trace.missed, ...r.trace.unknown].sort((a, b) => a.path.localeCompare(b.path));
  const badge = { eligible: "ok", nearly: "warn", not_eligible: "bad", unknown: "" }[group];
  return el("li", { className: "result item", dataset: { item: r.id, outcome: group } }, [
    el("div", { className: "result-head" }, [
      el("strong", { className: "result-name", text: r.name }),
      el("span", { className: "badge", text: word("tkind", r.kind) }),
      el("span", { className: `badge ${badge}`.trim(), text: t(`toolkit.group.${group}`) }),
      group === "nearly" && r.distance !== null ? el("span", { className: "result-score", text: t("toolkit.distance", { d: show(r.distance) }) }) : null,
    ]),
    el("p", { className: "muted", text: [r.department, r.benefit].filter(Boolean).join(" · ") }),
    reasons.length ? el("ul", { className: "reasons", "aria-label": t("toolkit.why") }, reasons) : null,
    providers.length ? el("div", null, [el("h4", { text: t("toolkit.providers") }), el("ul", { className: "providers" }, providers)]) : null,
    el("details", null, [
      el("summary", { text: t("toolkit.trace", { n: all.length }) }),
      el("ul", { className: "trace" }, all.map((l) =>
        el("li", { dataset: { status: l.status } }, [
          el("span", { className: `badge ${{ met: "ok", missed: "bad", unknown: "" }[l.status]}`.trim(), text: word("leaf", l.status) }),
          ` ${t("toolkit.cite", { what: l.label || l.field_label, clause: l.clause })}`,
          l.actual !== null && l.actual !== undefined ? ` · ${t("toolkit.actual", { actual: show(l.actual) })}` : "",
        ]))),
    ]),
  ]);
}

function matchSection(m) {
  const n = Object.fromEntries(GROUPS.map((g) => [g, m[g].length]));
  const groups = GROUPS.map((g) =>
    el("div", { className: "card" }, [
      el("h3", { id: `match-${g}-title`, text: t("toolkit.groupTitle", { group: t(`toolkit.group.${g}`), n: m[g].length }) }),
      m[g].length
        ? el("ul", { id: `match-${g}`, className: "result-list", "aria-labelledby": `match-${g}-title` }, m[g].map((r) => itemResult(r, g)))
        : el("p", { id: `match-${g}`, className: "muted", text: t("toolkit.none") }),
    ]));
  return el("section", { id: "match", className: "card", dataset: { org: m.org_id }, "aria-labelledby": "match-title" }, [
    el("h2", { id: "match-title", text: t("toolkit.matchTitle", { name: m.name, id: m.org_id }) }),
    el("p", { id: "match-count", className: "status", text: t("toolkit.count", { ...n, day: m.as_of }) }),
    ...groups,
  ]);
}

function factsSection(orgId, doc, status) {
  const rows = FACTS.map((f) => {
    const fact = doc.facts[f];
    return el("tr", { dataset: { field: f } }, [
      el("th", { scope: "row", text: word("fact", f) }),
      el("td", { text: fact ? show(fact.value) : t("toolkit.undeclared") }),
      el("td", { text: fact?.as_of || "" }),
      el("td", { text: fact?.source || "" }),
    ]);
  });
  /** @type {Record<string, HTMLInputElement>} */
  const inputs = {};
  const fields = FACTS.map((f) => {
    const old = doc.facts[f];
    inputs[f] = /** @type {HTMLInputElement} */ (el("input", {
      id: `fact-${f}`, name: f, type: f === "founded" ? "date" : "number", step: "any", min: f === "founded" ? null : "0",
      value: old ? String(old.value) : "",
    }));
    return el("label", null, [word("fact", f), inputs[f]]);
  });
  const asOf = /** @type {HTMLInputElement} */ (el("input", { id: "facts-as-of", type: "date" }));
  const form = el("form", { id: "facts-form", className: "move-form" }, [
    el("h3", { text: t("toolkit.declare") }),
    el("div", { className: "form-row" }, fields),
    el("div", { className: "form-row" }, [el("label", null, [t("toolkit.asOf"), asOf]),
      el("button", { type: "submit", className: "primary", text: t("toolkit.saveFacts") })]),
  ]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    /** @type {Record<string, number | string | null>} */
    const values = {};
    for (const f of FACTS) {
      const raw = inputs[f].value.trim();
      const old = doc.facts[f];
      if (raw === (old ? String(old.value) : "")) continue;
      values[f] = raw === "" ? null : f === "founded" ? raw : Number(raw);
    }
    if (!Object.keys(values).length) return say(status, t("toolkit.nothingToSave"), "error");
    try {
      await api.putOrgFacts(orgId, { values, ...(asOf.value ? { as_of: asOf.value } : {}) });
      go(href("desk/toolkit", { org: orgId, done: "facts" }));
    } catch (err) {
      say(status, t("common.error", { message: err.message }), "error");
    }
  });
  const head = [t("toolkit.fact"), t("toolkit.value"), t("toolkit.factAsOf"), t("toolkit.source")];
  return section("facts-card", t("toolkit.facts"), [
    el("p", { className: "muted", text: t("toolkit.factsHint") }),
    table(t("toolkit.facts"), head, rows, { id: "facts" }),
    form,
  ]);
}

function itemsSection(items) {
  const rows = items.map((it) =>
    el("tr", { dataset: { id: it.id } }, [
      el("td", null, [el("strong", { text: it.name }), el("div", { className: "muted", text: it.summary })]),
      el("td", { text: word("tkind", it.kind) }),
      el("td", { text: it.department || "" }),
      el("td", { text: describe(it.conditions) }),
      el("td", { text: it.benefit }),
      el("td", { text: `${it.effective_from || "…"} – ${it.effective_to || "…"}` }),
    ]));
  const head = ["name", "kind", "department", "conditions", "benefit", "effective"].map((c) => t(`toolkit.col.${c}`));
  return section("items-card", t("toolkit.items", { n: items.length }), [table(t("toolkit.itemsLabel"), head, rows, { id: "items" })]);
}
