#!/usr/bin/env bash
# Finds the headless browser the web view's tests drive: Chromium and its ChromeDriver, from Debian's
# packages chromium and chromium-driver. Installs them with apt-get when they are missing (as root, or
# with passwordless sudo); a browser a test tool downloads for itself is not used.
#
# Usage: find-browser.sh RECORD_FILE
#   Writes chromium=<path> and chromedriver=<path> into RECORD_FILE (read by the tests).
# - CHROMIUM and CHROMEDRIVER naming executables skip the search and the install.
set -euo pipefail

record=${1:?usage: find-browser.sh RECORD_FILE}

fail() {
  echo "browser: $*" >&2
  exit 1
}

find_pair() {
  chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
  chromedriver=${CHROMEDRIVER:-$(command -v chromedriver || true)}
  [ -n "$chromium" ] && [ -x "$chromium" ] && [ -n "$chromedriver" ] && [ -x "$chromedriver" ]
}

if ! find_pair; then
  if [ -n "${CHROMIUM:-}${CHROMEDRIVER:-}" ]; then
    fail "CHROMIUM=${CHROMIUM:-} and CHROMEDRIVER=${CHROMEDRIVER:-} must both name executables"
  fi
  command -v apt-get > /dev/null \
    || fail "chromium and chromedriver are not installed and there is no apt-get here: install Chromium and its ChromeDriver, or set CHROMIUM and CHROMEDRIVER"
  if [ "$(id -u)" = 0 ]; then
    as_root=()
  elif sudo -n true 2> /dev/null; then
    as_root=(sudo -n)
  else
    fail "chromium and chromedriver are missing and installing them needs root: run 'sudo apt-get install chromium chromium-driver', or set CHROMIUM and CHROMEDRIVER"
  fi
  echo "browser: installing Debian's chromium and chromium-driver (once; a few minutes)..."
  export DEBIAN_FRONTEND=noninteractive
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver > /dev/null; then
    echo "browser: the package lists look stale; updating them and trying again..."
    "${as_root[@]}" apt-get update -q > /dev/null
    "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver > /dev/null \
      || fail "apt-get install chromium chromium-driver failed (see its output above)"
  fi
  find_pair || fail "chromium or chromedriver still missing after apt-get install"
fi

mkdir -p "$(dirname "$record")"
printf 'chromium=%s\nchromedriver=%s\n' "$chromium" "$chromedriver" > "$record.tmp"
mv -f "$record.tmp" "$record"
echo "browser: $("$chromium" --version 2> /dev/null || echo "$chromium"), $("$chromedriver" --version 2> /dev/null | head -1)"
