/**
 * 一问即答 Search: one box for a free question or an organisation's name. The question goes
 * to POST /ask, the name to GET /orgs?q= (both at once); filters are chips; every state of
 * the page is its URL (#/search?q=…&kind=…&page=2), so a query can be shared.
 *
 * DOM contract (tests): #search-form #q; .chips button.chip[data-filter][data-value]
 * [aria-pressed]; #active-filters button.chip; #org-hits li a; #results li.result
 * (see results.js); #results[data-ms] the round trip in ms; #pager button[data-page].
 */
import * as api from "../api.js";
import { el, say, section } from "../dom.js";
import { t } from "../i18n.js";
import { resultItem } from "../results.js";
import { go, href } from "../router.js";

const PAGE = 10;
const MAX_K = 100;
const FILTERS = ["kind", "chain", "segment", "region", "qualification"];
const KINDS = ["enterprise", "institute", "service"];

/** @type {Promise<[any, any]> | null} chains and regions, fetched once per page load */
let facets = null;

function loadFacets() {
  if (!facets) facets = Promise.all([api.chains(), api.regions()]);
  return facets;
}

export async function render(main, ctx) {
  const q = ctx.query.get("q") || "";
  const page = Math.max(1, Math.min(MAX_K / PAGE, Number(ctx.query.get("page")) || 1));
  /** @type {Record<string, string>} */
  const filters = {};
  for (const f of FILTERS) if (ctx.query.get(f)) filters[f] = /** @type {string} */ (ctx.query.get(f));

  /** The URL of this query with some parts changed (page back to 1 unless given). */
  const urlWith = (changes) => {
    const next = { q, ...filters, page: 1, ...changes };
    if (next.page === 1) delete next.page;
    if (changes.chain !== undefined && changes.chain !== filters.chain) delete next.segment;
    return href("search", next);
  };

  const input = el("input", {
    id: "q", name: "q", type: "search", value: q, autocomplete: "off",
    placeholder: t("search.label"), "aria-label": t("search.label"),
  });
  const form = el("form", { id: "search-form", role: "search", className: "search-box" }, [
    input,
    el("button", { type: "submit", className: "primary", text: t("search.button") }),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(urlWith({ q: /** @type {HTMLInputElement} */ (input).value.trim() }));
  });
  main.append(
    el("h1", { tabindex: "-1", text: t("search.title") }),
    el("p", { className: "lead", text: t("search.lead") }),
    form,
  );
  const filterBox = el("div", { id: "filters", className: "card", role: "group", "aria-label": t("search.filters") });
  const status = el("p", { className: "status", role: "status", "aria-live": "polite" });
  const hits = el("div", { id: "org-hits-box" });
  const list = el("ol", { id: "results", className: "result-list", start: String((page - 1) * PAGE + 1) });
  const pager = el("nav", { id: "pager", className: "pager", "aria-label": t("search.pages") });
  main.append(filterBox, status, hits, section("answers", t("search.results"), [list, pager]));

  const [chainDoc, regionList] = await loadFacets();
  renderFilters(filterBox, filters, chainDoc, regionList, urlWith);

  if (!q) {
    say(status, t("search.prompt"));
    main.dataset.state = "ready";
    return;
  }
  main.dataset.state = "loading";
  const k = Math.min(MAX_K, page * PAGE + 1);
  const t0 = performance.now();
  const [answers, byName] = await Promise.all([
    api.ask(q, k, filters),
    q.length <= 100 ? api.listOrgs({ q, limit: 8 }) : Promise.resolve({ total: 0, items: [] }),
  ]);
  const shown = answers.results.slice((page - 1) * PAGE, page * PAGE);
  if (byName.items.length) {
    hits.append(
      section("org-hits-card", t("search.orgHits"), [
        el("ul", { id: "org-hits", className: "org-hits" },
          byName.items.map((o) => el("li", null, [el("a", { href: `#/org/${encodeURIComponent(o.id)}`, text: o.name })])),
        ),
      ]),
    );
  }
  list.replaceChildren(...shown.map((r) => resultItem(r)));
  const ms = Math.round(performance.now() - t0);
  list.dataset.ms = String(ms);
  list.dataset.count = String(shown.length);
  if (!shown.length) say(status, t("search.empty"));
  else say(status, `${t("search.resultsCount", { from: (page - 1) * PAGE + 1, to: (page - 1) * PAGE + shown.length })} · ${t("search.ms", { ms })}`);
  const hasNext = answers.results.length > page * PAGE && page * PAGE < MAX_K;
  const pagerItems = [
    page > 1 ? el("a", { className: "button", href: urlWith({ page: page - 1 }), rel: "prev", dataset: { page: String(page - 1) }, text: t("search.prev") }) : null,
    el("span", { "aria-current": "page", text: t("search.page", { n: page }) }),
    hasNext ? el("a", { className: "button", href: urlWith({ page: page + 1 }), rel: "next", dataset: { page: String(page + 1) }, text: t("search.next") }) : null,
  ];
  pager.append(...pagerItems.filter((x) => x !== null));
  main.dataset.state = "ready";
}

function chipRow(label, name, options, selected, urlWith) {
  return el("div", { className: "chips", role: "group", "aria-label": label }, [
    el("span", { className: "chips-label", "aria-hidden": "true", text: label }),
    ...options.map(([value, text]) =>
      el("button", {
        type: "button",
        className: "chip",
        dataset: { filter: name, value },
        "aria-pressed": String(selected === value),
        text,
        onclick: () => go(urlWith({ [name]: selected === value ? "" : value })),
      }),
    ),
  ]);
}

function renderFilters(box, filters, chainDoc, regionList, urlWith) {
  const zh = document.documentElement.lang !== "en";
  const name = (x) => (zh ? x.name : x.name_en);
  box.append(el("h2", { className: "visually-hidden", text: t("search.filters") }));
  box.append(chipRow(t("search.kind"), "kind", KINDS.map((k) => [k, t(`kind.${k}`)]), filters.kind, urlWith));
  box.append(chipRow(t("search.chain"), "chain", chainDoc.chains.map((c) => [c.id, name(c)]), filters.chain, urlWith));
  const chain = chainDoc.chains.find((c) => c.id === filters.chain);
  if (chain) box.append(chipRow(t("search.segment"), "segment", chain.segments.map((s) => [s.id, name(s)]), filters.segment, urlWith));
  const parks = regionList.filter((r) => r.park).map((r) => [r.park, `${r.park} (${r.organisations})`]);
  box.append(chipRow(t("search.region"), "region", parks, filters.region, urlWith));
  const qual = el("input", { id: "qualification", placeholder: t("search.qualificationPlaceholder"), "aria-label": t("search.qualification") });
  const qform = el("form", { className: "chips", id: "qualification-form" }, [
    el("span", { className: "chips-label", "aria-hidden": "true", text: t("search.qualification") }),
    qual,
    el("button", { type: "submit", className: "chip", text: t("search.qualificationAdd") }),
  ]);
  qform.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = /** @type {HTMLInputElement} */ (qual).value.trim();
    if (v) go(urlWith({ qualification: v }));
  });
  box.append(qform);
  const active = Object.entries(filters);
  if (active.length) {
    box.append(
      el("div", { id: "active-filters", className: "chips", role: "group", "aria-label": t("search.active") }, [
        el("span", { className: "chips-label", "aria-hidden": "true", text: t("search.active") }),
        ...active.map(([k, v]) =>
          el("button", {
            type: "button", className: "chip active", dataset: { filter: k, value: v },
            "aria-label": t("search.remove", { what: v }),
            text: `${v} ✕`,
            onclick: () => go(urlWith({ [k]: "" })),
          }),
        ),
        el("button", { type: "button", className: "link", id: "clear-filters", text: t("search.clear"),
          onclick: () => go(urlWith(Object.fromEntries(FILTERS.map((f) => [f, ""])))) }),
      ]),
    );
  }
}
