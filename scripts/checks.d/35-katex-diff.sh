#!/usr/bin/env bash
# The math engine against KaTeX itself (issue #14): every distinct formula of the book rendered by
# katex-rs (what the math preprocessor writes with MDBOOK_MATH_CORPUS) and by npm `katex` pinned to
# the release katex-rs tracks; fails on any difference outside tests/katex-diff/normalise.mjs's
# rules and known-deviations.json. Report and side-by-side screenshots in target/katex-diff/.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/katex-diff
mkdir -p "$out"
node --test tests/katex-diff/
node tests/katex-diff/selftest.mjs
# A scratch build (not build/, which other checks read); the corpus is written afresh.
rm -f "$out/corpus.jsonl"
MDBOOK_MATH_CORPUS="$PWD/$out/corpus.jsonl" mdbook build -d "$PWD/$out/book" >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; exit 1; }
node tests/katex-diff/run.mjs --corpus "$out/corpus.jsonl" --out "$out"
