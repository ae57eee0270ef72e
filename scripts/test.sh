#!/usr/bin/env bash
# Run every test: formatting, lints, unit and end-to-end tests on the real book, and the book's
# own checks. Installs the pinned tools first. Runs all suites, then fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || { echo "setup failed" >&2; exit 1; }

passed=0
failed=0
failed_names=()
suite() {
  local name=$1; shift
  echo "==> ${name}"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_names+=("${name}")
  fi
}

suite "cargo fmt" cargo fmt --all -- --check
suite "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "cargo test (unit and end-to-end)" cargo test --workspace --quiet --no-fail-fast
for check in scripts/checks.d/*.sh; do
  [[ -e "$check" ]] || continue
  suite "$(basename "$check" .sh)" bash "$check"
done

echo
if ((failed > 0)); then
  printf 'failed suite: %s\n' "${failed_names[@]}"
fi
echo "suites: ${passed} passed, ${failed} failed"
((failed == 0))
