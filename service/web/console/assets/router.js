/**
 * A tiny hash router: `#/search?q=…` → the search page module with its query. Hash URLs
 * are shareable, need no server routes and survive a reload.
 */

/**
 * @typedef {{path: string, params: Record<string, string>, query: URLSearchParams}} Route
 * @typedef {{pattern: RegExp, keys: string[], page: string, load: () => Promise<any>}} Entry
 */

/** @type {Entry[]} */
const ROUTES = [];

/**
 * @param {string} path e.g. "org/:id"
 * @param {string} page the nav item it belongs to
 * @param {() => Promise<any>} load the page module
 */
export function route(path, page, load) {
  const keys = [];
  const source = path
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        keys.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  ROUTES.push({ pattern: new RegExp(`^${source}$`), keys, page, load });
}

/** The current hash as a route. @returns {Route} */
export function current() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?", 2);
  return { path: decodeURI(path || ""), params: {}, query: new URLSearchParams(qs || "") };
}

/** @param {Route} r @returns {{entry: Entry, params: Record<string, string>} | null} */
export function match(r) {
  for (const entry of ROUTES) {
    const m = entry.pattern.exec(r.path);
    if (m) {
      /** @type {Record<string, string>} */
      const params = {};
      entry.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { entry, params };
    }
  }
  return null;
}

/** `#/path?query` for a path and query parameters (empty values left out). */
export function href(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ""}`;
}

/** Go to a hash (a new history entry, so Back works). */
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}
