#!/usr/bin/python3
"""flufl.bounce's own score on the flufl.bounce corpus, to set beside listd's.

Reads ../shared/testsuites/bounces/flufl-bounce/EXPECTED.tsv and counts the
cases where Debian's python3-flufl.bounce (all_failures) finds exactly the
expected set of addresses (domain compared case-insensitively) in the
expected class (permanent or temporary), the same rule as
tests/inbound/bounce_conformance_test.cc applies to listd's parser.

Usage: /usr/bin/python3 scripts/flufl_bounce_score.py [CORPUS_DIR] [-v]
"""
import email
import os
import sys

from flufl.bounce import all_failures


def normal(address):
    if isinstance(address, bytes):
        address = address.decode("utf-8", "replace")
    local, _, domain = address.rpartition("@")
    return local + "@" + domain.lower() if local else address


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = args[0] if args else os.path.join(
        here, "..", "..", "shared", "testsuites", "bounces", "flufl-bounce")
    cases = exact = 0
    with open(os.path.join(corpus, "EXPECTED.tsv"), encoding="utf-8") as table:
        for line in table:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            columns = line.split("\t")
            name, klass = columns[0], columns[1]
            want = {normal(a) for a in (columns[2].split(",") if len(columns) > 2 else []) if a}
            cases += 1
            with open(os.path.join(corpus, "data", name), "rb") as f:
                message = email.message_from_binary_file(f)
            try:
                temporary, permanent = all_failures(message)
            except Exception as error:  # a crash is a miss, not the end of the count
                temporary, permanent = set(), set()
                if verbose:
                    print("crash", name, error)
            temporary = {normal(a) for a in temporary}
            permanent = {normal(a) for a in permanent}
            got, other = (permanent, temporary) if klass == "permanent" else (temporary, permanent)
            ok = got == want and not other
            exact += ok
            if verbose and not ok:
                print("miss", name, klass, sorted(permanent), sorted(temporary))
    print(f"flufl.bounce: {exact} of {cases} exactly right (addresses and class)")


if __name__ == "__main__":
    main(sys.argv[1:])
