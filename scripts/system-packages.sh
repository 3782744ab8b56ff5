#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the product needs, when run as root; otherwise says
# which command would. Usage: scripts/system-packages.sh [runtime|test]
#   runtime: Python's venv, WeasyPrint's Pango and HarfBuzz, and the fonts the PDF uses.
#   test:    runtime, plus Chromium for the browser tests, poppler-utils for reading PDFs, and
#            redis-server for the fault suite's own Redis (stopped, flushed and restarted by it).
set -euo pipefail

runtime=(
  python3-venv
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  fontconfig fonts-dejavu-core
  # The summary PDF's fonts (summaries/static/summaries/pdf/summary.css): Latin, Greek, Cyrillic,
  # Arabic, Hebrew and symbols; Chinese, Japanese and Korean; colour emoji (CBDT, which WeasyPrint draws).
  fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
)
test=(chromium poppler-utils redis-server)

wanted=("${runtime[@]}")
[ "${1:-runtime}" = "test" ] && wanted+=("${test[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system: install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  # python3-venv is only needed where this python3 lacks venv (Debian's own python3).
  if [ "$package" = python3-venv ] && python3 -c "import ensurepip, venv" 2>/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another install may hold the package lock (two checkouts installing at once): wait for it.
lock_wait=(-o DPkg::Lock::Timeout=600)
apt-get "${lock_wait[@]}" update -qq
apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
