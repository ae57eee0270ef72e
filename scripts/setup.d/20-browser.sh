#!/usr/bin/env bash
# Browser tests and the math engine's differential test: Debian's Chromium (+ CJK fonts so
# screenshots are legible) and, from package-lock.json, the pinned playwright-core and katex (KaTeX
# itself, the release katex-rs tracks). Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
# Reinstall node_modules only when the lock file changed since the last install.
stamp=node_modules/.lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  npm ci --no-audit --no-fund --silent
  echo "$want" > "$stamp"
fi
