#!/usr/bin/env bash
# The search index's size, against the book's HTML (gzip -9, file by file, as a server sends
# them), and what the first query downloads (scripts/search-size.mjs: the browser test's queries
# run through the engine's own loader, pasted and typed). Run after a build:
#
#   scripts/search-size.sh [build/html]      a built book
#   scripts/search-size.sh --fullsize [DEST] also make and build the full-size copy
#                                            (scripts/make-fullsize-copy.py, default
#                                            /tmp/diffusion-book-fullsize) and report it too
set -euo pipefail
cd "$(dirname "$0")/.."
report() {
  local dir=$1
  gz() { local n=0 f; for f in "$@"; do n=$((n + $(gzip -9c "$f" | wc -c))); done; echo "$n"; }
  mapfile -t pages < <(find "$dir" -name '*.html' ! -name print.html | sort)
  mapfile -t index < <(find "$dir/search-zh" -name '*.js' | sort)
  local html_gz print_gz=0 index_gz raw
  html_gz=$(gz "${pages[@]}")
  [[ -f $dir/print.html ]] && print_gz=$(gz "$dir/print.html")
  index_gz=$(gz "${index[@]}")
  raw=$(cat "${index[@]}" | wc -c)
  echo "== $dir"
  echo "HTML pages (${#pages[@]}, without print.html): $((html_gz / 1024)) KiB gzipped; with print.html: $(((html_gz + print_gz) / 1024)) KiB"
  awk -v i="$index_gz" -v h="$html_gz" -v p="$print_gz" -v r="$raw" \
    'BEGIN { printf "whole search index: %d KiB raw, %d KiB gzipped = %.1f%% of the HTML (with print.html %.1f%%)\n", r / 1024, i / 1024, 100 * i / h, 100 * i / (h + p) }'
  local m p t
  m=$(gz "$dir/search-zh/index.js")
  mapfile -t p < <(find "$dir/search-zh" -name 'p[0-9]*.js')
  mapfile -t t < <(find "$dir/search-zh" -name 't[0-9]*.js')
  echo "  index.js (manifest + engine) $((m / 1024)) KiB, ${#p[@]} posting shards $(($(gz "${p[@]}") / 1024)) KiB, ${#t[@]} text shards $(($(gz "${t[@]}") / 1024)) KiB (gzipped)"
  node scripts/search-size.mjs "$dir"
}
if [[ ${1:-} == --fullsize ]]; then
  dest=${2:-/tmp/diffusion-book-fullsize}
  report build/html
  python3 scripts/make-fullsize-copy.py "$dest" >/dev/null
  if ! log=$(cd "$dest" && mdbook build 2>&1); then echo "$log" >&2; exit 1; fi
  report "$dest/build/html"
else
  report "${1:-build/html}"
fi
