/**
 * 导入 Import (staff): choose a CSV / XLSX / JSON file, check it (POST /orgs/import with
 * dry_run: every row's problems in a table, nothing written), then confirm to import.
 *
 * DOM contract (tests): #import-form (#import-file, #import-conflict, #import-skip),
 * #import-check, #import-confirm, #import-errors tbody tr[data-row], #import-preview tbody
 * tr[data-id], #import-status[data-outcome=invalid|checked|imported|error].
 */
import * as api from "../api.js";
import { ApiError } from "../api.js";
import { el, say, section, table } from "../dom.js";
import { t } from "../i18n.js";

export async function render(main, ctx) {
  if (!ctx.require("staff")) return;
  const file = el("input", { id: "import-file", type: "file", accept: ".csv,.xlsx,.json", required: true });
  const conflict = el("select", { id: "import-conflict" }, ["fail", "update", "skip"].map((c) => el("option", { value: c, text: t(`import.conflict.${c}`) })));
  const skip = el("input", { id: "import-skip", type: "checkbox" });
  const check = el("button", { id: "import-check", type: "submit", className: "primary", text: t("import.check") });
  const status = el("p", { id: "import-status", className: "status", role: "status", "aria-live": "polite" });
  const out = el("div", { id: "import-out" });
  const form = el("form", { id: "import-form", className: "card" }, [
    el("div", { className: "form-row" }, [
      el("label", null, [t("import.file"), file]),
      el("label", null, [t("import.onConflict"), conflict]),
      el("label", { className: "inline" }, [skip, t("import.skipInvalid")]),
      check,
    ]),
  ]);
  main.append(el("h1", { tabindex: "-1", text: t("import.title") }), el("p", { className: "lead", text: t("import.lead") }), form, status, out);

  const options = (dryRun) => ({
    onConflict: /** @type {HTMLSelectElement} */ (conflict).value,
    skipInvalid: /** @type {HTMLInputElement} */ (skip).checked,
    dryRun,
  });
  const chosen = () => /** @type {HTMLInputElement} */ (file).files?.[0];
  const summary = (r, key) => t(key, { created: r.created, updated: r.updated, skipped: r.skipped, bad: r.skipped_rows.length });
  const errorsTable = (items, caption) => section("import-errors-card", caption, [
    table(caption, [t("import.row"), t("import.field"), t("import.message")],
      items.map((e) => el("tr", { dataset: { row: String(e.row ?? "") } }, [String(e.row ?? ""), e.field, e.message].map((v) => el("td", { text: v })))),
      { id: caption === t("import.warnings") ? "import-warnings" : "import-errors" }),
  ]);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = chosen();
    out.replaceChildren();
    if (!f) return say(status, t("import.chooseFile"), "error");
    status.dataset.outcome = "";
    try {
      const r = await api.importOrgs(f, options(true));
      say(status, summary(r, "import.summaryDry"), "ok");
      status.dataset.outcome = "checked";
      const confirm = el("button", { id: "import-confirm", type: "button", className: "primary", text: t("import.confirm") });
      out.append(
        r.errors.length ? errorsTable(r.errors, t("import.errors")) : "",
        r.warnings.length ? errorsTable(r.warnings, t("import.warnings")) : "",
        section("import-preview-card", t("import.preview"), [
          table(t("import.preview"), [t("import.row"), "id", t("org.title"), t("import.action")],
            r.preview.map((p) => el("tr", { dataset: { id: p.id } }, [String(p.row), p.id, p.name, t(`import.action.${p.action}`)].map((v) => el("td", { text: v })))),
            { id: "import-preview" }),
          el("div", { className: "form-row" }, [confirm]),
        ]),
      );
      confirm.addEventListener("click", async () => {
        confirm.setAttribute("disabled", "");
        try {
          const done = await api.importOrgs(f, options(false));
          say(status, summary(done, "import.summaryDone"), "ok");
          status.dataset.outcome = "imported";
        } catch (err) {
          say(status, t("import.nothingWritten", { detail: err.message }), "error");
          status.dataset.outcome = "error";
        }
      });
    } catch (err) {
      say(status, t("import.nothingWritten", { detail: err.message }), "error");
      status.dataset.outcome = err instanceof ApiError && err.errors.length ? "invalid" : "error";
      if (err instanceof ApiError && err.errors.length) out.append(errorsTable(err.errors, t("import.errors")));
    }
  });
}
