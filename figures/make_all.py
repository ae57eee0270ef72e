#!/usr/bin/env python3
"""Regenerate every figure of the book, or check that the committed ones are up to date.

    python figures/make_all.py              # write book/figures/chNN/* (only files that changed)
    python figures/make_all.py --check      # regenerate in memory; fail on any byte that differs,
                                            # on a generated file that is missing or not generated,
                                            # and on an image the book references that does not exist
    python figures/make_all.py --only forward_2d schedules
    python figures/make_all.py --refs-only  # only the check of the book's image references

Output is deterministic (fixed seeds, no dates, fixed svg.hashsalt, glyphs as paths), so `--check`
compares bytes. See figures/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

FIG_DIR = common.BOOK / "figures"
GENERATED_SUFFIXES = {".svg", ".json"}


def registry():
    # Every chapter's or appendix's figure module (figures/chNN.py, figures/appendix_x.py) that
    # exists, in file-name order, so a new chapter registers itself by existing.
    import importlib

    figures = []
    for path in sorted(HERE.glob("ch[0-9][0-9].py")) + sorted(HERE.glob("appendix_*.py")):
        figures.extend(importlib.import_module(path.stem).FIGURES)
    return figures


def build(only: list[str] | None) -> tuple[dict[str, bytes], dict[str, float]]:
    common.setup()
    outputs: dict[str, bytes] = {}
    timings: dict[str, float] = {}
    known = [f.__name__ for f in registry()]
    if only:
        unknown = sorted(set(only) - set(known))
        if unknown:
            raise SystemExit(f"make_all.py: unknown figure(s) {unknown}; known: {known}")
    for fn in registry():
        if only and fn.__name__ not in only:
            continue
        start = time.perf_counter()
        for rel, data in fn().items():
            if rel in outputs:
                raise RuntimeError(f"{rel} produced twice")
            outputs[rel] = data
        timings[fn.__name__] = time.perf_counter() - start
    return outputs, timings


# --- references from the book ----------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")
IMG_HTML = re.compile(r"<img\b[^>]*>", re.I)
ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*("([^"]*)"|'([^']*)')""")
IMG_MD = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def book_image_refs() -> list[tuple[Path, int, str, dict[str, str]]]:
    """Every image the book's pages reference: (page, line, src, attributes). Code blocks are skipped."""
    refs = []
    for page in sorted(common.BOOK.rglob("*.md")):
        in_fence = False
        for lineno, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for tag in IMG_HTML.findall(line):
                attrs = {m.group(1).lower(): (m.group(3) if m.group(3) is not None else m.group(4)) for m in ATTR.finditer(tag)}
                if "src" in attrs:
                    refs.append((page, lineno, attrs["src"], attrs))
            for m in IMG_MD.finditer(line):
                refs.append((page, lineno, m.group(2), {"alt": m.group(1)}))
    return refs


def check_refs() -> list[str]:
    problems = []
    for page, lineno, src, attrs in book_image_refs():
        where = f"{page.relative_to(common.ROOT)}:{lineno}"
        if re.match(r"^[a-z]+:", src) or src.startswith("//"):
            continue
        target = (common.BOOK / src.lstrip("/")) if src.startswith("/") else (page.parent / src)
        target = Path(str(target).split("#")[0].split("?")[0])
        if not target.resolve().is_file():
            problems.append(f"{where}: image {src} does not exist ({target.resolve().relative_to(common.ROOT) if target.resolve().is_relative_to(common.ROOT) else target})")
        if not attrs.get("alt", "").strip():
            problems.append(f"{where}: <img src=\"{src}\"> has no alt text")
    return problems


# Interactive figures: `::: figure {… interactive=NAME}` draws from the JSON next to its image; NAME is
# a renderer of its own in theme/figures.js (FIGURES) or the JSON names a generic one (RENDERERS).
NAMED_RENDERERS = {"forward-2d"}
GENERIC_RENDERERS = {"plot-frames"}
FIGURE_OPEN = re.compile(r"^:::\s*figure\b.*\binteractive=([^\s}]+)")


def check_interactive_refs() -> list[str]:
    problems = []
    for page in sorted(common.BOOK.rglob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = FIGURE_OPEN.match(line.strip())
            if not m:
                continue
            name = m.group(1)
            where = f"{page.relative_to(common.ROOT)}:{i + 1}"
            img = next((IMG_MD.search(x) for x in lines[i + 1:i + 4] if IMG_MD.search(x)), None)
            if img is None:
                continue  # the build reports a figure without an image
            src = (page.parent / img.group(2)).resolve()
            data_file = src.with_suffix(".json")
            if not data_file.is_file():
                problems.append(f"{where}: interactive figure '{name}' has no data file {data_file.relative_to(common.ROOT)}")
                continue
            try:
                data = json.loads(data_file.read_text(encoding="utf-8"))
            except ValueError as e:
                problems.append(f"{where}: {data_file.relative_to(common.ROOT)} is not JSON: {e}")
                continue
            renderer = data.get("renderer") if isinstance(data, dict) else None
            if name not in NAMED_RENDERERS and renderer not in GENERIC_RENDERERS:
                problems.append(f"{where}: interactive figure '{name}' has no renderer: theme/figures.js has none "
                                f"of that name and its JSON names {renderer!r} (known: {sorted(GENERIC_RENDERERS)})")
    return problems


# --- main --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    ap.add_argument("--only", nargs="+", metavar="FIGURE", help="only these figure functions (e.g. forward_2d)")
    ap.add_argument("--refs-only", action="store_true", help="only check the book's image references")
    ap.add_argument("--out", type=Path, default=FIG_DIR, help="output folder (default book/figures)")
    args = ap.parse_args(argv)

    passed = failed = 0
    if not args.refs_only:
        start = time.perf_counter()
        try:
            outputs, timings = build(args.only)
        except common.FontMissing as e:
            print(f"FAIL fonts: {e}")
            print("0 passed, 1 failed")
            return 1
        total = time.perf_counter() - start
        for name, secs in timings.items():
            print(f"  {name:<20} {secs:6.2f} s")
        print(f"  generated {len(outputs)} files in {total:.1f} s")
        if args.check:
            for rel, data in sorted(outputs.items()):
                path = args.out / rel
                if not path.exists():
                    print(f"FAIL {rel}: not committed (run python figures/make_all.py)")
                    failed += 1
                elif path.read_bytes() != data:
                    print(f"FAIL {rel}: differs from what the scripts generate (run python figures/make_all.py)")
                    failed += 1
                else:
                    passed += 1
            if not args.only:
                for path in sorted(args.out.rglob("*")):
                    rel = path.relative_to(args.out).as_posix()
                    if path.is_file() and path.suffix in GENERATED_SUFFIXES and rel not in outputs:
                        print(f"FAIL {rel}: in {args.out.relative_to(common.ROOT)} but no script in figures/ makes it")
                        failed += 1
        else:
            for rel, data in sorted(outputs.items()):
                path = args.out / rel
                if path.exists() and path.read_bytes() == data:
                    continue
                common.write_bytes(path, data)
                print(f"  wrote {path.relative_to(common.ROOT) if path.is_relative_to(common.ROOT) else path} ({len(data) // 1024} KiB)")
    if args.check or args.refs_only:
        problems = check_refs() + check_interactive_refs()
        for p in problems:
            print(f"FAIL {p}")
        failed += len(problems)
        passed += 1 if not problems else 0
        print(f"  checked {len(book_image_refs())} image references in book/")
    if args.check or args.refs_only:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
