#!/usr/bin/env bash
# Chinese typography (docs/AUTHORING.md 「中文标点」): full-width punctuation, 「」 quotes and （）
# around glosses in the prose of the book, the figure scripts' labels and the minidiff docstrings.
# Prints every problem as file:line:col. `--diff` shows the fixes, `--fix` applies them (prose only).
set -euo pipefail
cargo run --release --quiet -p typography-lint -- book figures/*.py minidiff/minidiff
