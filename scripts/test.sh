#!/bin/sh
# Installs what is needed, builds, and runs every test (unit, DNS,
# interop against dkimpy and Mail::DKIM). Exit status is ctest's.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900
