#!/usr/bin/python3
"""DKIM interoperability of listctl with dkimpy and Mail::DKIM.

NAME
    run_interop.py - sign and verify the corpus with listctl and two
    independent DKIM implementations, in every direction.

SYNOPSIS
    run_interop.py [--listctl PATH] [--only SUBSTRING] [--keep DIR] [-v]

DESCRIPTION
    For each corpus/*.eml x {rsa-sha256, ed25519-sha256} x the four
    canonicalizations (RFC 6376 section 3.4):
      (a) listctl signs; dkimpy and Mail::DKIM verify: pass.
      (b) dkimpy signs, Mail::DKIM signs; listctl verifies: exit 0 and
          dkim=pass for that signature.
      (c) one body byte of listctl's output changed, or one Subject byte:
          dkimpy, Mail::DKIM and listctl all say fail (RFC 6376 section 6.1.3).
    Also: listctl verifies its own output; the peers verify each other
    (so a broken harness shows as such); keygen's files and DNS records
    (RFC 6376 section 3.6.1, RFC 8463 section 4) and the records serve
    both peers; several signatures in one run; i=, x=, l= and oversigned
    header fields.

    Known peer deviations from RFC 6376 (see peer_deviation below) skip
    the checks that would need the deviating peer to agree with a correct
    implementation; they are listed as SKIP lines. The other peer still
    checks listctl on those messages.

    Keys are served by a real DNS server on 127.0.0.1 (tests/support/
    dns_server.py, unbound). listctl's keys come from `listctl dkim keygen`
    and its printed record; the peers sign with keys made by openssl, so
    (b) does not depend on keygen. Without --listctl only the peer checks
    run (to prove the harness).

    Each peer is one long-lived process fed JSON-line jobs
    (peer_dkimpy.py, peer_maildkim.pl); listctl runs once per message and
    operation, two at a time.

OUTPUT
    Every failure on its own lines (message, algorithm, canonicalization,
    check, what the implementation said), then `N passed, M failed` alone
    on the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import argparse
import base64
import concurrent.futures
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from dns_server import DnsServer  # noqa: E402  (path set just above)

PYTHON = "/usr/bin/python3"
DOMAIN = "interop.example"
AUTHSERV_ID = "interop.test"
ALGOS = ("rsa-sha256", "ed25519-sha256")
CANONS = ("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed")
KEY_KIND = {"rsa-sha256": "rsa", "ed25519-sha256": "ed25519"}
# Selectors: listctl's keys and the peers' keys.
LS_SEL = {"rsa-sha256": "ls-rsa", "ed25519-sha256": "ls-ed"}
PEER_SEL = {"rsa-sha256": "peer-rsa", "ed25519-sha256": "peer-ed"}
# Fields never put in h=: other signatures and results are added in transit.
UNSIGNED = {"dkim-signature", "authentication-results", "return-path"}


# --------------------------------------------------------------- results

class Report:
    """Collects pass/fail per check; thread-safe."""

    def __init__(self, verbose):
        self.passed = 0
        self.failures = []
        self.skipped = {}  # reason -> [(where, check)]
        self.verbose = verbose
        self.lock = threading.Lock()

    def skip(self, where, check, reason):
        """Records a check not run because a peer is known to deviate."""
        with self.lock:
            self.skipped.setdefault(reason, []).append((where, check))
            if self.verbose:
                print("skip  %s  %s  (%s)" % (where, check, reason), flush=True)

    def check(self, ok, where, check, said=""):
        """Counts one check; `where` is (message, algo, canon) or a label."""
        with self.lock:
            if ok:
                self.passed += 1
            else:
                self.failures.append((where, check, said))
            if self.verbose:
                print("%s  %s  %s  %s" % ("ok  " if ok else "FAIL", where, check,
                                          "" if ok else said), flush=True)
        return ok


# --------------------------------------------------------------- messages

def split_message(data):
    """(header bytes incl. the empty line, body bytes); no empty line -> all header."""
    if data.startswith(b"\r\n"):
        return data[:2], data[2:]
    at = data.find(b"\r\n\r\n")
    if at < 0:
        return data, b""
    return data[:at + 4], data[at + 4:]


def header_fields(header):
    """[(name, raw field bytes incl. CRLF)] of a header block."""
    fields = []
    for line in header.split(b"\r\n")[:-1]:
        if not line:
            break
        if line[:1] in (b" ", b"\t") and fields:
            name, raw = fields[-1]
            fields[-1] = (name, raw + line + b"\r\n")
        else:
            fields.append((line.split(b":", 1)[0].strip(), line + b"\r\n"))
    return fields


def names_to_sign(data):
    """Every field name of the message, as often as it occurs, lower case."""
    header, _ = split_message(data)
    names = [n.decode("ascii").lower() for n, _ in header_fields(header)]
    return [n for n in names if n not in UNSIGNED]


def listctl_headers(data):
    """listctl's --headers for a message: each name once, as listctl signs
    every occurrence of a listed name (the peers take h= literally)."""
    return ":".join(dict.fromkeys(names_to_sign(data)))


def _flip(byte):
    return b"Y" if byte == b"X" else b"X"


def tamper_body(data):
    """Changes the last visible body byte (or adds one to an empty body)."""
    header, body = split_message(data)
    for i in range(len(body) - 1, -1, -1):
        if body[i:i + 1] not in (b" ", b"\t", b"\r", b"\n"):
            return header + body[:i] + _flip(body[i:i + 1]) + body[i + 1:]
    if header.endswith(b"\r\n\r\n") or header == b"\r\n":
        return header + b"X" + body
    return header + b"\r\nX\r\n"  # headers-only message: give it a body


def tamper_subject(data):
    """Changes the last visible byte of the last Subject field's value."""
    header, body = split_message(data)
    fields = header_fields(header)
    for idx in range(len(fields) - 1, -1, -1):
        name, raw = fields[idx]
        if name.lower() != b"subject":
            continue
        colon = raw.index(b":")
        for i in range(len(raw) - 1, colon, -1):
            if raw[i:i + 1] not in (b" ", b"\t", b"\r", b"\n"):
                raw = raw[:i] + _flip(raw[i:i + 1]) + raw[i + 1:]
                break
        else:
            raw = raw[:colon + 1] + b"X" + raw[colon + 1:]
        start = sum(len(r) for _, r in fields[:idx])  # fields are contiguous
        return header[:start] + raw + header[start + len(fields[idx][1]):] + body
    raise ValueError("message has no Subject field")


def signature_tags(signed):
    """Tag dicts of the DKIM-Signature fields at the top of a message."""
    header, _ = split_message(signed)
    out = []
    for name, raw in header_fields(header):
        if name.lower() != b"dkim-signature":
            continue
        value = raw.split(b":", 1)[1].decode("ascii", "replace")
        tags = {}
        for part in value.split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                tags[k.strip()] = re.sub(r"\s+", "", v)
        out.append(tags)
    return out


def added_signatures(out, data):
    """How many DKIM-Signature fields a signer put in front of `data`."""
    if not out.endswith(data):
        return -1
    return len(signature_tags(out[:len(out) - len(data)] + b"\r\n"))


# --------------------------------------------------------------- peer deviations

# Where a peer departs from RFC 6376, checks that would need it to agree
# with a correct signer or verifier are skipped (and listed), not failed:
# the other peer still holds listctl to the RFC on the same message.
MAILDKIM_SIMPLE_NO_CRLF = (
    "Mail::DKIM 1.20230212 does not add the missing final CRLF under simple "
    "body canonicalization (RFC 6376 section 3.4.3)")
DKIMPY_RELAXED_TRAILING_WSP = (
    "dkimpy 1.1.4 keeps the trailing WSP of a last body line without CRLF "
    "under relaxed body canonicalization (RFC 6376 section 3.4.4)")


def peer_deviation(peer, data, canon):
    """Why `peer` ("dkimpy" or "Mail::DKIM") canonicalizes this body wrongly, or None."""
    _, body = split_message(data)
    if not body or body.endswith(b"\r\n"):
        return None
    body_canon = canon.split("/")[1]
    if peer == "Mail::DKIM" and body_canon == "simple":
        return MAILDKIM_SIMPLE_NO_CRLF
    if peer == "dkimpy" and body_canon == "relaxed" and body[-1:] in (b" ", b"\t"):
        return DKIMPY_RELAXED_TRAILING_WSP
    return None


# --------------------------------------------------------------- A-R parsing

def strip_comments(text):
    """Removes RFC 5322 comments (nested, with quoted-pairs) outside quotes."""
    out, depth, quoted, i = [], 0, False, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and (depth or quoted):
            i += 2
            continue
        if quoted:
            out.append(c)
            quoted = c != '"'
        elif c == '"' and not depth:
            out.append(c)
            quoted = True
        elif c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(c)
        i += 1
    return "".join(out)


def parse_auth_results(text):
    """(authserv-id, [{"result", "header.d", "header.s", ...}]) of dkim= entries."""
    lines = [l for l in text.replace("\r\n", "\n").split("\n")]
    unfolded = ""
    for line in lines:
        unfolded += (" " + line.strip()) if line[:1] in (" ", "\t") else ("\n" + line)
    fields = [f for f in unfolded.split("\n") if f.lower().startswith("authentication-results:")]
    if len(fields) != 1:
        return None, []
    value = strip_comments(fields[0].split(":", 1)[1])
    parts = [p.strip() for p in value.split(";")]
    authserv = parts[0].split()[0] if parts[0].split() else ""
    entries = []
    for part in parts[1:]:
        tokens = part.split()
        if not tokens or not tokens[0].lower().startswith("dkim="):
            continue
        entry = {"result": tokens[0].split("=", 1)[1].lower()}
        for token in tokens[1:]:
            if "=" in token:
                k, v = token.split("=", 1)
                entry[k.lower()] = v.strip('"')
        entries.append(entry)
    return authserv, entries


# --------------------------------------------------------------- peers

class Peer:
    """A long-lived peer process answering JSON-line jobs in order."""

    def __init__(self, name, argv, env, logdir):
        self.name = name
        self.log_path = os.path.join(logdir, name + ".stderr")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, env=env)

    def run(self, jobs):
        """Sends all jobs, returns the answers in the same order."""
        def feed():
            try:
                for job in jobs:
                    self.proc.stdin.write((json.dumps(job) + "\n").encode())
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=feed)
        writer.start()
        answers = []
        for job in jobs:
            line = self.proc.stdout.readline()
            if not line:
                answers.append({"ok": False, "error": "%s died: %s" % (self.name, self.stderr_tail())})
                continue
            try:
                answer = json.loads(line)
            except ValueError:
                answer = {"ok": False, "error": "not JSON: %r" % line[:200]}
            if answer.get("id") != job["id"]:
                answer = {"ok": False, "error": "answer out of order: %r" % answer}
            answers.append(answer)
        writer.join()
        return answers

    def stderr_tail(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read()[-400:].decode("utf-8", "replace")

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        self.log.close()


def peer_said(answer):
    """Short text of what a peer answered."""
    if not answer.get("ok"):
        return "error: " + answer.get("error", "?")
    text = answer.get("result", "?")
    if answer.get("detail") and answer["detail"] != text:
        text += " (%s)" % answer["detail"]
    return text


# --------------------------------------------------------------- listctl

class Listctl:
    """Runs the listctl binary under test."""

    def __init__(self, path, dns_address):
        self.path = path
        self.dns = dns_address

    def run(self, args, stdin=b"", timeout=60):
        try:
            proc = subprocess.run([self.path, "dkim", *args], input=stdin, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return -1, b"", b"listctl did not finish within %d s" % timeout
        return proc.returncode, proc.stdout, proc.stderr

    def sign(self, data, groups, canon, extra=()):
        """groups: [(key path, selector, algo)] -> (rc, stdout, stderr)."""
        args = ["sign", "--domain", DOMAIN, "--canon", canon]
        for key, selector, algo in groups:
            args += ["--key", key, "--selector", selector, "--algo", algo]
        return self.run(args + list(extra), data)

    def verify(self, data, extra=()):
        """-> (rc, authserv-id, dkim entries, raw stdout+stderr text)."""
        rc, out, err = self.run(["verify", "--dns", self.dns, "--authserv-id", AUTHSERV_ID,
                                 *extra], data)
        text = out.decode("utf-8", "replace")
        authserv, entries = parse_auth_results(text)
        said = " ".join((text + " " + err.decode("utf-8", "replace")).split())
        return rc, authserv, entries, "exit %d: %s" % (rc, said[:600])


def listctl_result(verdict, selector, algo=None):
    """The dkim= result listctl gave the signature with this selector."""
    rc, authserv, entries, said = verdict
    if authserv != AUTHSERV_ID:
        return None, said
    matches = [e for e in entries
               if e.get("header.s") == selector and e.get("header.d", "").lower() == DOMAIN]
    if algo and len(matches) > 1:
        matches = [e for e in matches if e.get("header.a") == algo] or matches
    return (matches[0]["result"] if matches else "none"), said


# --------------------------------------------------------------- keys

def spki_der(pem_path):
    return subprocess.run(["openssl", "pkey", "-in", pem_path, "-pubout", "-outform", "DER"],
                          capture_output=True, check=True).stdout


def public_b64(pem_path, kind):
    """p= for a private key file: SPKI DER for RSA, raw key for Ed25519."""
    der = spki_der(pem_path)
    return base64.b64encode(der[-32:] if kind == "ed25519" else der).decode()


def make_peer_keys(work):
    """openssl-made keys for the peers -> {algo: pem path}, DNS records."""
    keys, records = {}, {}
    for algo in ALGOS:
        kind = KEY_KIND[algo]
        path = os.path.join(work, PEER_SEL[algo] + ".pem")
        argv = ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] \
            if kind == "rsa" else ["openssl", "genpkey", "-algorithm", "ED25519"]
        subprocess.run(argv + ["-out", path], check=True, capture_output=True)
        keys[algo] = path
        records["%s._domainkey.%s" % (PEER_SEL[algo], DOMAIN)] = \
            "v=DKIM1; k=%s; p=%s" % (kind, public_b64(path, kind))
    return keys, records


def parse_zone_record(text):
    """(owner, [character-strings]) of `owner [ttl] [IN] TXT ( "a" "b" )`."""
    m = re.match(r"\s*(\S+)\s+(?:\d+\s+)?(?:IN\s+)?TXT\s+(.*)$", text, re.S | re.I)
    if not m:
        raise ValueError("not a TXT record in zone-file form: %r" % text[:200])
    owner, rest = m.group(1), m.group(2).strip()
    if rest.startswith("("):
        if not rest.endswith(")"):
            raise ValueError("unbalanced parentheses: %r" % rest[-50:])
        rest = rest[1:-1]
    strings, i = [], 0
    while i < len(rest):
        if rest[i].isspace():
            i += 1
            continue
        if rest[i] != '"':
            raise ValueError("unquoted text in record: %r" % rest[i:i + 40])
        i += 1
        out = bytearray()
        while i < len(rest) and rest[i] != '"':
            if rest[i] == "\\":
                if rest[i + 1:i + 4].isdigit():
                    out.append(int(rest[i + 1:i + 4]))
                    i += 4
                    continue
                i += 1
            out += rest[i].encode()
            i += 1
        if i >= len(rest):
            raise ValueError("unterminated string in record")
        i += 1
        strings.append(bytes(out))
    return owner, strings


def tag_value(record, tag):
    for part in record.split(";"):
        if "=" in part and part.split("=", 1)[0].strip() == tag:
            return re.sub(r"\s+", "", part.split("=", 1)[1])
    return None


def make_listctl_keys(listctl, work, report):
    """`listctl dkim keygen` for both kinds, checked -> {algo: pem}, records."""
    keys, records = {}, {}
    for algo in ALGOS:
        kind, selector = KEY_KIND[algo], LS_SEL[algo]
        path = os.path.join(work, selector + ".pem")
        where = "keygen --algo %s" % kind
        args = ["keygen", "--algo", kind, "--selector", selector, "--domain", DOMAIN,
                "--out", path]
        if kind == "rsa":
            args += ["--bits", "2048"]
        rc, out, err = listctl.run(args)
        if not report.check(rc == 0 and os.path.exists(path), where, "exits 0 and writes the key",
                            "exit %d: %s" % (rc, err.decode(errors="replace"))):
            continue
        mode = stat.S_IMODE(os.stat(path).st_mode)
        report.check(mode == 0o600, where, "key file mode 0600", "mode %o" % mode)
        with open(path, "rb") as f:
            pem = f.read()
        report.check(pem.startswith(b"-----BEGIN PRIVATE KEY-----\n"), where,
                     "key file is PKCS#8 PEM", repr(pem[:40]))
        try:
            owner, strings = parse_zone_record(out.decode())
        except (ValueError, UnicodeDecodeError) as e:
            report.check(False, where, "prints a zone-file TXT record", str(e))
            continue
        want_owner = "%s._domainkey.%s." % (selector, DOMAIN)
        report.check(owner == want_owner, where, "record owner is selector._domainkey.domain.",
                     "owner %r, want %r" % (owner, want_owner))
        report.check(bool(strings) and all(len(s) <= 255 for s in strings), where,
                     "character-strings of at most 255 bytes (RFC 1035 3.3.14)",
                     "lengths %s" % [len(s) for s in strings])
        record = b"".join(strings).decode("ascii", "replace")
        expected_p = public_b64(path, kind)
        report.check(tag_value(record, "v") == "DKIM1" and tag_value(record, "k") == kind
                     and tag_value(record, "p") == expected_p, where,
                     "record is v=DKIM1; k=%s; p=<public key of the file>" % kind,
                     "record %r, p= should be %s" % (record, expected_p))
        keys[algo] = path
        records[owner] = [[s.decode("latin-1") for s in strings]]
    return keys, records


# --------------------------------------------------------------- the matrix

class Run:
    """One run of the whole matrix in a work directory."""

    def __init__(self, args, work, report):
        self.args = args
        self.work = work
        self.report = report
        corpus = os.path.join(HERE, "corpus")
        self.messages = {}
        for name in sorted(os.listdir(corpus)):
            if name.endswith(".eml") and (not args.only or args.only in name):
                with open(os.path.join(corpus, name), "rb") as f:
                    self.messages[name] = f.read()
        for sub in ("in", "ls", "py", "pl", "tamper", "extra"):
            os.makedirs(os.path.join(work, sub), exist_ok=True)
        self.ids = 0

    def path(self, sub, name, algo="", canon=""):
        stem = name[:-4] if name.endswith(".eml") else name
        tag = ("." + algo if algo else "") + ("." + canon.replace("/", "-") if canon else "")
        return os.path.join(self.work, sub, stem + tag + ".eml")

    def job(self, **fields):
        self.ids += 1
        fields["id"] = self.ids
        return fields

    def combos(self):
        for name in self.messages:
            for algo in ALGOS:
                for canon in CANONS:
                    yield name, algo, canon

    def start(self):
        args = self.args
        self.peer_keys, records = make_peer_keys(self.work)
        self.listctl = None
        self.ls_keys = {}
        if args.listctl:
            probe = Listctl(args.listctl, "127.0.0.1:1")
            self.ls_keys, ls_records = make_listctl_keys(probe, self.work, self.report)
            records.update(ls_records)
        self.dns = DnsServer(records).start()
        env = dict(os.environ, LISTD_TEST_DNS=self.dns.address)
        self.py = Peer("dkimpy", [PYTHON, os.path.join(HERE, "peer_dkimpy.py"), "serve"], env,
                       self.work)
        self.pl = Peer("maildkim", ["/usr/bin/perl", os.path.join(HERE, "peer_maildkim.pl"),
                                    "serve"], env, self.work)
        if args.listctl:
            self.listctl = Listctl(args.listctl, self.dns.address)
        for name, data in self.messages.items():
            with open(self.path("in", name), "wb") as f:
                f.write(data)

    def stop(self):
        for peer in (getattr(self, "py", None), getattr(self, "pl", None)):
            if peer:
                peer.close()
        if getattr(self, "dns", None):
            self.dns.stop()

    def parallel(self, *tasks):
        """Runs the callables at once (the peers and listctl), returns results."""
        with concurrent.futures.ThreadPoolExecutor(len(tasks)) as pool:
            futures = [pool.submit(t) for t in tasks]
            return [f.result() for f in futures]

    def listctl_map(self, fn, items):
        """fn over items, two listctl processes at a time."""
        with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as pool:
            return list(pool.map(fn, items))

    # -- phase 1: everybody signs

    def sign_jobs(self, sub):
        jobs = []
        for name, algo, canon in self.combos():
            jobs.append(self.job(
                op="sign", algo=algo, canon=canon, domain=DOMAIN, selector=PEER_SEL[algo],
                key=self.peer_keys[algo], headers=names_to_sign(self.messages[name]),
                out=self.path(sub, name, algo, canon), **{"in": self.path("in", name)}))
        return jobs

    def listctl_sign(self, combo):
        name, algo, canon = combo
        data = self.messages[name]
        rc, out, err = self.listctl.sign(
            data, [(self.ls_keys[algo], LS_SEL[algo], algo)], canon,
            ["--headers", listctl_headers(data)])
        ok = rc == 0 and out.endswith(data) and out.startswith(b"DKIM-Signature:") \
            and added_signatures(out, data) == 1
        said = "exit %d, %d bytes out, ends with input: %s, stderr: %s" % (
            rc, len(out), out.endswith(data), err.decode(errors="replace")[:300])
        if self.report.check(ok, combo, "listctl sign: one DKIM-Signature + the input bytes",
                             said):
            with open(self.path("ls", name, algo, canon), "wb") as f:
                f.write(out)
            return out
        return None

    def phase_sign(self):
        py_jobs = self.sign_jobs("py")
        pl_jobs = self.sign_jobs("pl")
        tasks = [lambda: self.py.run(py_jobs), lambda: self.pl.run(pl_jobs)]
        if self.listctl and len(self.ls_keys) == len(ALGOS):
            tasks.append(lambda: self.listctl_map(self.listctl_sign, list(self.combos())))
        results = self.parallel(*tasks)
        self.signed = {"py": {}, "pl": {}, "ls": {}}
        for sub, label, jobs, answers in (("py", "dkimpy", py_jobs, results[0]),
                                          ("pl", "Mail::DKIM", pl_jobs, results[1])):
            for combo, job, answer in zip(self.combos(), jobs, answers):
                if self.report.check(answer.get("ok"), combo, "%s signs" % label,
                                     peer_said(answer)):
                    self.signed[sub][combo] = job["out"]
        if len(results) > 2:
            for combo, out in zip(self.combos(), results[2]):
                if out is not None:
                    self.signed["ls"][combo] = self.path("ls", *combo)

    # -- phase 2: everybody verifies

    def verify_job(self, path, selector, algo):
        return self.job(op="verify", domain=DOMAIN, selector=selector, algo=algo,
                        **{"in": path})

    def phase_verify(self):
        # (peer checks) each peer verifies the other's signature; then listctl's
        # signed output, and the two tampered versions of it.
        py_jobs, pl_jobs, expect_py, expect_pl, ls_tasks = [], [], [], [], []

        def deviates(combo, check, *peers):
            """Skips (and records) a pass check that needs a deviating peer."""
            for peer in peers:
                reason = peer_deviation(peer, self.messages[combo[0]], combo[2])
                if reason:
                    self.report.skip(combo, check, reason)
                    return True
            return False

        for combo in self.combos():
            name, algo, canon = combo
            check = "dkimpy verifies Mail::DKIM's signature"
            if combo in self.signed["pl"] and not deviates(combo, check, "dkimpy", "Mail::DKIM"):
                py_jobs.append(self.verify_job(self.signed["pl"][combo], PEER_SEL[algo], algo))
                expect_py.append((combo, check, "pass"))
            check = "Mail::DKIM verifies dkimpy's signature"
            if combo in self.signed["py"] and not deviates(combo, check, "dkimpy", "Mail::DKIM"):
                pl_jobs.append(self.verify_job(self.signed["py"][combo], PEER_SEL[algo], algo))
                expect_pl.append((combo, check, "pass"))
            if not self.listctl:
                # Without listctl, tamper dkimpy's output so the fail path is proved too.
                if combo in self.signed["py"]:
                    with open(self.signed["py"][combo], "rb") as f:
                        signed = f.read()
                    for what, fn in (("body", tamper_body), ("subject", tamper_subject)):
                        path = self.path("tamper", name + "." + what, algo, canon)
                        with open(path, "wb") as f:
                            f.write(fn(signed))
                        pl_jobs.append(self.verify_job(path, PEER_SEL[algo], algo))
                        expect_pl.append((combo, "Mail::DKIM fails dkimpy's after %s tamper"
                                          % what, "fail"))
                        py_jobs.append(self.verify_job(path, PEER_SEL[algo], algo))
                        expect_py.append((combo, "dkimpy fails its own after %s tamper" % what,
                                          "fail"))
                continue
            for sub, label in (("py", "dkimpy"), ("pl", "Mail::DKIM")):
                check = "listctl verifies %s's signature" % label
                if combo in self.signed[sub] and not deviates(combo, check, label):
                    ls_tasks.append((combo, check, self.signed[sub][combo], PEER_SEL[algo],
                                     "pass"))
            if combo not in self.signed["ls"]:
                continue
            path = self.signed["ls"][combo]
            ls_tasks.append((combo, "listctl verifies its own signature", path, LS_SEL[algo],
                             "pass"))
            for peer_jobs, expect, label in ((py_jobs, expect_py, "dkimpy"),
                                             (pl_jobs, expect_pl, "Mail::DKIM")):
                check = "%s verifies listctl's signature" % label
                if not deviates(combo, check, label):
                    peer_jobs.append(self.verify_job(path, LS_SEL[algo], algo))
                    expect.append((combo, check, "pass"))
            with open(path, "rb") as f:
                signed = f.read()
            for what, fn in (("body", tamper_body), ("subject", tamper_subject)):
                tampered = self.path("tamper", name + "." + what, algo, canon)
                with open(tampered, "wb") as f:
                    f.write(fn(signed))
                for peer_jobs, expect, label in ((py_jobs, expect_py, "dkimpy"),
                                                 (pl_jobs, expect_pl, "Mail::DKIM")):
                    peer_jobs.append(self.verify_job(tampered, LS_SEL[algo], algo))
                    expect.append((combo, "%s fails listctl's after %s tamper" % (label, what),
                                   "fail"))
                ls_tasks.append((combo, "listctl fails its own after %s tamper" % what,
                                 tampered, LS_SEL[algo], "fail"))

        def listctl_verify(task):
            combo, check, path, selector, want = task
            with open(path, "rb") as f:
                verdict = self.listctl.verify(f.read())
            return verdict

        tasks = [lambda: self.py.run(py_jobs), lambda: self.pl.run(pl_jobs)]
        if ls_tasks:
            tasks.append(lambda: self.listctl_map(listctl_verify, ls_tasks))
        results = self.parallel(*tasks)
        for expect, answers in ((expect_py, results[0]), (expect_pl, results[1])):
            for (combo, check, want), answer in zip(expect, answers):
                self.report.check(answer.get("ok") and answer.get("result") == want, combo,
                                  check, "want %s, said %s" % (want, peer_said(answer)))
        if ls_tasks:
            for (combo, check, _, selector, want), verdict in zip(ls_tasks, results[2]):
                self.check_listctl(verdict, combo, check, selector, want)

    def check_listctl(self, verdict, where, check, selector, want, algo=None):
        result, said = listctl_result(verdict, selector, algo)
        rc = verdict[0]
        want_rc = 0 if want == "pass" else 1
        return self.report.check(result == want and rc == want_rc, where, check,
                                 "want dkim=%s and exit %d; %s" % (want, want_rc, said))

    # -- extras: keygen keys in the peers, several signatures, tags

    def phase_extras(self):
        if not self.listctl or len(self.ls_keys) != len(ALGOS):
            return
        canon = "relaxed/relaxed"
        plain = [n for n in self.messages
                 if not any(peer_deviation(p, self.messages[n], canon)
                            for p in ("dkimpy", "Mail::DKIM"))]
        if not plain:
            return
        first = plain[0]
        data = self.messages[first]
        headers = names_to_sign(data)

        # The keys keygen wrote, in the peers' hands (PKCS#8 PEM as is).
        py_jobs, pl_jobs = [], []
        for algo in ALGOS:
            for sub, jobs in (("py", py_jobs), ("pl", pl_jobs)):
                jobs.append(self.job(op="sign", algo=algo, canon=canon, domain=DOMAIN,
                                     selector=LS_SEL[algo], key=self.ls_keys[algo],
                                     headers=headers, **{"in": self.path("in", first)},
                                     out=self.path("extra", "keygen-key-" + sub, algo)))
        answers = self.parallel(lambda: self.py.run(py_jobs), lambda: self.pl.run(pl_jobs))
        for jobs, signed_by, answers_of, other in ((py_jobs, "dkimpy", answers[0], self.pl),
                                                    (pl_jobs, "Mail::DKIM", answers[1], self.py)):
            for job, answer in zip(jobs, answers_of):
                where = ("keygen key", job["algo"], canon)
                if not self.report.check(answer.get("ok"), where,
                                         "%s signs with listctl's PEM" % signed_by,
                                         peer_said(answer)):
                    continue
                verdict = other.run([self.verify_job(job["out"], LS_SEL[job["algo"]],
                                                     job["algo"])])[0]
                self.report.check(verdict.get("result") == "pass", where,
                                  "%s's signature with listctl's key verifies in the other peer"
                                  % signed_by, peer_said(verdict))
                with open(job["out"], "rb") as f:
                    self.check_listctl(self.listctl.verify(f.read()), where,
                                       "listctl verifies %s's signature made with its key"
                                       % signed_by, LS_SEL[job["algo"]], "pass")

        # Several signatures in one run (rsa + ed25519), on a few messages.
        groups = [(self.ls_keys[a], LS_SEL[a], a) for a in ALGOS]
        for name in plain[:: max(1, len(plain) // 4)]:
            msg = self.messages[name]
            rc, out, err = self.listctl.sign(msg, groups, canon,
                                             ["--headers", listctl_headers(msg)])
            where = (name, "rsa+ed25519", canon)
            if not self.report.check(rc == 0 and added_signatures(out, msg) == 2
                                     and out.endswith(msg), where,
                                     "listctl sign with two key groups: two signatures",
                                     "exit %d, %d signatures added, %s" % (
                                         rc, added_signatures(out, msg),
                                         err.decode(errors="replace")[:300])):
                continue
            path = self.path("extra", name + ".two")
            with open(path, "wb") as f:
                f.write(out)
            for algo in ALGOS:
                for peer, label in ((self.py, "dkimpy"), (self.pl, "Mail::DKIM")):
                    answer = peer.run([self.verify_job(path, LS_SEL[algo], algo)])[0]
                    self.report.check(answer.get("result") == "pass", where,
                                      "%s verifies the %s one of two signatures" % (label, algo),
                                      peer_said(answer))
            verdict = self.listctl.verify(out)
            for algo in ALGOS:
                self.check_listctl(verdict, where, "listctl verify: dkim=pass for the %s one"
                                   % algo, LS_SEL[algo], "pass", algo)

        # Tags: i=, x=, l=, and oversigned fields (RFC 6376 sections 3.5, 5.4.2).
        algo = "rsa-sha256"
        key = [(self.ls_keys[algo], LS_SEL[algo], algo)]
        now = int(time.time())
        cases = [
            ("identity", ["--identity", "@lists." + DOMAIN],
             lambda t: t.get("i") == "@lists." + DOMAIN, "i=@lists." + DOMAIN),
            ("expire", ["--expire", "3600"],
             lambda t: t.get("x", "").isdigit() and t.get("t", "").isdigit()
             and int(t["x"]) - int(t["t"]) == 3600, "x= = t= + 3600"),
            ("body-length", ["--body-length"],
             lambda t: t.get("l", "").isdigit(), "l= present"),
            ("oversign", ["--oversign", "from:subject"],
             lambda t: t.get("h", "").lower().split(":").count("subject") ==
             headers.count("subject") + 1, "h= lists subject once more than it occurs"),
        ]
        for label, options, tag_ok, tag_text in cases:
            where = (first, algo, canon + " " + " ".join(options))
            rc, out, err = self.listctl.sign(data, key, canon,
                                             ["--headers", listctl_headers(data), *options])
            tags = signature_tags(out)
            if not self.report.check(rc == 0 and len(tags) == 1 and tag_ok(tags[0]), where,
                                     "listctl sign %s: %s" % (label, tag_text),
                                     "exit %d, tags %s, %s" % (rc, tags,
                                                               err.decode(errors="replace"))):
                continue
            path = self.path("extra", first + "." + label)
            with open(path, "wb") as f:
                f.write(out)
            for peer, peer_label in ((self.py, "dkimpy"), (self.pl, "Mail::DKIM")):
                answer = peer.run([self.verify_job(path, LS_SEL[algo], algo)])[0]
                self.report.check(answer.get("result") == "pass", where,
                                  "%s verifies the %s signature" % (peer_label, label),
                                  peer_said(answer))
            self.check_listctl(self.listctl.verify(out), where,
                               "listctl verifies the %s signature" % label, LS_SEL[algo], "pass")
            if label == "expire":
                # RFC 6376 6.1.1: PERMFAIL (signature expired); RFC 8601 leaves
                # the result name open (fail, neutral, permerror), so: no pass.
                verdict = self.listctl.verify(out, ["--now", str(now + 7200)])
                result, said = listctl_result(verdict, LS_SEL[algo])
                self.report.check(verdict[0] == 1 and result not in (None, "none", "pass"),
                                  where, "listctl verify --now after x=: no pass, exit 1",
                                  said)
            if label == "oversign":
                # A Subject added above the signed ones breaks an oversigned h=.
                # It goes right below the (possibly folded) DKIM-Signature field.
                end = len(header_fields(split_message(out)[0])[0][1])
                injected = out[:end] + b"Subject: injected\r\n" + out[end:]
                path = self.path("extra", first + ".oversign-injected")
                with open(path, "wb") as f:
                    f.write(injected)
                for peer, peer_label in ((self.py, "dkimpy"), (self.pl, "Mail::DKIM")):
                    answer = peer.run([self.verify_job(path, LS_SEL[algo], algo)])[0]
                    self.report.check(answer.get("result") == "fail", where,
                                      "%s fails after a Subject is added" % peer_label,
                                      "want fail, said " + peer_said(answer))
                self.check_listctl(self.listctl.verify(injected), where,
                                   "listctl fails after a Subject is added", LS_SEL[algo],
                                   "fail")


# What the peers need, with the Debian package that brings it.
REQUIREMENTS = [
    ([PYTHON, "-c", "import dkim, nacl.signing, dns.resolver"],
     "python3-dkim (dkimpy, with python3-nacl and python3-dnspython)"),
    (["/usr/bin/perl", "-MMail::DKIM::Verifier", "-MNet::DNS", "-e", "1"],
     "libmail-dkim-perl and libnet-dns-perl"),
    (["/usr/bin/perl", "-MCrypt::PK::Ed25519", "-e", "1"],
     "libcryptx-perl (Ed25519 for Mail::DKIM)"),
    (["openssl", "version"], "openssl (the command-line tool)"),
    (["/usr/sbin/unbound", "-V"], "unbound (the DNS server of tests/support)"),
]


def missing_requirements():
    """Debian packages whose programs or modules cannot be run."""
    missing = []
    for argv, package in REQUIREMENTS:
        try:
            ok = subprocess.run(argv, capture_output=True, timeout=30).returncode == 0
        except OSError:
            ok = False
        if not ok:
            missing.append(package)
    return missing


def main():
    parser = argparse.ArgumentParser(
        description="DKIM interop: listctl against dkimpy and Mail::DKIM")
    parser.add_argument("--listctl", help="the listctl binary (without it: peer checks only)")
    parser.add_argument("--only", help="only corpus files whose name contains this")
    parser.add_argument("--jobs", type=int, default=2, help="listctl processes at a time")
    parser.add_argument("--keep", help="keep the work files in this directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every check")
    args = parser.parse_args()
    if args.listctl and not os.access(args.listctl, os.X_OK):
        parser.error("%s is not an executable" % args.listctl)

    missing = missing_requirements()
    if missing:
        for package in missing:
            print("FAIL missing requirement: %s" % package)
        print("0 passed, %d failed" % len(missing))
        return 1

    started = time.monotonic()
    report = Report(args.verbose)
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        os.makedirs(args.keep)
        work = args.keep
    else:
        work = tempfile.mkdtemp(prefix="listd-interop-")
    run = Run(args, work, report)
    try:
        run.start()
        run.phase_sign()
        run.phase_verify()
        run.phase_extras()
    finally:
        run.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    for reason, checks in sorted(report.skipped.items()):
        names = sorted({w[0] if isinstance(w, tuple) else w for w, _ in checks})
        print("SKIP %d checks: %s; on %s" % (len(checks), reason, ", ".join(names)))
    for where, check, said in report.failures:
        if isinstance(where, tuple):
            where = " ".join(where)
        print("FAIL %s | %s | %s" % (where, check, said))
    if not args.listctl:
        print("(no --listctl: peer checks only)")
    print("interop run took %.1f s" % (time.monotonic() - started))
    print("%d passed, %d failed" % (report.passed, len(report.failures)))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
