/**
 * The console shell: header (brand, navigation, language, session), the router, and the
 * page in <main>. Each page is one module with `render(main, ctx)`.
 *
 * DOM contract (tests): body[data-lang], #main[data-page][data-state=loading|ready|error],
 * #nav a[data-nav], #lang-toggle, #session-name, #signout, #signin-link.
 */
import * as api from "./api.js";
import { el, say } from "./dom.js";
import { getLang, setLang, t } from "./i18n.js";
import { current, go, href, match, route } from "./router.js";

route("", "search", () => import("./pages/search.js"));
route("search", "search", () => import("./pages/search.js"));
route("org/:id", "search", () => import("./pages/org.js"));
route("desk", "desk", () => import("./pages/desk.js"));
route("desk/r/:id", "desk", () => import("./pages/request.js"));
route("desk/stats", "stats", () => import("./pages/stats.js"));
route("desk/toolkit", "toolkit", () => import("./pages/toolkit.js"));
route("desk/challenges", "challenges", () => import("./pages/challenges.js"));
route("desk/challenges/:id", "challenges", () => import("./pages/challenge.js"));
route("events", "events", () => import("./pages/events.js"));
route("events/new", "events", () => import("./pages/plan.js"));
route("events/:id", "events", () => import("./pages/event.js"));
route("import", "import", () => import("./pages/import.js"));
route("signin", "signin", () => import("./pages/signin.js"));

const NAV = [
  { id: "search", key: "nav.search", href: href("search") },
  { id: "map", key: "nav.map", href: "/" },
  { id: "events", key: "nav.events", href: href("events") },
  { id: "desk", key: "nav.desk", href: href("desk"), needs: "signin" },
  { id: "toolkit", key: "nav.toolkit", href: href("desk/toolkit"), needs: "signin" },
  { id: "challenges", key: "nav.challenges", href: href("desk/challenges"), needs: "signin" },
  { id: "stats", key: "nav.stats", href: href("desk/stats"), needs: "staff" },
  { id: "import", key: "nav.import", href: href("import"), needs: "staff" },
];

const state = {
  /** @type {import("./api.js").Session | null} */
  session: null,
  seq: 0,
};

const main = /** @type {HTMLElement} */ (document.getElementById("main"));

function roleText(s) {
  return s.role === "staff" ? t("role.staff") : t("role.company", { org: s.org || "" });
}

function renderHeader(activePage) {
  document.title = t("app.title");
  document.getElementById("skip").textContent = t("app.skip");
  document.getElementById("brand-title").textContent = t("app.title");
  document.getElementById("brand-sub").textContent = t("app.subtitle");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.label"));
  const s = state.session;
  const items = NAV.filter((n) => !n.needs || (s && (n.needs === "signin" || s.role === "staff")));
  nav.replaceChildren(
    el(
      "ul",
      null,
      items.map((n) =>
        el("li", null, [
          el("a", {
            href: n.href,
            dataset: { nav: n.id },
            "aria-current": n.id === activePage ? "page" : null,
            text: t(n.key),
          }),
        ]),
      ),
    ),
  );
  const lang = /** @type {HTMLButtonElement} */ (document.getElementById("lang-toggle"));
  lang.textContent = t("lang.toggle");
  lang.setAttribute("aria-label", t("lang.toggleLabel"));
  lang.lang = getLang() === "zh" ? "en" : "zh-CN";
  const box = document.getElementById("session");
  if (s) {
    box.replaceChildren(
      el("span", { id: "session-name", dataset: { role: s.role }, text: t("session.as", { name: s.name, role: roleText(s) }) }),
      el("button", { id: "signout", type: "button", className: "link", text: t("session.signout"), onclick: signOut }),
    );
  } else {
    box.replaceChildren(el("a", { id: "signin-link", href: href("signin"), text: t("session.signin") }));
  }
  document.body.dataset.lang = getLang();
}

async function signOut() {
  await api.signOut();
  state.session = null;
  go(href("signin", { out: "1" }));
}

/** What pages get: the route, who is signed in, and ways to change both. */
function context(route, params) {
  return {
    params,
    query: route.query,
    session: state.session,
    /** @param {import("./api.js").Session | null} s */
    setSession(s) {
      state.session = s;
      renderHeader(match(current())?.entry.page);
    },
    /** True when the page may go on; else it has said why (sign in / staff only). */
    require(level) {
      const s = state.session;
      if (s && (level === "signin" || s.role === "staff")) return true;
      main.replaceChildren(
        el("h1", { tabindex: "-1", text: t(level === "staff" && s ? "common.needStaff" : "common.needSignin") }),
        el("p", null, [el("a", { href: href("signin", { next: location.hash }), text: t("common.goSignin") })]),
      );
      main.dataset.state = "ready";
      return false;
    },
  };
}

async function render() {
  const seq = ++state.seq;
  const r = current();
  const found = match(r);
  renderHeader(found?.entry.page);
  main.dataset.state = "loading";
  main.dataset.page = found ? found.entry.page : "missing";
  main.replaceChildren(el("p", { className: "status", role: "status", text: t("common.loading") }));
  if (!found) {
    main.replaceChildren(
      el("h1", { tabindex: "-1", text: t("common.notFound", { path: r.path }) }),
      el("p", null, [el("a", { href: href("search"), text: t("common.backToSearch") })]),
    );
    main.dataset.state = "ready";
    return;
  }
  try {
    const mod = await found.entry.load();
    if (seq !== state.seq) return;
    main.replaceChildren();
    main.dataset.route = r.path.split("/")[0] || "search";
    await mod.render(main, context(r, found.params));
    if (seq !== state.seq) return;
    if (main.dataset.state === "loading") main.dataset.state = "ready";
  } catch (err) {
    if (seq !== state.seq) return;
    const box = el("p", { className: "status error", role: "alert" });
    say(box, t("common.error", { message: err instanceof Error ? err.message : String(err) }), "error");
    main.append(box);
    main.dataset.state = "error";
  }
  const h1 = main.querySelector("h1");
  if (h1 && state.seq === seq && document.activeElement === document.body) h1.focus({ preventScroll: true });
}

async function start() {
  setLang(getLang());
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(getLang() === "zh" ? "en" : "zh");
    render();
  });
  window.addEventListener("hashchange", render);
  state.session = await api.getSession().catch(() => null);
  if (!location.hash) history.replaceState(null, "", href("search"));
  await render();
}

window.chainmatchConsole = { state, render };
start();
