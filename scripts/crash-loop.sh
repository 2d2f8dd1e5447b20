#!/bin/sh
# The long crash loop: kill -9 listd at random points KILLS times (default
# 100) while posts arrive, then drain and count (tests/daemon/crash_loop_test.py).
set -eu
cd "$(dirname "$0")/.."
kills=${1:-100}
seed=${2:-1}
exec /usr/bin/python3 tests/daemon/crash_loop_test.py --kills "$kills" --seed "$seed" \
  --listd build/listd/listd --listctl build/listd/listctl
