// Interactive figures of 扩散模型教程. No dependencies; loaded through book.toml's additional-js.
//
// Markup (in a book page):
//
//   <figure id="fig-forward-2d-interactive">
//   <div class="interactive-figure" data-figure="forward-2d">
//   <img src="../figures/ch01/forward-2d.svg" alt="…">
//   </div>
//   <figcaption>图 1.x …</figcaption>
//   </figure>
//
// The <img> is the static fallback: without JavaScript, or when the figure's data cannot be loaded
// (e.g. a page opened from file://), the reader sees the static SVG. With JavaScript the figure reads its
// data from the JSON file next to the image (forward-2d.svg -> forward-2d.json, written by
// figures/ch01.py), hides the image and draws the interactive version in its place.
//
// Which renderer: a figure named in FIGURES (forward-2d) has its own; any other reads the renderer's name
// from its JSON ("renderer": "plot-frames", the generic slider-over-frames renderer, see RENDERERS).
//
// State for tests and styling: the container gets data-state="ready" (or "static" when it falls back),
// and the forward-2d figure mirrors its current step and ᾱ_t in data-t, data-schedule, data-alpha-bar.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#4a90d9", "#e8833a"]; // the two moons, as in the static figure

  var STYLE = [
    ".interactive-figure[data-state='ready'] > img { display: none; }",
    ".ifig { display: flex; flex-wrap: wrap; gap: 0.6em 1.4em; align-items: flex-start; margin: 0.5em 0; }",
    ".ifig-plot { flex: 1 1 300px; max-width: 420px; }",
    ".ifig-frames { display: block; }",
    ".ifig-panels { display: flex; flex-wrap: wrap; gap: 0.4em 1em; }",
    ".ifig-panel { flex: 1 1 260px; max-width: 420px; min-width: 0; }",
    ".ifig-legend { display: flex; flex-wrap: wrap; gap: 0.2em 1.2em; font-size: 0.85em; margin: 0.2em 0; }",
    ".ifig-legend-item { display: inline-flex; align-items: center; gap: 0.35em; }",
    ".ifig-swatch { display: inline-block; width: 1.4em; height: 3px; border-radius: 1px; }",
    ".ifig-swatch-scatter { width: 0.6em; height: 0.6em; border-radius: 50%; }",
    ".ifig-swatch-fill { height: 0.7em; opacity: 0.6; }",
    ".ifig-side { flex: 1 1 240px; min-width: 220px; font-size: 0.9em; }",
    ".ifig svg { display: block; width: 100%; height: auto; overflow: visible; }",
    ".ifig svg text { fill: currentColor; }",
    ".ifig-curve-box text { font-size: 11px; }",
    // Strokes are 1 screen pixel whatever the SVG's scale (the scatter plot is in data units).
    ".ifig .ifig-frame, .ifig .ifig-axis { fill: none; stroke: currentColor; stroke-opacity: 0.45; stroke-width: 1;",
    "  vector-effect: non-scaling-stroke; }",
    ".ifig .ifig-grid { stroke: currentColor; stroke-opacity: 0.15; stroke-width: 1; vector-effect: non-scaling-stroke; }",
    ".ifig .ifig-curve { fill: none; stroke-width: 2; }",
    ".ifig .ifig-curve.other { stroke-dasharray: 4 3; stroke-opacity: 0.55; stroke-width: 1.5; }",
    ".ifig .ifig-cursor { stroke: currentColor; stroke-width: 1; stroke-dasharray: 2 2; }",
    ".ifig-row { display: flex; align-items: center; gap: 0.5em; margin: 0.3em 0; flex-wrap: wrap; }",
    ".ifig-row input[type=range] { flex: 1 1 140px; min-width: 120px; }",
    ".ifig-row fieldset { border: none; margin: 0; padding: 0; display: flex; gap: 0.8em; flex-wrap: wrap; }",
    ".ifig-row legend { float: left; margin-right: 0.5em; padding: 0; }",
    ".ifig-readout { font-variant-numeric: tabular-nums; line-height: 1.6; }",
    ".ifig button { font: inherit; padding: 0.1em 0.7em; cursor: pointer; color: inherit;",
    "  background: transparent; border: 1px solid currentColor; border-radius: 4px; opacity: 0.85; }",
  ].join("\n");

  function injectStyle() {
    if (document.getElementById("interactive-figure-style")) return;
    var style = document.createElement("style");
    style.id = "interactive-figure-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function svgEl(name, attrs, parent) {
    var el = document.createElementNS(SVG_NS, name);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }

  function htmlEl(name, attrs, parent, text) {
    var el = document.createElement(name);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  // ---- noise schedules (the same definitions as minidiff.schedules and figures/toy.py) -------------

  function cumprodOneMinus(betas) {
    var out = new Float64Array(betas.length);
    var p = 1;
    for (var i = 0; i < betas.length; i++) {
      p *= 1 - betas[i];
      out[i] = p;
    }
    return out;
  }

  // ᾱ_t for t = 1..T stored at index t-1.
  function linearAlphaBar(T, p) {
    var betas = new Float64Array(T);
    for (var i = 0; i < T; i++) betas[i] = p.beta_start + ((p.beta_end - p.beta_start) * i) / (T - 1);
    return cumprodOneMinus(betas);
  }

  function cosineAlphaBar(T, p) {
    var f = function (t) {
      var c = Math.cos((((t / T) + p.s) / (1 + p.s)) * (Math.PI / 2));
      return c * c;
    };
    var betas = new Float64Array(T);
    for (var t = 1; t <= T; t++) betas[t - 1] = Math.min(1 - f(t) / f(t - 1), p.max_beta);
    return cumprodOneMinus(betas);
  }

  function fmt(v) {
    if (v === 0) return "0";
    if (Math.abs(v) >= 0.001) return v.toPrecision(3);
    var e = Math.floor(Math.log10(Math.abs(v)));
    return (v / Math.pow(10, e)).toFixed(2) + "×10" + superscript(e);
  }

  function superscript(n) {
    var map = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
    return String(n).split("").map(function (c) { return map[c]; }).join("");
  }

  // ---- forward-2d: x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε on two moons ----------------------------------------

  function forward2d(container, img, data) {
    var T = data.T;
    var n = data.n;
    var L = data.lim;
    var x0 = data.x0;
    var eps = data.eps;
    var schedules = {
      linear: linearAlphaBar(T, data.schedules.linear),
      cosine: cosineAlphaBar(T, data.schedules.cosine),
    };
    var names = { linear: "线性", cosine: "余弦" };
    var uid = "ifig-" + Math.random().toString(36).slice(2, 8);
    var state = { t: Math.round(T / 4), schedule: "linear", timer: null };

    var root = htmlEl("div", { class: "ifig" });

    // Scatter plot in data coordinates (y up).
    var plotBox = htmlEl("div", { class: "ifig-plot" }, root);
    var pad = 0.12 * L;
    var svg = svgEl("svg", {
      viewBox: [-L - pad, -L - pad, 2 * (L + pad), 2 * (L + pad)].join(" "),
      role: "img",
      "aria-label": (img.getAttribute("alt") || "") + "（可交互：拖动滑块改变 t）",
    }, plotBox);
    for (var g = -2; g <= 2; g += 2) {
      svgEl("line", { class: "ifig-grid", x1: g, y1: -L, x2: g, y2: L }, svg);
      svgEl("line", { class: "ifig-grid", x1: -L, y1: g, x2: L, y2: g }, svg);
    }
    svgEl("rect", { class: "ifig-frame", x: -L, y: -L, width: 2 * L, height: 2 * L }, svg);
    [-2, 0, 2].forEach(function (v) {
      var tx = svgEl("text", { x: v, y: L + 0.3, "text-anchor": "middle", "font-size": 0.22 }, svg);
      tx.textContent = String(v).replace("-", "−");
      var ty = svgEl("text", { x: -L - 0.1, y: -v + 0.08, "text-anchor": "end", "font-size": 0.22 }, svg);
      ty.textContent = String(v).replace("-", "−");
    });
    var dots = [];
    var layer = svgEl("g", {}, svg);
    for (var i = 0; i < n; i++) {
      dots.push(svgEl("circle", { r: (1.6 * 2 * L) / 240, fill: COLORS[data.label[i]], "fill-opacity": 0.9 }, layer));
    }

    // Controls and the ᾱ_t curve.
    var side = htmlEl("div", { class: "ifig-side" }, root);
    var row1 = htmlEl("div", { class: "ifig-row" }, side);
    htmlEl("label", { for: uid + "-t" }, row1, "步数 t");
    var slider = htmlEl("input", {
      type: "range", id: uid + "-t", min: "0", max: String(T), step: "1", value: String(state.t),
    }, row1);
    var play = htmlEl("button", { type: "button", "aria-label": "播放前向过程" }, row1, "▶ 播放");

    var row2 = htmlEl("div", { class: "ifig-row" }, side);
    var fs = htmlEl("fieldset", {}, row2);
    htmlEl("legend", {}, fs, "噪声调度");
    var radios = {};
    ["linear", "cosine"].forEach(function (key) {
      var lab = htmlEl("label", {}, fs);
      radios[key] = htmlEl("input", { type: "radio", name: uid + "-schedule", value: key }, lab);
      lab.appendChild(document.createTextNode(" " + names[key]));
    });
    radios.linear.checked = true;

    var readout = htmlEl("div", { class: "ifig-readout", "aria-live": "polite" }, side);

    // ᾱ_t of both schedules; the chosen one solid, the other dashed; a cursor at t.
    var W = 240, H = 120, ml = 26, mb = 18;
    var curve = svgEl("svg", {
      class: "ifig-curve-box", viewBox: [-ml, -6, W + ml + 6, H + mb + 8].join(" "), "aria-hidden": "true",
    });
    side.appendChild(curve);
    svgEl("path", { class: "ifig-axis", d: "M0 0 V" + H + " H" + W }, curve);
    [0, 0.5, 1].forEach(function (v) {
      var y = H * (1 - v);
      svgEl("line", { class: "ifig-grid", x1: 0, x2: W, y1: y, y2: y }, curve);
      svgEl("text", { x: -4, y: y + 4, "text-anchor": "end" }, curve).textContent = String(v);
    });
    [0, T / 2, T].forEach(function (v) {
      // The last tick sits on the plot's right edge: anchor it at its end so it is not clipped.
      var anchor = v === T ? "end" : "middle";
      svgEl("text", { x: (W * v) / T, y: H + 14, "text-anchor": anchor }, curve).textContent = String(v);
    });
    var label = svgEl("text", { x: W - 8, y: 12, "text-anchor": "end" }, curve);
    label.textContent = "ᾱ";
    svgEl("tspan", { "baseline-shift": "sub", "font-size": "8px", "font-style": "italic" }, label).textContent = "t";
    var paths = {};
    ["linear", "cosine"].forEach(function (key) {
      var ab = schedules[key];
      var d = "M0 0";
      for (var t = 1; t <= T; t++) d += " L" + ((W * t) / T).toFixed(1) + " " + (H * (1 - ab[t - 1])).toFixed(1);
      paths[key] = svgEl("path", { class: "ifig-curve", d: d, stroke: key === "linear" ? COLORS[0] : COLORS[1] }, curve);
    });
    var cursor = svgEl("line", { class: "ifig-cursor", y1: 0, y2: H }, curve);
    var marker = svgEl("circle", { r: 3.5, fill: "currentColor" }, curve);

    function alphaBar() {
      return state.t === 0 ? 1 : schedules[state.schedule][state.t - 1];
    }

    function render() {
      var a = alphaBar();
      var sa = Math.sqrt(a);
      var sn = Math.sqrt(1 - a);
      for (var i = 0; i < n; i++) {
        var x = sa * x0[2 * i] + sn * eps[2 * i];
        var y = sa * x0[2 * i + 1] + sn * eps[2 * i + 1];
        dots[i].setAttribute("cx", x.toFixed(3));
        dots[i].setAttribute("cy", (-y).toFixed(3));
      }
      for (var key in paths) paths[key].setAttribute("class", "ifig-curve" + (key === state.schedule ? "" : " other"));
      var cx = (W * state.t) / T;
      cursor.setAttribute("x1", cx);
      cursor.setAttribute("x2", cx);
      marker.setAttribute("cx", cx);
      marker.setAttribute("cy", H * (1 - a));
      var lambda = a >= 1 ? "+∞" : fmt(Math.log(a) - Math.log1p(-a));
      // Only our own numbers and fixed strings go into innerHTML.
      readout.innerHTML = [
        "<i>t</i> = " + state.t + " / " + T + "（" + names[state.schedule] + "调度）",
        "ᾱ<sub><i>t</i></sub> = " + fmt(a),
        "信号系数 √(ᾱ<sub><i>t</i></sub>) = " + fmt(sa) + "，噪声系数 √(1 − ᾱ<sub><i>t</i></sub>) = " + fmt(sn),
        "对数信噪比 λ<sub><i>t</i></sub> = " + lambda,
      ].map(function (line) { return "<div>" + line + "</div>"; }).join("");
      container.setAttribute("data-t", String(state.t));
      container.setAttribute("data-schedule", state.schedule);
      container.setAttribute("data-alpha-bar", String(a));
    }

    function stop() {
      if (state.timer !== null) cancelAnimationFrame(state.timer);
      state.timer = null;
      play.textContent = "▶ 播放";
    }

    slider.addEventListener("input", function () {
      state.t = Number(slider.value);
      render();
    });
    slider.addEventListener("pointerdown", stop);
    Object.keys(radios).forEach(function (key) {
      radios[key].addEventListener("change", function () {
        if (radios[key].checked) {
          state.schedule = key;
          render();
        }
      });
    });
    play.addEventListener("click", function () {
      if (state.timer !== null) return stop();
      if (state.t >= T) state.t = 0;
      play.textContent = "❚❚ 暂停";
      var step = function () {
        state.t = Math.min(T, state.t + Math.max(1, Math.round(T / 240)));
        slider.value = String(state.t);
        render();
        state.timer = state.t < T ? requestAnimationFrame(step) : null;
        if (state.timer === null) stop();
      };
      state.timer = requestAnimationFrame(step);
    });

    img.insertAdjacentElement("afterend", root);
    render();
  }

  // ---- plot-frames: a slider over precomputed frames (the generic renderer) -------------------------
  //
  // Data (written by figures/common.plot_frames_json): {renderer: "plot-frames", slider: {label, values,
  // initial}, panels: [{title, xlim, ylim, xlabel, ylabel, equal}], series: [{panel, kind, color, label,
  // x?}], frames: [{readout, data: [ys | [xs, ys] per series]}]}. Each panel is an SVG in pixel units:
  // its plot box is the rect.ifig-frame, data limits are mirrored in data-xlim / data-ylim, so a test can
  // map data to pixels from the DOM alone. The container mirrors data-frame (index) and data-value.

  var NAMED_COLORS = {
    blue: "#4a90d9", orange: "#e8833a", green: "#4caf6a", purple: "#a66ad6", red: "#d9534f",
    teal: "#2fa7a0", gray: "#8c8c8c",
  };

  // About five round tick values covering [lo, hi].
  function ticks(lo, hi) {
    var span = hi - lo;
    var step = Math.pow(10, Math.floor(Math.log10(span / 4)));
    if (span / step > 20) step *= 5;
    else if (span / step > 8) step *= 2;
    var out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  function tickLabel(v) {
    var s = Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(6)));
    return s.replace("-", "−");
  }

  function plotFrames(container, img, data) {
    var values = data.slider.values;
    var frames = data.frames;
    if (!values.length || frames.length !== values.length) throw new Error("frames do not match slider values");
    var uid = "ifig-" + Math.random().toString(36).slice(2, 8);
    var state = { k: data.slider.initial || 0, timer: null };

    var root = htmlEl("div", { class: "ifig ifig-frames" });
    var panelRow = htmlEl("div", { class: "ifig-panels" }, root);
    var ml = 44, mr = 10, mt = 22, mb = 36, PW = 300;
    var panels = data.panels.map(function (p, i) {
      var pw = PW - ml - mr;
      var ph = 170;
      if (p.equal) ph = Math.max(80, Math.min(320, (pw * (p.ylim[1] - p.ylim[0])) / (p.xlim[1] - p.xlim[0])));
      var box = htmlEl("div", { class: "ifig-panel" }, panelRow);
      var svg = svgEl("svg", {
        viewBox: [0, 0, PW, mt + ph + mb].join(" "), role: "img", "data-panel": String(i),
        "data-xlim": p.xlim.join(","), "data-ylim": p.ylim.join(","),
        "aria-label": (p.title ? p.title + "：" : "") + (img.getAttribute("alt") || "") + "（可交互：拖动滑块）",
      }, box);
      var clip = uid + "-clip-" + i;
      var defs = svgEl("defs", {}, svg);
      svgEl("rect", { x: ml, y: mt, width: pw, height: ph }, svgEl("clipPath", { id: clip }, defs));
      var X = function (x) { return ml + ((x - p.xlim[0]) / (p.xlim[1] - p.xlim[0])) * pw; };
      var Y = function (y) { return mt + (1 - (y - p.ylim[0]) / (p.ylim[1] - p.ylim[0])) * ph; };
      ticks(p.xlim[0], p.xlim[1]).forEach(function (v) {
        svgEl("line", { class: "ifig-grid", x1: X(v), x2: X(v), y1: mt, y2: mt + ph }, svg);
        svgEl("text", { x: X(v), y: mt + ph + 13, "text-anchor": "middle", "font-size": 10 }, svg).textContent = tickLabel(v);
      });
      ticks(p.ylim[0], p.ylim[1]).forEach(function (v) {
        svgEl("line", { class: "ifig-grid", x1: ml, x2: ml + pw, y1: Y(v), y2: Y(v) }, svg);
        svgEl("text", { x: ml - 4, y: Y(v) + 3.5, "text-anchor": "end", "font-size": 10 }, svg).textContent = tickLabel(v);
      });
      svgEl("rect", { class: "ifig-frame", x: ml, y: mt, width: pw, height: ph }, svg);
      if (p.title) svgEl("text", { x: ml + pw / 2, y: 14, "text-anchor": "middle", "font-size": 12 }, svg).textContent = p.title;
      if (p.xlabel) svgEl("text", { x: ml + pw / 2, y: mt + ph + 30, "text-anchor": "middle", "font-size": 11 }, svg).textContent = p.xlabel;
      if (p.ylabel) {
        svgEl("text", {
          x: 0, y: 0, "text-anchor": "middle", "font-size": 11,
          transform: "translate(11 " + (mt + ph / 2) + ") rotate(-90)",
        }, svg).textContent = p.ylabel;
      }
      var layer = svgEl("g", { "clip-path": "url(#" + clip + ")" }, svg);
      return { svg: svg, layer: layer, X: X, Y: Y, spec: p };
    });

    var legendItems = data.series.filter(function (s) { return s.label; });
    if (legendItems.length) {
      var legend = htmlEl("div", { class: "ifig-legend" }, root);
      legendItems.forEach(function (s) {
        var item = htmlEl("span", { class: "ifig-legend-item" }, legend);
        htmlEl("span", { class: "ifig-swatch ifig-swatch-" + s.kind, style: "background:" + NAMED_COLORS[s.color] }, item);
        item.appendChild(document.createTextNode(s.label));
      });
    }

    // One element per series: a path (line, fill) or a group of circles (scatter).
    var shapes = data.series.map(function (s, j) {
      var layer = panels[s.panel].layer;
      var color = NAMED_COLORS[s.color] || NAMED_COLORS.gray;
      if (s.kind === "scatter") return svgEl("g", { class: "ifig-scatter", "data-series": String(j), fill: color, "fill-opacity": 0.8 }, layer);
      if (s.kind === "fill") {
        return svgEl("path", { class: "ifig-fill", "data-series": String(j), fill: color, "fill-opacity": 0.3, stroke: color, "stroke-width": 1.5 }, layer);
      }
      return svgEl("path", { class: "ifig-line", "data-series": String(j), fill: "none", stroke: color, "stroke-width": 2 }, layer);
    });

    var controls = htmlEl("div", { class: "ifig-row" }, root);
    htmlEl("label", { for: uid + "-k" }, controls, data.slider.label);
    var slider = htmlEl("input", {
      type: "range", id: uid + "-k", min: "0", max: String(values.length - 1), step: "1", value: String(state.k),
    }, controls);
    var valueOut = htmlEl("output", { for: uid + "-k", class: "ifig-readout" }, controls);
    var play = htmlEl("button", { type: "button", "aria-label": "播放" }, controls, "▶ 播放");
    var readout = htmlEl("div", { class: "ifig-readout", "aria-live": "polite" }, root);

    function points(s, d) {
      return s.x ? { xs: s.x, ys: d } : { xs: d[0], ys: d[1] };
    }

    function render() {
      var frame = frames[state.k];
      data.series.forEach(function (s, j) {
        var P = panels[s.panel];
        var pts = points(s, frame.data[j]);
        var el = shapes[j];
        if (s.kind === "scatter") {
          var r = 2.2;
          while (el.childNodes.length > pts.xs.length) el.removeChild(el.lastChild);
          while (el.childNodes.length < pts.xs.length) svgEl("circle", { r: r }, el);
          for (var i = 0; i < pts.xs.length; i++) {
            el.childNodes[i].setAttribute("cx", P.X(pts.xs[i]).toFixed(2));
            el.childNodes[i].setAttribute("cy", P.Y(pts.ys[i]).toFixed(2));
          }
          return;
        }
        var d = "";
        for (var i = 0; i < pts.xs.length; i++) {
          d += (i ? " L" : "M") + P.X(pts.xs[i]).toFixed(2) + " " + P.Y(pts.ys[i]).toFixed(2);
        }
        if (s.kind === "fill" && pts.xs.length) {
          var base = P.Y(Math.max(P.spec.ylim[0], Math.min(P.spec.ylim[1], 0))).toFixed(2);
          d += " L" + P.X(pts.xs[pts.xs.length - 1]).toFixed(2) + " " + base + " L" + P.X(pts.xs[0]).toFixed(2) + " " + base + " Z";
        }
        el.setAttribute("d", d);
      });
      valueOut.textContent = tickLabel(values[state.k]);
      readout.textContent = frame.readout;
      container.setAttribute("data-frame", String(state.k));
      container.setAttribute("data-value", String(values[state.k]));
    }

    function stop() {
      if (state.timer !== null) clearInterval(state.timer);
      state.timer = null;
      play.textContent = "▶ 播放";
    }

    slider.addEventListener("input", function () {
      state.k = Number(slider.value);
      render();
    });
    slider.addEventListener("pointerdown", stop);
    play.addEventListener("click", function () {
      if (state.timer !== null) return stop();
      if (state.k >= values.length - 1) state.k = 0;
      play.textContent = "❚❚ 暂停";
      // About three seconds for the whole sweep, at most ten frames a second.
      state.timer = setInterval(function () {
        state.k = Math.min(values.length - 1, state.k + 1);
        slider.value = String(state.k);
        render();
        if (state.k >= values.length - 1) stop();
      }, Math.max(100, 3000 / values.length));
    });

    img.insertAdjacentElement("afterend", root);
    render();
  }

  // Figures with their own renderer, by data-figure name; any other name is drawn by the generic
  // renderer its JSON names.
  var RENDERERS = { "plot-frames": plotFrames };
  var FIGURES = { "forward-2d": forward2d };

  function dataUrl(img) {
    var src = img.currentSrc || img.src;
    return src.replace(/\.svg([?#].*)?$/, ".json");
  }

  function setup(container) {
    var named = FIGURES[container.getAttribute("data-figure")];
    var img = container.querySelector("img");
    if (!img || container.getAttribute("data-state")) return;
    container.setAttribute("data-state", "loading");
    fetch(dataUrl(img))
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.statusText);
        return r.json();
      })
      .then(function (data) {
        var build = named || RENDERERS[data.renderer];
        if (!build) throw new Error("no renderer '" + data.renderer + "'");
        build(container, img, data);
        container.setAttribute("data-state", "ready");
      })
      .catch(function (err) {
        // Keep the static image.
        container.setAttribute("data-state", "static");
        if (window.console) console.warn("interactive figure " + container.getAttribute("data-figure") + ": " + err);
      });
  }

  function setupAll() {
    var figs = document.querySelectorAll(".interactive-figure[data-figure]");
    if (figs.length === 0) return;
    injectStyle();
    for (var i = 0; i < figs.length; i++) setup(figs[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupAll);
  else setupAll();
})();
