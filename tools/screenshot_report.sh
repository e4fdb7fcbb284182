#!/usr/bin/env bash
# Opens a report page (scan report, or the demo's runs/demo/report/index.html) in headless Chromium
# and saves what a person would see, to check the page by eye:
#   tools/screenshot_report.sh runs/demo/report/index.html report.png [width [height]]
# Needs Debian's chromium package (apt-get install chromium); nothing in the build uses it.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 INDEX.html OUT.png [width [height]]" >&2
  exit 2
fi
page=$1
out=$2
width=${3:-1200}
height=${4:-3000}
[ -f "$page" ] || { echo "$0: no page '$page'" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "$0: no Chromium found: install it (apt-get install chromium)" >&2; exit 1; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="${width},${height}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$page")" 2>/dev/null
[ -s "$out" ] || { echo "$0: Chromium wrote no screenshot to '$out'" >&2; exit 1; }
echo "wrote $out (${width} x ${height})"
