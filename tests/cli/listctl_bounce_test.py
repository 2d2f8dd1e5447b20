#!/usr/bin/python3
"""`listctl bounce parse`, run as a process, checked against flufl.bounce;
`listctl bounce ls` and `listctl member enable` against a real SQLite store.

NAME
    listctl_bounce_test.py - end-to-end tests of `listctl bounce parse
    [--json] < message`, with Debian's flufl.bounce as an independent check,
    and of `listctl bounce ls LIST [--json]` and `listctl member enable LIST
    ADDR` on a store in a temp dir.

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

    On a fresh store per test: `bounce ls` lists exactly the members with
    a score, bounce state or delivery disabled by bounces, as a table and
    as JSON (times ISO 8601 or null), with no terminal control byte from a
    remote MTA's text reaching the table; `member enable` re-enables
    delivery, zeroes the score and forgets the bounce state (read back
    with `member ls --json` and `bounce ls --json`), one member.enable
    event; unknown lists and non-members exit 3, usage errors 2; the
    group helps name both commands.

OUTPUT
    One line per failed test with why, the two figures, then `N passed, M
    failed` alone on the last line. Exit status 0 when nothing failed.

Standard library and python3-flufl.bounce (Debian's /usr/bin/python3).
"""

import argparse
import email
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

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


# --- bounce ls and member enable, on a store --------------------------------

LIST = "team@lists.example.org"


class Store:
    """A temp dir with a database; runs listctl against it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="listctl-bounce-")
        self.db = os.path.join(self.dir, "listd.db")

    def run(self, *args):
        return subprocess.run([LISTCTL] + list(args) + ["--db", self.db], capture_output=True,
                              text=True, timeout=120)

    def ok(self, *args):
        proc = self.run(*args)
        if proc.returncode != 0:
            raise AssertionError("%s: exit %d: %s" % (" ".join(args), proc.returncode,
                                                      proc.stderr))
        return proc

    def sql(self, statement, *values):
        with sqlite3.connect(self.db) as db:
            return db.execute(statement, values).fetchall()

    def member_id(self, local_part):
        return self.sql("SELECT id FROM members WHERE local_part = ?", local_part)[0][0]

    def bounce_ls(self):
        return json.loads(self.ok("bounce", "ls", LIST, "--json").stdout)

    def members(self):
        return {m["address"]: m for m in json.loads(self.ok("member", "ls", LIST,
                                                            "--json").stdout)}

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


DISABLED_AT = 1800003600  # 2027-01-15T09:00:00Z
FAILED_AT = 1800000000  # 2027-01-15T08:00:00Z


def bouncing_store():
    """A list with four members in the states bounce processing leaves.

    The delivery state is set through its face (`member set
    delivery=disabled-by-bounce`); the score and the bounce_info rows are
    written with sqlite3, as the daemon's -bounces handler and chores
    (BounceService::Take, bounce_chores) would, since no listctl command
    scores a member.
    """
    store = Store()
    store.ok("list", "create", LIST)
    store.ok("member", "add", LIST, "gone@example.org", "fine@example.org",
             "probed@example.net", "twice@example.com")
    # gone@: at the threshold, disabled, two warnings sent.
    store.ok("member", "set", LIST, "gone@example.org", "delivery=disabled-by-bounce")
    store.sql("UPDATE members SET bounce_score = 5 WHERE id = ?", store.member_id("gone"))
    # (member set gave it bounce state, disabled now: service/member_service.cc;
    # the history is then written as the chores would have left it.)
    store.sql("INSERT OR REPLACE INTO bounce_info (member_id, last_failure_at, last_failure, "
              "disabled_at, owners_told, warnings_sent, last_warning_at) "
              "VALUES (?, ?, ?, ?, 1, 2, ?)",
              store.member_id("gone"), FAILED_AT, "550 5.1.1 <gone@example.org>: no such user",
              DISABLED_AT, DISABLED_AT + 7 * 86400)
    # probed@: reached the threshold with bounce_probe=on, the probe not yet sent.
    store.sql("UPDATE members SET bounce_score = 5 WHERE id = ?", store.member_id("probed"))
    store.sql("INSERT INTO bounce_info (member_id, last_failure_at, last_failure, probe) "
              "VALUES (?, ?, ?, 'due')", store.member_id("probed"), FAILED_AT,
              "550 mailbox unavailable")
    # twice@: two failures on two days, a remote MTA's text with an escape
    # sequence in it; still enabled.
    store.sql("UPDATE members SET bounce_score = 2 WHERE id = ?", store.member_id("twice"))
    store.sql("INSERT INTO bounce_info (member_id, last_failure_at, last_failure) "
              "VALUES (?, ?, ?)", store.member_id("twice"), FAILED_AT + 86400,
              "552 \x1b]0;owned\x07 quota exceeded")
    return store


def with_store(body):
    def test():
        store = bouncing_store()
        try:
            body(store)
        finally:
            store.cleanup()
    test.__name__ = body.__name__
    return test


@with_store
def test_bounce_ls_json_lists_the_bouncing_members(store):
    listed = store.bounce_ls()
    # fine@ has no bounce state; the order is by domain, then local part.
    check([m["address"] for m in listed] ==
          ["twice@example.com", "probed@example.net", "gone@example.org"],
          "bounce ls --json lists the three bouncing members in order (got %r)"
          % [m.get("address") for m in listed])
    by = {m["address"]: m for m in listed}
    gone = by.get("gone@example.org", {})
    check(gone.get("delivery") == "disabled-by-bounce" and gone.get("bounce_score") == 5
          and gone.get("disabled_at") == "2027-01-15T09:00:00Z"
          and gone.get("last_failure_at") == "2027-01-15T08:00:00Z"
          and gone.get("last_failure") == "550 5.1.1 <gone@example.org>: no such user"
          and gone.get("warnings_sent") == 2 and gone.get("owners_told") is True
          and gone.get("last_warning_at") == "2027-01-22T09:00:00Z"
          and gone.get("probe") == "none" and gone.get("probe_sent_at") is None,
          "a disabled member's whole state (got %r)" % gone)
    probed = by.get("probed@example.net", {})
    check(probed.get("delivery") == "enabled" and probed.get("probe") == "due"
          and probed.get("disabled_at") is None,
          "a member whose probe is due is still enabled (got %r)" % probed)


@with_store
def test_bounce_ls_text_is_a_table_without_control_bytes(store):
    proc = store.ok("bounce", "ls", LIST)
    lines = proc.stdout.splitlines()
    check(len(lines) == 4 and lines[0].split()[:2] == ["ADDRESS", "SCORE"],
          "a heading and one line a bouncing member (got %r)" % lines)
    gone = [l for l in lines if l.startswith("gone@example.org")]
    check(len(gone) == 1 and "5.0" in gone[0] and "2027-01-15T08:00:00Z" in gone[0]
          and "disabled-by-bounce since 2027-01-15T09:00:00Z, warnings sent 2" in gone[0]
          and gone[0].endswith("550 5.1.1 <gone@example.org>: no such user"),
          "gone@'s line has score, last failure, state and text (got %r)" % gone)
    check(any(l.startswith("probed@example.net") and "enabled, probe due" in l for l in lines),
          "probed@'s line says the probe is due")
    check("fine@example.org" not in proc.stdout, "a member with no bounce state is not listed")
    check("\x1b" not in proc.stdout and "\x07" not in proc.stdout
          and "\\x1b]0;owned\\x07" in proc.stdout,
          "a remote MTA's escape sequence is shown escaped, never sent to the terminal")
    # The columns line up: every line has its SCORE where the heading has it.
    column = lines[0].index("SCORE")
    check(all(l[column - 2:column] == "  " and l[column] != " " for l in lines[1:]),
          "the score column lines up with its heading")


@with_store
def test_member_enable_resets_delivery_score_and_state(store):
    proc = store.ok("member", "enable", LIST, "Gone@Example.ORG")
    check(proc.stdout.strip() ==
          "Delivery to gone@example.org from " + LIST + " is enabled again.",
          "member enable prints the sentence (got %r)" % proc.stdout)
    gone = store.members().get("gone@example.org", {})
    check(gone.get("delivery") == "enabled" and gone.get("bounce_score") == 0,
          "member ls --json: gone@ enabled with score 0 (got %r)" % gone)
    check("gone@example.org" not in [m["address"] for m in store.bounce_ls()],
          "gone@ is no longer in bounce ls")
    check(store.sql("SELECT COUNT(*) FROM bounce_info WHERE member_id = ?",
                    store.member_id("gone")) == [(0,)], "gone@'s bounce_info row is gone")
    events = store.sql("SELECT detail FROM events WHERE action = 'member.enable'")
    check(len(events) == 1 and "gone@example.org" in events[0][0] and "listctl" in events[0][0],
          "one member.enable event naming the member and listctl (got %r)" % events)
    # The others are untouched.
    check(len(store.bounce_ls()) == 2, "the two other bouncing members stay listed")


@with_store
def test_member_enable_of_a_member_who_stopped_their_own_delivery(store):
    store.ok("member", "set", LIST, "fine@example.org", "delivery=disabled")
    store.ok("member", "enable", LIST, "fine@example.org")
    check(store.members()["fine@example.org"]["delivery"] == "enabled",
          "enable resumes a delivery disabled by the member too")


@with_store
def test_exit_statuses_of_bounce_ls_and_member_enable(store):
    def status(*args):
        return store.run(*args).returncode
    proc = store.run("bounce", "ls", "nosuch@lists.example.org")
    check(proc.returncode == 3 and "nosuch@lists.example.org" in proc.stderr,
          "bounce ls of an unknown list exits 3 naming it (got %d)" % proc.returncode)
    check(status("bounce", "ls", "nosuch@lists.example.org", "--json") == 3,
          "bounce ls --json of an unknown list exits 3")
    proc = store.run("member", "enable", LIST, "nobody@example.org")
    check(proc.returncode == 3 and "is not a member" in proc.stderr,
          "member enable of a non-member exits 3 (got %d)" % proc.returncode)
    check(status("member", "enable", "nosuch@lists.example.org", "gone@example.org") == 3,
          "member enable on an unknown list exits 3")
    check(status("member", "enable", LIST) == 2, "member enable without ADDR exits 2")
    check(status("member", "enable", LIST, "not an address") == 2,
          "member enable of what is no address exits 2")
    check(status("member", "enable", LIST, "a@example.org", "b@example.org") == 2,
          "member enable of two addresses exits 2")
    check(status("bounce", "ls") == 2, "bounce ls without LIST exits 2")
    check(status("bounce", "ls", LIST, "--no-such-option") == 2,
          "bounce ls with an unknown option exits 2")
    # None of it changed anything.
    check(store.members()["gone@example.org"]["delivery"] == "disabled-by-bounce",
          "the refused commands changed nothing")


def test_help_names_bounce_ls_and_member_enable():
    def out(*args):
        proc = subprocess.run([LISTCTL] + list(args), capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout
    code, text = out("bounce", "--help")
    check(code == 0 and "ls LIST [--json]" in text and "member enable" in text,
          "listctl bounce --help names ls and member enable (got %d %r)" % (code, text))
    code, text = out("member", "--help")
    check(code == 0 and "enable LIST ADDR" in text, "listctl member --help names enable")
    code, text = out("--help")
    groups, group = {}, None  # a group's lines: its own and those indented under it
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            group = line.split()[0]
            groups[group] = line
        elif line.startswith("   ") and group:
            groups[group] += line
        else:
            group = None
    check(code == 0 and "ls LIST" in groups.get("bounce", "")
          and "enable" in groups.get("member", ""),
          "listctl --help names bounce ls and member enable (got %r)" % text)
    code, text = out("bounce", "ls", "--help")
    check(code == 0 and "--json" in text and "--db" in text, "bounce ls --help")


def main():
    global LISTCTL, CORPUS
    parser = argparse.ArgumentParser()
    parser.add_argument("--listctl", required=True)
    parser.add_argument("--corpus", required=True)
    args = parser.parse_args()
    LISTCTL, CORPUS = args.listctl, args.corpus
    for test in (test_json_shape, test_exit_statuses, test_bounce_ls_json_lists_the_bouncing_members,
                 test_bounce_ls_text_is_a_table_without_control_bytes,
                 test_member_enable_resets_delivery_score_and_state,
                 test_member_enable_of_a_member_who_stopped_their_own_delivery,
                 test_exit_statuses_of_bounce_ls_and_member_enable,
                 test_help_names_bounce_ls_and_member_enable, test_against_flufl_bounce):
        try:
            test()
        except Exception as error:  # a crash is one failed test, not the end
            check(False, "%s raised %r" % (test.__name__, error))
    print("%d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
