#!/usr/bin/env bash
# Chinese search in a real browser: build the book, then drive mdBook's search UI in headless
# Chromium (tests/browser/search.mjs). Installs what it needs, idempotently: Debian's chromium and
# playwright-core at the version package-lock.json pins (no browser download).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ ! -x /usr/bin/chromium ]]; then
  echo "search-browser: installing Debian chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
want=$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")
have=$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }")
if [[ "$have" != "$want" ]]; then
  echo "search-browser: npm ci (playwright-core ${want})" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
fi

cargo build --release --workspace --bins --quiet
if ! log=$(mdbook build 2>&1); then echo "$log" >&2; exit 1; fi
node tests/browser/search.mjs --dir build/html
