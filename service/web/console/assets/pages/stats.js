/**
 * 诉求看板 Desk dashboard (staff): closure rate, on-time rate and median working hours to
 * close from GET /desk/stats, in total and as ECharts charts by month, by ISO week (time to
 * close week by week), by chain (its name, not its id), by department and by handler.
 * ECharts is the locally served /vendor/echarts.min.js.
 *
 * DOM contract (tests): #kpi-closure .value, #kpi-ontime .value, #kpi-median .value,
 * #chart-period, #chart-week, #chart-chain, #chart-department, #chart-handler each [data-groups][data-rendered=true],
 * and a table per chart (#table-period …) with the same figures for screen readers.
 */
import * as api from "../api.js";
import { el, pct, section, table } from "../dom.js";
import { getLang, t } from "../i18n.js";

let echartsLoading = null;

/** Load ECharts once (a classic script exposing window.echarts). */
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/vendor/echarts.min.js";
      s.onload = () => resolve(window.echarts);
      s.onerror = () => reject(new Error("/vendor/echarts.min.js: npm --prefix service/web ci"));
      document.head.append(s);
    });
  }
  return echartsLoading;
}

const hours = (x) => (x === null || x === undefined ? t("stats.none") : Number(x).toFixed(1));

export async function render(main, ctx) {
  if (!ctx.require("staff")) return;
  const [doc, echarts, chainDoc] = await Promise.all([api.deskStats(), loadEcharts(), api.chains()]);
  const zh = getLang() === "zh";
  const chainName = new Map(chainDoc.chains.map((c) => [c.id, zh ? c.name : c.name_en]));
  const groupName = (dim, g) => (dim !== "chain" ? g : g === "none" ? t("stats.noChain") : chainName.get(g) || g);
  const kpi = (id, label, value) =>
    el("div", { id, className: "kpi" }, [el("div", { className: "label", text: label }), el("div", { className: "value", text: value })]);
  main.append(
    el("h1", { tabindex: "-1", text: t("stats.title") }),
    el("div", { className: "kpis" }, [
      kpi("kpi-requests", t("stats.requests"), String(doc.requests)),
      kpi("kpi-closure", t("stats.closure"), pct(doc.closure_rate)),
      kpi("kpi-ontime", t("stats.onTime"), pct(doc.on_time_rate)),
      kpi("kpi-median", t("stats.median"), hours(doc.median_hours_to_close)),
    ]),
  );
  const charts = [];
  for (const [dim, key] of [["period", "stats.byPeriod"], ["week", "stats.byWeek"], ["chain", "stats.byChain"], ["department", "stats.byDepartment"], ["handler", "stats.byHandler"]]) {
    const groups = Object.entries(doc.by[dim] || {}).map(([g, v]) => [groupName(dim, g), v]);
    const box = el("div", { id: `chart-${dim}`, className: "chart", role: "img", "aria-label": t("stats.chartLabel", { title: t(key) }), dataset: { groups: String(groups.length) } });
    const rows = groups.map(([g, v]) => el("tr", null, [g, String(v.requests), pct(v.closure_rate), pct(v.on_time_rate), hours(v.median_hours_to_close)].map((x) => el("td", { text: x }))));
    const details = el("details", null, [
      el("summary", { text: t(key) }),
      table(t(key), [t(key), t("stats.requests"), t("stats.closure"), t("stats.onTime"), t("stats.median")], rows, { id: `table-${dim}` }),
    ]);
    main.append(section(`stats-${dim}`, t(key), [box, details]));
    charts.push([box, groups]);
  }
  for (const [box, groups] of charts) {
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 64 },
      xAxis: { type: "category", data: groups.map(([g]) => g), axisLabel: { rotate: groups.length > 6 ? 30 : 0 } },
      yAxis: [
        { type: "value", min: 0, max: 1, name: t("stats.rate"), axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
        { type: "value", min: 0, name: t("stats.hours") },
      ],
      series: [
        { name: t("stats.closure"), type: "bar", data: groups.map(([, v]) => v.closure_rate) },
        { name: t("stats.onTime"), type: "bar", data: groups.map(([, v]) => v.on_time_rate) },
        { name: t("stats.median"), type: "line", yAxisIndex: 1, data: groups.map(([, v]) => v.median_hours_to_close) },
      ],
    });
    box.dataset.rendered = "true";
    window.addEventListener("resize", () => chart.resize());
  }
}
