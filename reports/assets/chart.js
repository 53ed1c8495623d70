// Draws the drill's timeline into #chart from the JSON in #chart-data: one
// panel per series, fault windows shaded, moments marked and labelled in a
// band above the panels. Text goes in through textContent only, never as
// markup. Sets data-drawn="true" and data-paths on the SVG when done.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("chart");
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var series = data.series || [], shades = data.shades || [], marks = data.marks || [];
  var W = 960, L = 64, R = 20, PH = 104, GAP = 34, ROW = 13;
  var end = data.end > 0 ? data.end : 1;

  // x places a moment; the axis starts at the load start, so a moment
  // before it (a deploy during set-up) is drawn at the left edge.
  function x(s) { return L + (W - L - R) * Math.max(0, s) / end; }
  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    (parent || svg).appendChild(e);
    return e;
  }
  function fmt(v) {
    var a = Math.abs(v);
    return a === 0 ? "0" : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function tick(v) { return String(Number(v.toPrecision(3))); }
  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
    return 10 * p;
  }
  function clock(s) {
    if (end < 180) { return s + "s"; }
    var m = Math.floor(s / 60), r = Math.round(s % 60);
    return r ? m + "m" + r + "s" : m + "m";
  }
  function xStep() {
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
    for (var i = 0; i < steps.length; i++) { if (end / steps[i] <= 10) { return steps[i]; } }
    return Math.ceil(end / 10);
  }
  function offset(s) { return (s < 0 ? "t" : "t+") + fmt(s) + "s"; }
  function when(m) { return m.label + " at " + offset(m.at); }

  // Labels: one per moment and fault, never merged or cut short. Each is
  // measured as the browser renders it and goes in the first row of the
  // band where it overlaps no other label (it reads leftwards from its
  // line when it would run off the right edge); the band grows as needed.
  var labels = marks.map(function (m) { return { at: m.at, kind: m.kind, label: m.label }; })
    .concat(shades.map(function (s) { return { at: s.from, kind: "fault", label: s.label }; }))
    .sort(function (a, b) { return a.at - b.at; });
  var rows = [];
  labels.forEach(function (l) {
    var mx = x(l.at);
    l.node = el("text", { "class": "mark-label " + l.kind, x: 0, y: 0 }, svg, l.label);
    var width = l.node.getComputedTextLength ? l.node.getComputedTextLength() : 6 * l.label.length;
    l.anchor = mx + 3 + width > W ? "end" : "start";
    l.left = l.anchor === "end" ? mx - 3 - width : mx + 3;
    l.right = l.left + width;
    var row = 0;
    while (row < rows.length && rows[row].some(function (o) { return l.left < o.right + 6 && o.left < l.right + 6; })) { row++; }
    if (row === rows.length) { rows.push([]); }
    rows[row].push(l);
    l.row = row;
  });
  var BAND = 8 + ROW * Math.max(1, rows.length);
  var plotTop = BAND + GAP, plotBottom = BAND + series.length * (PH + GAP);
  svg.setAttribute("viewBox", "0 0 " + W + " " + (plotBottom + 26));
  shades.forEach(function (s) {
    var r = el("rect", { "class": "shade", x: x(s.from), y: plotTop,
      width: Math.max(1, x(s.to) - x(s.from)), height: plotBottom - plotTop });
    el("title", {}, r, "fault " + s.label + " from " + offset(s.from) + " to " + offset(s.to));
  });

  var paths = 0;
  series.forEach(function (s, i) {
    var top = BAND + GAP + i * (PH + GAP), bottom = top + PH, max = 0;
    s.points.forEach(function (p) { if (p[1] > max) { max = p[1]; } });
    var ymax = niceMax(max);
    function y(v) { return bottom - PH * v / ymax; }
    el("text", { "class": "title", x: L, y: top - 10 }, svg, s.name + " (" + s.unit + ")");
    el("text", { x: W - R, y: top - 10, "text-anchor": "end" }, svg,
      s.points.length ? "peak " + fmt(max) + " " + s.unit : "no data");
    [0, 0.5, 1].forEach(function (f) {
      el("line", { "class": f ? "grid" : "axis", x1: L, x2: W - R, y1: y(f * ymax), y2: y(f * ymax) });
      el("text", { x: L - 6, y: y(f * ymax) + 4, "text-anchor": "end" }, svg, tick(f * ymax));
    });
    if (!s.points.length) { return; }
    var d = s.points.map(function (p, k) {
      return (k ? "L" : "M") + x(p[0]).toFixed(1) + " " + y(p[1]).toFixed(1);
    }).join("");
    el("path", { "class": "line s" + i, d: d });
    paths++;
  });

  var step = xStep();
  for (var t = 0; t <= end + 1e-9; t += step) {
    el("line", { "class": "axis", x1: x(t), x2: x(t), y1: plotBottom, y2: plotBottom + 5 });
    el("text", { x: x(t), y: plotBottom + 18, "text-anchor": "middle" }, svg, clock(t));
  }

  marks.forEach(function (m) {
    var line = el("line", { "class": "mark " + m.kind, x1: x(m.at), x2: x(m.at), y1: plotTop - 4, y2: plotBottom });
    el("title", {}, line, when(m));
  });
  labels.forEach(function (l) {
    var mx = x(l.at), y = 12 + l.row * ROW;
    el("line", { "class": "mark " + l.kind, x1: mx, x2: mx, y1: y + 3, y2: plotTop - 4 });
    l.node.setAttribute("x", l.anchor === "end" ? mx - 3 : mx + 3);
    l.node.setAttribute("y", y);
    l.node.setAttribute("text-anchor", l.anchor);
    svg.appendChild(l.node);
    el("title", {}, l.node, when(l));
  });
  var cursor = el("line", { "class": "cursor", x1: -10, x2: -10, y1: plotTop, y2: plotBottom, visibility: "hidden" });
  var readout = el("text", { "class": "readout", x: W - R, y: plotTop - 24, "text-anchor": "end" }, svg, "");
  function nearest(points, t) {
    var lo = 0, hi = points.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (points[mid][0] < t) { lo = mid + 1; } else { hi = mid; }
    }
    if (lo > 0 && Math.abs(points[lo - 1][0] - t) < Math.abs(points[lo][0] - t)) { lo--; }
    return points[lo];
  }
  function hide() { cursor.setAttribute("visibility", "hidden"); readout.textContent = ""; }
  svg.addEventListener("mousemove", function (ev) {
    var ctm = svg.getScreenCTM();
    if (!ctm) { return; }
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    var sx = pt.matrixTransform(ctm.inverse()).x;
    if (sx < L || sx > W - R) { hide(); return; }
    var t = (sx - L) / (W - L - R) * end;
    cursor.setAttribute("x1", sx);
    cursor.setAttribute("x2", sx);
    cursor.setAttribute("visibility", "visible");
    var parts = ["t+" + fmt(t) + "s"];
    series.forEach(function (s) {
      if (s.points.length) { parts.push(s.name + " " + fmt(nearest(s.points, t)[1]) + " " + s.unit); }
    });
    readout.textContent = parts.join("   ");
  });
  svg.addEventListener("mouseleave", hide);

  svg.setAttribute("data-paths", String(paths));
  svg.setAttribute("data-drawn", "true");
}());
