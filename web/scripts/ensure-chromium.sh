#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never `playwright install`): install it when missing.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "web-test: installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "web-test: no Chromium at $CHROMIUM. Install Debian's package (sudo apt-get install chromium)" >&2
echo "          or point CHROMIUM_PATH at a Chromium binary." >&2
exit 1
