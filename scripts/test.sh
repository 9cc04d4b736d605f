#!/usr/bin/env bash
# Install (if needed), then lint, type-check the core and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
ruff check .
ruff format --check .
mypy
python -m pytest "$@"
