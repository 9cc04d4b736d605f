#!/usr/bin/env bash
# Re-fetch the vendored front-end files from the npm registry and check them against the pinned hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {  # package@version, file inside the package, destination, sha256
  (cd "$work" && npm pack "$1" --silent >/dev/null && mkdir -p "${1%@*}" && tar xzf ./*.tgz -C "${1%@*}" && rm ./*.tgz)
  cp "$work/${1%@*}/package/$2" "$3"
  echo "$4  $3" | sha256sum -c -
}
fetch htmx.org@2.0.11 dist/htmx.min.js static/vendor/htmx-2.0.11.min.js \
  d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
fetch jsqr@1.4.0 dist/jsQR.js static/vendor/jsqr-1.4.0.js \
  bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859
# Test-only: the accessibility checker the browser tests inject into each page.
fetch axe-core@4.14.1 axe.min.js tests/vendor/axe-core-4.14.1.min.js \
  29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
