#!/usr/bin/env bash
# Make sure `kcat` is on the PATH for the Kafka gateway's kcat tests. Like
# ensure-redis.sh: install Debian's package when we are root on Debian;
# otherwise say so and carry on (those tests skip with the same reason).
set -uo pipefail
if command -v kcat >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's kcat package for the Kafka gateway tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null && exit 0
fi
echo "kcat is not installed: the gateway's kcat tests will be skipped." >&2
echo "On Debian or Ubuntu run:  sudo apt-get install kcat" >&2
exit 0
