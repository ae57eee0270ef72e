#!/usr/bin/env bash
# Regenerate every figure (book/figures/chNN/*), or check them:
#   scripts/figures.sh            # write the figures
#   scripts/figures.sh --check    # fail on any difference, missing file or broken image reference
#   scripts/figures.sh --interactive   # also check theme/figures.js in headless Chromium
# Creates .venv (without torch) on first use. See figures/README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -x .venv/bin/python ] || bash scripts/setup-python.sh --no-torch
args=()
interactive=0
for a in "$@"; do
  if [ "$a" = --interactive ]; then interactive=1; else args+=("$a"); fi
done
.venv/bin/python figures/make_all.py "${args[@]+"${args[@]}"}"
if [ "$interactive" = 1 ]; then
  .venv/bin/python figures/check_interactive.py --require-chromium
fi
