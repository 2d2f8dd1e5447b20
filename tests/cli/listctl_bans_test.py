#!/usr/bin/python3
"""listctl's ban and member set commands, run as a process.

NAME
    listctl_bans_test.py - end-to-end tests of `listctl ban add|rm|ls` and
    `listctl member set` against a real SQLite file in a temp dir.

SYNOPSIS
    listctl_bans_test.py --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    Each test gets a fresh directory and database. It bans addresses and
    domain globs per list (--list) and site-wide, reads them back with
    --json, refuses patterns that are not an address, "*@domain" or
    "*@*.domain" (exit 2), a second ban of the same pattern in any case
    (exit 4) and lifting a ban that is not there (exit 3); checks that a
    list's bans go with the list, that each change is one event in the
    log; sets a member's moderated flag and delivery state ("disabled" is
    disabled-by-user, the state names are taken too) and reads them back
    with `member ls --json`; and shows the three admission settings
    (posting_auth, unauthenticated_member_action, ban_action) in
    `list show` with their defaults.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.

Standard library only (Debian's /usr/bin/python3).
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback

LISTCTL = None
KEEP = False

LIST = "team@lists.example.org"


class Env:
    """A temp dir with a database path; runs listctl against it."""

    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix="listctl-bans-" + name + "-")
        self.db = os.path.join(self.dir, "var", "listd.db")

    def run(self, *args):
        argv = [LISTCTL] + list(args) + ["--db", self.db]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def ok(self, *args):
        proc = self.run(*args)
        if proc.returncode != 0:
            raise AssertionError("%s: exit %d\nstdout: %s\nstderr: %s" %
                                 (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def fails(self, code, *args):
        proc = self.run(*args)
        if proc.returncode != code:
            raise AssertionError("%s: expected exit %d, got %d\nstdout: %s\nstderr: %s" %
                                 (" ".join(args), code, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def bans(self, *scope):
        return json.loads(self.ok("ban", "ls", "--json", *scope).stdout)

    def events(self, action):
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT list_id, detail FROM events WHERE action = ? ORDER BY id",
                              (action,)).fetchall()

    def cleanup(self):
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_in(needle, haystack, what="output"):
    if needle not in haystack:
        raise AssertionError("expected %r in %s:\n%s" % (needle, what, haystack))


# --- bans ------------------------------------------------------------------


def test_ban_per_list_and_site_wide_read_back_as_json(env):
    env.ok("list", "create", LIST)
    out = env.ok("ban", "add", "Troll@Example.NET", "--list", LIST, "--reason", "flames").stdout
    expect_in("banned Troll@example.net on " + LIST, out)
    env.ok("ban", "add", "*@Spam.Example")
    env.ok("ban", "add", "*@*.spam.example")
    (ban,) = env.bans("--list", LIST)
    expect(ban["pattern"] == "Troll@example.net" and ban["list"] == LIST and
           ban["reason"] == "flames" and ban["created_at"].endswith("Z"), "list ban: %r" % ban)
    site = env.bans()
    expect([b["pattern"] for b in site] == ["*@spam.example", "*@*.spam.example"],
           "site bans: %r" % site)
    expect(all(b["list"] is None for b in site), "site bans have no list: %r" % site)
    text = env.ok("ban", "ls").stdout
    expect_in("*@*.spam.example", text)
    # Each change is one event; a site ban's event belongs to no list.
    added = env.events("ban.add")
    expect(len(added) == 3 and added[0][0] is not None and added[1][0] is None,
           "events: %r" % added)


def test_ban_refuses_what_is_not_a_pattern(env):
    for bad in ("spam.example", "*@com", "*@*.com", "tr*ll@example.net", "*@a.*.example",
                "Troll <troll@example.net>", "*"):
        proc = env.fails(2, "ban", "add", bad)
        expect_in("ban pattern", proc.stderr, "stderr for %r" % bad)
    expect(env.bans() == [], "nothing was banned")
    # A reason is one line: no header or terminal injection through it.
    env.fails(2, "ban", "add", "a@example.net", "--reason", "x\r\nBcc: y@example.org")


def test_ban_twice_is_a_conflict_and_rm_of_nothing_not_found(env):
    env.ok("list", "create", LIST)
    env.ok("ban", "add", "*@spam.example", "--list", LIST)
    proc = env.fails(4, "ban", "add", "*@SPAM.example", "--list", LIST)
    expect_in("already banned", proc.stderr, "stderr")
    env.ok("ban", "add", "*@spam.example")  # site-wide is another scope
    env.ok("ban", "rm", "*@Spam.Example", "--list", LIST)
    expect(env.bans("--list", LIST) == [], "the list's ban is gone")
    expect(len(env.bans()) == 1, "the site's stays")
    proc = env.fails(3, "ban", "rm", "*@spam.example", "--list", LIST)
    expect_in("is not banned on " + LIST, proc.stderr, "stderr")
    env.fails(3, "ban", "ls", "--list", "nosuch@lists.example.org")
    expect(len(env.events("ban.remove")) == 1, "one removal event")


def test_a_lists_bans_go_with_the_list(env):
    env.ok("list", "create", LIST)
    env.ok("ban", "add", "troll@example.net", "--list", LIST)
    env.ok("ban", "add", "*@spam.example")
    env.ok("list", "rm", LIST, "--yes")
    with sqlite3.connect(env.db) as db:
        rows = db.execute("SELECT pattern FROM bans").fetchall()
    expect(rows == [("*@spam.example",)], "only the site ban is left: %r" % rows)


# --- member set --------------------------------------------------------------


def test_member_set_moderated_and_delivery(env):
    env.ok("list", "create", LIST)
    env.ok("member", "add", LIST, "jane@example.org", "bob@example.net")
    out = env.ok("member", "set", LIST, "Jane@Example.org", "moderated=yes",
                 "delivery=disabled").stdout
    expect_in("moderated=yes delivery=disabled-by-user", out)
    members = {m["address"]: m for m in
               json.loads(env.ok("member", "ls", LIST, "--json").stdout)}
    jane, bob = members["jane@example.org"], members["bob@example.net"]
    expect(jane["moderated"] is True and jane["delivery"] == "disabled-by-user",
           "jane: %r" % jane)
    expect(bob["moderated"] is False and bob["delivery"] == "enabled", "bob: %r" % bob)
    one = json.loads(env.ok("member", "set", LIST, "jane@example.org", "moderated=no",
                            "delivery=enabled", "--json").stdout)
    expect(one["moderated"] is False and one["delivery"] == "enabled", "set --json: %r" % one)
    env.ok("member", "set", LIST, "jane@example.org", "delivery=disabled-by-bounce")
    expect(len(env.events("member.set")) == 3, "one event a change")


def test_member_set_refuses_bad_input_and_non_members(env):
    env.ok("list", "create", LIST)
    env.ok("member", "add", LIST, "jane@example.org")
    for bad in ("moderated=maybe", "delivery=off", "colour=blue", "moderated"):
        env.fails(2, "member", "set", LIST, "jane@example.org", bad)
    proc = env.fails(3, "member", "set", LIST, "nobody@example.org", "moderated=yes")
    expect_in("is not a member", proc.stderr, "stderr")
    env.fails(3, "member", "set", "nosuch@lists.example.org", "jane@example.org", "moderated=yes")
    expect(env.events("member.set") == [], "nothing was set")


# --- settings ----------------------------------------------------------------


def test_list_show_has_the_admission_settings_with_their_defaults(env):
    env.ok("list", "create", LIST)
    def settings():
        """{name: (value, set explicitly)} from the text of `list show`."""
        found = {}
        for line in env.ok("list", "show", LIST).stdout.splitlines():
            words = line.split()
            explicit = words[:1] == ["*"]
            words = words[1:] if explicit else words
            if len(words) == 2:
                found[words[0]] = (words[1], explicit)
        return found

    expect_in("posting_auth", env.ok("list", "show", LIST, "--json").stdout, "list show --json")
    shown = settings()
    for name, default in (("posting_auth", "aligned"), ("unauthenticated_member_action", "hold"),
                          ("ban_action", "discard")):
        expect(shown.get(name) == (default, False), "%s: %r" % (name, shown.get(name)))
    env.ok("list", "set", LIST, "posting_auth=from", "ban_action=reject")
    env.fails(2, "list", "set", LIST, "posting_auth=dkim")
    shown = settings()
    expect(shown["posting_auth"] == ("from", True), "posting_auth: %r" % (shown,))
    expect(shown["ban_action"] == ("reject", True), "ban_action: %r" % (shown,))


def main():
    global LISTCTL, KEEP
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--listctl", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = parser.parse_args()
    LISTCTL = os.path.abspath(args.listctl)
    KEEP = args.keep
    tests = [(n, f) for n, f in sorted(globals().items())
             if n.startswith("test_") and callable(f) and args.only in n]
    passed = failed = 0
    for name, test in tests:
        env = Env(name)
        try:
            test(env)
            passed += 1
        except Exception as e:  # report every failure, keep going
            failed += 1
            detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc()
            print("FAIL %s: %s" % (name, detail))
            if KEEP:
                print("  (kept %s)" % env.dir)
        finally:
            env.cleanup()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
