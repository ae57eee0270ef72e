#!/usr/bin/env bash
# The theme in real Chromium: first the harness checks itself on a fixture with planted faults,
# then every chapter page of the real book at phone and desktop width (screenshots in build/screenshots/).
set -euo pipefail
node tests/browser/run.mjs --selftest --no-screenshots
mdbook build
node tests/browser/run.mjs
