#!/usr/bin/env bash
# Report the search index's size against the book's HTML, both gzip -9 compressed file by file
# (as a server sends them). Run after a build:  scripts/search-size.sh [build/html]
set -euo pipefail
dir=${1:-build/html}
gz() { local n=0 f; for f in "$@"; do n=$((n + $(gzip -9c "$f" | wc -c))); done; echo "$n"; }
mapfile -t pages < <(find "$dir" -name '*.html' ! -name print.html | sort)
index="$dir/search-zh/index.js"
html_gz=$(gz "${pages[@]}")
print_gz=$(gz "$dir/print.html")
index_gz=$(gz "$index")
raw=$(wc -c < "$index")
echo "search index: $((raw / 1024)) KiB raw, $((index_gz / 1024)) KiB gzipped"
echo "HTML pages (${#pages[@]}, without print.html): $((html_gz / 1024)) KiB gzipped; with print.html: $(((html_gz + print_gz) / 1024)) KiB"
awk -v i="$index_gz" -v h="$html_gz" -v p="$print_gz" \
  'BEGIN { printf "index / HTML: %.1f%% (with print.html %.1f%%)\n", 100 * i / h, 100 * i / (h + p) }'
