#!/usr/bin/env bash
# Build the whole book into build/html/ (installing the pinned tools first).
#   scripts/build.sh          build once
#   scripts/build.sh serve    build, then serve on http://localhost:3000 and rebuild on every save
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Build the preprocessors once up front so the first `mdbook` run does not wait on the compiler.
cargo build --release --workspace --bins --quiet
if [[ "${1:-}" == "serve" ]]; then
  exec mdbook serve "${@:2}"
fi
mdbook build
