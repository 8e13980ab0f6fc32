#!/usr/bin/env bash
# Copy front-end assets from node_modules (installed from the npm registry) into static/vendor,
# so pages work with no internet at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/bootstrap ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/echarts
cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js static/vendor/bootstrap/
cp -r node_modules/bootstrap-icons/font static/vendor/bootstrap-icons/
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
