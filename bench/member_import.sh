#!/bin/sh
# NAME
#   member_import.sh - time and peak memory of importing, listing and
#   exporting a big list's members with listctl
# SYNOPSIS
#   bench/member_import.sh [LISTCTL] [COUNT...]
#   LISTCTL defaults to build/listd/listctl; COUNTs default to 10000 100000.
# DESCRIPTION
#   For each COUNT: makes a fresh database in a temp dir, creates a list,
#   writes COUNT distinct addresses (half "Name <addr>", half bare, spread
#   over 1,000 domains), then runs under GNU time (/usr/bin/time -v, Debian
#   package `time`):
#     import   listctl member import LIST FILE   (one transaction)
#     ls       listctl member ls LIST > /dev/null (streamed)
#     ls-json  listctl member ls LIST --json > /dev/null
#     export   listctl member export LIST FILE
#   and prints wall seconds and peak resident memory for each. Comparing
#   the rows of 10,000 and 100,000 shows whether memory grows with the
#   member count (it should not: listing and export stream, import reads a
#   line at a time). The export is checked to hold COUNT lines.
#   This is a figure, not a test: nothing fails on a slow machine.
set -eu

LISTCTL=${1:-build/listd/listctl}
[ $# -gt 0 ] && shift
COUNTS=${*:-10000 100000}
TIME=/usr/bin/time

if [ ! -x "$LISTCTL" ]; then
  echo "member_import.sh: no listctl at $LISTCTL (build it: ninja -C build listctl)" >&2
  exit 2
fi
if [ ! -x "$TIME" ]; then
  echo "member_import.sh: $TIME missing (apt-get install time)" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/member-import-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

LIST=bench@lists.example.org

# Runs "$@" under GNU time with its standard output in file $1; prints
# "<seconds> <peak KiB>".
measure() {
  out=$1
  shift
  "$TIME" -v -o "$WORK/time.txt" "$@" > "$out"
  awk -F': ' '
    /Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
    }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.2f %d\n", s, rss }' "$WORK/time.txt"
}

row() {  # count operation "seconds kib"
  set -- "$1" "$2" $3
  awk -v c="$1" -v op="$2" -v s="$3" -v k="$4" \
    'BEGIN { printf "%9d  %-8s %9.2f %11.1f %12.0f\n", c, op, s, k / 1024, (s > 0 ? c / s : 0) }'
}

echo "listctl: $LISTCTL"
printf "%9s  %-8s %9s %11s %12s\n" members command seconds "peak MiB" "members/s"
for count in $COUNTS; do
  db="$WORK/$count/listd.db"
  input="$WORK/$count/members.txt"
  mkdir -p "$WORK/$count"
  awk -v n="$count" 'BEGIN {
    for (i = 1; i <= n; i++) {
      if (i % 2) printf "Member Number %d <member%07d@d%03d.example.org>\n", i, i, i % 1000
      else printf "member%07d@d%03d.example.org\n", i, i % 1000
    }
  }' > "$input"
  "$LISTCTL" list create "$LIST" --db "$db" > /dev/null

  row "$count" import "$(measure "$WORK/import.txt" "$LISTCTL" member import "$LIST" "$input" \
                         --db "$db")"
  if ! grep -q "^added $count, skipped 0 duplicates, rejected 0" "$WORK/import.txt"; then
    echo "member_import.sh: unexpected import report:" >&2
    cat "$WORK/import.txt" >&2
    exit 1
  fi
  row "$count" ls "$(measure /dev/null "$LISTCTL" member ls "$LIST" --db "$db")"
  row "$count" ls-json "$(measure /dev/null "$LISTCTL" member ls "$LIST" --json --db "$db")"
  row "$count" export "$(measure /dev/null "$LISTCTL" member export "$LIST" \
                         "$WORK/$count/export.txt" --db "$db" 2> /dev/null)"
  lines=$(wc -l < "$WORK/$count/export.txt")
  if [ "$lines" -ne "$count" ]; then
    echo "member_import.sh: export holds $lines lines, expected $count" >&2
    exit 1
  fi
done
