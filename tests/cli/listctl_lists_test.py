#!/usr/bin/python3
"""listctl's list and member commands, run as a process.

NAME
    listctl_lists_test.py - end-to-end tests of `listctl list ...` and
    `listctl member ...` against a real SQLite file in a temp dir.

SYNOPSIS
    listctl_lists_test.py --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    Each test gets a fresh directory and database. It creates lists,
    configures them (valid and invalid settings, with the error text
    checked, and the all-or-nothing rule of `list set`), reads them back
    with --json, adds, lists and removes members, imports files with good,
    duplicate (domain case too) and invalid lines, round-trips an export
    through an import, and checks the exit codes of listctl/cli.h (0 ok,
    2 usage or I/O), the --config file, --help on every command, the file
    modes of the database and its master key, and the events log.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.

Standard library only (Debian's /usr/bin/python3).
"""

import argparse
import json
import os
import pwd
import shutil
import sqlite3
import stat
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
        self.dir = tempfile.mkdtemp(prefix="listctl-cli-" + name + "-")
        self.db = os.path.join(self.dir, "var", "listd.db")

    def run(self, *args, stdin=None, db=True):
        argv = [LISTCTL] + list(args)
        if db:
            argv += ["--db", self.db]
        proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)
        return proc

    def ok(self, *args, **kw):
        proc = self.run(*args, **kw)
        if proc.returncode != 0:
            raise AssertionError("%s: exit %d\nstdout: %s\nstderr: %s" %
                                 (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def fails(self, code, *args, **kw):
        proc = self.run(*args, **kw)
        if proc.returncode != code:
            raise AssertionError("%s: expected exit %d, got %d\nstdout: %s\nstderr: %s" %
                                 (" ".join(args), code, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def show(self, address=LIST):
        return json.loads(self.ok("list", "show", address, "--json").stdout)

    def members(self, address=LIST, *extra):
        return json.loads(self.ok("member", "ls", address, "--json", *extra).stdout)

    def cleanup(self):
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_in(needle, haystack, what="output"):
    if needle not in haystack:
        raise AssertionError("expected %r in %s:\n%s" % (needle, what, haystack))


# --- lists -----------------------------------------------------------------


def test_create_and_ls_json(env):
    env.ok("list", "create", "team@Lists.Example.ORG", "--name", "The Team",
           "--owner", "Boss <boss@example.org>")
    env.ok("list", "create", "announce@example.net")
    lists = json.loads(env.ok("list", "ls", "--json").stdout)
    expect(isinstance(lists, list) and len(lists) == 2, "two lists: %r" % lists)
    # Ordered by domain, then local part; the domain is stored lower-cased.
    expect([l["address"] for l in lists] == ["announce@example.net", LIST],
           "addresses: %r" % lists)
    team = lists[1]
    expect(team["name"] == "The Team", "name: %r" % team)
    expect(team["members"] == 1, "the owner is a member: %r" % team)
    expect(isinstance(team["created_at"], int) and team["created_at"] > 1600000000,
           "created_at: %r" % team)
    text = env.ok("list", "ls").stdout
    expect_in(LIST, text)
    expect_in("The Team", text)


def test_ls_empty(env):
    expect(json.loads(env.ok("list", "ls", "--json").stdout) == [], "no lists")
    expect_in("no lists", env.ok("list", "ls").stdout)


def test_create_twice_refused(env):
    env.ok("list", "create", LIST)
    # Exit 4: a conflict with what exists (listctl --help, exit status).
    proc = env.fails(4, "list", "create", "team@LISTS.example.org")
    expect_in("already exists", proc.stderr, "stderr")


def test_create_refuses_a_name_that_would_inject_a_header(env):
    """Hardening finding 7: a name with a line break (or an escape) would
    reach List-Id and, with DMARC mitigation, From: refused, nothing made."""
    for name in ("Evil\r\nBcc: victim@example.org", "Demo \x1b]0;pwned\x07"):
        proc = env.fails(2, "list", "create", LIST, "--name", name)
        expect_in("line break or control character", proc.stderr, "stderr")
    expect(json.loads(env.ok("list", "ls", "--json").stdout) == [], "no list made")


def test_create_invalid_address(env):
    proc = env.fails(2, "list", "create", "not-an-address")
    expect_in("invalid list address", proc.stderr, "stderr")
    proc = env.fails(2, "list", "create", LIST, "--owner", "boss@")
    expect_in("invalid owner address", proc.stderr, "stderr")
    # Nothing half-created.
    expect(json.loads(env.ok("list", "ls", "--json").stdout) == [], "no list left behind")


def test_show_json(env):
    env.ok("list", "create", LIST, "--name", "Team", "--owner", "boss@example.org")
    env.ok("member", "add", LIST, "a@example.org", "b@example.org")
    env.ok("member", "add", LIST, "mod@example.org", "--role", "moderator")
    d = env.show()
    expect(d["address"] == LIST and d["name"] == "Team", "head: %r" % d)
    expect(d["members"] == {"member": 2, "moderator": 1, "owner": 1, "total": 4},
           "counts: %r" % d["members"])
    expect(d["keys"] == [], "no keys yet: %r" % d["keys"])
    s = d["settings"]
    for name in ["subject_tag", "footer_template", "reply_to", "posting_policy",
                 "nonmember_action", "max_size", "dmarc_mitigation", "authserv_id",
                 "signing.domain", "signing.algorithms", "signing.headers",
                 "signing.oversign", "signing.canonicalization", "signing.expire",
                 "remove_dkim_signatures", "arc"]:
        expect(name in s, "setting %s shown: %r" % (name, sorted(s)))
        expect(s[name]["default"] is True, "%s is a default: %r" % (name, s[name]))
    expect(s["posting_policy"]["value"] == "members-only", "default policy")
    expect(s["signing.domain"]["value"] == "lists.example.org",
           "signing.domain defaults to the list's domain: %r" % s["signing.domain"])
    expect(s["signing.algorithms"]["value"] == "both", "default algorithms")
    expect(s["signing.canonicalization"]["value"] == "relaxed/relaxed", "default c=")
    expect(s["signing.expire"]["value"] == "0", "default x=")
    expect(s["subject_tag"]["value"] == "[team]", "default tag: %r" % s["subject_tag"])
    expect(s["footer_template"]["value"] == "footer.mustache",
           "the default footer: %r" % s["footer_template"])
    headers = s["signing.headers"]["value"].split(":")
    expect("From" in headers, "From is signed by default: %r" % headers)
    text = env.ok("list", "show", LIST).stdout
    expect_in("members:  4 (2 member, 1 moderator, 1 owner)", text)
    expect_in("keys:     none", text)


def test_show_keys_summary(env):
    env.ok("list", "create", LIST)
    # A key row as `listctl key generate` would leave it (its commands are
    # tested in listctl_keys_test.py); show only summarises, it never
    # unseals: the one key view of listd/views, public half only.
    with sqlite3.connect(env.db) as db:
        db.execute("INSERT INTO keys (list_id, selector, algorithm, bits, public_key, "
                   "private_key_sealed, state, created_at, activated_at) "
                   "SELECT id, 's2026-11', 'ed25519', 256, 'AAAA', x'00', 'active', "
                   "1795000000, 1795000100 FROM lists")
    keys = env.show()["keys"]
    expect(keys == [{"selector": "s2026-11", "algorithm": "ed25519", "bits": 256,
                     "state": "active", "created_at": 1795000000,
                     "activated_at": 1795000100, "retired_at": None,
                     "record_name": "s2026-11._domainkey.lists.example.org",
                     "public_key": "AAAA"}], "keys: %r" % keys)
    # The same view as key ls --json gives.
    listed = json.loads(env.ok("key", "ls", LIST, "--json").stdout)["keys"]
    expect(listed == keys, "key ls and list show agree: %r vs %r" % (listed, keys))
    expect_in("s2026-11  ed25519 256  active", env.ok("list", "show", LIST).stdout)


# --- settings --------------------------------------------------------------


def test_set_valid_settings(env):
    env.ok("list", "create", LIST)
    env.ok("list", "set", LIST, "posting_policy=moderated", "nonmember_action=reject",
           "reply_to=list", "max_size=2M", "dmarc_mitigation=wrap",
           "signing.domain=Example.ORG", "signing.algorithms=ed25519",
           "signing.headers=From:To:Subject:Date", "signing.oversign=From",
           "signing.canonicalization=relaxed", "signing.expire=7d",
           "subject_tag=[Team Talk]", "footer_template=team.mustache",
           "authserv_id=mx.example.org", "arc=off")
    s = env.show()["settings"]
    want = {
        "posting_policy": "moderated",
        "nonmember_action": "reject",
        "reply_to": "list",
        "max_size": "2097152",                          # 2M in bytes
        "dmarc_mitigation": "wrap",
        "signing.domain": "example.org",                # lower-cased
        "signing.algorithms": "ed25519",
        "signing.headers": "From:To:Subject:Date",
        "signing.oversign": "From",
        "signing.canonicalization": "relaxed/simple",   # RFC 6376 section 3.5
        "signing.expire": "604800",                     # 7 days in seconds
        "subject_tag": "[Team Talk]",
        "footer_template": "team.mustache",
        "authserv_id": "mx.example.org",
        "arc": "off",
    }
    for name, value in want.items():
        expect(s[name] == {"value": value, "default": False},
               "%s: want %r, got %r" % (name, value, s[name]))
    text = env.ok("list", "show", LIST).stdout
    expect_in("* posting_policy", text)


def test_set_invalid_settings_say_why(env):
    env.ok("list", "create", LIST)
    cases = [
        ("posting_policy=closed",
         "posting_policy must be one of members-only, moderated, announce-only, open"),
        ("nonmember_action=bounce", "nonmember_action must be one of hold, reject, discard"),
        ("reply_to=everyone", "reply_to must be one of none, list, author"),
        ("dmarc_mitigation=rewrite", "dmarc_mitigation must be one of none, munge-from, wrap"),
        ("signing.algorithms=dsa", "signing.algorithms must be one of rsa, ed25519, both"),
        ("arc=maybe", "arc must be one of on, off"),
        ("max_size=big", "max_size must be a size in bytes"),
        ("max_size=-1", "max_size must be a size in bytes"),
        ("signing.expire=soon", "signing.expire must be a duration in seconds"),
        ("signing.headers=To:Subject", "signing.headers must include From"),
        ("signing.headers=From:To:from", "names from twice"),
        ("signing.headers=From::To", "signing.headers must be header field names"),
        ("signing.domain=not_a_domain", "signing.domain must be a domain name"),
        ("signing.domain=localhost", "signing.domain must be a domain name"),
        ("signing.canonicalization=fancy/simple",
         "signing.canonicalization must be simple or relaxed"),
        ("footer_template=footer.txt", "not a path"),
        ("footer_template=../../etc/hostname.mustache", "not a path"),
        ("authserv_id=mx example", "authserv_id must be empty or a host name"),
        ("colour=blue", "unknown setting 'colour'; settings are: subject_tag"),
        ("posting_policy", "expected KEY=VALUE, not 'posting_policy'"),
    ]
    for assignment, message in cases:
        proc = env.fails(2, "list", "set", LIST, assignment)
        expect_in(message, proc.stderr, "stderr of set %s" % assignment)
    expect(all(v["default"] for v in env.show()["settings"].values()),
           "no invalid value was stored")
    proc = env.fails(2, "list", "set", LIST)
    expect_in("nothing to set", proc.stderr, "stderr")


def test_set_is_all_or_nothing(env):
    env.ok("list", "create", LIST)
    proc = env.fails(2, "list", "set", LIST, "posting_policy=open", "reply_to=list",
                     "max_size=lots")
    expect_in("max_size", proc.stderr, "stderr")
    expect_in("nothing changed", proc.stderr, "stderr")
    s = env.show()["settings"]
    expect(s["posting_policy"] == {"value": "members-only", "default": True},
           "posting_policy unchanged: %r" % s["posting_policy"])
    expect(s["reply_to"]["default"], "reply_to unchanged")


def test_set_reset_to_default(env):
    env.ok("list", "create", LIST)
    env.ok("list", "set", LIST, "posting_policy=open", "arc=off")
    env.ok("list", "set", LIST, "--reset", "posting_policy")
    s = env.show()["settings"]
    expect(s["posting_policy"] == {"value": "members-only", "default": True},
           "reset: %r" % s["posting_policy"])
    expect(s["arc"] == {"value": "off", "default": False}, "others kept")
    proc = env.fails(2, "list", "set", LIST, "--reset", "colour")
    expect_in("unknown setting 'colour'", proc.stderr, "stderr")


def test_list_rm_needs_yes(env):
    env.ok("list", "create", LIST, "--owner", "boss@example.org")
    proc = env.fails(2, "list", "rm", LIST)
    expect_in("without --yes", proc.stderr, "stderr")
    expect_in("1 members", proc.stderr, "stderr")
    expect(len(json.loads(env.ok("list", "ls", "--json").stdout)) == 1, "still there")
    env.ok("list", "rm", LIST, "--yes")
    expect(json.loads(env.ok("list", "ls", "--json").stdout) == [], "removed")
    proc = env.fails(3, "list", "show", LIST)  # 3: not found
    expect_in("no list " + LIST, proc.stderr, "stderr")


# --- members ---------------------------------------------------------------


def test_member_add_rm_ls(env):
    env.ok("list", "create", LIST)
    out = env.ok("member", "add", LIST, "ann@example.org", "Bob Builder <bob@Example.COM>").stdout
    expect_in("added ann@example.org as member", out)
    expect_in("added bob@example.com as member", out)
    env.ok("member", "add", LIST, "mo@example.org", "--role", "moderator")
    # Hardening finding 9: the whole address compares case-insensitively
    # (the local part is kept as first given), as Mailman compares it.
    out = env.ok("member", "add", LIST, "ann@EXAMPLE.org", "Ann@example.org").stdout
    expect_in("already a member, unchanged: ann@example.org", out)
    expect_in("already a member, unchanged: Ann@example.org", out)
    expect("added" not in out, "no second subscription: %r" % out)
    members = env.members()
    expect([m["address"] for m in members] ==
           ["bob@example.com", "ann@example.org", "mo@example.org"],
           "address order (domain, then local part): %r" % members)
    bob = members[0]
    expect(bob["name"] == "Bob Builder" and bob["role"] == "member" and
           bob["delivery"] == "enabled" and isinstance(bob["subscribed_at"], int),
           "bob: %r" % bob)
    mods = env.members(LIST, "--role", "moderator")
    expect([m["address"] for m in mods] == ["mo@example.org"], "--role: %r" % mods)
    text = env.ok("member", "ls", LIST).stdout.splitlines()
    expect(len(text) == 3 and text[0].startswith("bob@example.com\tmember\tenabled\tBob Builder"),
           "text ls: %r" % text)
    out = env.ok("member", "rm", LIST, "ANN@Example.org", "zed@example.org").stdout
    expect_in("removed ANN@example.org", out)  # as the admin wrote it
    expect_in("not a member: zed@example.org", out)
    expect(len(env.members()) == 2, "two left")
    proc = env.fails(2, "member", "ls", LIST, "--role", "admin")
    expect_in("--role must be member, moderator or owner", proc.stderr, "stderr")


def test_member_add_invalid_adds_none(env):
    env.ok("list", "create", LIST)
    proc = env.fails(2, "member", "add", LIST, "good@example.org", "bad@@example")
    expect_in("invalid address", proc.stderr, "stderr")
    expect(env.members() == [], "none added")


def test_member_ls_empty_json(env):
    env.ok("list", "create", LIST)
    expect(env.members() == [], "empty array")


IMPORT_FILE = """\
# members of the team list
ann@example.org
Bob Builder <bob@example.com>

  "Carol C." <carol@example.net>
ann@EXAMPLE.ORG
not an address
dave@example.org
bob@example.com
eve@@example.org
frank@example
# trailing comment
Grace <grace@example.org
"""


def test_import_report(env):
    env.ok("list", "create", LIST)
    env.ok("member", "add", LIST, "dave@Example.org")  # already there
    path = env.write("members.txt", IMPORT_FILE)
    proc = env.ok("member", "import", LIST, path)
    out = proc.stdout
    expect_in("added 3, skipped 3 duplicates, rejected 4 invalid lines", out)
    for line in ["line 7:", "line 10:", "line 11:", "line 13:"]:
        expect_in("  " + line, out)
    expect_in("not imported", out)
    got = {m["address"]: m["name"] for m in env.members()}
    expect(got == {"ann@example.org": "", "bob@example.com": "Bob Builder",
                   "carol@example.net": "Carol C.", "dave@example.org": ""},
           "members after import: %r" % got)


def test_import_from_stdin(env):
    env.ok("list", "create", LIST)
    # A byte order mark before line 1 (spreadsheet exports) and CRLF line ends.
    out = env.ok("member", "import", LIST, "-",
                 stdin="\ufeffx@example.org\r\ny@example.org\r\n").stdout
    expect_in("added 2, skipped 0 duplicates, rejected 0 invalid lines", out)
    expect(len(env.members()) == 2, "two members")


def test_import_unreadable_file(env):
    env.ok("list", "create", LIST)
    proc = env.fails(2, "member", "import", LIST, os.path.join(env.dir, "missing.txt"))
    expect_in("cannot read", proc.stderr, "stderr")


def test_export_import_round_trip(env):
    env.ok("list", "create", LIST)
    env.ok("list", "create", "copy@lists.example.org")
    env.write("in.txt", "Zoë Ünicode <zoe@example.org>\nplain@example.org\n"
              "\"Quoted, Name\" <q@example.net>\nMixed@Example.COM\n")
    env.ok("member", "import", LIST, os.path.join(env.dir, "in.txt"))
    exported = env.ok("member", "export", LIST).stdout
    out_path = os.path.join(env.dir, "out.txt")
    env.ok("member", "export", LIST, out_path)
    with open(out_path, encoding="utf-8") as f:
        expect(f.read() == exported, "file and stdout exports agree")
    mode = stat.S_IMODE(os.stat(out_path).st_mode)
    expect(mode == 0o600, "export file mode 0600 (personal data), got %o" % mode)
    out = env.ok("member", "import", "copy@lists.example.org", out_path).stdout
    expect_in("added 4, skipped 0 duplicates, rejected 0 invalid lines", out)
    again = env.ok("member", "export", "copy@lists.example.org").stdout
    expect(again == exported, "round trip:\n%s\nvs\n%s" % (exported, again))
    names = {m["address"]: m["name"] for m in env.members("copy@lists.example.org")}
    expect(names["zoe@example.org"] == "Zoë Ünicode", "names kept: %r" % names)
    expect(names["Mixed@example.com"] == "", "local part case kept: %r" % names)
    expect(names["q@example.net"] == "Quoted, Name", "quoted name: %r" % names)


# --- plumbing --------------------------------------------------------------


def test_config_file_db(env):
    other = os.path.join(env.dir, "elsewhere", "lists.db")
    config = env.write("listd.conf", "# listd settings\ndb = %s\n" % other)
    env.ok("list", "create", LIST, "--config", config, db=False)
    expect(os.path.exists(other), "the config's db was created")
    expect(not os.path.exists(env.db), "the default --db path was not used")
    lists = json.loads(env.ok("list", "ls", "--json", "--db", other, db=False).stdout)
    expect([l["address"] for l in lists] == [LIST], "same store by --db: %r" % lists)
    # --db wins over the config file (env.ok adds --db for the default path).
    expect(json.loads(env.ok("list", "ls", "--json", "--config", config).stdout) == [],
           "--db wins over the config file")
    proc = env.fails(2, "list", "ls", "--config", os.path.join(env.dir, "nope.conf"), db=False)
    expect_in("cannot read config file", proc.stderr, "stderr")


def test_help_everywhere(env):
    commands = [
        ["list"], ["member"],
        ["list", "create"], ["list", "ls"], ["list", "show"], ["list", "set"], ["list", "rm"],
        ["member", "add"], ["member", "rm"], ["member", "ls"], ["member", "import"],
        ["member", "export"],
    ]
    for words in commands:
        proc = env.run(*(words + ["--help"]), db=False)
        expect(proc.returncode == 0, "%s --help: exit %d (%s)" %
               (" ".join(words), proc.returncode, proc.stderr))
        expect_in("usage:", proc.stdout, "%s --help" % " ".join(words))
    expect(not os.path.exists(env.db), "--help opens no store")
    proc = env.run("list", "set", "--help", db=False)
    expect_in("posting_policy: who may post", proc.stdout)
    expect_in("one of members-only, moderated, announce-only, open", proc.stdout)
    proc = env.fails(2, "list", "frobnicate")
    expect_in("unknown command 'frobnicate'", proc.stderr, "stderr")
    proc = env.fails(2, "list", "show", LIST, "--bogus")
    expect_in("usage:", proc.stderr, "stderr")


def test_unknown_list(env):
    env.ok("list", "create", LIST)
    nosuch = "nosuch@example.org"
    path = env.write("m.txt", "a@example.org\n")
    for args in (["list", "show", nosuch], ["list", "set", nosuch, "arc=off"],
                 ["list", "rm", nosuch, "--yes"], ["member", "add", nosuch, "a@example.org"],
                 ["member", "rm", nosuch, "a@example.org"], ["member", "ls", nosuch],
                 ["member", "import", nosuch, path], ["member", "export", nosuch]):
        proc = env.fails(3, *args)  # 3: not found
        expect_in("no list " + nosuch, proc.stderr, "stderr of %s" % " ".join(args))
    out_path = os.path.join(env.dir, "export.txt")
    env.fails(3, "member", "export", nosuch, out_path)
    expect(not os.path.exists(out_path), "no empty export file for an unknown list")


def test_file_modes(env):
    env.ok("list", "create", LIST)
    key = env.db + ".key"
    key_mode = stat.S_IMODE(os.stat(key).st_mode)
    expect(key_mode == 0o600, "master key mode 0600, got %o" % key_mode)
    db_mode = stat.S_IMODE(os.stat(env.db).st_mode)
    expect(db_mode & 0o022 == 0, "database not writable by group or others, got %o" % db_mode)
    # A master key others can read is refused, saying why (5: forbidden).
    os.chmod(key, 0o644)
    proc = env.fails(5, "list", "ls")
    expect_in(key, proc.stderr, "stderr")
    os.chmod(key, 0o600)
    env.ok("list", "ls")


def test_events_recorded(env):
    env.ok("list", "create", LIST, "--owner", "boss@example.org")
    env.ok("list", "set", LIST, "posting_policy=open")
    env.ok("member", "add", LIST, "a@example.org")
    env.ok("member", "import", LIST, "-", stdin="b@example.org\n")
    env.ok("member", "rm", LIST, "a@example.org")
    env.fails(2, "list", "set", LIST, "posting_policy=closed")  # records nothing
    env.ok("list", "rm", LIST, "--yes")
    user = pwd.getpwuid(os.geteuid()).pw_name
    with sqlite3.connect(env.db) as db:
        rows = db.execute("SELECT actor, action, detail FROM events ORDER BY id").fetchall()
    actions = [r[1] for r in rows]
    expect(actions == ["list.create", "list.set", "member.add", "member.import",
                       "member.remove", "list.remove"], "events: %r" % rows)
    expect(all(r[0] == "listctl:" + user for r in rows), "actor: %r" % rows)
    expect_in("posting_policy=open", rows[1][2], "list.set detail")
    expect_in("boss@example.org", rows[0][2], "list.create detail")


def spooled_count(env):
    with sqlite3.connect(env.db) as db:
        return db.execute("SELECT COUNT(*) FROM spool").fetchone()[0]


# Finding 19 of issue 10: the pipe transport honours the LMTP size limit.
def test_inject_refuses_a_message_over_the_size_limit(env):
    env.ok("list", "create", LIST)
    head = "From: a@example.org\r\nSubject: big\r\n\r\n"
    at_limit = head + "x" * (1000 - len(head))
    proc = env.fails(2, "inject", LIST, "--max-message-size", "999", stdin=at_limit)
    expect_in("larger than --max-message-size (999 bytes", proc.stderr, "stderr")
    expect(spooled_count(env) == 0, "nothing spooled after a refusal")
    env.ok("inject", LIST, "--max-message-size", "1000", stdin=at_limit)
    expect(spooled_count(env) == 1, "a message at the limit is spooled")


def test_inject_default_size_limit_is_the_lmtp_default(env):
    env.ok("list", "create", LIST)
    head = "From: a@example.org\r\nSubject: big\r\n\r\n"
    over = head + "x" * (25 * 1024 * 1024 + 1 - len(head))  # listd's --max-message-size + 1
    proc = env.fails(2, "inject", LIST, stdin=over)
    expect_in("(26214400 bytes", proc.stderr, "stderr")
    expect(spooled_count(env) == 0, "nothing spooled after a refusal")
    env.ok("inject", LIST, stdin=over[:-1])
    expect(spooled_count(env) == 1, "a message of exactly 25 MiB is spooled")


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
