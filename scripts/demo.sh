#!/usr/bin/env bash
# Install (if needed), then run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/microcred demo "$@"
