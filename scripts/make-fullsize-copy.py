#!/usr/bin/env python3
"""Make the full-size copy of the book that issue #14 measures the pipeline on.

    python3 scripts/make-fullsize-copy.py [--distinct | --copy-only] [DEST]
                                                      (default: /tmp/diffusion-book-fullsize)

The book will hold 16 parts of the size of chapters 1 and 3. The copy takes this repository's book
(book.toml, book/, theme/, minidiff/) and fills every placeholder part — a part whose index.md says
「本章尚在写作中」 — with a copy of chapter 1 or chapter 3, alternately in SUMMARY.md order (the
first placeholder gets chapter 1). The copied pages keep their file names (1-1.md …), so relative
links between them keep working; every id they define (exercises `{#id …}`, research threads
`{#rt-id …}`, figures `id="fig-…"`, labels `{#eq-…}` …) and every same-part reference to one
(`[](#ex-id)`, `1-2.md#fig-x`) gets the part's directory name as a prefix, so ids stay book-wide
unique. Links to other parts (`../ch01/1-4.md`) still point at the original chapters.

Nothing depends on time or randomness: the same sources give the same copy. DEST is emptied first
(only if it looks like an earlier copy or is empty). The copy's book.toml runs this repository's
tools: relative `scripts/…` commands become absolute, `cargo run …` gets `--manifest-path`.
The math cache of the copy lives in DEST/target/math-cache.

--distinct makes the copied parts' formulas differ from the originals' and from each other, so a
cold build renders about as many distinct formulas as a real book of this size would: in copy n
the Greek letters and the book's bold-vector macros are renamed by a rotation of their lists
(`\alpha` → `\beta` …, `\bx` → `\by` …; a pair of rotations no other copy has). Only control
words are renamed, so every formula stays valid TeX; formulas without any of these symbols
($t$, $T$ …) stay shared. --copy-only copies the book without filling anything (the real book,
for benchmarks that must not touch the repository).
"""

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = "本章尚在写作中"
STAMP = ".fullsize-copy"

# `{#id` or `{#rt-id` opening a fenced block's attributes (exercises, research threads, figures …).
DEF_BRACE = re.compile(r"(?<!\{)\{#([a-z][a-z0-9]*-)?")
# An HTML id written by hand: <figure id="fig-…">.
DEF_HTML = re.compile(r'\bid="((?:fig|eq|tab|alg)-)')
# A reference inside this part: (#ex-…), (1-2.md#fig-…). Links with a '/' go elsewhere.
REF = re.compile(r"\(((?:[^()\s/#]+\.md)?)#(ex|rt|fig|eq|tab|alg)-([a-z0-9-]+)")
# Prefixes the numbering and research-thread syntax require to stay first.
TYPED = {"rt-", "fig-", "eq-", "tab-", "alg-"}

# Renamed among themselves by --distinct: each list is one kind of symbol, so any rotation keeps
# formulas valid (ordinary letters; zero-argument macros of book/macros.tex).
GREEK = ["alpha", "beta", "gamma", "delta", "epsilon", "sigma", "theta", "lambda", "mu", "phi",
         "eta", "tau", "rho", "omega", "kappa", "nu", "xi", "zeta", "chi", "psi", "pi"]
BOLD = ["bx", "by", "bz", "bu", "bv", "bw", "bs"]


def rename_symbols(text: str, n: int) -> str:
    """Rotate GREEK by n+1 and BOLD by (n // len(GREEK)) + 1 in every control word of `text`."""
    g = (n % len(GREEK)) + 1
    b = (n // len(GREEK)) % len(BOLD) + 1
    table = {w: GREEK[(i + g) % len(GREEK)] for i, w in enumerate(GREEK)}
    table.update({w: BOLD[(i + b) % len(BOLD)] for i, w in enumerate(BOLD)})
    return re.sub(
        r"\\([A-Za-z]+)",
        lambda m: "\\" + table.get(m.group(1), m.group(1)),
        text,
    )


def defined_ids(texts) -> set:
    """The ids a chapter defines: `{#id …}`, `{#rt-id …}`, `id="fig-…"`."""
    ids = set()
    for text in texts:
        ids.update(re.findall(r"(?<!\{)\{#([a-z][a-z0-9-]*)", text))
        ids.update(re.findall(r'\bid="([a-z][a-z0-9-]*)"', text))
    return ids


def prefix_ids(text: str, prefix: str, ids: set) -> str:
    """Prefix the ids the model chapter defines and the references to them; references to
    ids defined elsewhere (exercises are referenced book-wide by id) are left alone."""

    def brace(m: re.Match) -> str:
        kind = m.group(1) or ""
        if kind in TYPED:
            return "{#" + kind + prefix
        return "{#" + prefix + kind

    def ref(m: re.Match) -> str:
        page, kind, rest = m.group(1), m.group(2), m.group(3)
        target = rest if kind == "ex" else f"{kind}-{rest}"
        if target not in ids:
            return m.group(0)
        return f"({page}#{kind}-{prefix}{rest}"

    text = DEF_BRACE.sub(brace, text)
    text = DEF_HTML.sub(lambda m: f'id="{m.group(1)}{prefix}', text)
    return REF.sub(ref, text)


def summary_parts(summary: str):
    """(line index, link target dir) of each top-level part entry `- [..](dir/index.md)`."""
    for i, line in enumerate(summary.splitlines()):
        m = re.match(r"^- \[[^\]]*\]\(([^)/]+)/index\.md\)\s*$", line)
        if m:
            yield i, m.group(1)


def chapter_entries(summary_lines, start):
    """Indices of the part line at `start` and its indented children."""
    idx = [start]
    for j in range(start + 1, len(summary_lines)):
        if summary_lines[j].startswith("  - "):
            idx.append(j)
        else:
            break
    return idx


def main() -> int:
    args = sys.argv[1:]
    distinct = "--distinct" in args
    copy_only = "--copy-only" in args
    args = [a for a in args if a not in ("--distinct", "--copy-only")]
    if distinct and copy_only or len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    dest = Path(args[0] if args else "/tmp/diffusion-book-fullsize").resolve()
    if dest == REPO or REPO in dest.parents:
        print(f"error: {dest}: the copy must be outside the repository", file=sys.stderr)
        return 1
    if dest.exists():
        if any(dest.iterdir()) and not (dest / STAMP).exists():
            print(f"error: {dest} exists, is not empty and is not an earlier copy", file=sys.stderr)
            return 1
        for child in dest.iterdir():
            # Keep the math cache: a cold build is asked for explicitly (bench-build.sh removes it).
            if child.name == "target":
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    dest.mkdir(parents=True, exist_ok=True)
    (dest / STAMP).write_text("made by scripts/make-fullsize-copy.py\n")

    shutil.copytree(REPO / "book", dest / "book")
    shutil.copytree(REPO / "theme", dest / "theme")
    # Pages include the exercise skeletons ({{#include ../../minidiff/…}}).
    shutil.copytree(
        REPO / "minidiff", dest / "minidiff", ignore=shutil.ignore_patterns("__pycache__", ".*")
    )

    toml = (REPO / "book.toml").read_text()
    toml = re.sub(
        r'command = "cargo run ',
        f'command = "cargo run --manifest-path {REPO}/Cargo.toml ',
        toml,
    )
    toml = re.sub(r'command = "(scripts/)', f'command = "{REPO}/\\1', toml)
    (dest / "book.toml").write_text(toml)

    src = dest / "book"
    if copy_only:
        print(f"copy of the book in {dest}")
        return 0
    summary_path = src / "SUMMARY.md"
    lines = summary_path.read_text().splitlines()
    models = {}
    for i, d in summary_parts("\n".join(lines)):
        if d in ("ch01", "ch03"):
            models[d] = [lines[j] for j in chapter_entries(lines, i)]
    if set(models) != {"ch01", "ch03"}:
        print("error: SUMMARY.md has no ch01/ and ch03/ parts to copy", file=sys.stderr)
        return 1

    filled = []
    new_lines = list(lines)
    # Replace from the bottom so earlier indices stay valid.
    parts = list(summary_parts("\n".join(lines)))
    placeholders = [
        (i, d) for i, d in parts if MARKER in (src / d / "index.md").read_text()
    ]
    for n, (i, d) in reversed(list(enumerate(placeholders))):
        model = "ch01" if n % 2 == 0 else "ch03"
        prefix = d.replace("_", "-").lower() + "-"
        part_dir = src / d
        shutil.rmtree(part_dir)
        part_dir.mkdir()
        pages = sorted((src / model).glob("*.md"))
        ids = defined_ids(p.read_text() for p in pages)
        for page in pages:
            text = prefix_ids(page.read_text(), prefix, ids)
            if distinct:
                text = rename_symbols(text, n)
            (part_dir / page.name).write_text(text)
        entries = [e.replace(f"]({model}/", f"]({d}/") for e in models[model]]
        # The part's title says which copy it is; the copied pages keep their own headings.
        entries[0] = re.sub(r"^- \[([^\]]*)\]", f"- [{d}: {model} 的副本]", entries[0])
        span = chapter_entries(new_lines, i)
        new_lines[span[0] : span[-1] + 1] = entries
        filled.append((d, model))
    summary_path.write_text("\n".join(new_lines) + "\n")

    filled.reverse()
    cjk = sum(
        len(re.findall(r"[\u4e00-\u9fff]", p.read_text())) for p in src.rglob("*.md")
    )
    print(f"full-size copy in {dest}: {len(filled)} placeholder parts filled, {cjk} CJK characters")
    for d, model in filled:
        print(f"  {d} <- {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
