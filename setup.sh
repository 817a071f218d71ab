#!/usr/bin/env bash
# Installs what examgen needs on a fresh machine: Pango and HarfBuzz's subset library
# (Debian/Ubuntu packages, so WeasyPrint can lay out and subset fonts fast), then a
# virtual environment in .venv with examgen and its scanner (the `scan` extra: OpenCV, zxing-cpp,
# pypdfium2) in it. `bash setup.sh test` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")"

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing ${missing[*]} (apt-get)…"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "Not a Debian/Ubuntu machine: install Pango and HarfBuzz (with its subset library) yourself." >&2
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q ".[scan,test]"
else
  .venv/bin/python -m pip install -q ".[scan]"
fi
echo "examgen installed in .venv ($(.venv/bin/examgen --version))"
