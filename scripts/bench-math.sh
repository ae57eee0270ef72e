#!/usr/bin/env bash
# Benchmark the math preprocessor against mdbook-katex 0.10 on a synthetic book.
#
#   scripts/bench-math.sh [formulas]     # default 5000; results in target/bench-math/results.md
#
# For each of two synthetic books (a realistic mix, about half the formulas distinct, and one where
# every formula is distinct) it captures the exact JSON mdBook hands a preprocessor, then times each
# preprocessor alone on that same input (median of several runs):
#   - mdbook-math, cold cache (cache folder removed before each run)
#   - mdbook-math, cold cache, one worker thread (RAYON_NUM_THREADS=1)
#   - mdbook-math, warm cache (nothing changed since the last run)
#   - mdbook-math, warm cache after editing one formula (what `mdbook serve` does on a save)
#   - mdbook-katex 0.10.0, same macros, same output (htmlAndMathml); it has no cache
# and, for context, a whole `mdbook build` with each (and with no math preprocessor at all).
# A last row does the same on the real book (the chapters written so far).
set -euo pipefail

N=${1:-5000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$ROOT/target/bench-math"
KATEX_VERSION_WANTED="0.10.0"

cd "$ROOT"
cargo build --release --quiet -p mdbook-math --bins --examples
MATH="$ROOT/target/release/mdbook-math"
SYNTH="$ROOT/target/release/examples/synth_book"

if ! mdbook-katex --version 2>/dev/null | grep -q "$KATEX_VERSION_WANTED"; then
  cargo install mdbook-katex --version "$KATEX_VERSION_WANTED" --locked
fi
KATEX_BIN=$(command -v mdbook-katex)

RUNS=${RUNS:-3}
TIMES="$WORK/times"

# tm LABEL CMD...: run CMD once (stdout discarded) and append "wall cpu" seconds to $TIMES/LABEL.
tm() {
  local label=$1
  shift
  local TIMEFORMAT='%R %U %S'
  if ! { time "$@" >/dev/null 2>"$WORK/last.err"; } 2>"$WORK/last.time"; then
    echo "bench-math: failed: $*" >&2
    cat "$WORK/last.err" >&2
    exit 1
  fi
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/last.time" >>"$TIMES/$label"
}
# med LABEL COLUMN: median of a column (1 = wall, 2 = cpu) of $TIMES/LABEL.
med() {
  sort -g -k"$2" "$TIMES/$1" | awk -v c="$2" '{a[NR]=$c} END {printf "%.2f", a[int((NR+1)/2)]}'
}
ratio() { echo "$1 / $2" | bc -l | xargs printf "%.${3:-1}f"; }
# cell LABEL: "wall s (cpu s)" medians.
cell() { echo "$(med "$1" 1) s ($(med "$1" 2) s)"; }

# time_all DIR KATEX_INPUT edits|no-edits: the timed runs on DIR/input.json, interleaved so that
# load from anything else on the machine hits every column alike; "edits" also times a warm run
# after editing one formula (the synthetic books' marker formula).
time_all() {
  local dir=$1 katex_input=$2 edits=$3 i
  for i in $(seq "$RUNS"); do
    rm -rf "$dir/target"
    tm cold sh -c "'$MATH' <'$dir/input.json'"
    tm katex sh -c "'$KATEX_BIN' <'$katex_input'"
    tm warm sh -c "'$MATH' <'$dir/input.json'"
    if [[ $edits == edits ]]; then
      # A different edit each time, so each timed run renders exactly one new formula.
      sed "s/edit}_{0}/edit}_{$i}/" "$dir/input.json" >"$dir/input-edited.json"
      tm edited sh -c "'$MATH' <'$dir/input-edited.json'"
    fi
    rm -rf "$dir/target"
    tm cold1 sh -c "RAYON_NUM_THREADS=1 '$MATH' <'$dir/input.json'"
  done
}

# row NAME COUNTS EDITED_CELL: one line of the results table, from the medians.
row() {
  local x_cold x_warm
  x_cold=$(ratio "$(med katex 1)" "$(med cold 1)" 1)
  x_warm=$(ratio "$(med katex 1)" "$(med warm 1)" 0)
  echo "| $1 | $2 | $(cell cold) | $(cell cold1) | $(cell warm) | $3 | $(cell katex) | ${x_cold}× | ${x_warm}× |" >>"$RESULTS"
}

mkdir -p "$WORK"
RESULTS="$WORK/results.md"
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "mdBook $(mdbook --version | awk '{print $2}'), mdbook-katex $($KATEX_BIN --version | awk '{print $2}'), ours katex-rs 0.3.0 (KaTeX 0.18.5), mdbook-katex KaTeX 0.16.4 in QuickJS;"
  echo "median of $RUNS interleaved runs; wall time, CPU time (user+sys) in parentheses."
  echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| book | formulas (distinct) | mdbook-math cold | cold, 1 thread | warm | warm, 1 formula edited | mdbook-katex 0.10 | speed-up cold | speed-up warm |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$RESULTS"
FULL="$WORK/full-build.md"
{
  echo "| book | mdbook build, no math | with mdbook-math (warm) | with mdbook-math (cold) | with mdbook-katex |"
  echo "|---|---|---|---|---|"
} >"$FULL"

for variant in realistic distinct; do
  dir="$WORK/$variant"
  rm -rf "$dir"
  mkdir -p "$dir"
  flag=""
  [[ $variant == distinct ]] && flag="--distinct"
  rm -rf "$TIMES"
  mkdir -p "$TIMES"
  summary=$("$SYNTH" "$dir" "$N" $flag)
  counts=$(echo "$summary" | sed -E 's/^([0-9]+) formulas \(([0-9]+) distinct\).*/\1 (\2)/')

  # Capture mdBook's input to a preprocessor: a pass-through `tee` in front of our binary.
  cat >"$dir/capture.sh" <<EOF
#!/bin/sh
[ "\$1" = supports ] && exit 0
tee "$dir/input.json" | "$MATH"
EOF
  common_toml='[book]
title = "bench"
src = "book"
[build]
build-dir = "out"
create-missing = false
[preprocessor.katex]
macros = "book/katex-macros.txt"
output = "htmlAndMathml"
'
  # For the capture, mdbook-katex is configured (so its options are in the JSON) but not run.
  printf '%srenderers = ["none"]\n[preprocessor.capture]\ncommand = "sh %s"\n' "$common_toml" "$dir/capture.sh" >"$dir/book.toml"
  tm capture mdbook build "$dir"
  # Both must render every formula (mdbook-katex keeps a formula it cannot render as TeX and only
  # warns), or the comparison is meaningless.
  for bin in "$MATH" "$KATEX_BIN"; do
    rendered=$("$bin" <"$dir/input.json" 2>/dev/null | grep -o 'katex-mathml' | wc -l)
    if [[ $rendered -ne ${counts%% *} ]]; then
      echo "bench-math: $bin rendered $rendered of ${counts%% *} formulas" >&2
      exit 1
    fi
  done

  cache="$dir/target/math-cache"
  time_all "$dir" "$dir/input.json" edits
  row "$variant" "$counts" "$(cell edited)"

  # Whole builds, for context (HTML rendering and search index included), one run each.
  base=$(printf '%s' "$common_toml" | sed '/^\[preprocessor.katex\]/,$d')
  printf '%s\n' "$base" >"$dir/book.toml"
  tm full-none mdbook build "$dir"
  printf '%s\n[preprocessor.math]\ncommand = "%s"\n' "$base" "$MATH" >"$dir/book.toml"
  rm -rf "$cache"
  tm full-cold mdbook build "$dir"
  tm full-warm mdbook build "$dir"
  printf '%s' "$common_toml" >"$dir/book.toml"
  tm full-katex mdbook build "$dir"
  echo "| $variant | $(med full-none 1) s | $(med full-warm 1) s | $(med full-cold 1) s | $(med full-katex 1) s |" >>"$FULL"
done

# The real book as it stands: the exact JSON mdBook hands the math preprocessor after the other
# preprocessors ran, captured through a mdBook config override, then the same timings.
dir="$WORK/book"
rm -rf "$dir" "$TIMES"
mkdir -p "$dir/book" "$TIMES"
cp "$ROOT/book/macros.tex" "$dir/book/"
printf '#!/bin/sh\n[ "$1" = supports ] && exit 0\ntee "%s" | "%s"\n' "$dir/captured.json" "$MATH" >"$dir/capture.sh"
MDBOOK_PREPROCESSOR__MATH__COMMAND="sh $dir/capture.sh" mdbook build -d "$dir/out" "$ROOT" >/dev/null
# Point both at $dir (so the cache lands there); mdbook-katex gets the same macros and output.
python3 - "$dir" "$WORK/realistic/book/katex-macros.txt" <<'PY'
import json, sys
d, macros = sys.argv[1], sys.argv[2]
ctx, book = json.load(open(f"{d}/captured.json"))
ctx["root"] = d
json.dump([ctx, book], open(f"{d}/input.json", "w"), ensure_ascii=False)
ctx["config"].setdefault("preprocessor", {})["katex"] = {"macros": macros, "output": "htmlAndMathml"}
json.dump([ctx, book], open(f"{d}/input-katex.json", "w"), ensure_ascii=False)
PY
total=$("$MATH" <"$dir/input.json" 2>/dev/null | grep -o 'katex-mathml' | wc -l)
theirs=$("$KATEX_BIN" <"$dir/input-katex.json" 2>/dev/null | grep -o 'katex-mathml' | wc -l)
if [[ $theirs -ne $total ]]; then
  echo "bench-math: on the real book mdbook-katex rendered $theirs of $total formulas" >&2
  exit 1
fi
rm -rf "$dir/target"
distinct=$(MDBOOK_MATH_TIMINGS=1 "$MATH" <"$dir/input.json" 2>&1 >/dev/null | sed -nE 's/.* ([0-9]+) distinct.*/\1/p')
time_all "$dir" "$dir/input-katex.json" no-edits
row "the book itself" "$total ($distinct with the macro checks)" "–"

{
  echo
  echo "Whole \`mdbook build\` (one run each, wall time):"
  echo
  cat "$FULL"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >>"$RESULTS"
cat "$RESULTS"
