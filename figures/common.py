"""Shared style, colours and deterministic SVG output for every figure script.

Every figure module imports this first: it selects the non-interactive SVG backend, pins the fonts and
the hash salt, and gives `save_svg`, which writes the same bytes on every run.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"

# Chinese text: the glyphs are embedded as paths (svg.fonttype = "path"), taken from Noto Sans CJK SC of
# Debian's fonts-noto-cjk. The SVG then looks the same in every browser and needs no font on the
# reader's machine. Latin text and digits use the same font; mathtext ($…$) uses DejaVu Sans, which
# ships with matplotlib.
CJK_FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_FAMILY = "Noto Sans CJK SC"

# Transparent background and mid-contrast colours: legible on mdBook's light (white) and dark
# (coal/navy/ayu) themes alike.
FG = "#8c8c8c"  # text, axes, ticks
GRID = "#8c8c8c40"
BLUE = "#4a90d9"
ORANGE = "#e8833a"
GREEN = "#4caf6a"
PURPLE = "#a66ad6"
RED = "#d9534f"
TEAL = "#2fa7a0"
PALETTE = [BLUE, ORANGE, GREEN, PURPLE, RED, TEAL]


class FontMissing(RuntimeError):
    pass


def setup() -> None:
    """Apply the book's figure style. Raises FontMissing when the CJK font is not installed."""
    if not CJK_FONT_FILE.exists():
        raise FontMissing(
            f"{CJK_FONT_FILE} not found: install Debian's fonts-noto-cjk "
            "(apt-get install fonts-noto-cjk; scripts/setup-python.sh does it when run as root)"
        )
    font_manager.fontManager.addfont(str(CJK_FONT_FILE))
    plt.rcdefaults()
    plt.rcParams.update(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "diffusion-book-figures",
            "svg.image_inline": True,
            "font.family": [CJK_FONT_FAMILY, "DejaVu Sans"],
            "font.size": 10,
            "mathtext.fontset": "dejavusans",
            "axes.unicode_minus": True,
            "figure.facecolor": "none",
            "axes.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.edgecolor": "none",
            "savefig.transparent": True,
            "text.color": FG,
            "axes.labelcolor": FG,
            "axes.edgecolor": FG,
            "axes.titlecolor": FG,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.linewidth": 0.8,
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": GRID,
            "grid.linewidth": 0.6,
            "xtick.color": FG,
            "ytick.color": FG,
            "xtick.labelcolor": FG,
            "ytick.labelcolor": FG,
            "legend.frameon": False,
            "legend.labelcolor": FG,
            "legend.fontsize": 9,
            "lines.linewidth": 1.8,
            "path.simplify": False,
        }
    )


# Matplotlib writes a <metadata> block (creator, date, format); drop it so nothing but the drawing
# itself reaches the file.
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


# Coordinates are in points (1/72 inch); two decimals are far below a screen pixel and make the files
# about a third smaller.
_COORD_ATTR = re.compile(r'(?<=\s)(d|x|y|points)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+\.\d+")


def _round_number(m: re.Match) -> str:
    s = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _shrink_attr(m: re.Match) -> str:
    value = _NUMBER.sub(_round_number, m.group(2))
    value = re.sub(r"\s*\n\s*", " ", value).strip()
    return f'{m.group(1)}="{value}"'


def svg_bytes(fig) -> bytes:
    """The figure as SVG bytes: no metadata, coordinates rounded; the same bytes on every run."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight", pad_inches=0.05)
    plt.close(fig)
    text = _METADATA.sub("", buf.getvalue(), count=1)
    text = _COORD_ATTR.sub(_shrink_attr, text)
    return text.encode("utf-8")


def tex_number(v: float, digits: int = 3) -> str:
    """A number for mathtext: 0.524, 0.00335, 4.04\\times10^{-5}."""
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.{digits}g}"
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    return rf"{mant}\times10^{{{int(exp)}}}"


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ---- data for the generic interactive renderer "plot-frames" (theme/figures.js) -------------------
#
# A slider over a list of values; for each value a frame of curves / point clouds / filled densities
# drawn in one to three panels, and one line of text. The figure's static SVG (same stem) is the
# fallback without JavaScript. figures/check_interactive.py checks every such file in Chromium.

PLOT_FRAMES_COLORS = {
    "blue": BLUE, "orange": ORANGE, "green": GREEN, "purple": PURPLE, "red": RED, "teal": TEAL, "gray": FG,
}
PLOT_FRAMES_KINDS = ("line", "scatter", "fill")


def _sig(v, digits: int = 4):
    """A float rounded to `digits` significant digits (ints and 0 stay as they are)."""
    if isinstance(v, bool):
        raise TypeError("plot_frames_json: a boolean is not a number")
    if isinstance(v, int):
        return v
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"plot_frames_json: non-finite number {v}")
    if v == 0:
        return 0
    r = float(f"{v:.{digits}g}")
    return int(r) if r.is_integer() and abs(r) < 1e15 else r


def _numbers(seq, what: str) -> list:
    try:
        return [_sig(x) for x in list(seq)]
    except (TypeError, ValueError) as e:
        raise ValueError(f"plot_frames_json: {what}: {e}") from None


def plot_frames_json(*, slider: dict, panels: list[dict], series: list[dict], frames: list[dict],
                     digits: int = 4) -> bytes:
    """The JSON document of a plot-frames interactive figure, validated and deterministic.

    slider  = {"label": "引导强度 w", "values": [...], "initial": index}
    panels  = [{"title", "xlim": [a, b], "ylim": [c, d], "xlabel", "ylabel", "equal": bool}]  (1–3)
    series  = [{"panel": i, "kind": "line"|"scatter"|"fill", "color": name, "label": str, "x": [...]?}]
    frames  = [{"readout": str, "data": [ys or [xs, ys] per series]}]  (one per slider value)

    Raises ValueError naming the first inconsistency (lengths, unknown colour or kind, limits).
    """
    values = _numbers(slider.get("values", []), "slider.values")
    if not values:
        raise ValueError("plot_frames_json: slider.values is empty")
    initial = slider.get("initial", 0)
    if not isinstance(initial, int) or not 0 <= initial < len(values):
        raise ValueError(f"plot_frames_json: slider.initial must be an index into values, got {initial!r}")
    if not str(slider.get("label", "")).strip():
        raise ValueError("plot_frames_json: slider.label is empty")
    if not 1 <= len(panels) <= 3:
        raise ValueError(f"plot_frames_json: 1 to 3 panels, got {len(panels)}")
    out_panels = []
    for i, p in enumerate(panels):
        lims = {}
        for key in ("xlim", "ylim"):
            lim = _numbers(p.get(key, []), f"panels[{i}].{key}")
            if len(lim) != 2 or not lim[0] < lim[1]:
                raise ValueError(f"plot_frames_json: panels[{i}].{key} must be [low, high] with low < high")
            lims[key] = lim
        out_panels.append({"title": str(p.get("title", "")), "xlabel": str(p.get("xlabel", "")),
                           "ylabel": str(p.get("ylabel", "")), "equal": bool(p.get("equal", False)), **lims})
    out_series = []
    for j, s in enumerate(series):
        panel = s.get("panel", 0)
        if not isinstance(panel, int) or not 0 <= panel < len(panels):
            raise ValueError(f"plot_frames_json: series[{j}].panel {panel!r} is not a panel index")
        if s.get("kind") not in PLOT_FRAMES_KINDS:
            raise ValueError(f"plot_frames_json: series[{j}].kind must be one of {PLOT_FRAMES_KINDS}")
        if s.get("color") not in PLOT_FRAMES_COLORS:
            raise ValueError(f"plot_frames_json: series[{j}].color must be one of {sorted(PLOT_FRAMES_COLORS)}")
        item = {"panel": panel, "kind": s["kind"], "color": s["color"], "label": str(s.get("label", ""))}
        if s.get("x") is not None:
            item["x"] = _numbers(s["x"], f"series[{j}].x")
        out_series.append(item)
    if len(frames) != len(values):
        raise ValueError(f"plot_frames_json: {len(frames)} frames for {len(values)} slider values")
    out_frames = []
    for k, f in enumerate(frames):
        data = f.get("data", [])
        if len(data) != len(out_series):
            raise ValueError(f"plot_frames_json: frames[{k}] has {len(data)} data entries for {len(out_series)} series")
        out_data = []
        for j, (d, s) in enumerate(zip(data, out_series)):
            where = f"frames[{k}].data[{j}]"
            if "x" in s:
                ys = _numbers(d, where)
                if len(ys) != len(s["x"]):
                    raise ValueError(f"plot_frames_json: {where}: {len(ys)} y values for {len(s['x'])} shared x")
                out_data.append(ys)
            else:
                if len(d) != 2:
                    raise ValueError(f"plot_frames_json: {where} must be [xs, ys] (series has no shared x)")
                xs, ys = _numbers(d[0], where + " xs"), _numbers(d[1], where + " ys")
                if len(xs) != len(ys):
                    raise ValueError(f"plot_frames_json: {where}: {len(xs)} xs for {len(ys)} ys")
                out_data.append([xs, ys])
        out_frames.append({"readout": str(f.get("readout", "")), "data": out_data})
    doc = {"renderer": "plot-frames", "slider": {"label": str(slider["label"]), "values": values, "initial": initial},
           "panels": out_panels, "series": out_series, "frames": out_frames}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    if len(text.encode("utf-8")) > 400_000:
        raise ValueError(f"plot_frames_json: {len(text) // 1000} kB is too large for a page figure (keep it under 300 kB)")
    return text.encode("utf-8")
