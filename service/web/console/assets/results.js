/**
 * One match result as the console shows it everywhere (search, partners, substitutes,
 * desk suggestions): name linked to the organisation page, score, score parts, the
 * need → offer evidence and the engine's explanation, with the exploratory badge.
 *
 * DOM contract (tests): li.result[data-org][data-exploratory] with .result-name (a link),
 * .result-score, .result-relation, .result-parts .part, .result-evidence li,
 * .result-explanation, .badge.exploratory.
 */
import { el, fmt, word } from "./dom.js";
import { t } from "./i18n.js";

/** @param {string} id */
export const orgHref = (id) => `#/org/${encodeURIComponent(id)}`;

/** @param {import("./api.js").Match} r */
export function resultItem(r, extra) {
  const parts = Object.entries(r.parts || {}).map(([name, value]) =>
    el("li", { className: "part", dataset: { part: name } }, [
      el("span", { className: "part-name", text: word("part", name) }),
      " ",
      el("span", { className: "part-value", text: fmt(value) }),
    ]),
  );
  const evidence = (r.evidence || []).map((e) =>
    el("li", null, [
      el("span", { className: "ev-need", text: e.query }),
      el("span", { className: "ev-arrow", "aria-hidden": "true", text: " → " }),
      el("span", { className: "ev-offer", text: e.candidate }),
      el("span", { className: "ev-score", text: ` (${fmt(e.score)})` }),
    ]),
  );
  const head = el("div", { className: "result-head" }, [
    el("a", { className: "result-name", href: orgHref(r.org_id), text: r.name }),
    el("span", { className: "result-relation", text: word("rel", r.relation) }),
    r.exploratory
      ? el("span", {
          className: "badge exploratory",
          title: t("badge.exploratoryTitle"),
          text: t("badge.exploratory"),
        })
      : null,
    el("span", { className: "result-score", title: t("search.score"), text: fmt(r.score) }),
  ]);
  return el(
    "li",
    { className: "result", dataset: { org: r.org_id, exploratory: String(Boolean(r.exploratory)) } },
    [
      head,
      el("ul", { className: "result-parts", "aria-label": t("search.parts") }, parts),
      evidence.length ? el("ul", { className: "result-evidence", "aria-label": t("search.evidence") }, evidence) : null,
      el("p", { className: "result-explanation", text: r.explanation }),
      extra || null,
    ],
  );
}
