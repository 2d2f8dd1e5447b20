#!/usr/bin/python3
"""`listctl bounce parse`, run as a process, checked against flufl.bounce.

NAME
    listctl_bounce_test.py - end-to-end tests of `listctl bounce parse
    [--json] < message`, with Debian's flufl.bounce as an independent check.

SYNOPSIS
    listctl_bounce_test.py --listctl PATH --corpus DIR

DESCRIPTION
    Checks the JSON shape the issue asks for ({"kind", "recipients": [{
    "address", "status", "action", "class", "diagnostic"}]}), the exit
    statuses (0 for a bounce, 1 for a delay, an auto-reply or ordinary
    mail, 2 for a usage error or no input), and then runs every case of
    the flufl.bounce corpus (DIR, with EXPECTED.tsv) through listctl and
    through Debian's python3-flufl.bounce: listd must get at least as many
    cases exactly right (addresses and class) as flufl.bounce does, and
    every address flufl.bounce finds as a permanent failure that the
    table also expects must be among listd's (an independent parser
    agreeing with the table is a finding listd must not miss).

OUTPUT
    One line per failed test with why, the two figures, then `N passed, M
    failed` alone on the last line. Exit status 0 when nothing failed.

Standard library and python3-flufl.bounce (Debian's /usr/bin/python3).
"""

import argparse
import email
import json
import os
import subprocess
import sys

LISTCTL = None
CORPUS = None
passes = 0
failures = []


def check(condition, what):
    global passes
    if condition:
        passes += 1
    else:
        failures.append(what)
        print("FAIL " + what)


def parse(message, *args):
    proc = subprocess.run([LISTCTL, "bounce", "parse"] + list(args), input=message,
                          capture_output=True, timeout=120)
    return proc


def normal(address):
    if isinstance(address, bytes):
        address = address.decode("utf-8", "replace")
    local, _, domain = address.rpartition("@")
    return local + "@" + domain.lower() if local else address


DSN = (b"From: MAILER-DAEMON@mx.example.net\r\n"
       b"To: demo-bounces@lists.example.org\r\n"
       b"Subject: Undelivered Mail Returned to Sender\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
       b"--B\r\nContent-Type: text/plain\r\n\r\nIt failed.\r\n"
       b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
       b"Reporting-MTA: dns; mx.example.net\r\n\r\n"
       b"Final-Recipient: rfc822; gone@Example.ORG\r\nAction: failed\r\nStatus: 5.1.1\r\n"
       b"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n"
       b"Final-Recipient: rfc822; slow@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n"
       b"--B--\r\n")


def test_json_shape():
    proc = parse(DSN, "--json")
    check(proc.returncode == 0, "a DSN with a permanent failure exits 0 (got %d)" % proc.returncode)
    doc = json.loads(proc.stdout)
    check(doc["kind"] == "bounce", "kind bounce (got %r)" % doc["kind"])
    first = doc["recipients"][0]
    for key in ("address", "status", "action", "class", "diagnostic", "recogniser"):
        check(key in first, "recipient has %s" % key)
    check(first["address"] == "gone@example.org", "domain lower-cased (got %r)" % first["address"])
    check(first["status"] == "5.1.1" and first["class"] == "permanent", "status and class")
    check(first["diagnostic"] == "550 5.1.1 no such user", "diagnostic without its type")
    second = doc["recipients"][1]
    check(second["class"] == "temporary" and second["action"] == "delayed",
          "RFC 3464 Action delayed is temporary")


def test_exit_statuses():
    delay = DSN.replace(b"Action: failed\r\nStatus: 5.1.1", b"Action: delayed\r\nStatus: 4.4.1")
    proc = parse(delay, "--json")
    check(proc.returncode == 1 and json.loads(proc.stdout)["kind"] == "delay",
          "a delay-only DSN exits 1 with kind delay (got %d)" % proc.returncode)
    vacation = (b"From: alice@example.org\r\nSubject: Out of Office\r\n"
                b"Auto-Submitted: auto-replied\r\n\r\nAway until Monday.\r\n")
    proc = parse(vacation, "--json")
    check(proc.returncode == 1 and json.loads(proc.stdout)["kind"] == "auto-reply",
          "RFC 3834 vacation reply exits 1 with kind auto-reply")
    proc = parse(b"From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n")
    check(proc.returncode == 1 and b"not-a-bounce" in proc.stdout, "ordinary mail exits 1")
    check(parse(b"").returncode == 2, "no input exits 2")
    check(parse(DSN, "--no-such-option").returncode == 2, "an unknown option exits 2")


# Where listd knowingly differs from flufl.bounce, and why.
KNOWN = {
    "yale_01.txt": "a bare name that Yale's directory alone turns into user@yale.edu and "
                   "user@cs.yale.edu (flufl.bounce has a Yale-only detector)",
}


def expected_cases():
    with open(os.path.join(CORPUS, "EXPECTED.tsv"), encoding="utf-8") as table:
        for line in table:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            columns = line.split("\t")
            addresses = {normal(a) for a in (columns[2].split(",") if len(columns) > 2 else [])
                         if a}
            yield columns[0], columns[1], addresses


def test_against_flufl_bounce():
    try:
        from flufl.bounce import all_failures
    except ImportError:
        check(False, "python3-flufl.bounce is installed (scripts/debian-packages.txt)")
        return
    ours = theirs = cases = 0
    for name, klass, want in expected_cases():
        cases += 1
        path = os.path.join(CORPUS, "data", name)
        with open(path, "rb") as f:
            raw = f.read()
        proc = parse(raw, "--json")
        check(proc.returncode in (0, 1), "%s: listctl exits 0 or 1 (got %d)" % (name, proc.returncode))
        doc = json.loads(proc.stdout)
        found = {r["address"] for r in doc["recipients"]}
        classes = {r["class"] for r in doc["recipients"]}
        ours += found == want and (not want or classes == {klass})
        try:
            temporary, permanent = all_failures(email.message_from_bytes(raw))
        except Exception:  # their crash is their miss
            temporary, permanent = set(), set()
        temporary = {normal(a) for a in temporary}
        permanent = {normal(a) for a in permanent}
        got, other = (permanent, temporary) if klass == "permanent" else (temporary, permanent)
        theirs += got == want and not other
        agreed = permanent & want if klass == "permanent" and name not in KNOWN else set()
        check(agreed <= found, "%s: listd finds what flufl.bounce and the table agree on (%s)"
              % (name, sorted(agreed - found)))
    print("flufl.bounce corpus: listd %d of %d exactly right, flufl.bounce %d" % (ours, cases,
                                                                                 theirs))
    check(ours >= theirs, "listd gets at least as many cases right as flufl.bounce")


def main():
    global LISTCTL, CORPUS
    parser = argparse.ArgumentParser()
    parser.add_argument("--listctl", required=True)
    parser.add_argument("--corpus", required=True)
    args = parser.parse_args()
    LISTCTL, CORPUS = args.listctl, args.corpus
    for test in (test_json_shape, test_exit_statuses, test_against_flufl_bounce):
        try:
            test()
        except Exception as error:  # a crash is one failed test, not the end
            check(False, "%s raised %r" % (test.__name__, error))
    print("%d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
