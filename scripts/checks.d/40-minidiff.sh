#!/usr/bin/env bash
# minidiff: compiles, skeletons and the book's exercises name each other both ways, and every
# student test collects and fails with its exercise's NotImplementedError on the unfilled skeleton.
set -euo pipefail
.venv/bin/python scripts/check_minidiff.py --strict
