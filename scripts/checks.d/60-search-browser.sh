#!/usr/bin/env bash
# Chinese search in a real browser: build the book, then drive mdBook's search UI in headless
# Chromium (tests/browser/search.mjs) with the issue's queries. Chromium and playwright-core come
# from scripts/setup.d/20-browser.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! log=$(mdbook build 2>&1); then echo "$log" >&2; exit 1; fi
node tests/browser/search.mjs --dir build/html
