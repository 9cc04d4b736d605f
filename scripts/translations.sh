#!/usr/bin/env bash
# Each app's message catalog: `extract [APP]` collects the strings of its code and pages and
# updates translations/<app>/<lang>/LC_MESSAGES/messages.po; `compile` (run by setup.sh) builds
# the .mo files the apps load. Shared pages (base.html, _error.html) go into every catalog, the
# camera scanner (_camera.html) into the two that scan, the staff sign-in card (_sign_in.html)
# into the two with staff.
# APP is issuer, wallet or verifier; without it, all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
LANGS=(vi)
declare -A SOURCES=(
  [issuer]="issuer_stub templates/issuer templates/_sign_in.html"
  [wallet]="wallet templates/wallet templates/_camera.html"
  [verifier]="verifier templates/verifier templates/_camera.html templates/_sign_in.html"
)
case "${1:-compile}" in
  extract)
    apps=("${2:-${!SOURCES[@]}}")
    # shellcheck disable=SC2068
    for app in ${apps[@]}; do
      [ -n "${SOURCES[$app]:-}" ] || { echo "unknown app: $app" >&2; exit 64; }
      dir=translations/$app
      mkdir -p "$dir"
      # shellcheck disable=SC2086
      "$PYBABEL" -q extract -F translations/babel.cfg --no-location --sort-output \
        --project microcred -k _l -o "$dir/messages.pot" \
        ${SOURCES[$app]} templates/base.html templates/_error.html
      for lang in "${LANGS[@]}"; do
        if [ -f "$dir/$lang/LC_MESSAGES/messages.po" ]; then
          "$PYBABEL" -q update --no-fuzzy-matching -i "$dir/messages.pot" -d "$dir" -l "$lang"
        else
          "$PYBABEL" -q init -i "$dir/messages.pot" -d "$dir" -l "$lang"
        fi
      done
    done ;;
  compile)
    for app in "${!SOURCES[@]}"; do
      "$PYBABEL" -q compile -d "translations/$app"
    done ;;
  *) echo "usage: $0 [extract|compile]" >&2; exit 64 ;;
esac
