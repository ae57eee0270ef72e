#!/usr/bin/env bash
# Python for figures and the minidiff checks: a cached .venv with pinned packages (requirements-dev.txt).
set -euo pipefail
bash scripts/setup-python.sh
