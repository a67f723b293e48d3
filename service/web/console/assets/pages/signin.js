/**
 * Sign in with a token (POST /session sets an HttpOnly cookie); `#/signin?next=…` returns
 * to the page that asked. DOM contract (tests): #signin-form #token, #signin-status.
 */
import * as api from "../api.js";
import { el, say } from "../dom.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";

export async function render(main, ctx) {
  const token = el("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true });
  const status = el("p", { id: "signin-status", className: "status", role: "status", "aria-live": "polite" });
  const form = el("form", { id: "signin-form", className: "card" }, [
    el("div", { className: "form-row" }, [
      el("label", null, [t("signin.token"), token]),
      el("button", { type: "submit", className: "primary", text: t("signin.button") }),
    ]),
  ]);
  main.append(el("h1", { tabindex: "-1", text: t("signin.title") }), el("p", { className: "lead", text: t("signin.lead") }), form, status);
  if (ctx.query.get("out")) say(status, t("signin.signedOut"), "ok");
  else if (ctx.session) say(status, t("signin.done", { name: ctx.session.name }), "ok");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const s = await api.signIn(/** @type {HTMLInputElement} */ (token).value.trim());
      /** @type {HTMLInputElement} */ (token).value = "";
      ctx.setSession(s);
      say(status, t("signin.done", { name: s.name }), "ok");
      const next = ctx.query.get("next");
      go(next && next.startsWith("#/") ? next : href(s.role === "staff" ? "desk" : "search"));
    } catch (err) {
      say(status, t("signin.failed", { message: err.message }), "error");
    }
  });
}
