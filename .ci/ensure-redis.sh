#!/usr/bin/env bash
# Make sure `redis-server` is on the PATH for the multi-process tests (they
# start their own throwaway Redis on a free port; nothing is left running).
# Like ensure-chromium.sh: install Debian's package when we are root on
# Debian, otherwise say what to install.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's redis-server package for the multi-process tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "The multi-process tests need redis-server on the PATH." >&2
echo "On Debian or Ubuntu run:  sudo apt-get install redis-server" >&2
exit 1
