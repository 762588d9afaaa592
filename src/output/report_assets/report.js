// ccsim report page script (compiled into ccsim; see src/output/html_report.cpp and docs/report.md).
// Every name taken from an input file reaches the page through textContent or a chart's canvas text, never
// through innerHTML, so it is shown, not interpreted.
(function () {
  "use strict";

  var status = { charts: [], errors: [] };
  window.addEventListener("error", function (e) {
    status.errors.push(String(e.message));
    writeStatus();
  });

  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmtNumber(v, unit) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "n/a";
    if (unit === "fraction") return (100 * v).toFixed(2) + " %";
    var a = Math.abs(v);
    var s;
    if (Number.isInteger(v) && a < 1e15) s = v.toLocaleString("en-US");
    else if (a >= 1000) s = v.toLocaleString("en-US", { maximumFractionDigits: 1 });
    else if (a >= 1) s = v.toFixed(3).replace(/\.?0+$/, "");
    else s = v.toPrecision(4);
    return unit ? s + " " + unit : s;
  }

  // A duration in seconds as the console prints it (human_duration): s below a minute, then min, h, d.
  function fmtDuration(v) {
    if (v === null || v === undefined || !isFinite(v)) return "n/a";
    if (v < 60) return Number(v.toPrecision(3)).toString() + " s";
    if (v < 3600) return (v / 60).toFixed(1) + " min";
    if (v < 86400) return (v / 3600).toFixed(1) + " h";
    return (v / 86400).toFixed(1) + " d";
  }

  // A time axis unit that keeps tick labels short.
  function timeUnit(horizonS) {
    if (horizonS >= 3 * 86400) return { div: 86400, name: "days" };
    if (horizonS >= 3 * 3600) return { div: 3600, name: "hours" };
    if (horizonS >= 180) return { div: 60, name: "minutes" };
    return { div: 1, name: "seconds" };
  }

  function baseOptions(xTitle, yTitle) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: {
        x: { type: "linear", title: { display: true, text: xTitle } },
        y: { title: { display: true, text: yTitle } }
      }
    };
  }

  function addChart(parent, id, title, config, height) {
    var box = el("figure", "chart");
    box.appendChild(el("figcaption", null, title));
    var holder = el("div", "canvas-holder");
    holder.style.height = (height || 320) + "px";
    var canvas = el("canvas");
    canvas.id = id;
    holder.appendChild(canvas);
    box.appendChild(holder);
    parent.appendChild(box);
    var chart = new Chart(canvas.getContext("2d"), config);
    var points = 0;
    config.data.datasets.forEach(function (d) {
      d.data.forEach(function (p) {
        if (p !== null && p !== undefined) points++;
      });
    });
    status.charts.push({ id: id, type: config.type, datasets: config.data.datasets.length, points: points,
      chart: chart });
    return chart;
  }

  // Pixels a chart drew on its canvas (alpha > 0): the test checks that every chart drew something.
  function paintedPixels(canvas) {
    if (canvas.width === 0 || canvas.height === 0) return 0;
    var ctx = canvas.getContext("2d");
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    var n = 0;
    for (var i = 3; i < img.length; i += 4)
      if (img[i] !== 0) n++;
    return n;
  }

  function writeStatus() {
    var out = { charts: [], errors: status.errors };
    status.charts.forEach(function (c) {
      out.charts.push({ id: c.id, type: c.type, datasets: c.datasets, points: c.points,
        painted: paintedPixels(c.chart.canvas) });
    });
    document.getElementById("ccsim-render-status").textContent = JSON.stringify(out);
  }

  function table(headers, rows) {
    var t = el("table");
    var thead = el("thead");
    var tr = el("tr");
    headers.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    thead.appendChild(tr);
    t.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, k) {
        row.appendChild(el("td", k > 0 && /^[-+]?[0-9]/.test(String(c)) ? "num" : null, c));
      });
      tbody.appendChild(row);
    });
    t.appendChild(tbody);
    var wrap = el("div", "table-wrap");
    wrap.appendChild(t);
    return wrap;
  }

  function lineDataset(label, xs, ys, color, extra) {
    // Points are drawn only when there are few (a single sample would otherwise be invisible).
    var d = { label: label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5,
      pointRadius: xs.length <= 60 ? 3 : 0, tension: 0 };
    for (var i = 0; i < xs.length; i++) d.data.push(ys[i] === null ? { x: xs[i], y: null } : { x: xs[i], y: ys[i] });
    if (extra) Object.keys(extra).forEach(function (k) { d[k] = extra[k]; });
    return d;
  }

  // --- runs ----------------------------------------------------------------------------------------------

  // Headline metrics: a row per metric, a column per run (runs side by side compare at a glance).
  function overview(parent, runs) {
    if (runs.length === 0) return;
    var sec = el("section");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, runs.length === 1 ? "Run" : "Runs side by side"));
    var pointers = [];
    var labelOf = {};
    runs.forEach(function (r) {
      r.headline.forEach(function (h) {
        if (!(h.pointer in labelOf)) {
          labelOf[h.pointer] = h.label + (h.unit && h.unit !== "fraction" && h.unit !== "s" ? " (" + h.unit + ")" : "");
          pointers.push(h.pointer);
        }
      });
    });
    var headers = [""].concat(runs.map(function (r, i) { return (i + 1) + ": " + r.label; }));
    var rows = [
      ["scenario"].concat(runs.map(function (r) { return r.scenario; })),
      ["folder"].concat(runs.map(function (r) { return r.folder; })),
      ["seed"].concat(runs.map(function (r) { return r.seed === undefined ? "" : String(r.seed); })),
      ["scheduler"].concat(runs.map(function (r) {
        return r.mode === "fill" ? "fill: " + r.placement : r.queue + " + " + r.placement;
      }))
    ];
    pointers.forEach(function (p) {
      rows.push([labelOf[p]].concat(runs.map(function (r) {
        var h = r.headline.find(function (x) { return x.pointer === p; });
        if (!h) return "";
        return h.unit === "s" ? fmtDuration(h.value) : fmtNumber(h.value, h.unit === "fraction" ? "fraction" : "");
      })));
    });
    sec.appendChild(table(headers, rows));
  }

  function waitChart(parent, runs) {
    var withWaits = runs.filter(function (r) { return r.waits && r.waits.jobs > 0; });
    if (withWaits.length === 0) return;
    var sec = el("section");
    parent.appendChild(sec); // attached first: Chart.js sizes a chart from its container
    sec.appendChild(el("h2", null, "Wait-time distribution"));
    sec.appendChild(el("p", "note", "Share of ended jobs by time between submission and start."));
    var datasets = withWaits.map(function (r, i) {
      return { label: r.label, backgroundColor: PALETTE[i % PALETTE.length],
        data: r.waits.counts.map(function (c) { return 100 * c / r.waits.jobs; }) };
    });
    var opts = baseOptions("wait", "jobs (%)");
    opts.scales.x = { type: "category", title: { display: true, text: "wait" } };
    addChart(sec, "waits", "Wait time (share of jobs)", { type: "bar",
      data: { labels: withWaits[0].waits.labels, datasets: datasets }, options: opts });
  }

  // Wait CDF, log time axis: the share of ended jobs that waited at most t (per run).
  function waitCdfChart(parent, runs) {
    var withCdf = runs.filter(function (r) { return r.wait_cdf && r.wait_cdf.t_s.length > 0; });
    if (withCdf.length === 0) return;
    var sec = el("section");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, "Wait-time CDF"));
    sec.appendChild(el("p", "note", "Share of ended jobs that waited at most t (log scale). Jobs that did not wait: " +
      runs.filter(function (r) { return r.wait_cdf; }).map(function (r) {
        return r.label + " " + (100 * r.wait_cdf.zero_share).toFixed(1) + " %";
      }).join(", ") + "."));
    var datasets = withCdf.map(function (r, i) {
      return lineDataset(r.label, r.wait_cdf.t_s, r.wait_cdf.share.map(function (v) { return 100 * v; }),
        PALETTE[i % PALETTE.length], { pointRadius: r.wait_cdf.t_s.length === 1 ? 3 : 0, stepped: true });
    });
    addCdfChart(sec, "wait-cdf", "Wait time, cumulative (share of jobs)", "jobs that waited at most this long (%)",
      datasets);
  }

  // A CDF of waits: log time axis, 0-100 % of jobs.
  function addCdfChart(sec, id, title, yTitle, datasets) {
    var opts = baseOptions("wait (s, log scale)", yTitle);
    opts.scales.x = { type: "logarithmic", title: { display: true, text: "wait (s, log scale)" } };
    opts.scales.y.min = 0;
    opts.scales.y.max = 100;
    addChart(sec, id, title, { type: "line", data: { datasets: datasets }, options: opts });
  }

  // Wait CDF per job class (jobs.csv's class column): colour by class; with several runs, a dash pattern per run.
  function waitCdfByClassChart(parent, runs) {
    var withClasses = runs.filter(function (r) { return r.wait_cdf_by_class; });
    if (withClasses.length === 0) return;
    var classes = [];
    withClasses.forEach(function (r) {
      r.wait_cdf_by_class.forEach(function (c) { if (classes.indexOf(c["class"]) < 0) classes.push(c["class"]); });
    });
    classes.sort();
    var sec = el("section");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, "Wait-time CDF by job class"));
    var notes = [], datasets = [];
    var dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
    withClasses.forEach(function (r, ri) {
      r.wait_cdf_by_class.forEach(function (c) {
        var name = (withClasses.length > 1 ? r.label + ": " : "") + c["class"] + " (" + c.jobs.toLocaleString("en-US") +
          " jobs)";
        notes.push(name + " " + (100 * c.zero_share).toFixed(1) + " %");
        if (c.t_s.length === 0) return;
        datasets.push(lineDataset(name, c.t_s, c.share.map(function (v) { return 100 * v; }),
          PALETTE[classes.indexOf(c["class"]) % PALETTE.length],
          { pointRadius: c.t_s.length === 1 ? 3 : 0, stepped: true, borderDash: dashes[ri % dashes.length] }));
      });
    });
    sec.appendChild(el("p", "note", "Share of each class's ended jobs that waited at most t (log scale). Jobs that " +
      "did not wait: " + notes.join(", ") + "."));
    if (datasets.length === 0) return;
    addCdfChart(sec, "wait-cdf-class", "Wait time by class, cumulative",
      "jobs of the class that waited at most this long (%)", datasets);
  }

  function utilizationChart(sec, id, title, run, series, unit) {
    var n = run.time.bins, h = run.time.horizon_s;
    var xs = [];
    for (var k = 0; k < n; k++) xs.push(((k + 0.5) * h / n) / unit.div);
    var datasets = series.map(function (s, i) {
      return lineDataset(s.name + " (" + s.accelerators.toLocaleString("en-US") + ")", xs,
        s.values.map(function (v) { return 100 * v; }), PALETTE[i % PALETTE.length]);
    });
    datasets.push(lineDataset("all accelerators", xs, run.utilization.total.map(function (v) { return 100 * v; }),
      "#000000", { borderDash: [6, 3], borderWidth: 2 }));
    var opts = baseOptions("time (" + unit.name + ")", "busy accelerators (%)");
    opts.scales.y.min = 0;
    opts.scales.y.max = 100;
    opts.scales.x.min = 0;
    opts.scales.x.max = h / unit.div;
    addChart(sec, id, title, { type: "line", data: { datasets: datasets }, options: opts });
  }

  function powerChart(sec, id, run, unit) {
    var p = run.power;
    var maxW = Math.max.apply(null, p.facility_w.concat([1]));
    var scale = maxW >= 2e6 ? { div: 1e6, name: "MW" } : { div: 1e3, name: "kW" };
    var xs = p.time_s.map(function (t) { return t / unit.div; });
    var datasets = [
      lineDataset("IT power", xs, p.it_w.map(function (w) { return w / scale.div; }), PALETTE[0], { yAxisID: "y" }),
      lineDataset("facility power", xs, p.facility_w.map(function (w) { return w / scale.div; }), PALETTE[3],
        { yAxisID: "y" }),
      lineDataset("PUE", xs, p.pue, PALETTE[2], { yAxisID: "pue", borderDash: [4, 3] })
    ];
    var opts = baseOptions("time (" + unit.name + ")", "power (" + scale.name + ")");
    opts.scales.y.min = 0;
    opts.scales.x.min = 0;
    if (run.time) opts.scales.x.max = run.time.horizon_s / unit.div; // the same span as the other charts
    opts.scales.pue = { position: "right", title: { display: true, text: "PUE" }, grid: { drawOnChartArea: false },
      suggestedMin: 1 };
    var title = "IT and facility power, PUE" + (p.rows_per_point > 1 ? " (means of " + p.rows_per_point +
      " samples)" : "");
    addChart(sec, id, title, { type: "line", data: { datasets: datasets }, options: opts });
  }

  // Capacity over time (a platform that changes: docs/scenario.md "Platform over time"): accelerators in service
  // and busy, from timeseries.csv's online_accelerators and busy.<type> columns.
  function capacityChart(sec, id, run, unit) {
    var c = run.capacity;
    var xs = c.time_s.map(function (t) { return t / unit.div; });
    var datasets = [
      lineDataset("in service", xs, c.online, PALETTE[0], { stepped: true }),
      lineDataset("busy", xs, c.busy, PALETTE[1], { fill: "origin", backgroundColor: PALETTE[1] + "55" })
    ];
    var opts = baseOptions("time (" + unit.name + ")", "accelerators");
    opts.scales.y.min = 0;
    opts.scales.x.min = 0;
    if (run.time) opts.scales.x.max = run.time.horizon_s / unit.div;
    addChart(sec, id, "Capacity over time: accelerators in service and busy" +
      (c.rows_per_point > 1 ? " (means of " + c.rows_per_point + " samples)" : ""),
      { type: "line", data: { datasets: datasets }, options: opts });
  }

  // Accelerators waiting by cause over time (timeseries.csv's waiting.<cause> columns), stacked: the queue's demand
  // and why it waits (docs/metrics.md "Why jobs wait").
  function waitingChart(sec, id, run, unit) {
    var w = run.waiting;
    var xs = w.time_s.map(function (t) { return t / unit.div; });
    var datasets = w.by_cause.map(function (c, k) {
      return lineDataset(c.cause, xs, c.accelerators, PALETTE[k % PALETTE.length],
        { fill: k === 0 ? "origin" : "-1", backgroundColor: PALETTE[k % PALETTE.length] + "99" });
    });
    var opts = baseOptions("time (" + unit.name + ")", "accelerators waiting");
    opts.scales.y.stacked = true;
    opts.scales.y.min = 0;
    opts.scales.x.min = 0;
    if (run.time) opts.scales.x.max = run.time.horizon_s / unit.div;
    var title = "Accelerators waiting, by cause" + (w.rows_per_point > 1 ? " (means of " + w.rows_per_point +
      " samples)" : "");
    addChart(sec, id, title, { type: "line", data: { datasets: datasets }, options: opts });
  }

  // PUE against the outdoor temperature, one point per timeseries sample (or group of samples), per weather-driven
  // site: the cooling model's curve as the load and the weather drew it.
  function weatherChart(sec, id, run) {
    var datasets = run.weather.sites.map(function (w, k) {
      return { type: "scatter", label: w.site, borderColor: PALETTE[k % PALETTE.length],
        backgroundColor: PALETTE[k % PALETTE.length] + "99", pointRadius: 2,
        data: w.temperature_c.map(function (t, j) { return { x: t, y: w.pue[j] }; }) };
    });
    var opts = baseOptions("outdoor temperature (deg C)", "PUE");
    opts.interaction = { mode: "nearest", intersect: true };
    addChart(sec, id, "PUE against the outdoor temperature (weather-driven sites" +
      (run.weather.rows_per_point > 1 ? ", means of " + run.weather.rows_per_point + " samples" : "") + ")",
      { type: "scatter", data: { datasets: datasets }, options: opts });
  }

  // Facility energy by hour of the day (bars) with its cost and carbon (lines, right axes): summary.json's
  // by_hour_of_day, where time-of-use tariffs and hourly carbon intensity show.
  function hourChart(sec, id, run) {
    var h = run.by_hour;
    var labels = h.facility_kwh.map(function (_, k) { return String(k); });
    var datasets = [
      { type: "bar", label: "facility energy (kWh)", data: h.facility_kwh, backgroundColor: PALETTE[0] + "99",
        yAxisID: "y" },
      { type: "line", label: "electricity cost" + (h.currency ? " (" + h.currency + ")" : ""), data: h.cost,
        borderColor: PALETTE[1], backgroundColor: PALETTE[1], pointRadius: 2, yAxisID: "cost" },
      { type: "line", label: "carbon (t CO2)", data: h.tco2, borderColor: PALETTE[2], backgroundColor: PALETTE[2],
        pointRadius: 2, yAxisID: "carbon" }
    ];
    var opts = baseOptions("hour of the day", "facility energy (kWh)");
    opts.scales.x = { type: "category", title: { display: true, text: "hour of the day" } };
    opts.scales.y.min = 0;
    opts.scales.cost = { position: "right", min: 0, title: { display: true, text: "cost" },
      grid: { drawOnChartArea: false } };
    opts.scales.carbon = { position: "right", min: 0, title: { display: true, text: "t CO2" },
      grid: { drawOnChartArea: false } };
    addChart(sec, id, "Energy, cost and carbon by hour of the day",
      { type: "bar", data: { labels: labels, datasets: datasets }, options: opts });
  }

  function occupancyColor(v) {
    // light to dark blue by occupancy
    var t = Math.max(0, Math.min(1, v));
    var r = Math.round(222 - t * (222 - 8)), g = Math.round(235 - t * (235 - 48));
    var b = Math.round(247 - t * (247 - 107));
    return "rgb(" + r + "," + g + "," + b + ")";
  }

  function ganttChart(sec, id, run, unit) {
    var g = run.gantt;
    var names = g.racks.map(function (r) { return r.name; });
    var data = g.segments.map(function (s) {
      return { x: [s[1] / unit.div, s[2] / unit.div], y: names[s[0]], occ: s[3] };
    });
    var opts = baseOptions("time (" + unit.name + ")", "rack");
    opts.indexAxis = "y";
    opts.scales.x.min = 0;
    opts.scales.x.max = run.time.horizon_s / unit.div;
    opts.scales.y = { type: "category", labels: names, title: { display: true, text: "rack" },
      ticks: { autoSkip: names.length > 48, font: { size: 10 } } };
    opts.plugins.legend = { display: false };
    opts.plugins.tooltip = { callbacks: { label: function (ctx) {
      var r = ctx.raw;
      return r.y + ": " + (100 * r.occ).toFixed(1) + " % busy, " + r.x[0].toFixed(2) + "-" + r.x[1].toFixed(2) + " " +
        unit.name;
    } } };
    var datasets = [{ label: "occupancy", data: data, borderWidth: 0, barPercentage: 1.0, categoryPercentage: 0.85,
      backgroundColor: data.map(function (d) { return occupancyColor(d.occ); }) }];
    var shown = g.racks.length < g.racks_total ?
      " (" + g.racks.length + " of " + g.racks_total.toLocaleString("en-US") + " racks, evenly spaced)" : "";
    addChart(sec, id, "Rack occupancy: busy share of each rack's accelerators, bin means (white idle, darkest " +
      "100 %)" + shown,
      { type: "bar", data: { labels: names, datasets: datasets }, options: opts },
      Math.max(160, 40 + 16 * names.length));
  }

  function runSection(parent, run, i) {
    var sec = el("section", "run");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, "Run " + (i + 1) + ": " + run.label));
    sec.appendChild(el("p", "sub", "scenario " + run.scenario + (run.seed !== undefined ? ", seed " + run.seed : "") +
      (run.mode === "fill" ? ", fill mode" : ", " + run.queue + " + " + run.placement) + "; folder " + run.folder));
    run.notes.forEach(function (n) { sec.appendChild(el("p", "note", n)); });
    if (run.utilization) {
      var unit = timeUnit(run.time.horizon_s);
      var grid = el("div", "grid");
      sec.appendChild(grid);
      utilizationChart(grid, "run" + i + "-util-type", "Utilization by accelerator type (bin means)", run,
        run.utilization.by_type, unit);
      utilizationChart(grid, "run" + i + "-util-site", "Utilization by site" +
        (run.utilization.by_site.length < run.utilization.sites ? " (largest sites, the others together)" : ""),
        run, run.utilization.by_site, unit);
    }
    if (run.power) powerChart(sec, "run" + i + "-power", run, timeUnit(run.time ? run.time.horizon_s :
      run.power.time_s[run.power.time_s.length - 1] || 1));
    if (run.waiting) waitingChart(sec, "run" + i + "-waiting", run, timeUnit(run.time ? run.time.horizon_s :
      run.waiting.time_s[run.waiting.time_s.length - 1] || 1));
    if (run.by_hour) hourChart(sec, "run" + i + "-by-hour", run);
    if (run.weather) weatherChart(sec, "run" + i + "-pue-temperature", run);
    if (run.capacity) capacityChart(sec, "run" + i + "-capacity", run, timeUnit(run.time ? run.time.horizon_s :
      run.capacity.time_s[run.capacity.time_s.length - 1] || 1));
    if (run.gantt) ganttChart(sec, "run" + i + "-gantt", run, timeUnit(run.time.horizon_s));
  }

  // --- sweeps ----------------------------------------------------------------------------------------------

  function deltaChart(parent, id, sweep, m) {
    var labels = sweep.configs.map(function (c) { return c.label + (c.baseline ? " (baseline)" : ""); });
    var good = "#2ca02c", bad = "#d62728", neutral = "#7f7f7f";
    function colorOf(d) {
      if (d === null || d === 0 || m.better === "none") return neutral;
      return (m.better === "lower") === (d < 0) ? good : bad;
    }
    var ci = m.delta.map(function (d, k) {
      return d === null || m.delta_ci95[k] === null ? null : [d - m.delta_ci95[k], d + m.delta_ci95[k]];
    });
    var datasets = [
      { type: "bar", label: "95 % confidence interval", data: ci, backgroundColor: m.delta.map(function (d) {
        return colorOf(d) + "55";
      }), borderColor: m.delta.map(colorOf), borderWidth: 1 },
      { type: "line", label: "mean paired delta", data: m.delta, showLine: false, pointRadius: 5,
        pointStyle: "rectRot", backgroundColor: m.delta.map(colorOf), borderColor: m.delta.map(colorOf) }
    ];
    var opts = baseOptions("configuration", "delta vs baseline");
    opts.scales.x = { type: "category", ticks: { autoSkip: false, maxRotation: 60, minRotation: 0 } };
    opts.scales.y.title.text = "delta of " + m.metric;
    var title = m.metric + " (baseline mean " + fmtNumber(m.baseline_mean) + "; " +
      (m.better === "none" ? "defines the experiment" : m.better + " is better") + ")";
    addChart(parent, id, title, { type: "bar", data: { labels: labels, datasets: datasets }, options: opts },
      Math.max(260, Math.min(420, 200 + 6 * labels.length)));
  }

  function sweepSection(parent, sweep, i) {
    var sec = el("section", "sweep");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, "Sweep " + (i + 1) + ": " + sweep.label));
    sec.appendChild(el("p", "sub", sweep.points + " points: " + sweep.configs.length + " configurations x " +
      sweep.seeds + " seeds; axes " + sweep.axes.join(", ") + "; baseline " + sweep.configs[sweep.baseline].label));
    sweep.notes.forEach(function (n) { sec.appendChild(el("p", "note", n)); });
    var grid = el("div", "grid");
    sec.appendChild(grid);
    sweep.charts.forEach(function (k, j) { deltaChart(grid, "sweep" + i + "-delta-" + j, sweep, sweep.metrics[k]); });
    var headers = ["configuration"].concat(sweep.metrics.map(function (m) { return m.metric; }));
    var rows = sweep.configs.map(function (c, k) {
      return [c.label + (c.baseline ? " (baseline)" : "")].concat(sweep.metrics.map(function (m) {
        if (m.delta[k] === null) return fmtNumber(m.mean[k]);
        return fmtNumber(m.mean[k]) + " (" + (m.delta[k] >= 0 ? "+" : "") + fmtNumber(m.delta[k]) +
          (m.delta_ci95[k] !== null ? " \u00b1 " + fmtNumber(m.delta_ci95[k]) : "") + ")";
      }));
    });
    var details = el("details");
    details.appendChild(el("summary", null, "Every metric: mean over seeds (paired delta vs baseline \u00b1 95 % CI)"));
    details.appendChild(table(headers, rows));
    sec.appendChild(details);
  }

  // A plan (ccsim plan): per SLO, each option's mean at every value evaluated (95 % CI as a band of dashed lines),
  // the threshold, and each option's answer; the decisions table.
  function planSection(parent, plan, i) {
    var sec = el("section", "plan");
    parent.appendChild(sec);
    sec.appendChild(el("h2", null, "Plan " + (i + 1) + ": " + plan.label));
    sec.appendChild(table(["rank", "option", "variable", "answer", "status", "objective"],
      plan.decisions.map(function (d) {
        return [d.rank, d.option, d.variable, d.value === null ? "" : fmtNumber(d.value), d.status,
          d.objective ? d.objective + ": " + d.objective_mean + (d.objective_ci95 ? " \u00b1 " + d.objective_ci95 : "")
            : ""];
      })));
    var grid = el("div", "grid");
    sec.appendChild(grid);
    plan.slos.forEach(function (slo, k) {
      var datasets = [];
      var xs = [];
      var top = slo.threshold;
      slo.options.forEach(function (o, j) {
        var color = PALETTE[j % PALETTE.length];
        datasets.push(lineDataset(o.option, o.value, o.mean, color));
        datasets.push(lineDataset(o.option + " +95 % CI", o.value,
          o.mean.map(function (m, n) { return m + o.ci95[n]; }), color, { borderDash: [2, 3], borderWidth: 1,
            pointRadius: 0 }));
        datasets.push(lineDataset(o.option + " -95 % CI", o.value,
          o.mean.map(function (m, n) { return m - o.ci95[n]; }), color, { borderDash: [2, 3], borderWidth: 1,
            pointRadius: 0 }));
        if (o.answer !== null) {
          var at = o.value.indexOf(o.answer);
          datasets.push({ type: "scatter", label: o.option + " answer", borderColor: color, backgroundColor: color,
            pointRadius: 7, pointStyle: "rectRot", data: at >= 0 ? [{ x: o.answer, y: o.mean[at] }] : [] });
        }
        xs = xs.concat(o.value);
        o.mean.forEach(function (m) { if (m > top) top = m; });
      });
      var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs);
      datasets.push(lineDataset("threshold (" + slo.bound + " " + fmtNumber(slo.threshold) + ")", [lo, hi],
        [slo.threshold, slo.threshold], "#c00000", { borderDash: [6, 4], pointRadius: 0 }));
      var opts = baseOptions(plan.decisions.length ? plan.decisions[0].variable : "value", slo.metric);
      // A wait that explodes at small capacities would flatten the rest: beyond 3x the threshold is off the chart.
      var clipped = slo.bound === "max" && slo.threshold > 0 && top > 3 * slo.threshold;
      if (clipped) opts.scales.y.max = 3 * slo.threshold;
      opts.scales.y.min = 0;
      addChart(grid, "plan" + i + "-slo-" + k, slo.metric + " against the variable" +
        (clipped ? " (clipped at 3x the threshold)" : ""), { type: "line", data: { datasets: datasets },
        options: opts });
    });
  }

  function main() {
    var data = JSON.parse(document.getElementById("ccsim-data").textContent);
    var root = document.getElementById("report");
    root.textContent = "";
    overview(root, data.runs);
    waitChart(root, data.runs);
    waitCdfChart(root, data.runs);
    waitCdfByClassChart(root, data.runs);
    data.runs.forEach(function (r, i) { runSection(root, r, i); });
    data.sweeps.forEach(function (s, i) { sweepSection(root, s, i); });
    (data.plans || []).forEach(function (p, i) { planSection(root, p, i); });
    writeStatus();
  }

  main();
})();
