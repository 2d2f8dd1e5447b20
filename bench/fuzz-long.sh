#!/bin/sh
# Runs every libFuzzer target of fuzz/ for a long time, one after another,
# and prints the executions and findings of each.
#
#   bench/fuzz-long.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 3600. Builds build-fuzz (clang,
# LISTD_FUZZ=ON) if needed, extracts the seed corpora, and keeps the grown
# corpora in build-fuzz/fuzz-work/<target>/corpus, so a second run starts
# where the first stopped. A finding is saved under
# build-fuzz/fuzz-work/<target>/artifacts/ and makes the exit status 1;
# reproduce it with `build-fuzz/fuzz/<target> <artifact>`.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-3600}
[ $# -gt 0 ] && shift
targets=${*:-"tag_list_fuzzer dkim_signature_fuzzer key_record_fuzzer dmarc_record_fuzzer
  auth_results_fuzzer arc_fields_fuzzer message_fuzzer decorator_fuzzer lmtp_session_fuzzer
  smtp_reply_fuzzer list_address_fuzzer"}
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLISTD_FUZZ=ON >/dev/null
fi
nice ninja -C build-fuzz fuzzers
python3 fuzz/make_corpus.py --source . --shared ../shared --out build-fuzz/fuzz-corpus >/dev/null
status=0
printf '%-24s %14s %10s %8s %s\n' target executions exec/s seconds finding
for t in $targets; do
  log=build-fuzz/fuzz-work/$t.log
  mkdir -p build-fuzz/fuzz-work
  if sh fuzz/run_fuzzer.sh "build-fuzz/fuzz/$t" "build-fuzz/fuzz-corpus/$t" \
      "build-fuzz/fuzz-work/$t" "$seconds" >"$log" 2>&1; then
    finding=none
  else
    finding="see $log"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-24s %14s %10s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$seconds" "$finding"
done
exit $status
