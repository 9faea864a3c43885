#!/bin/sh
# Installs Debian's chromium for the browser tests if it is missing. Never downloads a browser
# build of Playwright's own (that fails on these machines); Playwright drives /usr/bin/chromium.
set -e
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
