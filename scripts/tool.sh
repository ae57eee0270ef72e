#!/usr/bin/env bash
# Run one of the workspace's mdBook tools (book.toml's preprocessor and renderer commands):
#
#   scripts/tool.sh PACKAGE [BINARY] -- ARGS...
#
# What `cargo run --release --quiet -p PACKAGE --bin BINARY -- ARGS` does, without paying for
# cargo's own start and freshness check (0.1–0.3 s a call; mdBook makes a dozen calls a build) when
# nothing changed: the release binary is started directly if a stamp written right before its
# last successful build is newer than every file and folder under crates/ and than Cargo.toml and
# Cargo.lock. Otherwise cargo builds it first (so `mdbook serve` always runs the current code),
# and the stamp is renewed. Not noticed (run `cargo build --release` by hand): a changed Rust
# toolchain or cargo configuration without a source change.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
pkg=${1:?usage: scripts/tool.sh PACKAGE [BINARY] -- ARGS...}
shift
bin=$pkg
if [[ $# -gt 0 && $1 != -- ]]; then
  bin=$1
  shift
fi
[[ ${1:-} == -- ]] && shift

exe="$ROOT/target/release/$bin"
stamps="$ROOT/target/tool-stamps"
stamp="$stamps/$bin"
if [[ -x $exe && -f $stamp ]] &&
  [[ -z $(find "$ROOT/crates" "$ROOT/Cargo.toml" "$ROOT/Cargo.lock" -newer "$stamp" -print -quit) ]]; then
  exec "$exe" "$@"
fi
mkdir -p "$stamps"
# Stamped with the time before the build: a source saved while cargo runs is newer than it.
next=$(mktemp "$stamps/.$bin.XXXXXX")
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p "$pkg" --bin "$bin" >&2 || {
  rm -f "$next"
  exit 1
}
mv -f "$next" "$stamp"
exec "$exe" "$@"
