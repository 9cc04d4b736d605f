#!/usr/bin/env bash
# Install what microcred needs on a fresh Debian machine: system libraries, then a venv with the project.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# pyzbar loads libzbar at import time; Debian's libzbar0 provides it.
ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' || need_apt+=(libzbar0)
# Browser tests and screenshots drive Debian's Chromium (Playwright never downloads a browser here).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi 'NotoSans-Regular' || need_apt+=(fonts-noto-core)
# The verifier benchmark drives the API with wrk (a load tool on loopback).
command -v wrk >/dev/null || need_apt+=(wrk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# Re-install only when pyproject.toml changed since the last install.
stamp=.venv/.microcred-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
# The apps' Vietnamese (and any later) catalogs, built from the .po files in translations/.
bash scripts/translations.sh compile
