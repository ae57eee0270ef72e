#!/usr/bin/env python3
"""Check the interactive figures (theme/figures.js) in headless Chromium, with and without JavaScript.

    python figures/check_interactive.py                 # skips (exit 0) when chromium is not installed
    python figures/check_interactive.py --require-chromium
    python figures/check_interactive.py --screenshots DIR   # also save PNGs to look at

It builds a small page that uses the book's markup, serves it from 127.0.0.1 (a thread of this process),
and asks Chromium for the DOM after the scripts ran:
  1. with JavaScript: the figure becomes interactive (data-state="ready", one circle per point, the
     <img> hidden); a harness script moves the slider and switches the schedule, and the ᾱ_t and point
     positions the page shows must match the closed form computed here with numpy;
  2. without JavaScript: the page still shows the static <img> (checked on a screenshot);
  3. from file:// (fetch is refused): the figure stays static (data-state="static").
Then the generic renderer plot-frames, on a synthetic figure made with common.plot_frames_json and on
every plot-frames JSON under book/figures/: at the first, middle and last frame, each series must be
drawn with as many points as the frame holds, its first point where the panel's limits put it, and
the readout text of that frame; a JSON naming an unknown renderer and a page without JavaScript keep
the static image.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import toy  # noqa: E402

ROOT = HERE.parent
FIG = ROOT / "book" / "figures" / "ch01"
JS = ROOT / "theme" / "figures.js"

PROBES = [("linear", 0), ("linear", 250), ("linear", 1000), ("cosine", 500), ("cosine", 999), ("linear", 1)]

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>forward-2d test</title>{csp}
<style>body {{ font-family: sans-serif; max-width: 760px; margin: 16px auto; background: {bg}; color: {fg}; }}
img {{ max-width: 100%; }}</style></head>
<body>
<h1>1.4 前向扩散过程</h1>
<figure id="fig-forward-2d">
<div class="interactive-figure" data-figure="forward-2d">
<img src="../figures/ch01/forward-2d.svg" alt="二维两月牙数据在前向过程五个时刻的散点图">
</div>
<figcaption>图 1.3 两月牙数据在前向过程中逐渐变成高斯噪声。</figcaption>
</figure>
<pre id="result">pending</pre>
<script src="../theme/figures.js"></script>
{harness}
</body></html>
"""

NO_JS = """<meta http-equiv="Content-Security-Policy" content="script-src 'none'">"""

HARNESS = """<script>
(function () {
  var probes = %s;
  var fig = document.querySelector(".interactive-figure");
  function run() {
    var state = fig.getAttribute("data-state");
    if (state === "loading" || state === null) return setTimeout(run, 20);
    var out = { state: state, probes: [] };
    if (state === "ready") {
      var slider = fig.querySelector("input[type=range]");
      probes.forEach(function (p) {
        var radio = fig.querySelector("input[type=radio][value=" + p[0] + "]");
        radio.checked = true;
        radio.dispatchEvent(new Event("change"));
        slider.value = String(p[1]);
        slider.dispatchEvent(new Event("input"));
        var c = fig.querySelectorAll(".ifig-plot circle");
        out.probes.push({ schedule: fig.getAttribute("data-schedule"), t: Number(fig.getAttribute("data-t")),
          alpha_bar: Number(fig.getAttribute("data-alpha-bar")),
          first: [Number(c[0].getAttribute("cx")), -Number(c[0].getAttribute("cy"))],
          last: [Number(c[c.length - 3].getAttribute("cx")), -Number(c[c.length - 3].getAttribute("cy"))] });
      });
      // Leave the page at an instructive state for the screenshot.
      slider.value = "250"; slider.dispatchEvent(new Event("input"));
    }
    document.getElementById("result").textContent = JSON.stringify(out);
  }
  run();
})();
</script>""" % json.dumps(PROBES)


FRAMES_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>plot-frames test</title>{csp}</head>
<body>
<figure id="fig-test">
<div class="interactive-figure" data-figure="{name}">
<img src="../figures/{rel}" alt="{alt}">
</div>
<figcaption>test</figcaption>
</figure>
<pre id="result">pending</pre>
<script src="../theme/figures.js"></script>
{harness}
</body></html>
"""

FRAMES_HARNESS = """<script>
(function () {
  var probes = %s;
  var fig = document.querySelector(".interactive-figure");
  function num(el, a) { return Number(el.getAttribute(a)); }
  function run() {
    var state = fig.getAttribute("data-state");
    if (state === "loading" || state === null) return setTimeout(run, 20);
    var out = { state: state, probes: [] };
    if (state === "ready") {
      var slider = fig.querySelector("input[type=range]");
      out.initial = num(fig, "data-frame");
      out.frames = Number(slider.max) + 1;
      out.panels = [].map.call(fig.querySelectorAll("svg[data-panel]"), function (svg) {
        var r = svg.querySelector("rect.ifig-frame");
        return { x: num(r, "x"), y: num(r, "y"), w: num(r, "width"), h: num(r, "height") };
      });
      out.img_hidden = getComputedStyle(fig.querySelector("img")).display === "none";
      probes.forEach(function (k) {
        slider.value = String(k);
        slider.dispatchEvent(new Event("input"));
        var series = [].map.call(fig.querySelectorAll("[data-series]"), function (el) {
          if (el.tagName.toLowerCase() === "g") {
            var c = el.querySelectorAll("circle");
            return { n: c.length, first: c.length ? [num(c[0], "cx"), num(c[0], "cy")] : null };
          }
          var d = el.getAttribute("d") || "";
          var m = d.match(/^M(-?[0-9.]+) (-?[0-9.]+)/);
          return { n: (d.match(/[ML]/g) || []).length, first: m ? [Number(m[1]), Number(m[2])] : null };
        });
        out.probes.push({ k: num(fig, "data-frame"), value: num(fig, "data-value"),
          readout: fig.querySelector("div.ifig-readout").textContent, series: series });
      });
    }
    document.getElementById("result").textContent = JSON.stringify(out);
  }
  run();
})();
</script>"""


def synthetic_plot_frames() -> bytes:
    """A plot-frames figure with every kind of series, two panels and a shared x: the renderer's fixture."""
    import common

    xs = np.linspace(-3, 3, 61)
    ws = [0.0, 0.5, 1.0, 2.0, 4.0]
    frames = []
    rng = np.random.default_rng(7)
    cloud = rng.standard_normal((40, 2))
    for w in ws:
        dens = np.exp(-0.5 * (xs - w / 2) ** 2 * (1 + w)) * np.sqrt((1 + w) / (2 * np.pi))
        frames.append({"readout": f"w = {w:g}：峰值 {dens.max():.3f}",
                       "data": [dens, [xs[::3], 0.5 * dens[::3]], [cloud[:, 0] / (1 + w), cloud[:, 1] + w / 4]]})
    return common.plot_frames_json(
        slider={"label": "引导强度 w", "values": ws, "initial": 2},
        panels=[{"title": "密度", "xlim": [-3, 3], "ylim": [0, 1.2], "xlabel": "x", "ylabel": "p"},
                {"title": "样本", "xlim": [-3, 3], "ylim": [-3, 3], "equal": True}],
        series=[{"panel": 0, "kind": "line", "color": "blue", "label": "p_w", "x": xs},
                {"panel": 0, "kind": "fill", "color": "orange", "label": "一半"},
                {"panel": 1, "kind": "scatter", "color": "green", "label": "样本"}],
        frames=frames)


def plot_frames_files() -> list[Path]:
    out = []
    for path in sorted((ROOT / "book" / "figures").rglob("*.json")):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("renderer") == "plot-frames":
                out.append(path)
        except (ValueError, AttributeError):
            continue
    return out


def expected_probe(data: dict, k: int, panels: list[dict]) -> list[tuple[int, list[float] | None]]:
    """(point count, first point in pixels) of every series at frame k, from the JSON alone."""
    out = []
    frame = data["frames"][k]
    for s, d in zip(data["series"], frame["data"]):
        xs, ys = (s["x"], d) if "x" in s else (d[0], d[1])
        n = len(xs) + (2 if s["kind"] == "fill" and xs else 0)
        first = None
        if xs:
            spec, box = data["panels"][s["panel"]], panels[s["panel"]]
            (x0, x1), (y0, y1) = spec["xlim"], spec["ylim"]
            first = [box["x"] + (xs[0] - x0) / (x1 - x0) * box["w"], box["y"] + (1 - (ys[0] - y0) / (y1 - y0)) * box["h"]]
        out.append((n, first))
    return out


def check_plot_frames(binary: str, site: Path, base: str, check, screenshots: Path | None) -> None:
    figs_dir = site / "figures"
    cases = []
    synth = figs_dir / "test" / "synthetic.json"
    synth.parent.mkdir(parents=True, exist_ok=True)
    synth.write_bytes(synthetic_plot_frames())
    shutil.copy(FIG / "forward-2d.svg", synth.with_suffix(".svg"))
    cases.append(("synthetic", synth))
    for path in plot_frames_files():
        rel = path.relative_to(ROOT / "book" / "figures")
        dest = figs_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)
        svg = path.with_suffix(".svg")
        check(svg.is_file(), f"plot-frames {rel}: static fallback {svg.name} exists")
        if svg.is_file():
            shutil.copy(svg, dest.with_suffix(".svg"))
        cases.append((str(rel), dest))
    pages = site / "frames"
    pages.mkdir(exist_ok=True)
    for i, (label, path) in enumerate(cases):
        data = json.loads(path.read_text(encoding="utf-8"))
        n = len(data["frames"])
        probes = sorted({0, n // 2, n - 1})
        rel = path.with_suffix(".svg").relative_to(figs_dir).as_posix()
        page = pages / f"f{i}.html"
        page.write_text(FRAMES_PAGE.format(name=path.stem, rel=rel, alt="测试图", csp="",
                                           harness=FRAMES_HARNESS % json.dumps(probes)), encoding="utf-8")
        dom = chromium(binary, f"{base}/../frames/f{i}.html")
        m = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
        result = json.loads(html.unescape(m.group(1))) if m and m.group(1) != "pending" else None
        if result is None or result["state"] != "ready":
            check(False, f"plot-frames {label}: became interactive", f"result {result}")
            continue
        check(result["initial"] == data["slider"]["initial"] and result["frames"] == n and result["img_hidden"],
              f"plot-frames {label}: {n} frames, starts at frame {data['slider']['initial']}, static image hidden",
              f"initial {result['initial']}, frames {result['frames']}, img hidden {result['img_hidden']}")
        for probe, k in zip(result["probes"], probes):
            want = expected_probe(data, k, result["panels"])
            got = [(s["n"], s["first"]) for s in probe["series"]]
            ok = probe["k"] == k and probe["value"] == data["slider"]["values"][k] and probe["readout"] == data["frames"][k]["readout"]
            ok = ok and len(got) == len(want) and all(
                gn == wn and (wf is None) == (gf is None) and (wf is None or np.allclose(gf, wf, atol=0.02))
                for (gn, gf), (wn, wf) in zip(got, want))
            check(ok, f"plot-frames {label}: frame {k} drawn as its data says", f"browser {probe}, expected {want}")
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            out = screenshots / f"plot-frames-{path.stem}.png"
            chromium(binary, f"{base}/../frames/f{i}.html", dump=False, screenshot=out, size="820,900")
            print(f"     screenshot {out}")
    # Without JavaScript, and with a renderer nobody knows: the static image stays.
    bad = figs_dir / "test" / "unknown.json"
    bad.write_text('{"renderer": "no-such-renderer"}', encoding="utf-8")
    shutil.copy(synth.with_suffix(".svg"), bad.with_suffix(".svg"))
    for name, rel, csp, what in [("synthetic", "test/synthetic.svg", NO_JS, "no JS"),
                                 ("unknown", "test/unknown.svg", "", "unknown renderer")]:
        page = pages / f"static-{name}.html"
        page.write_text(FRAMES_PAGE.format(name=name, rel=rel, alt="测试图", csp=csp, harness=FRAMES_HARNESS % "[]"),
                        encoding="utf-8")
        dom = chromium(binary, f"{base}/../frames/static-{name}.html")
        kept = re.search(r'<img src="../figures/' + re.escape(rel) + r'" alt="测试图">', dom) and 'class="ifig ifig-frames"' not in dom
        state_ok = ">pending<" in dom if csp else 'data-state="static"' in dom
        check(bool(kept) and state_ok, f"plot-frames {what}: the static image stays")


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(binary: str, url: str, *, dump: bool = True, screenshot: Path | None = None,
             size: str = "900,900") -> str:
    args = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--virtual-time-budget=5000", f"--window-size={size}",
    ]
    args.append("--dump-dom" if dump else f"--screenshot={screenshot}")
    args.append(url)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def colour_pixels(png: Path) -> list[int]:
    """How many pixels of the screenshot are close to each of the two moon colours."""
    import matplotlib.image

    img = matplotlib.image.imread(str(png))[..., :3]
    out = []
    for hexcol in ("#4a90d9", "#e8833a"):
        rgb = np.array([int(hexcol[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        out.append(int((np.abs(img - rgb).max(axis=-1) < 0.08).sum()))
    return out


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D102
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--require-chromium", action="store_true", help="fail instead of skipping without chromium")
    ap.add_argument("--screenshots", type=Path, help="save light/dark screenshots with and without JS here")
    args = ap.parse_args(argv)

    binary = chromium_binary()
    if binary is None:
        msg = "chromium is not installed (apt-get install chromium)"
        if args.require_chromium:
            print(f"FAIL {msg}\n0 passed, 1 failed")
            return 1
        print(f"SKIP {msg}")
        return 0

    data = json.loads((FIG / "forward-2d.json").read_text(encoding="utf-8"))
    x0 = np.array(data["x0"]).reshape(-1, 2)
    eps = np.array(data["eps"]).reshape(-1, 2)
    abar = {"linear": toy.alpha_bar(toy.linear_betas()), "cosine": toy.alpha_bar(toy.cosine_betas())}

    passed = failed = 0

    def check(ok: bool, what: str, detail: str = "") -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {what}")
        else:
            failed += 1
            print(f"FAIL {what}{': ' + detail if detail else ''}")

    with tempfile.TemporaryDirectory(prefix="ifig-") as tmp:
        site = Path(tmp)
        (site / "figures" / "ch01").mkdir(parents=True)
        (site / "theme").mkdir()
        (site / "ch01").mkdir()
        for name in ("forward-2d.svg", "forward-2d.json"):
            shutil.copy(FIG / name, site / "figures" / "ch01" / name)
        shutil.copy(JS, site / "theme" / "figures.js")
        for theme, bg, fg in [("light", "#ffffff", "#000000"), ("coal", "#141617", "#98a3ad")]:
            (site / "ch01" / f"{theme}.html").write_text(PAGE.format(bg=bg, fg=fg, harness=HARNESS, csp=""), encoding="utf-8")
            # A reader without JavaScript: the same page with every script blocked by its CSP. (Chromium's
            # own switch, --blink-settings=scriptEnabled=false, also stops --dump-dom and --screenshot.)
            (site / "ch01" / f"{theme}-nojs.html").write_text(PAGE.format(bg=bg, fg=fg, harness=HARNESS, csp=NO_JS), encoding="utf-8")

        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}/ch01"
        try:
            # 1. With JavaScript.
            dom = chromium(binary, f"{base}/light.html")
            m = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
            result = json.loads(html.unescape(m.group(1))) if m and m.group(1) != "pending" else None
            check(result is not None, "JS: the harness ran", "no result in the DOM")
            if result is not None:
                check(result["state"] == "ready", "JS: figure became interactive", f"data-state={result['state']}")
                n_circles = dom.count("<circle") - 1  # one circle is the marker on the ᾱ_t curve
                check(n_circles == data["n"], "JS: one circle per point", f"{n_circles} != {data['n']}")
                check(bool(re.search(r"<div class=\"ifig\"", dom)), "JS: controls inserted")
                for probe, (schedule, t) in zip(result["probes"], PROBES):
                    want = 1.0 if t == 0 else float(abar[schedule][t - 1])
                    got = probe["alpha_bar"]
                    check(probe["schedule"] == schedule and probe["t"] == t and abs(got - want) <= 1e-9 * max(want, 1e-300) + 1e-15,
                          f"JS: ᾱ_t for {schedule} t={t}", f"got {got!r}, numpy {want!r}")
                    for key, i in (("first", 0), ("last", data["n"] - 3)):
                        pos = np.sqrt(want) * x0[i] + np.sqrt(1.0 - want) * eps[i]
                        check(np.allclose(probe[key], pos, atol=2e-3),
                              f"JS: point {i} at {schedule} t={t}", f"browser {probe[key]}, numpy {pos.round(4).tolist()}")
            # 2. Without JavaScript: the DOM is the page as written, and a screenshot shows the static SVG
            #    (many pixels in the two moons' colours).
            dom = chromium(binary, f"{base}/light-nojs.html")
            untouched = re.search(r'<div class="interactive-figure" data-figure="forward-2d">\s*'
                                  r'<img src="../figures/ch01/forward-2d.svg" alt="[^"]+">\s*</div>', dom)
            check(bool(untouched) and "<circle" not in dom and ">pending<" in dom,
                  "no JS: the page keeps the static <img> untouched")
            shot = site / "nojs.png"
            chromium(binary, f"{base}/light-nojs.html", dump=False, screenshot=shot, size="820,760")
            counts = colour_pixels(shot)
            check(all(c > 400 for c in counts), "no JS: the static SVG is drawn", f"moon-coloured pixels {counts}")
            # 3. file:// — fetch is refused, the static image stays.
            (site / "ch01" / "light-file.html").write_text(PAGE.format(bg="#fff", fg="#000", harness=HARNESS, csp=""), encoding="utf-8")
            dom = chromium(binary, (site / "ch01" / "light-file.html").as_uri())
            check('data-state="static"' in dom and "<circle" not in dom, "file:// (no fetch): falls back to the static image")

            check_plot_frames(binary, site, base, check, args.screenshots)

            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                for theme in ("light", "coal"):
                    for js in (True, False):
                        out = args.screenshots / f"forward-2d-{theme}-{'js' if js else 'nojs'}.png"
                        page = f"{base}/{theme}.html" if js else f"{base}/{theme}-nojs.html"
                        chromium(binary, page, dump=False, screenshot=out, size="820,760")
                        print(f"     screenshot {out}")
        finally:
            server.shutdown()
            server.server_close()

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
