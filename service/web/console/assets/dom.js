/**
 * Building the DOM from data: `el` writes every value with textContent (never innerHTML),
 * so names and statements from the catalog cannot become markup.
 */
import { t } from "./i18n.js";

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [props] text, className, dataset, on<event>, attributes
 * @param {(Node | string | number | null | undefined | false)[]} [children]
 * @returns {HTMLElement}
 */
export function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children || []) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** @param {number} x @param {number} [digits] */
export const fmt = (x, digits = 3) => Number(x).toFixed(digits);

/** @param {number | null | undefined} x @param {number} [digits] */
export const pct = (x, digits = 1) => (x === null || x === undefined ? t("stats.none") : `${(x * 100).toFixed(digits)}%`);

/** A date-time in the park's own time zone, as the API wrote it: 2026-11-19 10:00.
 * @param {string | null | undefined} iso */
export function when(iso) {
  if (!iso) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** A word from the dictionary for an API value (`state.new`), else the value itself. */
export function word(prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

/** A status line that screen readers announce. @param {HTMLElement} box */
export function say(box, text, kind) {
  box.textContent = text || "";
  box.className = `status${kind ? ` ${kind}` : ""}`;
  box.hidden = !text;
}

/** A page section: heading + body, labelled for assistive technology. */
export function section(id, title, children, level = "h2") {
  const head = el(level, { id: `${id}-title`, text: title });
  return el("section", { id, className: "card", "aria-labelledby": `${id}-title` }, [head, ...children]);
}

/** A table that scrolls sideways on a phone, reachable by keyboard. */
export function table(label, headers, rows, attrs = {}) {
  const thead = el("thead", null, [el("tr", null, headers.map((h) => el("th", { scope: "col", text: h })))]);
  const tbody = el("tbody", null, rows);
  return el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": label }, [
    el("table", attrs, [thead, tbody]),
  ]);
}
