#!/usr/bin/python3
"""A real listd, its DNS server and its smarthost, for end-to-end suites.

NAME
    listd_harness.py - what every end-to-end test of the daemon shares:
    an environment (unbound on 127.0.0.1 serving the keys, an SMTP sink
    standing for the smarthost, a SQLite store in a temp dir, an author key
    published in DNS), listd processes on it, LMTP through Python's own
    smtplib.LMTP, listctl as a process, posts signed by dkimpy, verdicts of
    the independent peers (dkimpy, Mail::DKIM) on what members receive, and
    a runner that runs a module's test_* functions each in a fresh Env.

USAGE
    from listd_harness import Env, author_post, expect, run_tests
    def test_something(env): ...
    sys.exit(run_tests(globals(), __doc__))

    run_tests() takes --listd PATH --listctl PATH [--only SUBSTRING] [--keep]
    from the command line and prints one line per test, then `N passed, M
    failed` alone on the last line; it returns the exit status (0 when
    nothing failed). Everything binds and dials 127.0.0.1 only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
import traceback
import email
import email.policy

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dns_server import DnsServer  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "interop"))
from arc_interop import MAILDKIM_VERIFY  # noqa: E402  (Mail::DKIM's ARC verifier, as a script)

PEER_DKIMPY = os.path.join(HERE, "..", "interop", "peer_dkimpy.py")
PEER_MAILDKIM = os.path.join(HERE, "..", "interop", "peer_maildkim.pl")


class Programs:
    """The programs under test, set once by run_tests() (or configure())."""
    listd = None
    listctl = None
    keep = False


PROGRAMS = Programs()


def configure(listd, listctl, keep=False):
    PROGRAMS.listd = os.path.abspath(listd)
    PROGRAMS.listctl = os.path.abspath(listctl)
    PROGRAMS.keep = keep


LIST_DOMAIN = "lists.example.org"
AUTHSERV_ID = "lists.example.org"
TRUSTED_ID = "mx.example.net"
AUTHOR_DOMAIN = "author.example"
AUTHOR_SELECTOR = "a2026"
ZONE_LINE = re.compile(r"^(\S+?)\.? +IN +TXT +\( *(.*?) *\)$")
WAIT = 30.0  # seconds a test waits for mail before it fails


# ------------------------------------------------------------------ helpers


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def store_rows(env, sql):
    """The rows of `sql` on the environment's store, opened read-only."""
    import sqlite3
    db = sqlite3.connect("file:%s?mode=ro" % env.db, uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def spool_states(env):
    """{post id: (state, reason)} straight from the store."""
    return {row[0]: (row[1], row[2])
            for row in store_rows(env, "SELECT id, state, reason FROM spool ORDER BY id")}


def batches_left(env):
    """Delivery batches still in the store (a batch is deleted once the
    smarthost took it)."""
    return store_rows(env, "SELECT count(*) FROM delivery_batches")[0][0]


def drained(env):
    """No post waits to be processed and no batch to be delivered."""
    waiting = store_rows(env, "SELECT count(*) FROM spool WHERE state = 'received'")[0][0]
    return waiting == 0 and batches_left(env) == 0


def zone_records(text):
    """The zone-file TXT lines listctl prints: [(name, [strings])]."""
    records = []
    for line in text.splitlines():
        m = ZONE_LINE.match(line)
        if m:
            records.append((m.group(1), re.findall(r'"([^"]*)"', m.group(2))))
    return records


class Listd:
    """One listd process on the environment's store."""

    def __init__(self, env, *extra, prefix=()):
        """`prefix` runs listd under another program (setpriv, say)."""
        self.env = env
        self.log_path = os.path.join(env.dir, "listd-%d.log" % len(env.daemons))
        self.log = open(self.log_path, "w")
        defaults = {"--db": env.db, "--lmtp": "127.0.0.1:0", "--http": "127.0.0.1:0",
                    "--deliver": "smtp://" + env.sink.address, "--dns": env.dns.address,
                    "--authserv-id": AUTHSERV_ID, "--trusted-authserv-id": TRUSTED_ID,
                    "--retry-base": "1", "--retry-max": "2", "--poll-ms": "100",
                    "--hostname": "listd.test", "--dns-timeout": "1500"}
        argv = list(prefix) + [PROGRAMS.listd] + list(extra)
        for option, value in defaults.items():
            if option not in extra:  # a test's own value wins
                argv += [option, value]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        env.daemons.append(self)
        self.port = None
        deadline = time.time() + 20
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise AssertionError("listd exited %d at start:\n%s" % (self.proc.returncode,
                                                                         self.text()))
            m = re.search(r"ready: LMTP on 127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
                web = re.search(r"web: (https?://\S+?)/$", self.text(), re.MULTILINE)
                # The web face's base URL ("" with --http off).
                self.web_url = web.group(1) if web else ""
            else:
                time.sleep(0.05)
        expect(self.port, "listd never said it was ready:\n" + self.text())

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def lmtp(self):
        client = smtplib.LMTP("127.0.0.1", self.port, timeout=30)
        client.ehlo_or_helo_if_needed()
        return client

    def send(self, message, recipients, mail_from="alice@author.example"):
        """One LMTP transaction; returns {recipient: (code, text)}."""
        client = self.lmtp()
        try:
            client.mail(mail_from)
            accepted = []
            replies = {}
            for rcpt in recipients:
                code, text = client.rcpt(rcpt)
                if code < 300:
                    accepted.append(rcpt)
                else:
                    replies[rcpt] = (code, text.decode())
            if not accepted:
                return replies
            client.putcmd("data")
            code, text = client.getreply()
            expect(code == 354, "DATA answered %d %r" % (code, text))
            data = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            data = re.sub(rb"(?m)^\.", b"..", data)
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            client.send(data + b".\r\n")
            # RFC 2033 section 4.2: one reply per accepted recipient.
            for rcpt in accepted:
                code, text = client.getreply()
                replies[rcpt] = (code, text.decode())
            client.quit()
            return replies
        finally:
            client.close()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Env:
    """DNS server, SMTP sink, a store with lists; started per test."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="listd-e2e-" + name + "-")
        self.db = os.path.join(self.dir, "var", "listd.db")
        self.dns = DnsServer({}).start()
        self.sink = SmtpSink(directory=os.path.join(self.dir, "sink")).start()
        self.daemons = []
        self.author_key = os.path.join(self.dir, "author.pem")
        out = self.ok_any([PROGRAMS.listctl, "dkim", "keygen", "--algo", "rsa", "--selector",
                           AUTHOR_SELECTOR, "--domain", AUTHOR_DOMAIN, "--out", self.author_key])
        (self.author_record,) = [strings for _, strings in zone_records(out)]
        self.dns.add("%s._domainkey.%s" % (AUTHOR_SELECTOR, AUTHOR_DOMAIN), self.author_record)
        self.dns.reload()

    def author_domain(self, domain, dmarc=None):
        """Publishes the author key for `domain` too, and its DMARC record."""
        self.dns.add("%s._domainkey.%s" % (AUTHOR_SELECTOR, domain), self.author_record)
        if dmarc:
            self.dns.add("_dmarc." + domain, dmarc)
        self.dns.reload()

    def ok_any(self, argv, stdin=None):
        proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError("%s: exit %d\n%s%s" % (" ".join(argv), proc.returncode,
                                                         proc.stdout.decode(errors="replace"),
                                                         proc.stderr.decode(errors="replace")))
        return proc.stdout.decode()

    def listctl(self, *args, stdin=None, code=0):
        argv = [PROGRAMS.listctl] + list(args) + ["--db", self.db]
        proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
        if proc.returncode != code:
            raise AssertionError("listctl %s: expected exit %d, got %d\n%s%s" % (
                " ".join(args), code, proc.returncode, proc.stdout.decode(errors="replace"),
                proc.stderr.decode(errors="replace")))
        return proc.stdout.decode()

    def make_list(self, local, members, algos=("rsa", "ed25519"), posting_policy="open",
                  **settings):
        """A list with members (the first is also its owner) and active keys
        published in DNS."""
        address = "%s@%s" % (local, LIST_DOMAIN)
        self.listctl("list", "create", address, "--name", local.capitalize() + " list",
                     "--owner", members[0])
        self.listctl("member", "add", address, *members)
        for algo in algos:
            selector = "%s-%s" % (local, algo)
            self.listctl("key", "generate", address, "--algo", algo, "--selector", selector)
        if algos:
            for rname, strings in zone_records(self.listctl("key", "dns", address)):
                self.dns.add(rname, strings)
            self.dns.reload()
        for algo in algos:
            self.listctl("key", "activate", address, "--selector", "%s-%s" % (local, algo),
                         "--dns", self.dns.address)
        settings["posting_policy"] = posting_policy
        for name, value in settings.items():
            self.listctl("list", "set", address, "%s=%s" % (name.replace("__", "."), value))
        return address

    def start(self, *extra, prefix=()):
        return Listd(self, *extra, prefix=prefix)

    def wait_for(self, count, what="messages", timeout=WAIT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            messages = self.sink.messages()
            if len(messages) >= count:
                time.sleep(0.3)  # anything more (a duplicate) would show now
                return self.sink.messages()
            time.sleep(0.1)
        raise AssertionError("expected %d %s, the sink has %d:\n%s" % (
            count, what, len(self.sink.messages()),
            "\n".join(d.text()[-3000:] for d in self.daemons)))

    def cleanup(self):
        for daemon in self.daemons:
            daemon.stop()
        self.sink.stop()
        self.dns.stop()
        if not PROGRAMS.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def author_post(subject="Hello list", body="Hi all,\r\nthis is a post.\r\n", sign=True,
                extra_headers=b"", sender="alice@author.example", key=None, to=None):
    """A post from alice, signed by dkimpy with the author domain's key."""
    to = to or "demo@" + LIST_DOMAIN
    msg = (b"From: Alice <" + sender.encode() + b">\r\n"
           b"To: " + to.encode() + b"\r\n"
           b"Subject: " + subject.encode() + b"\r\n"
           b"Date: Mon, 23 Nov 2026 20:00:00 +0000\r\n"
           b"Message-ID: <" + str(time.time_ns()).encode() + b"@author.example>\r\n"
           b"MIME-Version: 1.0\r\n" + extra_headers)
    if b"Content-Type" not in extra_headers:
        msg += b"Content-Type: text/plain; charset=utf-8\r\n"
    msg += b"\r\n" + (body if isinstance(body, bytes) else body.encode())
    if not sign:
        return msg
    with open(key, "rb") as f:
        pem = f.read()
    signature = dkim.sign(msg, AUTHOR_SELECTOR.encode(), sender.split("@")[1].encode(), pem,
                          canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                           b"content-type", b"mime-version"])
    return signature + msg


def peer_verify(env, path, domain, selector, now=None):
    """dkimpy's and Mail::DKIM's verdicts on the signature d=domain s=selector;
    `now` (epoch seconds) is when dkimpy judges t= (for a listd whose clock a
    test moved ahead; Mail::DKIM judges only x=, which lies ahead anyway)."""
    request = {"op": "verify", "in": path, "domain": domain, "selector": selector}
    if now is not None:
        request["now"] = int(now)
    job = json.dumps(request)
    verdicts = {}
    for name, argv in (("dkimpy", ["/usr/bin/python3", PEER_DKIMPY]),
                       ("maildkim", ["/usr/bin/perl", PEER_MAILDKIM])):
        out = subprocess.run(argv + ["--dns", env.dns.address, "job", job],
                             capture_output=True, text=True, timeout=60)
        try:
            answer = json.loads(out.stdout)
        except ValueError:
            answer = {}
        verdicts[name] = answer.get("result", "harness error: " + out.stderr[-500:])
    return verdicts


def header_fields(data):
    """The header fields of raw bytes, unfolded: [(name, value)]."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + line.strip())
        elif ":" in line:
            name, value = line.split(":", 1)
            fields.append((name, value.strip()))
    return fields


def values(data, name):
    return [v for n, v in header_fields(data) if n.lower() == name.lower()]


def text_parts(data):
    """Every text part's decoded content."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    return [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]


def arc_verdicts(env, data):
    """dkimpy's and Mail::DKIM's ARC verdicts (cv) on a delivered copy."""
    import dns.rdatatype
    import dns.resolver
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = env.dns.port

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name.rstrip("."), dns.rdatatype.TXT, lifetime=timeout)
        except Exception:  # noqa: BLE001  (dkimpy reads None as "no key")
            return None
        return b"".join(b"".join(r.strings) for r in answer)

    cv, _, reason = dkim.arc_verify(data, dnsfunc=dnsfunc)
    perl = subprocess.run(["/usr/bin/perl", "-e", MAILDKIM_VERIFY], input=data,
                          capture_output=True, timeout=60,
                          env=dict(os.environ, LISTD_TEST_DNS=env.dns.address))
    return {"dkimpy": (cv or b"None").decode() + " " + str(reason),
            "maildkim": perl.stdout.decode().strip() or perl.stderr.decode()[-300:]}




def run_tests(namespace, doc):
    """Runs every test_* function of `namespace`, each in a fresh Env."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("--listd", required=True)
    parser.add_argument("--listctl", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = parser.parse_args()
    configure(args.listd, args.listctl, args.keep)
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_") and callable(v)]
    passed = failed = 0
    for test in tests:
        if args.only not in test.__name__:
            continue
        env = None
        started = time.time()
        try:
            env = Env(test.__name__[len("test_"):])
            test(env)
            passed += 1
            print("ok   %s (%.1f s)" % (test.__name__, time.time() - started), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s (dir %s)\n%s" % (test.__name__, env.dir if env else "-",
                                             traceback.format_exc()), flush=True)
        finally:
            if env:
                env.cleanup()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1
