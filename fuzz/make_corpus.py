#!/usr/bin/env python3
"""Extracts the fuzz targets' seed corpora from the tests' own data.

usage: make_corpus.py --source DIR [--shared DIR] --out DIR

Reads the messages of tests/interop/corpus and of ../shared/testsuites (the
DKIM, ARC and bounce suites, when present), the DNS tables the tests serve,
and the string literals of tests/**/*.cc, and writes one file per seed
under OUT/<target>/ (named by the SHA-1 of the bytes, so a rerun changes
nothing). What each target gets:

  message_fuzzer, arc_fields_fuzzer   whole messages (ARC ones included)
  post_limits_fuzzer                  whole messages
  command_mail_fuzzer                 whole messages
  bounce_fuzzer                       whole messages (the bounce suites' among them)
  decorator_fuzzer                    a decoration byte, then a message
  dkim_signature_fuzzer               DKIM-Signature values
  auth_results_fuzzer                 Authentication-Results values
  arc_fields_fuzzer                   ARC-Seal, ARC-Message-Signature, AAR values
  key_record_fuzzer, dmarc_record_fuzzer, tag_list_fuzzer
                                      TXT records and every tag list above
  lmtp_session_fuzzer                 LMTP transcripts (reads cut at 0x01)
  smtp_reply_fuzzer                   SMTP dialogues (server, client, ... at 0x01)
  list_address_fuzzer                 local parts
  web_request_fuzzer                  method, path, query, body, Authorization, Cookie
"""
import argparse
import glob
import hashlib
import os
import re
import sys

MAX_SEED = 256 * 1024
TARGETS = ["tag_list_fuzzer", "dkim_signature_fuzzer", "key_record_fuzzer",
           "dmarc_record_fuzzer", "auth_results_fuzzer", "arc_fields_fuzzer",
           "message_fuzzer", "decorator_fuzzer", "lmtp_session_fuzzer",
           "smtp_reply_fuzzer", "list_address_fuzzer", "post_limits_fuzzer",
           "command_mail_fuzzer", "bounce_fuzzer", "web_request_fuzzer"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def crlf(data):
    return re.sub(rb"\r?\n", b"\r\n", data)


LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", '"': '"', "\\": "\\", "'": "'"}


def cc_literals(path):
    """Adjacent C++ string literals of one file, joined and unescaped."""
    text = read(path).decode("utf-8", "replace")
    out = []
    pos = 0
    while True:
        m = LITERAL.search(text, pos)
        if not m:
            return out
        parts = [m.group(1)]
        pos = m.end()
        while True:
            n = re.match(r'\s*"((?:[^"\\\n]|\\.)*)"', text[pos:])
            if not n:
                break
            parts.append(n.group(1))
            pos += n.end()
        raw = "".join(parts)
        value = re.sub(r"\\x([0-9a-fA-F]{2})|\\(.)",
                       lambda e: chr(int(e.group(1), 16)) if e.group(1)
                       else ESCAPES.get(e.group(2), e.group(2)), raw)
        out.append(value.encode("utf-8", "surrogateescape"))


def looks_like_message(data):
    head = data.split(b"\n", 1)[0]
    return (b"\n\n" in data or b"\r\n\r\n" in data) and re.match(rb"^[!-9;-~]+:", head)


def fields(message):
    """(name, value) of each unfolded-as-is header field."""
    head = re.split(rb"\r?\n\r?\n", message, 1)[0]
    out = []
    for m in re.finditer(rb"^([!-9;-~]+):((?:.*(?:\r?\n[ \t].*)*))", head, re.M):
        out.append((m.group(1).decode("latin-1").lower(), crlf(m.group(2)).lstrip(b" ")))
    return out


def messages(source, shared):
    found = []
    for path in sorted(glob.glob(os.path.join(source, "tests/interop/corpus/*.eml"))):
        found.append(crlf(read(path)))
    if shared and os.path.isdir(shared):
        suites = os.path.join(shared, "testsuites")
        for pattern in ["dkim/**/*.eml", "dkim/opendkim/messages/*", "dkim/mail-dkim/corpus/*",
                        "bounces/**/data/*"]:
            for path in sorted(glob.glob(os.path.join(suites, pattern), recursive=True)):
                data = read(path)
                if looks_like_message(data):
                    found.append(crlf(data))
        try:
            import yaml
        except ImportError:
            yaml = None
        for path in sorted(glob.glob(os.path.join(suites, "arc/**/*.yml"), recursive=True)):
            if yaml is None:
                break
            for doc in yaml.safe_load_all(open(path, encoding="utf-8")):
                for test in (doc or {}).get("tests", {}).values():
                    if isinstance(test.get("message"), str):
                        found.append(crlf(test["message"].encode("utf-8")))
    for path in sorted(glob.glob(os.path.join(source, "tests/**/*.cc"), recursive=True)):
        for lit in cc_literals(path):
            if looks_like_message(lit):
                found.append(crlf(lit))
    return found


def txt_records(source, shared):
    records = []
    tables = glob.glob(os.path.join(source, "tests/dkim/dns/records.tsv"))
    if shared:
        tables += glob.glob(os.path.join(shared, "testsuites/**/dns-records.tsv"), recursive=True)
        tables += glob.glob(os.path.join(shared, "testsuites/**/FAKE_DNS.dat"), recursive=True)
    for path in tables:
        for line in read(path).splitlines():
            if line.startswith(b"#") or not line.strip():
                continue
            parts = re.split(rb"\t| ", line, 1)
            if len(parts) == 2:
                records.append(parts[1].split(b"\t")[0].strip(b'"'))
    for path in glob.glob(os.path.join(source, "tests/**/*.cc"), recursive=True):
        for lit in cc_literals(path):
            if lit.startswith((b"v=DKIM1", b"v=DMARC1", b"k=", b"p=")):
                records.append(lit)
    return records


def lmtp_transcripts(msgs, source):
    out = []
    for msg in [m for m in msgs if len(m) <= 6000][:60]:
        body = re.sub(rb"(^|\r\n)\.", rb"\1..", msg)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        out.append(b"LHLO mx.example.net\r\n\x01MAIL FROM:<jane@example.net> SIZE=%d\r\n"
                   b"RCPT TO:<demo@lists.example.org>\r\nRCPT TO:<demo-request@lists.example.org>\r\n"
                   b"DATA\r\n\x01" % len(msg) + body + b".\r\n\x01QUIT\r\n")
    out.append(b"LHLO a\r\nMAIL FROM:<>\r\nRCPT TO:<x@nowhere.example>\r\nDATA\r\nSubject: x\r\n"
               b"\r\nbody\n.\nMAIL FROM:<evil@example.net>\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n")
    out.append(b"LHLO a\r\nLHLO b\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<demo@lists.example.org>"
               b"\r\n\x01DATA\r\n\x01" + b"x" * 5000 + b"\r\n.\r\n")
    for path in glob.glob(os.path.join(source, "tests/lmtp/*.cc")):
        for lit in cc_literals(path):
            if re.search(rb"LHLO|MAIL FROM|RCPT TO|DATA", lit):
                out.append(lit)
    return out


def smtp_dialogues():
    ok = [b"220 smtp.example.net ESMTP\r\n", b"EHLO lists.example.org\r\n",
          b"250-smtp.example.net\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
          b"AUTH LOGIN\r\n", b"334 VXNlcm5hbWU6\r\n", b"bGlzdGQ=\r\n", b"334 UGFzc3dvcmQ6\r\n",
          b"c2VjcmV0\r\n", b"235 2.7.0 ok\r\n", b"MAIL FROM:<demo-bounces@lists.example.org>\r\n",
          b"250 2.1.0 ok\r\n", b"RCPT TO:<alice@example.net>\r\n", b"250 2.1.5 ok\r\n",
          b"RCPT TO:<bob@example.net>\r\n", b"550-5.1.1 no such\r\n550 5.1.1 user\r\n",
          b"DATA\r\n", b"354 go ahead\r\n", b"QUIT\r\n", b"250 2.0.0 queued as 1\r\n",
          b"", b"221 bye\r\n"]
    out = [b"\x01".join(ok)]
    out.append(b"\x01".join([b"421 4.3.2 busy\r\n", b"EHLO x\r\n"]))
    out.append(b"\x01".join([b"220 x\r\n", b"MAIL FROM:<>\r\nRCPT TO:<a@b>\r\nRCPT TO:<c@d>\r\n",
                             b"250 ok\r\n452 4.5.3 too many\r\n250 ok\r\n", b"DATA\r\n",
                             b"554 5.7.1 content refused\r\n"]))
    out.append(b"\x01".join([b"220-first\n220 second\n", b"EHLO x\n", b"250 x",
                             b"\nMAIL FROM:<a@b>\r\n", b"451 4.3.0 later\r\n"]))
    return out


def local_parts(source):
    out = [b"demo", b"demo-request", b"demo-join", b"demo-leave", b"demo-owner",
           b"demo-bounces", b"demo-bounces+alice=example.org", b"demo-confirm+abc123",
           b"Demo-Request", b"demo-confirm+", b"-request", b"demo--bounces+a=b"]
    for lit in cc_literals(os.path.join(source, "tests/service/list_address_test.cc")):
        if lit and b" " not in lit and len(lit) < 200:
            out.append(lit.split(b"@")[0])
    return out


def web_requests():
    """Requests as web_request_fuzzer reads them: six pieces cut at 0x01."""
    def request(*pieces):
        return b"\x01".join(pieces)
    site, owner = b"Bearer site-token", b"Bearer owner-token"
    cookie = b"listd_pre=abc; listd_session=def"
    return [
        request(b"GET", b"/lists", b"start=0&count=20", b"", site, cookie),
        request(b"GET", b"/lists", b"start=-1&count=x", b"", owner, b""),
        request(b"POST", b"/lists", b"", b'{"address": "new@example.org"}', site, b""),
        request(b"POST", b"/lists", b"", b'{"address": 7}', site, b""),
        request(b"POST", b"/lists", b"", b'{"address": ', owner, b""),
        request(b"GET", b"/lists/demo@example.org", b"", b"", owner, cookie),
        request(b"GET", b"/lists/DEMO@example.org/members/a@example.net", b"", b"", owner, b""),
        request(b"DELETE", b"/lists/other@example.org", b"", b"", owner, b""),
        request(b"DELETE", b"/lists//members/x", b"", b"", site, b""),
        request(b"PATCH", b"/lists/demo@example.org", b"", b"{}", site, b""),
        request(b"GET", b"/fail/conflict", b"", b"", b"Bearer made-up", b""),
        request(b"GET", b"/no/such/route", b"", b"", b"Basic eDp5", b"listd_session="),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--shared")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    seeds = {t: set() for t in TARGETS}
    msgs = [m for m in messages(args.source, args.shared) if len(m) <= MAX_SEED]
    for m in msgs:
        seeds["message_fuzzer"].add(m)
        seeds["post_limits_fuzzer"].add(m)
        seeds["command_mail_fuzzer"].add(m)
        seeds["bounce_fuzzer"].add(m)
        seeds["arc_fields_fuzzer"].add(m)
        for name, value in fields(m):
            if name == "dkim-signature":
                seeds["dkim_signature_fuzzer"].add(value)
                seeds["tag_list_fuzzer"].add(value)
            elif name == "authentication-results":
                seeds["auth_results_fuzzer"].add(value)
            elif name in ("arc-seal", "arc-message-signature", "arc-authentication-results"):
                seeds["arc_fields_fuzzer"].add(value)
                seeds["tag_list_fuzzer"].add(value)
                if name == "arc-authentication-results":
                    seeds["auth_results_fuzzer"].add(re.sub(rb"^\s*i=\d+\s*;\s*", b"", value))
    for choice, m in enumerate(msgs[:200]):
        seeds["decorator_fuzzer"].add(bytes([choice % 32]) + m)
    for record in txt_records(args.source, args.shared):
        seeds["tag_list_fuzzer"].add(record)
        if b"DMARC1" in record:
            seeds["dmarc_record_fuzzer"].add(record)
        else:
            seeds["key_record_fuzzer"].add(record)
    for t in lmtp_transcripts(msgs, args.source):
        seeds["lmtp_session_fuzzer"].add(t)
    for d in smtp_dialogues():
        seeds["smtp_reply_fuzzer"].add(d)
    for r in web_requests():
        seeds["web_request_fuzzer"].add(r)
    for lp in local_parts(args.source):
        seeds["list_address_fuzzer"].add(lp)

    for target, found in seeds.items():
        directory = os.path.join(args.out, target)
        os.makedirs(directory, exist_ok=True)
        for seed in found:
            path = os.path.join(directory, hashlib.sha1(seed).hexdigest())
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(seed)
        print("%-24s %5d seeds" % (target, len(found)))
        if not found:
            print("no seeds for %s" % target, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
