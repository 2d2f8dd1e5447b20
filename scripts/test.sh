#!/bin/sh
# Installs what is needed, builds, and runs every test (unit, DNS,
# interop against dkimpy and Mail::DKIM), then the fuzz targets of fuzz/
# for LISTD_FUZZ_SECONDS each (default 15) in a clang build of their own
# (build-fuzz, LISTD_FUZZ=ON; about 3 minutes to build, 2 to run on two
# cores). LISTD_FUZZ_SECONDS=0 skips them. Exit status: non-zero if either
# part failed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
status=0
(cd build && ctest --output-on-failure -j2 --timeout 900) || status=1
seconds=${LISTD_FUZZ_SECONDS:-15}
if [ "$seconds" -gt 0 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLISTD_FUZZ=ON -DLISTD_FUZZ_SECONDS="$seconds" >/dev/null
  ninja -C build-fuzz fuzzers
  (cd build-fuzz && ctest -L fuzz --output-on-failure -j2) || status=1
fi
exit $status
