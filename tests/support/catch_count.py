#!/usr/bin/env python3
"""Proves that ctest runs exactly the Catch2 test cases the sources define.

catch_discover_tests turns each name a binary lists into one ctest entry
that runs the binary with that name as its filter. A name with ';' is split
by CMake into two entries that match nothing, and Catch2 v2 exits 0 when a
filter matches nothing: test cases silently never ran. This script checks,
for every binary registered with listd_catch_tests (tests/CMakeLists.txt):

  1. no test case name contains ';';
  2. the names TEST_CASE defines in the binary's sources (hidden ones,
     tagged [.], aside) are exactly the names the binary lists;
  3. the ctest entries that run the binary are exactly those names, one
     entry each, each filter naming its own test, each with -w NoTests
     (so an entry whose filter matches nothing fails instead of passing).

usage: catch_count.py --ctest CTEST --build-dir DIR --targets catch_targets.tsv
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

MACRO = re.compile(r"^\s*(TEST_CASE_METHOD|TEST_CASE|SCENARIO)\s*\(", re.M)


def read_literals(text, pos):
    """Reads adjacent C string literals from text[pos:]; returns (value, end) or (None, pos)."""
    value = []
    found = False
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text) or text[pos] != '"':
            return ("".join(value) if found else None), pos
        found = True
        pos += 1
        while text[pos] != '"':
            if text[pos] == "\\":
                nxt = text[pos + 1]
                value.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                pos += 2
            else:
                value.append(text[pos])
                pos += 1
        pos += 1


def source_test_cases(path):
    """(name, tags) for each TEST_CASE in one source file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    cases = []
    for match in MACRO.finditer(text):
        pos = match.end()
        if match.group(1) == "TEST_CASE_METHOD":
            pos = text.index(",", pos) + 1
        name, pos = read_literals(text, pos)
        if name is None:
            raise SystemExit("%s: cannot read the name at offset %d" % (path, match.start()))
        tags = ""
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if text[pos] == ",":
            tags, pos = read_literals(text, pos + 1)
            tags = tags or ""
        if match.group(1) == "SCENARIO":
            name = "Scenario: " + name
        cases.append((name, tags))
    return cases


def hidden(tags):
    """Catch2 v2 hides [.], [.name], [!hide] and [hide] tests from a plain run."""
    return any(t.startswith(".") or t in ("!hide", "hide") for t in re.findall(r"\[([^\]]*)\]", tags))


def unescape_filter(spec):
    """CatchAddTests.cmake escapes ',', '[' and ']' with a backslash."""
    return re.sub(r"\\([,\[\]])", r"\1", spec)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ctest", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--targets", required=True)
    args = parser.parse_args()

    shown = subprocess.run([args.ctest, "--show-only=json-v1"], cwd=args.build_dir,
                           stdout=subprocess.PIPE, check=True, text=True)
    entries = collections.defaultdict(list)  # binary -> [(entry name, command)]
    for test in json.loads(shown.stdout)["tests"]:
        command = test.get("command") or []
        if command:
            entries[os.path.realpath(command[0])].append((test["name"], command[1:]))

    problems = []
    total_defined = total_entries = 0
    with open(args.targets, encoding="utf-8") as f:
        targets = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for name, binary, source_dir, sources in targets:
        defined = []
        for source in sources.split("|"):
            path = source if os.path.isabs(source) else os.path.join(source_dir, source)
            if path.endswith((".cc", ".cpp")):
                defined += [n for n, tags in source_test_cases(path) if not hidden(tags)]
        listed_out = subprocess.run([binary, "--list-test-names-only"], stdout=subprocess.PIPE,
                                    text=True).stdout
        listed = [line for line in listed_out.split("\n") if line]
        for n in sorted(set(defined) | set(listed)):
            if ";" in n:
                problems.append("%s: test name contains ';' (ctest splits it): %r" % (name, n))
        if collections.Counter(defined) != collections.Counter(listed):
            for n in sorted(set(defined) - set(listed)):
                problems.append("%s: defined in the sources but not listed: %r" % (name, n))
            for n in sorted(set(listed) - set(defined)):
                problems.append("%s: listed but not found in the sources: %r" % (name, n))
            if set(defined) == set(listed):
                problems.append("%s: a name is defined twice" % name)
        runs = entries.get(os.path.realpath(binary), [])
        entry_names = []
        for entry, argv in runs:
            if not argv or unescape_filter(argv[0]) != entry:
                problems.append("%s: ctest entry %r does not run the test of its name: %r"
                                % (name, entry, argv))
                continue
            if "-w" not in argv or argv[argv.index("-w") + 1:argv.index("-w") + 2] != ["NoTests"]:
                problems.append("%s: ctest entry %r lacks -w NoTests" % (name, entry))
            entry_names.append(entry)
        if collections.Counter(entry_names) != collections.Counter(listed):
            for n in sorted(set(listed) - set(entry_names)):
                problems.append("%s: test case has no ctest entry: %r" % (name, n))
            for n in sorted(set(entry_names) - set(listed)):
                problems.append("%s: ctest entry matches no test case: %r" % (name, n))
        print("%-16s defined %4d  listed %4d  ctest entries %4d"
              % (name, len(defined), len(listed), len(runs)))
        total_defined += len(defined)
        total_entries += len(runs)
    print("total            defined %4d  ctest entries %4d" % (total_defined, total_entries))
    for p in problems:
        print("FAIL " + p)
    return 1 if problems or not targets else 0


if __name__ == "__main__":
    sys.exit(main())
