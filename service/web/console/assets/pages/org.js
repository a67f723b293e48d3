/**
 * Organisation page: profile (offers, needs, products with shares, qualifications with
 * expiry badges, region, chain positions), partners (suppliers / customers / mutual) and
 * substitutes with their reasons, a link to its place on the map, its requests (signed in)
 * and contacts (staff or its own company token: the API decides).
 *
 * DOM contract (tests): #org-name, #org-offers li, #org-needs li, #org-products li,
 * #org-quals li .badge[data-expiry=valid|expiring|expired|none], #org-contacts,
 * #org-map-link, #direction button[data-direction][aria-checked], #partners li.result,
 * #partners[data-state][data-direction], #substitutes li.result, #org-requests li.
 */
import * as api from "../api.js";
import { el, section, table, word } from "../dom.js";
import { getLang, t } from "../i18n.js";
import { resultItem } from "../results.js";
import { go, href } from "../router.js";

const K = 10;
const DIRECTIONS = ["suppliers", "customers", "mutual"];
const EXPIRING_DAYS = 90;

function expiry(validUntil) {
  if (!validUntil) return "none";
  const days = (new Date(`${validUntil}T00:00:00`).getTime() - Date.now()) / 86400000;
  if (days < 0) return "expired";
  return days <= EXPIRING_DAYS ? "expiring" : "valid";
}

const BADGE = { valid: "ok", expiring: "warn", expired: "bad", none: "ok" };

export async function render(main, ctx) {
  const id = ctx.params.id;
  const direction = DIRECTIONS.includes(ctx.query.get("dir") || "") ? ctx.query.get("dir") : "suppliers";
  const [org, chainDoc] = await Promise.all([api.getOrg(id), api.chains()]);
  const zh = getLang() === "zh";
  const segs = {};
  for (const c of chainDoc.chains) for (const s of c.segments) segs[s.id] = { chain: zh ? c.name : c.name_en, seg: zh ? s.name : s.name_en };
  const region = [org.region.province, org.region.city, org.region.park].filter(Boolean).join(" / ");

  main.append(
    el("h1", { id: "org-name", tabindex: "-1", text: org.name }),
    el("dl", { className: "facts card" }, [
      el("dt", { text: t("org.kind") }), el("dd", { text: word("kind", org.kind) }),
      el("dt", { text: t("org.region") }), el("dd", { id: "org-region", text: region }),
      org.aliases.length ? el("dt", { text: t("org.aliases") }) : null,
      org.aliases.length ? el("dd", { text: org.aliases.join("、") }) : null,
      el("dt", { text: t("org.chains") }),
      el("dd", null, [
        el("ul", { id: "org-chains" }, org.chains.map((p) => {
          const s = segs[p.segment];
          return el("li", { text: s ? `${s.chain} · ${s.seg}` : `${p.chain} · ${p.segment}` });
        })),
      ]),
      org.updated_at ? el("dt", { text: t("org.updated", { date: "" }).trim() }) : null,
      org.updated_at ? el("dd", { text: org.updated_at }) : null,
    ]),
    el("p", null, [
      el("a", {
        id: "org-map-link",
        href: `/#chain=${encodeURIComponent(org.chains[0]?.chain || "all")}&org=${encodeURIComponent(org.id)}`,
        text: t("org.onMap"),
      }),
    ]),
  );

  const list = (listId, items) => el("ul", { id: listId }, items.map((x) => el("li", { text: x })));
  const maxShare = Math.max(0.01, ...org.products.map((p) => p.share));
  main.append(
    el("div", { className: "grid2" }, [
      section("offers", t("org.offers"), [list("org-offers", org.offers)]),
      section("needs", t("org.needs"), [list("org-needs", org.needs)]),
      section("products", t("org.products"), [
        el("ul", { id: "org-products" }, org.products.map((p) =>
          el("li", null, [
            `${p.name} ${(p.share * 100).toFixed(0)}%`,
            el("span", { className: "share", "aria-hidden": "true", style: `width:${Math.round((p.share / maxShare) * 120)}px` }),
          ]),
        )),
      ]),
      section("quals", t("org.qualifications"), [
        el("ul", { id: "org-quals" }, org.qualifications.map((q) => {
          const state = expiry(q.valid_until);
          const label = state === "none" ? t("org.noExpiry") : t(`org.${state}`);
          return el("li", null, [
            `${q.name}${q.issuer ? ` · ${q.issuer}` : ""} `,
            el("span", { className: `badge ${BADGE[state]}`, dataset: { expiry: state }, text: label }),
            q.valid_until ? el("span", { className: "muted", text: ` ${t("org.validUntil", { date: q.valid_until })}` }) : null,
          ]);
        })),
      ]),
    ]),
  );

  // Contacts: the API leaves them out unless the session may see them.
  let contacts;
  if (org.contacts.length) {
    contacts = table(t("org.contacts"),
      [t("org.contactName"), t("org.contactRole"), t("org.contactPhone"), t("org.contactEmail")],
      org.contacts.map((c) => el("tr", null, [c.name, c.role, c.phone, c.email].map((v) => el("td", { text: v || "" })))),
      { id: "org-contacts-table" });
  } else {
    contacts = el("p", { text: org.contacts_hidden ? t("org.contactsHidden") : t("org.contactsNone") });
  }
  main.append(section("org-contacts", t("org.contacts"), [contacts]));

  // Partners and substitutes, side by side.
  const partnerList = el("ol", { id: "partners", className: "result-list", dataset: { state: "loading", direction } });
  const radios = el("div", { id: "direction", className: "segmented", role: "radiogroup", "aria-label": t("org.direction") },
    DIRECTIONS.map((d) => el("button", {
      type: "button", role: "radio", dataset: { direction: d }, "aria-checked": String(d === direction),
      tabindex: d === direction ? "0" : "-1",
      text: t(`org.${d}`),
      onclick: () => go(href(`org/${encodeURIComponent(id)}`, { dir: d })),
    })));
  radios.addEventListener("keydown", (ev) => {
    const i = DIRECTIONS.indexOf(direction);
    const step = ev.key === "ArrowRight" || ev.key === "ArrowDown" ? 1 : ev.key === "ArrowLeft" || ev.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    ev.preventDefault();
    const next = DIRECTIONS[(i + step + DIRECTIONS.length) % DIRECTIONS.length];
    go(href(`org/${encodeURIComponent(id)}`, { dir: next }));
  });
  const subList = el("ol", { id: "substitutes", className: "result-list", dataset: { state: "loading" } });
  main.append(
    el("div", { className: "grid2" }, [
      section("partners-card", t("org.partners"), [radios, partnerList]),
      section("substitutes-card", t("org.substitutes"), [subList]),
    ]),
  );
  const requestsBox = el("div");
  const eventsBox = el("div");
  main.append(el("div", { className: "grid2" }, [
    section("requests-card", t("org.requests"), [requestsBox]),
    section("events-card", t("org.events"), [eventsBox]),
  ]));

  const [p, s] = await Promise.all([api.partners(id, direction, K), api.substitutes(id, K)]);
  partnerList.replaceChildren(...p.results.map((r) => resultItem(r)));
  partnerList.dataset.state = "ready";
  subList.replaceChildren(...s.results.map((r) => resultItem(r)));
  subList.dataset.state = "ready";
  const focusRadio = radios.querySelector('[aria-checked="true"]');
  if (ctx.query.get("dir") && focusRadio instanceof HTMLElement) focusRadio.focus();

  if (ctx.session) {
    const queue = await api.deskQueue({ all: true }).catch(() => ({ requests: [] }));
    const mine = queue.requests.filter((r) => r.org_id === id);
    requestsBox.append(mine.length
      ? el("ul", { id: "org-requests" }, mine.map((r) => el("li", null, [
          el("a", { href: href(`desk/r/${encodeURIComponent(r.id)}`), text: r.id }),
          ` · ${word("state", r.state)} · ${r.text}`,
        ])))
      : el("p", { text: t("common.none") }));
  } else {
    requestsBox.append(el("p", { text: t("org.requestsSignin") }));
  }
  // Its events, with its meetings (GET /orgs/{id}/events).
  const evs = await api.orgEvents(id).catch(() => ({ events: [] }));
  eventsBox.append(evs.events.length
    ? el("ul", { id: "org-events" }, evs.events.map((e) => el("li", { dataset: { id: e.event_id } }, [
        el("a", { href: href(`events/${encodeURIComponent(e.event_id)}`), text: `${e.date} · ${e.name}` }),
        el("ul", { className: "org-meetings" }, e.meetings.map((m) => el("li", null, [
          `${m.start} · ${t("event.table", { n: m.table })} · `,
          el("a", { href: `#/org/${encodeURIComponent(m.counterpart)}`, text: m.counterpart_name }),
          m.outcome ? ` · ${word("outcome", m.outcome)}` : "",
        ]))),
      ])))
    : el("p", { text: t("org.noEvents") }));
}
