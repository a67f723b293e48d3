/*
 * ChainMatch 合作机会图谱 — the cooperation opportunity map page.
 *
 * Vanilla JS, no build step. ECharts is served locally from /vendor/echarts.min.js
 * (installed by `npm --prefix service/web install`); the page needs no internet.
 *
 * Stable DOM contract (used by tests/test_web_page.py):
 *   #chain-select #region-select #kind-select #per-org #map #panel #export-png
 *   #org-console-link: the selected organisation's page in the console (/console/#/org/ID)
 *   #partners-list li.result  (.result-name .result-score .result-parts .result-explanation)
 *     li.result[data-exploratory=true] with .badge.exploratory: no statement pair above the
 *     evidence threshold (探索性); its explanation says what it rests on instead
 *   #substitutes-list li.result (same classes)
 *   body[data-map-state=loading|ready|error]
 *   #map[data-state][data-chain][data-nodes][data-edges][data-exploratory][data-rendered=true|false]
 *     (data-exploratory: how many edges are exploratory; they are drawn dashed)
 *   #panel[data-org][data-state=loading|ready|error]
 * and window.chainmatch = {chart, selectOrg(id), nodePosition(id), exportPng(), state}.
 *
 * All data from the API is written with textContent (or canvas labels), never innerHTML.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- constants
  var KINDS = [
    { id: "enterprise", label: "企业 Enterprise", color: "#2563eb" },
    { id: "institute", label: "研究机构 Institute", color: "#9333ea" },
    { id: "service", label: "服务机构 Service", color: "#0d9488" },
  ];
  var KIND_INDEX = {};
  KINDS.forEach(function (k, i) {
    KIND_INDEX[k.id] = i;
  });

  var STAGES = [
    { zh: "上游", en: "Upstream", bg: "#e0ecff", fg: "#1e3a8a" },
    { zh: "中游", en: "Midstream", bg: "#e6f4ea", fg: "#14532d" },
    { zh: "下游", en: "Downstream", bg: "#fdf0dc", fg: "#7c2d12" },
    { zh: "配套服务", en: "Support", bg: "#f1ecfb", fg: "#4c1d95" },
  ];

  var RELATIONS = {
    supplies: { label: "上游供应 Supplier", group: "chain" },
    buys: { label: "下游客户 Customer", group: "chain" },
    support: { label: "产业服务 Support", group: "support" },
    peer: { label: "同一环节 Same segment", group: "peer" },
    same_chain: { label: "同一产业链 Same chain", group: "peer" },
    none: { label: "语义匹配 Semantic only", group: "none" },
  };
  var EDGE_COLORS = { chain: "#4f6d9a", support: "#0f9488", peer: "#d97706", none: "#9ca3af" };
  var EXPLORATORY = "探索性 Exploratory";
  var EDGE_IN = "#ea580c"; // a supplier of the selected organisation
  var EDGE_OUT = "#7c3aed"; // a buyer the selected organisation supplies

  var PARTS = {
    semantic: "语义 Semantic",
    chain: "产业链 Chain",
    qualification: "资质 Qualification",
    region: "区域 Region",
    kind: "类型 Kind",
    reciprocity: "互惠 Reciprocity",
    inferred: "推断需求 Inferred",
    diversity: "多样性 Diversity",
  };
  var PART_COLORS = {
    semantic: "#2563eb",
    chain: "#16a34a",
    qualification: "#ca8a04",
    region: "#0891b2",
    reciprocity: "#db2777",
    inferred: "#7c3aed",
  };

  var FONT =
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  var DIRECTIONS = ["suppliers", "customers", "mutual"];
  var K = 10; // results per list

  // Layout units (before the view stretches them to the chart box).
  var CELL_W = 150;
  var ROW_H = 30;
  var SEG_HEAD_H = 42;
  var STAGE_HEAD_H = 50;
  var STAGE_GAP = 50;
  var BAND_GAP = 22;
  var MAX_SCALE = 1.6;

  // ------------------------------------------------------------------- state
  var state = {
    chains: [],
    segments: {}, // id -> {name, name_en, stage, chain, order}
    chainCounts: {},
    parks: new Set(),
    map: { nodes: [], edges: [] },
    nodeIndex: new Map(),
    positions: new Map(), // id -> [x, y] in layout units
    headers: [],
    geom: { labelWidth: 110, cellPx: 130, box: null },
    filters: { chain: "", region: "", kind: "", per_org: 3 },
    selected: null,
    direction: "suppliers",
    partnerIds: new Set(),
    drawn: false, // the chart holds the graph series
    mapSeq: 0,
    panelSeq: 0,
  };

  var chart = null;
  var $ = function (sel) {
    return document.querySelector(sel);
  };

  // ------------------------------------------------------------------ helpers
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === undefined || value === null) return;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else if (key === "dataset") Object.assign(node.dataset, value);
        else if (key === "style") Object.assign(node.style, value);
        else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function api(path, body) {
    var init = { headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (!res.ok) {
            var detail = data && typeof data.detail === "string" ? data.detail : "HTTP " + res.status;
            var err = new Error(detail);
            err.status = res.status;
            err.errors = (data && data.errors) || [];
            throw err;
          }
          return data;
        });
    });
  }

  function setStatus(text, kind) {
    var box = $("#status");
    box.textContent = text || "";
    box.className = "status" + (kind ? " " + kind : "");
    box.hidden = !text;
  }

  function fmt(x, digits) {
    return Number(x).toFixed(digits === undefined ? 3 : digits);
  }

  /** Drop the legal form so labels stay short; the full name is in the tooltip and panel. */
  function shortName(name) {
    return String(name)
      .replace(/(（[^）]*）|\([^)]*\))/g, "")
      .replace(/(股份有限公司|有限责任公司|有限公司|集团)$/, "")
      .trim() || String(name);
  }

  /** Rich-text labels use {style|text}: keep data from breaking the markup. */
  function richSafe(text) {
    return String(text).replace(/[{}|]/g, " ");
  }

  function segmentLabel(segId, withChain) {
    var seg = state.segments[segId];
    if (!seg) return segId || "未归类 Unassigned";
    var text = seg.name + " " + seg.name_en;
    if (withChain) {
      var chain = state.chains.find(function (c) {
        return c.id === seg.chain;
      });
      if (chain) text = chain.name + " / " + text;
    }
    return text;
  }

  function kindLabel(kind) {
    var k = KINDS[KIND_INDEX[kind]];
    return k ? k.label : kind;
  }

  function relationLabel(rel) {
    return (RELATIONS[rel] || { label: rel }).label;
  }

  function edgeColor(rel) {
    return EDGE_COLORS[(RELATIONS[rel] || RELATIONS.none).group];
  }

  // --------------------------------------------------------------------- URL
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    return {
      chain: params.get("chain"),
      region: params.get("region") || "",
      kind: params.get("kind") || "",
      per_org: params.get("per_org"),
      org: params.get("org"),
    };
  }

  function writeHash() {
    var params = new URLSearchParams();
    var f = state.filters;
    params.set("chain", f.chain || "all");
    if (f.region) params.set("region", f.region);
    if (f.kind) params.set("kind", f.kind);
    if (f.per_org !== 3) params.set("per_org", String(f.per_org));
    if (state.selected) params.set("org", state.selected);
    history.replaceState(null, "", "#" + params.toString());
  }

  // ------------------------------------------------------------------ layout
  /**
   * Columns by stage (upstream → midstream → downstream → support, left to right); inside a
   * stage, one block per segment (a header, then its organisations in rows). Blocks flow into
   * bands when a stage has many segments. The band width and rows per block are chosen so
   * the drawing fits the chart box with readable labels.
   */
  function groupByStage(nodes) {
    var stages = new Map();
    nodes.forEach(function (n) {
      var col = typeof n.column === "number" ? n.column : 3;
      var seg = n.segment || "";
      if (!stages.has(col)) stages.set(col, new Map());
      var segs = stages.get(col);
      if (!segs.has(seg)) segs.set(seg, []);
      segs.get(seg).push(n);
    });
    var order = function (seg) {
      var s = state.segments[seg];
      return s ? s.order : 1e9;
    };
    return Array.from(stages.keys())
      .sort(function (a, b) {
        return a - b;
      })
      .map(function (col) {
        var segs = Array.from(stages.get(col).entries()).sort(function (a, b) {
          return order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]);
        });
        segs.forEach(function (entry) {
          entry[1].sort(function (a, b) {
            return a.id.localeCompare(b.id);
          });
        });
        return { col: col, segs: segs };
      });
  }

  function layoutWith(groups, maxRows, maxCells) {
    var positions = new Map();
    var headers = [];
    var x0 = 0;
    var height = STAGE_HEAD_H;
    groups.forEach(function (stage) {
      var bandX = 0;
      var bandY = STAGE_HEAD_H;
      var bandH = 0;
      var stageCells = 1;
      stage.segs.forEach(function (entry) {
        var seg = entry[0];
        var members = entry[1];
        var cols = Math.ceil(members.length / maxRows);
        var rows = Math.min(members.length, maxRows);
        if (bandX > 0 && bandX + cols > maxCells) {
          bandY += bandH + BAND_GAP;
          bandX = 0;
          bandH = 0;
        }
        var bx = x0 + bandX * CELL_W;
        headers.push({ kind: "segment", seg: seg, x: bx, y: bandY, cells: cols });
        members.forEach(function (n, i) {
          var c = Math.floor(i / rows);
          var r = i % rows;
          positions.set(n.id, [bx + c * CELL_W, bandY + SEG_HEAD_H + r * ROW_H]);
        });
        bandX += cols;
        bandH = Math.max(bandH, SEG_HEAD_H + (rows - 1) * ROW_H);
        stageCells = Math.max(stageCells, bandX);
      });
      headers.push({ kind: "stage", col: stage.col, x: x0, y: 0, cells: stageCells });
      height = Math.max(height, bandY + bandH);
      x0 += stageCells * CELL_W + STAGE_GAP;
    });
    var width = Math.max(0, x0 - STAGE_GAP - CELL_W);
    return { positions: positions, headers: headers, width: width, height: height };
  }

  function computeLayout(nodes, availW, availH) {
    var groups = groupByStage(nodes);
    var best = null;
    for (var rows = 4; rows <= 24; rows += 2) {
      for (var cells = 1; cells <= 10; cells++) {
        var lay = layoutWith(groups, rows, cells);
        // Pixel size of one cell and one row once stretched into the box.
        var sx = lay.width > 0 ? Math.min(MAX_SCALE, (availW - CELL_W) / lay.width) : MAX_SCALE;
        var sy = lay.height > 0 ? Math.min(MAX_SCALE, availH / lay.height) : MAX_SCALE;
        var fit = Math.min((sx * CELL_W) / 150, (sy * ROW_H) / 28);
        // Prefer the better fit; among equally good ones, the more compact drawing.
        var score = fit - 1e-6 * (lay.width + lay.height);
        if (!best || score > best.score) best = { score: score, lay: lay, sx: sx, sy: sy };
      }
    }
    return best;
  }

  // ------------------------------------------------------------------- chart
  function degreeMaps() {
    var indeg = new Map();
    var outdeg = new Map();
    state.map.edges.forEach(function (e) {
      outdeg.set(e.source, (outdeg.get(e.source) || 0) + 1);
      indeg.set(e.target, (indeg.get(e.target) || 0) + 1);
    });
    return { indeg: indeg, outdeg: outdeg };
  }

  function geometry() {
    var dom = $("#map");
    var W = dom.clientWidth || 800;
    var H = dom.clientHeight || 600;
    var top = 62;
    var bottom = 44;
    var left = 20;
    var availW = Math.max(200, W - left - 20);
    var availH = Math.max(150, H - top - bottom);
    var best = computeLayout(state.map.nodes, availW, availH);
    var lay = best.lay;
    var cellPx = CELL_W * best.sx;
    var labelWidth = Math.max(0, Math.min(170, Math.floor(cellPx - 22)));
    var boxW = Math.max(2, lay.width * best.sx);
    var boxH = Math.max(2, lay.height * best.sy);
    var usedW = boxW + cellPx;
    var box = {
      left: left + Math.max(0, (availW - usedW) / 2),
      top: top,
      width: boxW,
      height: boxH,
    };
    state.positions = lay.positions;
    state.headers = lay.headers;
    state.geom = { labelWidth: labelWidth, cellPx: cellPx, box: box };
  }

  function neighbourSets(id) {
    var suppliers = new Set();
    var buyers = new Set();
    state.map.edges.forEach(function (e) {
      if (e.target === id) suppliers.add(e.source);
      if (e.source === id) buyers.add(e.target);
    });
    return { suppliers: suppliers, buyers: buyers };
  }

  function headerItems() {
    var g = state.geom;
    return state.headers.map(function (h) {
      var width = Math.max(40, Math.floor(h.cells * g.cellPx - 24));
      var pos = [h.x, h.y];
      if (h.kind === "stage") {
        var st = STAGES[h.col] || STAGES[3];
        return {
          id: "__stage:" + h.col,
          name: st.zh + " " + st.en,
          x: pos[0],
          y: pos[1],
          header: true,
          symbol: "rect",
          symbolSize: 1,
          itemStyle: { color: "rgba(0,0,0,0)", borderWidth: 0 },
          tooltip: { show: false },
          emphasis: { disabled: true },
          blur: { label: { opacity: 1 } },
          label: {
            show: true,
            position: "right",
            distance: 0,
            width: width,
            overflow: "truncate",
            formatter: "{zh|" + st.zh + "}  {en|" + st.en + "}",
            backgroundColor: st.bg,
            borderRadius: 4,
            padding: [5, 8],
            rich: {
              zh: { fontSize: 14, fontWeight: "bold", color: st.fg },
              en: { fontSize: 12, color: st.fg },
            },
          },
        };
      }
      var seg = state.segments[h.seg];
      var zh = seg ? seg.name : h.seg || "未归类";
      var en = seg ? seg.name_en : "Unassigned";
      return {
        id: "__seg:" + h.seg,
        name: zh + " " + en,
        x: pos[0],
        y: pos[1] + 18,
        header: true,
        symbol: "rect",
        symbolSize: 1,
        itemStyle: { color: "rgba(0,0,0,0)", borderWidth: 0 },
        tooltip: { show: false },
        emphasis: { disabled: true },
        blur: { label: { opacity: 1 } },
        label: {
          show: g.labelWidth >= 30,
          position: "right",
          distance: 0,
          width: width,
          overflow: "truncate",
          lineHeight: 14,
          formatter: "{zh|" + richSafe(zh) + "}\n{en|" + richSafe(en) + "}",
          rich: {
            zh: { fontSize: 12, fontWeight: "bold", color: "#334155" },
            en: { fontSize: 10, color: "#64748b" },
          },
        },
      };
    });
  }

  function seriesData() {
    var deg = degreeMaps();
    var sel = state.selected && state.nodeIndex.has(state.selected) ? state.selected : null;
    var nb = sel ? neighbourSets(sel) : null;
    var g = state.geom;
    var nodes = state.map.nodes.map(function (n) {
      var pos = state.positions.get(n.id);
      var d = (deg.indeg.get(n.id) || 0) + (deg.outdeg.get(n.id) || 0);
      var item = {
        id: n.id,
        name: n.name,
        short: shortName(n.name),
        x: pos[0],
        y: pos[1],
        category: KIND_INDEX[n.kind] === undefined ? 0 : KIND_INDEX[n.kind],
        symbolSize: Math.min(22, 9 + 1.3 * d),
        value: d,
      };
      if (sel) {
        if (n.id === sel) {
          item.symbolSize += 8;
          item.itemStyle = { borderColor: "#111827", borderWidth: 3, shadowBlur: 8, shadowColor: "rgba(0,0,0,.35)" };
          item.label = { fontWeight: "bold", fontSize: 13, color: "#111827" };
        } else if (nb.suppliers.has(n.id) || nb.buyers.has(n.id) || state.partnerIds.has(n.id)) {
          item.itemStyle = {
            borderColor: nb.suppliers.has(n.id) ? EDGE_IN : nb.buyers.has(n.id) ? EDGE_OUT : "#111827",
            borderWidth: 2,
          };
        } else {
          item.itemStyle = { opacity: 0.3 };
          item.label = { opacity: 0.4 };
        }
      }
      return item;
    });
    var scores = state.map.edges.map(function (e) {
      return e.score;
    });
    var lo = Math.min.apply(null, scores.concat([1]));
    var hi = Math.max.apply(null, scores.concat([0]));
    var span = hi - lo > 1e-9 ? hi - lo : 1;
    var links = state.map.edges.map(function (e) {
      var t = (e.score - lo) / span;
      var style = { width: 0.6 + 3.4 * t, opacity: 0.18 + 0.55 * t, color: edgeColor(e.relation) };
      if (sel) {
        if (e.target === sel) style = { width: 1.5 + 3 * t, opacity: 0.95, color: EDGE_IN };
        else if (e.source === sel) style = { width: 1.5 + 3 * t, opacity: 0.95, color: EDGE_OUT };
        else style.opacity = 0.04;
      }
      if (e.exploratory) style.type = "dashed"; // no statement pair above the evidence threshold
      return {
        source: e.source,
        target: e.target,
        value: e.score,
        relation: e.relation,
        evidence: e.evidence,
        exploratory: !!e.exploratory,
        lineStyle: style,
      };
    });
    return { data: headerItems().concat(nodes), links: links };
  }

  function tooltipFor(params) {
    if (params.dataType === "edge") {
      var d = params.data;
      var from = state.nodeIndex.get(d.source);
      var to = state.nodeIndex.get(d.target);
      return el("div", { className: "tt" }, [
        el("div", { className: "tt-title" }, [
          el("span", { text: "供应方 " + (from ? from.name : d.source) }),
          el("span", { className: "tt-arrow", text: " → " }),
          el("span", { text: "采购方 " + (to ? to.name : d.target) }),
        ]),
        el("div", { className: "tt-line" }, [
          el("b", { text: "匹配分 Score " + fmt(d.value) }),
          " · " + relationLabel(d.relation),
          d.exploratory ? el("span", { className: "badge exploratory", text: EXPLORATORY }) : null,
        ]),
        el("div", {
          className: "tt-evidence",
          text: (d.exploratory ? "" : "证据 Evidence: ") + d.evidence,
        }),
      ]);
    }
    if (params.dataType === "node" && !params.data.header) {
      var n = state.nodeIndex.get(params.data.id);
      if (!n) return "";
      var nb = neighbourSets(n.id);
      return el("div", { className: "tt" }, [
        el("div", { className: "tt-title", text: n.name }),
        el("div", { className: "tt-line", text: kindLabel(n.kind) + " · " + segmentLabel(n.segment, true) }),
        el("div", { className: "tt-line", text: "园区 Park: " + (n.park || "—") }),
        el("div", {
          className: "tt-line",
          text: "图中 On map: " + nb.suppliers.size + " 家供应方 suppliers → 它, 它 → " + nb.buyers.size + " 家采购方 buyers",
        }),
        el("div", { className: "tt-hint", text: "点击查看合作与替代 Click for partners & substitutes" }),
      ]);
    }
    return "";
  }

  function titleText() {
    var f = state.filters;
    var chain = state.chains.find(function (c) {
      return c.id === f.chain;
    });
    var parts = [chain ? chain.name + " " + chain.name_en : "全部产业链 All chains"];
    if (f.region) parts.push(f.region);
    if (f.kind) parts.push(kindLabel(f.kind));
    return parts.join(" · ");
  }

  function chartOption() {
    var g = state.geom;
    var sd = seriesData();
    return {
      animationDuration: 400,
      animationDurationUpdate: 250,
      textStyle: { fontFamily: FONT },
      title: {
        text: titleText(),
        subtext:
          state.map.nodes.length + " 家机构 organisations · " + state.map.edges.length + " 条合作机会 opportunities",
        left: 12,
        top: 4,
        itemGap: 2,
        textStyle: { fontSize: 14, fontWeight: "bold", color: "#0f172a" },
        subtextStyle: { fontSize: 11, color: "#64748b" },
      },
      tooltip: {
        trigger: "item",
        confine: true,
        enterable: false,
        className: "cm-tooltip",
        formatter: tooltipFor,
      },
      legend: {
        data: KINDS.map(function (k) {
          return k.label;
        }),
        bottom: 8,
        left: "center",
        itemGap: 18,
        textStyle: { fontSize: 12 },
      },
      series: [
        {
          id: "coop",
          type: "graph",
          layout: "none",
          roam: true,
          left: g.box.left,
          top: g.box.top,
          width: g.box.width,
          height: g.box.height,
          nodeScaleRatio: 0.5,
          categories: KINDS.map(function (k) {
            return { name: k.label, itemStyle: { color: k.color } };
          }),
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: [0, 7],
          label: {
            show: g.labelWidth >= 36,
            position: "right",
            distance: 4,
            fontSize: 12,
            color: "#1f2937",
            width: g.labelWidth,
            overflow: "truncate",
            ellipsis: "…",
            formatter: function (p) {
              return p.data.header ? p.name : p.data.short;
            },
          },
          lineStyle: { curveness: 0.12 },
          emphasis: {
            focus: "adjacency",
            label: { show: true, fontWeight: "bold" },
            lineStyle: { width: 4, opacity: 1 },
          },
          blur: {
            itemStyle: { opacity: 0.15 },
            lineStyle: { opacity: 0.03 },
            label: { opacity: 0.25 },
          },
          data: sd.data,
          links: sd.links,
        },
      ],
    };
  }

  function render(reset) {
    if (!chart) return;
    geometry();
    $("#map").dataset.rendered = "false";
    chart.setOption(chartOption(), { notMerge: !!reset });
    state.drawn = true;
  }

  function restyle() {
    if (!chart || !state.drawn) return;
    var sd = seriesData();
    $("#map").dataset.rendered = "false";
    chart.setOption({ series: [{ id: "coop", data: sd.data, links: sd.links }] });
  }

  // ------------------------------------------------------------------- map
  function mapQuery() {
    var f = state.filters;
    var params = new URLSearchParams();
    if (f.chain) params.set("chain", f.chain);
    if (f.region) params.set("region", f.region);
    if (f.kind) params.set("kind", f.kind);
    params.set("per_org", String(f.per_org));
    return "/map?" + params.toString();
  }

  function setMapState(s) {
    document.body.dataset.mapState = s;
    $("#map").dataset.state = s;
  }

  function loadMap() {
    var seq = ++state.mapSeq;
    setMapState("loading");
    setStatus("");
    writeHash();
    chart.showLoading({ text: "加载中 Loading…", color: "#2563eb", maskColor: "rgba(255,255,255,.7)" });
    return api(mapQuery())
      .then(function (data) {
        if (seq !== state.mapSeq) return;
        state.map = data;
        state.nodeIndex = new Map(
          data.nodes.map(function (n) {
            return [n.id, n];
          })
        );
        data.nodes.forEach(function (n) {
          if (n.park) state.parks.add(n.park);
        });
        fillRegions();
        chart.hideLoading();
        var dom = $("#map");
        if (!data.nodes.length) {
          chart.clear();
          state.drawn = false;
          dom.dataset.rendered = "true";
          setStatus("没有符合筛选条件的机构。No organisations match these filters.", "info");
        } else {
          render(true);
        }
        dom.dataset.chain = state.filters.chain || "all";
        dom.dataset.nodes = String(data.nodes.length);
        dom.dataset.edges = String(data.edges.length);
        dom.dataset.exploratory = String(
          data.edges.filter(function (e) {
            return e.exploratory;
          }).length
        );
        if (data.stale && data.nodes.length) {
          setStatus("图谱正按最新的目录变更重绘，刷新即可看到。The map is being redrawn with the latest catalog changes; reload to see them.", "info");
        }
        setMapState("ready");
        if (state.selected) updateOnMapNote();
      })
      .catch(function (err) {
        if (seq !== state.mapSeq) return;
        chart.hideLoading();
        setMapState("error");
        setStatus("图谱加载失败 Map failed to load: " + err.message, "error");
      });
  }

  function fillRegions() {
    var select = $("#region-select");
    var current = state.filters.region;
    if (current) state.parks.add(current);
    var parks = Array.from(state.parks).sort(function (a, b) {
      return a.localeCompare(b, "zh-CN");
    });
    var options = [el("option", { value: "", text: "全部园区 All parks" })].concat(
      parks.map(function (p) {
        return el("option", { value: p, text: p });
      })
    );
    select.replaceChildren.apply(select, options);
    select.value = current;
  }

  // ------------------------------------------------------------------ panel
  function setListNote(list, text, kind) {
    var note = list.nextElementSibling;
    if (!note || !note.classList.contains("list-note")) {
      note = el("p", { className: "list-note" });
      list.after(note);
    }
    note.textContent = text || "";
    note.className = "list-note" + (kind ? " " + kind : "");
    note.hidden = !text;
  }

  function partsBar(parts) {
    var keys = Object.keys(parts);
    var positive = keys.filter(function (k) {
      return parts[k] > 0;
    });
    var total = positive.reduce(function (s, k) {
      return s + parts[k];
    }, 0);
    var bar = el("div", { className: "parts-bar", "aria-hidden": "true" });
    positive.forEach(function (k) {
      bar.append(
        el("span", {
          title: (PARTS[k] || k) + " " + fmt(parts[k]),
          style: {
            width: (total > 0 ? (100 * parts[k]) / total : 0) + "%",
            background: PART_COLORS[k] || "#94a3b8",
          },
        })
      );
    });
    var text = el("p", { className: "result-parts" });
    keys.forEach(function (k, i) {
      if (i) text.append(" · ");
      text.append(
        el("span", {
          className: parts[k] < 0 ? "part negative" : "part",
          text: (PARTS[k] || k) + " " + (parts[k] > 0 ? "+" : "") + fmt(parts[k]),
        })
      );
    });
    return [bar, text];
  }

  function resultItem(r, i) {
    var onMap = state.nodeIndex.has(r.org_id);
    var name = el("button", {
      type: "button",
      className: "result-name",
      text: r.name,
      title: "查看 " + r.org_id + " / open",
      onclick: function () {
        selectOrg(r.org_id);
      },
    });
    var rel = RELATIONS[r.relation] || RELATIONS.none;
    var tags = el("div", { className: "result-tags" }, [
      el("span", { className: "badge rel-" + rel.group, text: relationLabel(r.relation) }),
      r.exploratory ? el("span", { className: "badge exploratory", text: EXPLORATORY }) : null,
      onMap ? el("span", { className: "badge onmap", text: "图中 on map" }) : null,
      el("span", { className: "result-id", text: r.org_id }),
    ]);
    var li = el(
      "li",
      { className: "result", dataset: { orgId: r.org_id, exploratory: String(!!r.exploratory) } },
      [
        el("div", { className: "result-head" }, [
          el("span", { className: "result-rank", text: String(i + 1) }),
          name,
          el("span", { className: "result-score", title: "总分 Score", text: fmt(r.score) }),
        ]),
        tags,
      ]
        .concat(partsBar(r.parts || {}))
        .concat([el("p", { className: "result-explanation", text: r.explanation })])
    );
    if (onMap) {
      li.addEventListener("mouseenter", function () {
        highlightNode(r.org_id, true);
      });
      li.addEventListener("mouseleave", function () {
        highlightNode(r.org_id, false);
      });
    }
    return li;
  }

  function highlightNode(id, on) {
    if (!chart) return;
    var idx = dataIndexOf(id);
    if (idx < 0) return;
    chart.dispatchAction({ type: on ? "highlight" : "downplay", seriesId: "coop", dataIndex: idx });
  }

  function renderResults(list, data, emptyText) {
    var results = (data && data.results) || [];
    list.replaceChildren.apply(list, results.map(resultItem));
    list.dataset.state = "ready";
    setListNote(list, results.length ? "" : emptyText, "info");
  }

  function renderListError(list, err) {
    list.replaceChildren();
    list.dataset.state = "error";
    setListNote(list, "加载失败 Failed: " + err.message, "error");
  }

  function statementList(ul, items) {
    ul.replaceChildren.apply(
      ul,
      items.length
        ? items.map(function (t) {
            return el("li", { text: t });
          })
        : [el("li", { className: "muted", text: "—" })]
    );
  }

  function renderOrg(org) {
    $("#org-name").textContent = org.name;
    var segs = (org.chains || []).map(function (p) {
      return segmentLabel(p.segment, true);
    });
    var region = org.region || {};
    var place = [region.park, region.city, region.province].filter(Boolean)[0] || "—";
    var meta = $("#org-meta");
    meta.replaceChildren(
      el("span", { className: "badge kind-" + org.kind, text: kindLabel(org.kind) }),
      " ",
      el("span", { text: segs.join("；") || "未归类 Unassigned" }),
      " · ",
      el("span", { text: place }),
      " · ",
      el("code", { text: org.id }),
      org.id.indexOf("demo-") === 0 ? el("span", { className: "badge demo", text: "演示数据 demo" }) : null
    );
    statementList($("#org-needs"), org.needs || []);
    statementList($("#org-offers"), org.offers || []);
    $("#org-statements").querySelector("summary").textContent =
      "需求与供给 Needs & offers (" + (org.needs || []).length + " / " + (org.offers || []).length + ")";
  }

  function updateOnMapNote() {
    var note = $("#org-onmap");
    note.replaceChildren();
    var id = state.selected;
    if (!id) return;
    if (!state.nodeIndex.has(id)) {
      note.append(el("span", { className: "muted", text: "不在当前图谱中 Not on the current map" }));
      return;
    }
    var nb = neighbourSets(id);
    note.append(
      el("i", { className: "swatch", style: { background: EDGE_IN } }),
      nb.suppliers.size + " 家供应方 suppliers → 它 it   ",
      el("i", { className: "swatch", style: { background: EDGE_OUT } }),
      "它 it → " + nb.buyers.size + " 家采购方 buyers"
    );
  }

  function matchFilters() {
    if (!$("#scope-filters").checked) return {};
    var f = {};
    if (state.filters.region) f.region = state.filters.region;
    if (state.filters.kind) f.kind = state.filters.kind;
    return f;
  }

  function loadPartners(id, seq) {
    var list = $("#partners-list");
    list.dataset.state = "loading";
    setListNote(list, "加载中 Loading…", "info");
    return api("/match/partners", {
      org_id: id,
      direction: state.direction,
      k: K,
      filters: matchFilters(),
    })
      .then(function (data) {
        if (seq !== state.panelSeq) return;
        state.partnerIds = new Set(
          data.results.map(function (r) {
            return r.org_id;
          })
        );
        renderResults(list, data, "没有找到合作伙伴 No partners found");
        restyle();
      })
      .catch(function (err) {
        if (seq === state.panelSeq) renderListError(list, err);
      });
  }

  function loadSubstitutes(id, seq) {
    var list = $("#substitutes-list");
    list.dataset.state = "loading";
    setListNote(list, "加载中 Loading…", "info");
    return api("/match/substitutes", { org_id: id, k: K, filters: matchFilters() })
      .then(function (data) {
        if (seq === state.panelSeq) renderResults(list, data, "没有找到替代者 No substitutes found");
      })
      .catch(function (err) {
        if (seq === state.panelSeq) renderListError(list, err);
      });
  }

  /** Select an organisation: highlight its edges and load partners and substitutes. */
  function selectOrg(id) {
    var seq = ++state.panelSeq;
    var panel = $("#panel");
    state.selected = id;
    state.partnerIds = new Set();
    writeHash();
    restyle();
    panel.dataset.org = id;
    panel.dataset.state = "loading";
    $("#panel-empty").hidden = true;
    $("#org-card").hidden = false;
    var known = state.nodeIndex.get(id);
    $("#org-name").textContent = known ? known.name : id;
    $("#org-console-link").href = "/console/#/org/" + encodeURIComponent(id);
    $("#org-meta").replaceChildren();
    updateOnMapNote();
    var org = api("/orgs/" + encodeURIComponent(id)).then(function (o) {
      if (seq === state.panelSeq) renderOrg(o);
    });
    return Promise.all([org, loadPartners(id, seq), loadSubstitutes(id, seq)])
      .then(function () {
        if (seq === state.panelSeq) panel.dataset.state = "ready";
      })
      .catch(function (err) {
        if (seq !== state.panelSeq) return;
        panel.dataset.state = "error";
        $("#org-meta").replaceChildren(el("span", { className: "error", text: err.message }));
      });
  }

  function clearSelection() {
    state.panelSeq++;
    state.selected = null;
    state.partnerIds = new Set();
    var panel = $("#panel");
    delete panel.dataset.org;
    panel.dataset.state = "idle";
    $("#panel-empty").hidden = false;
    $("#org-card").hidden = true;
    ["#partners-list", "#substitutes-list"].forEach(function (sel) {
      var list = $(sel);
      list.replaceChildren();
      list.dataset.state = "idle";
      setListNote(list, "");
    });
    writeHash();
    restyle();
  }

  function setDirection(dir) {
    if (DIRECTIONS.indexOf(dir) < 0) return;
    state.direction = dir;
    document.querySelectorAll("#direction button").forEach(function (b) {
      b.setAttribute("aria-checked", String(b.dataset.direction === dir));
    });
    if (state.selected) {
      var seq = ++state.panelSeq;
      var panel = $("#panel");
      panel.dataset.state = "loading";
      Promise.all([loadPartners(state.selected, seq), loadSubstitutes(state.selected, seq)]).then(function () {
        if (seq === state.panelSeq) panel.dataset.state = "ready";
      });
    }
  }

  // ------------------------------------------------------------ test hooks
  function dataIndexOf(id) {
    if (!chart) return -1;
    var series = chart.getModel().getSeriesByIndex(0);
    if (!series) return -1;
    var data = series.getData();
    for (var i = 0; i < data.count(); i++) {
      if (data.getId(i) === id) return i;
    }
    return -1;
  }

  /** Pixel position of a node inside #map (accounts for zoom and pan), or null. */
  function nodePosition(id) {
    var idx = dataIndexOf(id);
    if (idx < 0) return null;
    var layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(idx);
    var p = chart.convertToPixel({ seriesId: "coop" }, layout);
    return p ? [p[0], p[1]] : null;
  }

  function exportPng() {
    return chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
  }

  function downloadPng() {
    if (!chart) return;
    var a = el("a", { href: exportPng(), download: "chainmatch-map-" + (state.filters.chain || "all") + ".png" });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ------------------------------------------------------------------ start
  function fatal(title, lines) {
    var box = el("div", { className: "fatal", role: "alert" }, [el("h2", { text: title })].concat(
      lines.map(function (l) {
        return el("p", {}, [l]);
      })
    ));
    $("#map").replaceChildren(box);
    document.querySelectorAll("#filters select, #filters input, #filters button").forEach(function (c) {
      c.disabled = true;
    });
    setMapState("error");
  }

  function readFilters() {
    var per = parseInt($("#per-org").value, 10);
    if (!(per >= 1 && per <= 20)) per = 3;
    $("#per-org").value = String(per);
    state.filters = {
      chain: $("#chain-select").value,
      region: $("#region-select").value,
      kind: $("#kind-select").value,
      per_org: per,
    };
  }

  function fillChains(initial) {
    var select = $("#chain-select");
    var options = state.chains.map(function (c) {
      var n = state.chainCounts[c.id];
      return el("option", {
        value: c.id,
        text: c.name + " " + c.name_en + (n ? " · " + n : ""),
      });
    });
    options.push(el("option", { value: "", text: "全部产业链 All chains (较慢 slower)" }));
    select.replaceChildren.apply(select, options);
    select.value = initial;
  }

  function bindControls() {
    ["#chain-select", "#region-select", "#kind-select", "#per-org"].forEach(function (sel) {
      $(sel).addEventListener("change", function () {
        readFilters();
        loadMap();
      });
    });
    $("#filters").addEventListener("submit", function (ev) {
      ev.preventDefault();
    });
    $("#export-png").addEventListener("click", downloadPng);
    $("#clear-selection").addEventListener("click", clearSelection);
    $("#scope-filters").addEventListener("change", function () {
      setDirection(state.direction);
    });
    document.querySelectorAll("#direction button").forEach(function (b) {
      b.addEventListener("click", function () {
        setDirection(b.dataset.direction);
      });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && state.selected) clearSelection();
    });
    // ECharts fires "finished" once animations are done: tests wait for it.
    chart.on("finished", function () {
      $("#map").dataset.rendered = "true";
    });
    chart.on("click", function (params) {
      if (params.dataType === "node" && params.data && !params.data.header) selectOrg(params.data.id);
    });
    var pending = null;
    new ResizeObserver(function () {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () {
        pending = null;
        chart.resize();
        if (state.map.nodes.length) render(false);
      });
    }).observe($("#map"));
  }

  function start() {
    if (window.__echartsMissing || typeof window.echarts === "undefined") {
      fatal("图表库未安装 ECharts is not installed", [
        "请在项目根目录运行以下命令，然后刷新页面：",
        el("code", { text: "npm --prefix service/web install" }),
        "Run the command above in the project root, then reload this page. " +
          "The page loads ECharts from /vendor/echarts.min.js and needs no internet.",
      ]);
      return;
    }
    chart = window.echarts.init($("#map"), null, { renderer: "canvas" });
    window.chainmatch.chart = chart;
    bindControls();
    var wanted = readHash();
    api("/chains")
      .then(function (data) {
        state.chains = data.chains;
        var order = 0;
        data.chains.forEach(function (c) {
          c.segments.forEach(function (s) {
            state.segments[s.id] = {
              name: s.name,
              name_en: s.name_en,
              stage: s.stage,
              chain: c.id,
              order: order++,
            };
          });
        });
        var ids = data.chains.map(function (c) {
          return c.id;
        });
        var initial = wanted.chain === "all" ? "" : ids.indexOf(wanted.chain) >= 0 ? wanted.chain : ids[0] || "";
        fillChains(initial);
        $("#kind-select").value = KIND_INDEX[wanted.kind] === undefined ? "" : wanted.kind;
        if (wanted.per_org) $("#per-org").value = wanted.per_org;
        if (wanted.region) {
          state.filters.region = wanted.region;
          fillRegions();
        }
        readFilters();
        // Organisation counts per chain, for the chain select (best effort).
        Promise.all(
          ids.map(function (id) {
            return api("/orgs?limit=1&chain=" + encodeURIComponent(id)).then(
              function (r) {
                state.chainCounts[id] = r.total;
              },
              function () {}
            );
          })
        ).then(function () {
          fillChains($("#chain-select").value);
        });
        return loadMap().then(function () {
          if (wanted.org) return selectOrg(wanted.org);
        });
      })
      .catch(function (err) {
        setMapState("error");
        setStatus("无法连接服务 Cannot reach the service: " + err.message, "error");
      });
  }

  window.chainmatch = {
    chart: null,
    selectOrg: function (id) {
      return selectOrg(id);
    },
    clearSelection: clearSelection,
    nodePosition: nodePosition,
    exportPng: exportPng,
    state: state,
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
