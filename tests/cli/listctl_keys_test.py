#!/usr/bin/python3
"""The key rollover and the doctor, run as listctl processes against a real
DNS server on 127.0.0.1.

NAME
    listctl_keys_test.py - end-to-end tests of `listctl key ...` and
    `listctl doctor` with unbound serving the records (tests/support/
    dns_server.py) and a SQLite store in a temp dir.

SYNOPSIS
    listctl_keys_test.py --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    The whole rollover of RFC 6376 section 3.1 and RFC 5863 section 3.5:
    a list is created with `listctl list create`; a key is generated; the
    DNS server serves first no record (check: missing, activation refused),
    then another key's record (check: mismatch, activation refused), then
    exactly the text `key dns` printed (check: match, activation works, the
    doctor finds no key errors). Then `key rotate` makes the next selector
    beside the active key, its record is published, it is activated, the
    old key is retired (its record must stay published a while) and
    removed. Also: export/import round trips (PEM, 0600 files), the doctor's
    findings (no active key, a 1024-bit key made by openssl, a selector
    shared between algorithms (RFC 8463 section 6), a signing domain not
    aligned with the list's (RFC 7489 section 3.1.1), no DMARC record and
    one served (RFC 7489 section 6.6.3)), temperror when the DNS server is
    stopped or answers SERVFAIL, usage errors and --help, and the events
    log (one row per write, actor listctl:<user>).

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.

Standard library only (Debian's /usr/bin/python3), plus /usr/bin/openssl
to make keys no listctl made.
"""

import argparse
import json
import os
import pwd
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

from dns_server import DnsServer  # noqa: E402

LISTCTL = None
KEEP = False
OPENSSL = "/usr/bin/openssl"

LIST = "team@example.org"
DOMAIN = "example.org"
# Short DNS deadline for the lookups that are meant to fail.
FAST = ["--timeout", "2000"]


# ------------------------------------------------------------------ helpers


class Env:
    """A temp dir with a database; runs listctl against it."""

    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix="listctl-keys-" + name + "-")
        self.db = os.path.join(self.dir, "var", "listd.db")

    def run(self, *args, stdin=None):
        argv = [LISTCTL] + list(args) + ["--db", self.db]
        return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)

    def expect(self, code, *args, **kw):
        proc = self.run(*args, **kw)
        if proc.returncode != code:
            raise AssertionError(
                "listctl %s: expected exit %d, got %d\nstdout: %s\nstderr: %s"
                % (" ".join(args), code, proc.returncode, proc.stdout, proc.stderr)
            )
        return proc

    def ok(self, *args, **kw):
        return self.expect(0, *args, **kw)

    def path(self, name):
        return os.path.join(self.dir, name)

    def create_list(self, address=LIST):
        self.ok("list", "create", address)

    def keys(self, address=LIST):
        """`key ls --json`: selector -> key (one algorithm per selector)."""
        document = json.loads(self.ok("key", "ls", address, "--json").stdout)
        return document["keys"]

    def key(self, selector, address=LIST, algorithm=None):
        found = [
            k
            for k in self.keys(address)
            if k["selector"] == selector and (algorithm is None or k["algorithm"] == algorithm)
        ]
        if len(found) != 1:
            raise AssertionError("expected one key %r, found %r" % (selector, found))
        return found[0]

    def generate(self, algo="rsa", address=LIST, *extra):
        """Generates a key; returns its selector."""
        before = {(k["selector"], k["algorithm"]) for k in self.keys(address)}
        self.ok("key", "generate", address, "--algo", algo, *extra)
        after = {(k["selector"], k["algorithm"]) for k in self.keys(address)}
        (new,) = after - before
        return new[0]

    def check(self, dns, address=LIST, selector=None, code=None):
        """`key check --json`: (exit code, [result, ...])."""
        args = ["key", "check", address, "--json", "--dns", dns.address] + FAST
        if selector:
            args += ["--selector", selector]
        proc = self.run(*args)
        if proc.returncode not in (0, 1):
            raise AssertionError("key check failed: %s %s" % (proc.stdout, proc.stderr))
        results = json.loads(proc.stdout)["keys"]
        return proc.returncode, results

    def doctor(self, dns, address=LIST, expect=None):
        """`doctor --json`: (exit code, {code: severity, ...}, document)."""
        proc = self.run("doctor", address, "--json", "--dns", dns.address, *FAST)
        if proc.returncode not in (0, 1) or (expect is not None and proc.returncode != expect):
            raise AssertionError(
                "doctor: exit %d\nstdout: %s\nstderr: %s" % (proc.returncode, proc.stdout, proc.stderr)
            )
        document = json.loads(proc.stdout)
        codes = {}
        for f in document["findings"]:
            codes.setdefault(f["code"], []).append(f["severity"])
        return proc.returncode, codes, document

    def events(self):
        with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
            return db.execute("SELECT actor, action, detail FROM events ORDER BY id").fetchall()

    def cleanup(self):
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)


ZONE_LINE = re.compile(r"^(\S+)\. IN TXT \( (.*) \)$")


def zone_records(text):
    """Parses the zone-file text `key dns` prints: [(name, [strings])]."""
    records = []
    for line in text.splitlines():
        if not line or line.startswith(";"):
            continue
        m = ZONE_LINE.match(line)
        if not m:
            raise AssertionError("not a zone-file TXT line: %r" % line)
        records.append((m.group(1), re.findall(r'"([^"]*)"', m.group(2))))
    return records


def publish(env, dns, address=LIST, selector=None, replace=True):
    """Serves exactly what `key dns` prints (for one selector or all)."""
    args = ["key", "dns", address] + (["--selector", selector] if selector else [])
    records = zone_records(env.ok(*args).stdout)
    assert records, "key dns printed no record"
    names = set()
    for name, strings in records:
        if replace and name not in names:
            dns.remove(name)
        names.add(name)
        dns.add(name, strings)
    dns.reload()
    return records


def foreign_record(env):
    """The character-strings of a key record for a key the store never saw."""
    out = subprocess.run(
        [LISTCTL, "dkim", "keygen", "--algo", "rsa", "--selector", "x", "--domain", DOMAIN,
         "--out", env.path("foreign-%d.pem" % len(os.listdir(env.dir)))],
        capture_output=True, text=True, check=True,
    ).stdout
    return zone_records(out)[0][1]


def openssl_rsa(env, bits, name):
    path = env.path(name)
    subprocess.run([OPENSSL, "genrsa", "-out", path, str(bits)], capture_output=True, check=True)
    return path


def record_name(selector, domain=DOMAIN):
    return "%s._domainkey.%s" % (selector, domain)


def results_of(results):
    return {(r["selector"], r["algorithm"]): r["result"] for r in results}


def user():
    return pwd.getpwuid(os.getuid()).pw_name


# -------------------------------------------------------------------- tests


def test_whole_rollover(env):
    """RFC 6376 section 3.1 / RFC 5863 section 3.5: generate, publish, check,
    activate, rotate, activate the new, retire and remove the old."""
    env.create_list()
    with DnsServer() as dns:
        old = env.generate("rsa")
        assert re.fullmatch(r"s\d{4}-\d{2}", old), old
        key = env.key(old)
        assert key["state"] == "generated" and key["bits"] == 2048, key

        # 1. No record: missing, and activation is refused.
        code, results = env.check(dns)
        assert code == 1 and results_of(results) == {(old, "rsa"): "missing"}, results
        proc = env.expect(1, "key", "activate", LIST, "--selector", old, "--dns", dns.address)
        assert "refused" in proc.stdout and "missing" in proc.stdout, proc.stdout
        assert env.key(old)["state"] == "generated"

        # 2. Another key's record at the name: mismatch, still refused.
        dns.set(record_name(old), [foreign_record(env)])
        dns.reload()
        code, results = env.check(dns, selector=old)
        assert code == 1 and results[0]["result"] == "mismatch", results
        assert "another public key" in results[0]["detail"], results
        proc = env.expect(1, "key", "activate", LIST, "--selector", old, "--dns", dns.address)
        assert "mismatch" in proc.stdout, proc.stdout
        assert env.key(old)["state"] == "generated"

        # 3. Exactly what `key dns` printed: match, and activation works.
        records = publish(env, dns, selector=old)
        assert records[0][0] == record_name(old) and len(records[0][1]) == 2, records
        code, results = env.check(dns)
        assert code == 0 and results_of(results) == {(old, "rsa"): "match"}, results
        proc = env.ok("key", "activate", LIST, "--selector", old, "--dns", dns.address)
        assert "activated" in proc.stdout, proc.stdout
        key = env.key(old)
        assert key["state"] == "active" and key["activated_at"], key
        env.expect(4, "key", "activate", LIST, "--selector", old, "--dns", dns.address)

        # 4. The doctor finds nothing wrong with the keys.
        code, codes, _ = env.doctor(dns, expect=0)
        for bad in ("no-active-key", "record-missing", "record-mismatch", "rsa-key-short",
                    "rsa-key-too-short", "selector-shared", "domain-not-aligned"):
            assert bad not in codes, codes

        # 5. Rotate: a new selector beside the active key.
        proc = env.ok("key", "rotate", LIST)
        keys = env.keys()
        new = [k["selector"] for k in keys if k["state"] == "generated"]
        assert len(new) == 1 and new[0] != old, keys
        new = new[0]
        assert new.startswith(old), (old, new)  # the same month: a letter is added
        assert record_name(new) in proc.stdout, proc.stdout
        assert env.key(old)["state"] == "active"
        assert env.key(new)["bits"] == 2048
        # A second rotation waits until the first one is done.
        proc = env.expect(4, "key", "rotate", LIST)
        assert "not active yet" in proc.stderr, proc.stderr

        # 6. Publish the new record beside the old one; both match.
        publish(env, dns, selector=new)
        code, results = env.check(dns)
        assert code == 0 and results_of(results) == {(old, "rsa"): "match", (new, "rsa"): "match"}

        # 7. Activate the new key: the old one is still active (both sign).
        proc = env.ok("key", "activate", LIST, "--selector", new, "--dns", dns.address)
        assert "still active" in proc.stdout and old in proc.stdout, proc.stdout

        # 8. Retire the old one: it stops signing; the record should stay.
        proc = env.ok("key", "retire", LIST, "--selector", old)
        assert "keep its record %s published until" % record_name(old) in proc.stdout, proc.stdout
        env.expect(4, "key", "retire", LIST, "--selector", old)  # already retired: conflict
        states = {k["selector"]: k["state"] for k in env.keys()}
        assert states == {old: "retired", new: "active"}, states
        text = env.ok("key", "ls", LIST).stdout
        assert re.search(r"^%s\s+rsa\s+2048\s+retired\s" % re.escape(old), text, re.M), text
        assert re.search(r"^%s\s+rsa\s+2048\s+active\s" % re.escape(new), text, re.M), text
        code, codes, _ = env.doctor(dns, expect=0)
        assert "retired-record-withdrawn" not in codes, codes
        # Withdrawn too early, the doctor says so.
        dns.remove(record_name(old))
        dns.reload()
        code, codes, _ = env.doctor(dns, expect=0)
        assert codes.get("retired-record-withdrawn") == ["warning"], codes

        # 9. Remove: the active key only with --force; the retired one freely.
        proc = env.expect(4, "key", "rm", LIST, "--selector", new)
        assert "active" in proc.stderr and "--force" in proc.stderr, proc.stderr
        env.ok("key", "rm", LIST, "--selector", old)
        assert [k["selector"] for k in env.keys()] == [new]
        env.expect(3, "key", "rm", LIST, "--selector", old)  # gone: not found

        # 10. Every write left one event, attributed to the Unix user.
        events = env.events()
        actions = [a for _, a, _ in events if a.startswith("key.")]
        assert actions == ["key.generate", "key.activate", "key.rotate", "key.activate",
                           "key.retire", "key.remove"], actions
        actors = {actor for actor, a, _ in events if a.startswith("key.")}
        assert actors == {"listctl:" + user()}, actors


def test_generate_options(env):
    """Selectors, sizes and algorithms as generate takes them."""
    env.create_list()
    first = env.generate("rsa")
    second = env.generate("ed25519")
    # RFC 8463 section 6: another algorithm gets another selector.
    assert second == first + "b", (first, second)
    assert env.key(second)["bits"] == 256
    proc = env.ok("key", "generate", LIST, "--algo", "rsa", "--bits", "1024", "--selector", "small")
    assert "2048" in proc.stderr and "RFC 8301" in proc.stderr, proc.stderr
    assert env.key("small")["bits"] == 1024
    proc = env.expect(2, "key", "generate", LIST, "--algo", "rsa", "--bits", "768")
    assert "at least 1024" in proc.stderr, proc.stderr
    proc = env.expect(2, "key", "generate", LIST, "--algo", "dsa")
    assert "rsa or ed25519" in proc.stderr, proc.stderr
    proc = env.expect(4, "key", "generate", LIST, "--algo", "rsa", "--selector", "small")
    assert "already has" in proc.stderr, proc.stderr
    proc = env.expect(2, "key", "generate", LIST, "--algo", "rsa", "--selector", "bad selector")
    assert "selector" in proc.stderr, proc.stderr
    proc = env.ok("key", "generate", LIST, "--algo", "ed25519", "--selector", "small")
    assert "RFC 8463 section 6" in proc.stderr, proc.stderr
    # The shared selector now needs --algo.
    proc = env.expect(2, "key", "export", LIST, "--selector", "small")
    assert "--algo" in proc.stderr, proc.stderr
    env.ok("key", "export", LIST, "--selector", "small", "--algo", "ed25519")
    env.expect(3, "key", "generate", "nobody@example.org", "--algo", "rsa")
    # `key dns` under signing.domain.
    env.ok("list", "set", LIST, "signing.domain=mail.example.net")
    records = zone_records(env.ok("key", "dns", LIST, "--selector", first).stdout)
    assert records[0][0] == record_name(first, "mail.example.net"), records
    document = json.loads(env.ok("key", "ls", LIST, "--json").stdout)
    assert document["signing_domain"] == "mail.example.net", document


def test_export_import_round_trip(env):
    """A key exported as PEM and imported elsewhere is the same key."""
    env.create_list()
    env.create_list("other@example.org")
    sel = env.generate("rsa")
    pem = env.ok("key", "export", LIST, "--selector", sel).stdout
    assert pem.startswith("-----BEGIN PRIVATE KEY-----"), pem[:40]
    out = env.path("exported.pem")
    env.ok("key", "export", LIST, "--selector", sel, "--out", out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600, oct(os.stat(out).st_mode)
    with open(out) as f:
        assert f.read() == pem
    proc = env.expect(4, "key", "export", LIST, "--selector", sel, "--out", out)
    assert "--force" in proc.stderr, proc.stderr
    os.chmod(out, 0o644)
    env.ok("key", "export", LIST, "--selector", sel, "--out", out, "--force")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600

    env.ok("key", "import", "other@example.org", "--selector", "moved", out)
    imported = env.key("moved", "other@example.org")
    assert imported["state"] == "generated" and imported["algorithm"] == "rsa", imported
    assert imported["bits"] == 2048
    assert imported["public_key"] == env.key(sel)["public_key"]
    again = env.ok("key", "export", "other@example.org", "--selector", "moved").stdout
    assert again == pem

    # Ed25519 through stdin.
    ed = env.generate("ed25519")
    ed_pem = env.ok("key", "export", LIST, "--selector", ed).stdout
    env.ok("key", "import", "other@example.org", "--selector", "ed", "-", stdin=ed_pem)
    assert env.key("ed", "other@example.org")["algorithm"] == "ed25519"
    assert env.key("ed", "other@example.org")["public_key"] == env.key(ed)["public_key"]

    # A PKCS#1 key made by openssl: algorithm and size detected.
    path = openssl_rsa(env, 3072, "big.pem")
    subprocess.run([OPENSSL, "rsa", "-in", path, "-out", path, "-traditional"],
                   capture_output=True, check=True)
    env.ok("key", "import", LIST, "--selector", "openssl", path)
    assert env.key("openssl")["bits"] == 3072

    # Refused: too short, not a key, a missing file.
    env.expect(2, "key", "import", LIST, "--selector", "tiny", openssl_rsa(env, 512, "tiny.pem"))
    junk = env.path("junk.pem")
    with open(junk, "w") as f:
        f.write("not a key\n")
    env.expect(2, "key", "import", LIST, "--selector", "junk", junk)
    env.expect(2, "key", "import", LIST, "--selector", "none", env.path("missing.pem"))
    actions = [a for _, a, _ in env.events() if a.startswith("key.")]
    assert actions.count("key.export") == 5 and actions.count("key.import") == 3, actions


def test_doctor_no_active_key(env):
    env.create_list()
    with DnsServer() as dns:
        code, codes, document = env.doctor(dns, expect=1)
        assert codes.get("no-active-key") == ["error"], codes
        sel = env.generate("rsa")
        code, codes, document = env.doctor(dns, expect=1)
        assert codes.get("no-active-key") == ["error"], codes
        assert codes.get("record-not-published") == ["note"], codes
        fix = [f["fix"] for f in document["findings"] if f["code"] == "no-active-key"][0]
        assert sel in fix, fix
        proc = env.expect(1, "doctor", LIST, "--dns", dns.address, *FAST)
        assert "error [no-active-key]" in proc.stdout, proc.stdout


def test_doctor_short_key(env):
    """RFC 8301 section 3.2: a 1024-bit key (made by openssl) is a warning."""
    env.create_list()
    with DnsServer({"_dmarc." + DOMAIN: "v=DMARC1; p=none"}) as dns:
        proc = env.ok("key", "import", LIST, "--selector", "legacy", openssl_rsa(env, 1024, "k.pem"))
        assert "RFC 8301" in proc.stderr, proc.stderr
        publish(env, dns)
        env.ok("key", "activate", LIST, "--selector", "legacy", "--dns", dns.address)
        code, codes, _ = env.doctor(dns, expect=0)
        assert codes.get("rsa-key-short") == ["warning"], codes
        # Rotation never goes down in size: the next key has 2048 bits.
        env.ok("key", "rotate", LIST)
        assert [k["bits"] for k in env.keys() if k["state"] == "generated"] == [2048]


def test_doctor_shared_selector(env):
    """RFC 8463 section 6: keys of two algorithms need two selectors."""
    env.create_list()
    with DnsServer({"_dmarc." + DOMAIN: "v=DMARC1; p=none"}) as dns:
        env.ok("key", "generate", LIST, "--algo", "rsa", "--selector", "both")
        env.ok("key", "generate", LIST, "--algo", "ed25519", "--selector", "both")
        publish(env, dns)  # two TXT records at one name
        code, results = env.check(dns)
        assert code == 0 and results_of(results) == {("both", "rsa"): "match",
                                                     ("both", "ed25519"): "match"}, results
        env.ok("key", "activate", LIST, "--selector", "both", "--algo", "rsa", "--dns", dns.address)
        code, codes, _ = env.doctor(dns, expect=0)
        assert codes.get("selector-shared") == ["warning"], codes
        env.ok("key", "activate", LIST, "--selector", "both", "--algo", "ed25519",
               "--dns", dns.address)
        code, codes, _ = env.doctor(dns, expect=1)
        assert codes.get("selector-shared") == ["error"], codes


def test_doctor_alignment_and_dmarc(env):
    """RFC 7489 sections 3.1.1 and 6.6.3."""
    env.create_list()
    sub = "news@lists.example.org"
    env.create_list(sub)
    with DnsServer() as dns:
        sel = env.generate("rsa")
        publish(env, dns)
        env.ok("key", "activate", LIST, "--selector", sel, "--dns", dns.address)
        code, codes, _ = env.doctor(dns, expect=0)
        assert codes.get("no-dmarc-record") == ["note"], codes
        assert "domain-not-aligned" not in codes, codes
        dns.set("_dmarc." + DOMAIN, ["some other text", "v=DMARC1; p=reject; adkim=r"])
        dns.reload()
        code, codes, _ = env.doctor(dns, expect=0)
        assert "no-dmarc-record" not in codes, codes

        # Not aligned: a warning, an error once From is rewritten to the list
        # (munge-from, the default).
        env.ok("list", "set", LIST, "signing.domain=mail.example.net", "dmarc_mitigation=none")
        publish(env, dns)  # the record under the new signing domain
        code, codes, document = env.doctor(dns, expect=0)
        assert document["signing_domain"] == "mail.example.net", document
        assert codes.get("domain-not-aligned") == ["warning"], codes
        assert "record-missing" not in codes, codes
        env.ok("list", "set", LIST, "dmarc_mitigation=munge-from")
        code, codes, _ = env.doctor(dns, expect=1)
        assert codes.get("domain-not-aligned") == ["error"], codes

        # A subdomain list: relaxed alignment with the parent holds, and the
        # organizational domain's DMARC record counts (RFC 7489 6.6.3 step 3).
        sel = env.generate("rsa", sub)
        env.ok("list", "set", sub, "signing.domain=example.org")
        publish(env, dns, sub)
        env.ok("key", "activate", sub, "--selector", sel, "--dns", dns.address)
        code, codes, _ = env.doctor(dns, sub, expect=0)
        assert "domain-not-aligned" not in codes and "no-dmarc-record" not in codes, codes
        # ... unless that record asks for strict alignment.
        dns.set("_dmarc." + DOMAIN, "v=DMARC1; p=reject; adkim=s")
        dns.reload()
        code, codes, _ = env.doctor(dns, sub, expect=1)  # munge-from: an error
        assert codes.get("domain-not-aligned-strict") == ["error"], codes
        # Two DMARC records: receivers apply none.
        dns.set("_dmarc." + DOMAIN, ["v=DMARC1; p=none", "v=DMARC1; p=reject"])
        dns.reload()
        code, codes, _ = env.doctor(dns, sub, expect=0)
        assert codes.get("dmarc-multiple") == ["warning"], codes


def test_temperror(env):
    """DNS that does not answer is temperror, never missing or mismatch."""
    env.create_list()
    dns = DnsServer().start()
    try:
        sel = env.generate("rsa")
        publish(env, dns)
        env.ok("key", "activate", LIST, "--selector", sel, "--dns", dns.address)
        # SERVFAIL for the record.
        dns.set(record_name(sel), "SERVFAIL")
        dns.reload()
        code, results = env.check(dns)
        assert code == 1 and results[0]["result"] == "temperror", results
    finally:
        dns.stop()
    # The server stopped: nothing answers on its port.
    code, results = env.check(dns)
    assert code == 1 and results_of(results) == {(sel, "rsa"): "temperror"}, results
    proc = env.run("key", "check", LIST, "--dns", dns.address, *FAST)
    assert proc.returncode == 1 and proc.stdout.startswith("temperror: "), proc.stdout
    code, codes, _ = env.doctor(dns, expect=0)
    assert codes.get("record-unchecked") == ["warning"], codes
    assert codes.get("dmarc-unchecked") == ["warning"], codes
    # A generated key cannot be activated on temperror.
    new = env.generate("ed25519")
    proc = env.expect(1, "key", "activate", LIST, "--selector", new, "--dns", dns.address, *FAST)
    assert "temperror" in proc.stdout, proc.stdout
    # --force activates without looking.
    env.ok("key", "activate", LIST, "--selector", new, "--force")
    assert env.key(new)["state"] == "active"
    detail = [d for _, a, d in env.events() if a == "key.activate"][-1]
    assert "forced" in detail, detail


def test_help_and_usage(env):
    for command in ("generate", "dns", "check", "activate", "rotate", "retire", "rm", "ls",
                    "export", "import"):
        proc = env.ok("key", command, "--help")
        assert proc.stdout.startswith("usage: listctl key " + command), proc.stdout
    proc = env.ok("doctor", "--help")
    assert proc.stdout.startswith("usage: listctl doctor"), proc.stdout
    env.ok("key", "--help")
    env.expect(2, "key", "frobnicate")
    env.expect(2, "key", "generate", LIST)  # --algo missing
    env.expect(2, "key", "activate", LIST)  # --selector missing
    env.create_list()
    env.expect(3, "key", "dns", LIST)  # no keys yet: not found
    env.expect(3, "key", "check", LIST)
    proc = env.expect(3, "key", "retire", LIST, "--selector", "nothere")
    assert "no key with selector" in proc.stderr, proc.stderr
    sel = env.generate("rsa")
    proc = env.expect(4, "key", "retire", LIST, "--selector", sel)  # its state: conflict
    assert "never signed" in proc.stderr, proc.stderr
    env.ok("key", "rm", LIST, "--selector", sel)  # a generated key goes freely
    env.expect(3, "doctor", "nobody@example.org", "--dns", "127.0.0.1:1", *FAST)
    proc = env.ok("key", "ls", LIST)
    assert proc.stdout.startswith("no keys"), proc.stdout


TESTS = [
    test_whole_rollover,
    test_generate_options,
    test_export_import_round_trip,
    test_doctor_no_active_key,
    test_doctor_short_key,
    test_doctor_shared_selector,
    test_doctor_alignment_and_dmarc,
    test_temperror,
    test_help_and_usage,
]


def main():
    global LISTCTL, KEEP
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listctl", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = parser.parse_args()
    LISTCTL = os.path.abspath(args.listctl)
    KEEP = args.keep
    passed = failed = 0
    for test in TESTS:
        if args.only not in test.__name__:
            continue
        env = Env(test.__name__[len("test_"):])
        try:
            test(env)
            passed += 1
        except Exception:
            failed += 1
            print("FAIL %s (dir %s)\n%s" % (test.__name__, env.dir, traceback.format_exc()))
        finally:
            env.cleanup()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
