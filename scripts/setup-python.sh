#!/usr/bin/env bash
# Create (or reuse) the project's Python environment .venv/ at the repository root and install the
# pinned tools from requirements-dev.txt. Idempotent: a venv whose installed set already matches
# requirements-dev.txt is reused as it is (a stamp file records the requirements it was built from).
#
#   scripts/setup-python.sh            # numpy, matplotlib, pytest, torch
#   scripts/setup-python.sh --no-torch # figures only (skips the ~5 GB torch download)
#
# Afterwards: .venv/bin/python figures/make_all.py, .venv/bin/python scripts/check_minidiff.py
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

with_torch=1
for arg in "$@"; do
  case "$arg" in
    --no-torch) with_torch=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup-python.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || { echo "setup-python.sh: Python >= 3.10 is required ($python is $("$python" --version 2>&1))" >&2; exit 1; }

req=requirements-dev.txt
if [ "$with_torch" = 0 ]; then
  want=$(grep -v -E '^\s*(#|$)' "$req" | grep -v -E '^torch([=<>~ ]|$)')
else
  want=$(grep -v -E '^\s*(#|$)' "$req")
fi
stamp=.venv/.requirements-stamp

if [ -x .venv/bin/python ] && [ -f "$stamp" ]; then
  # Reuse when everything wanted is already installed (a torch venv also serves --no-torch).
  if [ -z "$(comm -23 <(printf '%s\n' "$want" | sort) <(sort "$stamp"))" ]; then
    echo "setup-python.sh: .venv is up to date ($(.venv/bin/python --version))"
    exit 0
  fi
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
printf '%s\n' "$want" > .venv/.requirements-wanted
.venv/bin/python -m pip install --quiet --progress-bar off -r .venv/.requirements-wanted
# Record what is installed now: the union of earlier installs and this one.
{ [ -f "$stamp" ] && cat "$stamp"; printf '%s\n' "$want"; } | sort -u > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
echo "setup-python.sh: installed into .venv ($(.venv/bin/python --version))"
