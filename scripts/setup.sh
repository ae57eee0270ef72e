#!/usr/bin/env bash
# Install the pinned tools the book needs. Idempotent: a tool already at its pinned version is kept.
#   scripts/setup.sh          tools to build the book (mdBook)
#   scripts/setup.sh --test   also the tools the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.5.4

have_mdbook() { command -v mdbook >/dev/null 2>&1 && mdbook --version | grep -q "v${MDBOOK_VERSION}\$"; }
if ! have_mdbook; then
  echo "setup: installing mdBook ${MDBOOK_VERSION}" >&2
  cargo install mdbook --version "${MDBOOK_VERSION}" --locked --quiet
fi

if [[ "${1:-}" == "--test" ]]; then
  for step in scripts/setup.d/*.sh; do
    [[ -e "$step" ]] || continue
    echo "setup: $(basename "$step")" >&2
    bash "$step"
  done
fi
