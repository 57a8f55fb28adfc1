#!/usr/bin/env bash
# Copy the front-end packages named in package.json into the static folder, so pages load them from
# the app itself (no CDN; the app works offline). Run by `make vendor`; the result is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
dest=openkap/web/static/vendor
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp node_modules/@picocss/pico/css/pico.min.css "$dest/pico.min.css"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/chart.umd.min.js"
cp node_modules/htmx.org/LICENSE "$dest/htmx.LICENSE"
cp node_modules/chart.js/LICENSE.md "$dest/chart.LICENSE.md"
cp node_modules/@picocss/pico/LICENSE.md "$dest/pico.LICENSE.md"
echo "vendored: $(ls "$dest" | tr '\n' ' ')"
