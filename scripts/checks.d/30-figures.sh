#!/usr/bin/env bash
# Figures: regenerating gives the committed bytes; every referenced image exists; the interactive
# figure matches numpy in Chromium and degrades to the static SVG without JavaScript.
set -euo pipefail
.venv/bin/python figures/make_all.py --check
.venv/bin/python figures/check_interactive.py --require-chromium
