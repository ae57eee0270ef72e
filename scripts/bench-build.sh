#!/usr/bin/env bash
# Whole-book build benchmark of issue #14: ours beside plain mdBook and mdbook-katex 0.10, on the
# real book and on the full-size copy (scripts/make-fullsize-copy.py --distinct: every placeholder
# part filled with a copy of chapter 1 or 3 whose symbols are renamed, so most formulas are not
# shared between copies and a cold build renders them all). A script, not a test: it prints a
# Markdown table (also written to target/bench-build/results.md).
#
#   scripts/bench-build.sh            RUNS=3 by default (median); WORK=/tmp/bench-build
#
# For each book and each pipeline it measures, with /usr/bin/time, wall time, CPU time
# (user + sys of mdbook and every preprocessor and renderer it ran) and peak memory (the largest
# resident set of any one of those processes):
#   - cold: math cache emptied first (ours; the others have no cache)
#   - warm: the same build again
#   - edit: after appending a sentence with a new formula to one section (what a save under
#     `mdbook serve` costs)
# and the size of the output (the HTML book, the print page — mdBook's print.html, or ours per
# chapter — and the largest other page).
#   ours         = book.toml as committed (our preprocessors, math placeholders, search-zh, typeset)
#   plain mdBook = the same sources and book.toml without any preprocessor or renderer but mdBook's
#                  own html (its options kept: theme, CSS, no mdBook search index)
#   mdbook-katex = ours with mdbook-katex 0.10.0 instead of the math preprocessor and typeset
#                  (same macros, htmlAndMathml), installed by this script into target/bench-tools
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/bench-build}
RUNS=${RUNS:-3}
KATEX_VERSION=0.10.0
TOOLS="$ROOT/target/bench-tools"
KATEX_BIN="$TOOLS/bin/mdbook-katex"
OUT="$ROOT/target/bench-build"
mkdir -p "$WORK" "$OUT"

if ! "$KATEX_BIN" --version 2>/dev/null | grep -q "$KATEX_VERSION"; then
  echo "bench-build: installing mdbook-katex $KATEX_VERSION into $TOOLS" >&2
  cargo install mdbook-katex --version "$KATEX_VERSION" --locked --root "$TOOLS" --quiet
fi
(cd "$ROOT" && cargo build --release --quiet --workspace --bins)

# measure LABEL CMD...: run once; append "wall cpu peak_mb" to $T/LABEL.
measure() {
  local label=$1
  shift
  if ! /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$@" >"$T/log" 2>&1; then
    echo "bench-build: failed: $*" >&2
    tail -20 "$T/log" >&2
    exit 1
  fi
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$T/time" >>"$T/$label"
}
# med LABEL COL: median of column COL (1 wall, 2 cpu, 3 peak MB).
med() { sort -g -k"$2" "$T/$1" | awk -v c="$2" '{a[NR]=$c} END {print a[int((NR+1)/2)]}'; }
cell() { [[ -s "$T/$1" ]] && echo "$(med "$1" 1) s ($(med "$1" 2) s CPU), $(med "$1" 3) MB" || echo "–"; }
# sizes DIR: "html MB / print page MB / largest other page MB (name)". The print page is mdBook's
# print.html where it is written (plain mdBook, mdbook-katex), else the largest chapter print page
# (crates/print-chapters: chNN/print.html, print-2.html …).
sizes() {
  local d=$1 big print
  big=$(find "$d" -name '*.html' ! -name 'print*.html' -printf '%s %P\n' | sort -n | tail -1)
  if [[ -f $d/print.html ]]; then
    print=$(stat -c '%s print.html' "$d/print.html")
  else
    print=$(find "$d" -mindepth 2 -name 'print*.html' -printf '%s %P\n' | sort -n | tail -1)
  fi
  printf '%.1f MB / %.2f MB (%s) / %.2f MB (%s)' \
    "$(du -sb "$d" | awk '{print $1 / 1048576}')" \
    "$(echo "$print" | awk '{print $1 / 1048576}')" "$(echo "$print" | awk '{print $2}')" \
    "$(echo "$big" | awk '{print $1 / 1048576}')" "$(echo "$big" | awk '{print $2}')"
}

# The book.toml variants, from the copy's own book.toml.
plain_toml() {
  python3 - "$1" <<'PY'
import re, sys
toml = open(sys.argv[1]).read()
# Every preprocessor and every renderer but mdBook's own html (whose options stay) goes.
toml = re.sub(r"(?ms)^\[(preprocessor\.[^\]]+|output\.(?!html\b)[^\]]+)\]\n.*?(?=^\[|\Z)", "", toml)
print(toml)
PY
}
katex_toml() {
  python3 - "$1" "$KATEX_BIN" <<'PY'
import re, sys
toml, katex = open(sys.argv[1]).read(), sys.argv[2]
# Drop our math preprocessor and the typeset renderer (whole sections up to the next header).
toml = re.sub(r"(?ms)^\[(preprocessor\.math|output\.typeset)\]\n.*?(?=^\[|\Z)", "", toml)
toml += f'''
[preprocessor.katex]
command = "{katex}"
macros = "katex-macros.txt"
output = "htmlAndMathml"
before = ["links"]
after = ["torch-glossary"]
renderers = ["html"]
'''
print(toml)
PY
}

# bench NAME DIR: every measurement on the copy in DIR; appends rows to $RESULTS.
bench() {
  local name=$1 dir=$2 i page
  T="$WORK/times-$name"
  rm -rf "$T"
  mkdir -p "$T"
  cp "$dir/book.toml" "$dir/book.toml.ours"
  page="$dir/book/ch03/3-3.md"
  cp "$page" "$page.orig"

  # Untimed: compiles nothing new (built above) but writes the corpus, for mdbook-katex's macros
  # and the formula counts.
  MDBOOK_MATH_TIMINGS=1 MDBOOK_MATH_CORPUS="$dir/corpus.jsonl" mdbook build "$dir" >"$T/log" 2>&1
  python3 - "$dir/corpus.jsonl" "$dir/katex-macros.txt" <<'PY'
import json, sys
head = json.loads(open(sys.argv[1]).readline())
open(sys.argv[2], "w").write("".join(f"{k}:{v}\n" for k, v in head["macros"].items()))
PY
  local counts
  counts=$(grep -oE '[0-9]+ formulas, [0-9]+ distinct' "$T/log" | head -1)

  for i in $(seq "$RUNS"); do
    rm -rf "$dir/target/math-cache"
    measure ours-cold mdbook build "$dir"
    measure ours-warm mdbook build "$dir"
    printf '\n\n编辑测试 %s：$\\bx_{\\mathrm{edit}%s}+\\abar_{%s}$。\n' "$i" "$i" "$i" >>"$page"
    measure ours-edit mdbook build "$dir"
    cp "$page.orig" "$page"
  done
  local ours_sizes
  ours_sizes=$(sizes "$dir/build/html")

  plain_toml "$dir/book.toml.ours" >"$dir/book.toml"
  for i in $(seq "$RUNS"); do
    measure plain-cold mdbook build "$dir" -d "$dir/out-plain"
    printf '\n\n编辑测试 %s。\n' "$i" >>"$page"
    measure plain-edit mdbook build "$dir" -d "$dir/out-plain"
    cp "$page.orig" "$page"
  done
  local plain_sizes
  plain_sizes=$(sizes "$dir/out-plain")

  katex_toml "$dir/book.toml.ours" >"$dir/book.toml"
  measure katex-cold mdbook build "$dir" -d "$dir/out-katex"
  local katex_sizes
  katex_sizes=$(sizes "$dir/out-katex/html")
  mv "$dir/book.toml.ours" "$dir/book.toml"
  rm -f "$page.orig"

  local x_cold
  x_cold=$(echo "$(med katex-cold 1) / $(med ours-cold 1)" | bc -l | xargs printf '%.1f')
  {
    echo
    echo "**$name** — $counts (inline and display, the macro checks included)"
    echo
    echo "| $name | ours | plain mdBook | mdbook-katex $KATEX_VERSION |"
    echo "|---|---|---|---|"
    echo "| cold build (empty math cache) | $(cell ours-cold) | $(cell plain-cold) | $(cell katex-cold) |"
    echo "| warm build, nothing changed | $(cell ours-warm) | = cold (nothing cached) | = cold (no cache) |"
    echo "| after editing one section (a save under \`mdbook serve\`) | $(cell ours-edit) | $(cell plain-edit) | = cold (no cache) |"
    echo "| build/html / print page (largest) / largest other page | $ours_sizes | $plain_sizes | $katex_sizes |"
    echo
    echo "Cold: ours is ${x_cold}× faster than with mdbook-katex (wall time)."
  } | tee -a "$RESULTS"
}

RESULTS="$OUT/results.md"
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), mdBook $(mdbook --version | awk '{print $2}');"
  echo "median of $RUNS runs for ours and plain mdBook, one for mdbook-katex; load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$RESULTS"

python3 "$ROOT/scripts/make-fullsize-copy.py" --copy-only "$WORK/real" >/dev/null
bench "real book" "$WORK/real"
python3 "$ROOT/scripts/make-fullsize-copy.py" --distinct "$WORK/full" >/dev/null
bench "full-size copy" "$WORK/full"
echo "(written to $RESULTS)"
