#!/bin/sh
# Configures and builds listd into ./build (warnings are errors).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLISTD_WERROR=ON >/dev/null
ninja -C build
