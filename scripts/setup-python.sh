#!/usr/bin/env bash
# Create (or reuse) the project's Python environment .venv/ at the repository root with the pinned
# packages of requirements-dev.txt, and the Debian packages the figures need.
#
#   scripts/setup-python.sh              numpy, matplotlib, pytest, torch (+ fonts-noto-cjk)
#   scripts/setup-python.sh --no-torch   figures only: skips the ~5 GB torch download
#   scripts/setup-python.sh --chromium   also Debian's chromium (for figures/check_interactive.py)
#
# Idempotent and cheap when nothing changed: .venv/.requirements-stamp records what the last install
# put there, and a venv that already has every wanted pin is reused as it is. Debian packages are
# installed only when missing, and only as root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

with_torch=1
with_chromium=0
for arg in "$@"; do
  case "$arg" in
    --no-torch) with_torch=0 ;;
    --chromium) with_chromium=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup-python.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# --- Debian packages ------------------------------------------------------------------------------
apt_missing=()
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || apt_missing+=(fonts-noto-cjk)
if [ "$with_chromium" = 1 ] && ! command -v chromium >/dev/null 2>&1; then apt_missing+=(chromium); fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-python.sh: apt-get install ${apt_missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  else
    echo "setup-python.sh: please install the Debian packages: ${apt_missing[*]}" >&2
  fi
fi

# --- Python -----------------------------------------------------------------------------------------
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || { echo "setup-python.sh: Python >= 3.10 is required ($python is $("$python" --version 2>&1))" >&2; exit 1; }

want=$(grep -v -E '^[[:space:]]*(#|$)' requirements-dev.txt | sed -E 's/[[:space:]]*#.*$//')
if [ "$with_torch" = 0 ]; then
  want=$(printf '%s\n' "$want" | grep -v -E '^torch==')
fi
want=$(printf '%s\n' "$want" | sort)
stamp=.venv/.requirements-stamp

if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ -z "$(comm -23 <(printf '%s\n' "$want") "$stamp")" ]; then
  echo "setup-python.sh: .venv is up to date ($(.venv/bin/python --version))"
  exit 0
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
printf '%s\n' "$want" > .venv/.requirements-wanted
start=$SECONDS
.venv/bin/python -m pip install --quiet --progress-bar off -r .venv/.requirements-wanted
printf '%s\n' "$want" > "$stamp"
echo "setup-python.sh: installed into .venv in $((SECONDS - start)) s ($(.venv/bin/python --version))"
