"""Shared style, colours and deterministic SVG output for every figure script.

Every figure module imports this first: it selects the non-interactive SVG backend, pins the fonts and
the hash salt, and gives `save_svg`, which writes the same bytes on every run.
"""

from __future__ import annotations

import io
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
