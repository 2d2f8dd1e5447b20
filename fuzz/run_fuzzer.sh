#!/bin/sh
# Runs one libFuzzer target for a while from its seeds.
#   run_fuzzer.sh BINARY SEED_DIR WORK_DIR SECONDS [libFuzzer flags...]
# New inputs go to WORK_DIR/corpus (kept between runs, so coverage grows),
# crashes, leaks and slow units to WORK_DIR/artifacts/. The exit status is
# libFuzzer's: non-zero on any finding, so ctest reports it.
set -eu
bin=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
