#!/usr/bin/python3
"""dkimpy as an independent DKIM peer for listd's interop tests.

Signs and verifies messages with Debian's python3-dkim (dkimpy), fetching
keys from a real DNS server on 127.0.0.1 through dnspython, so the lookup
path (TXT record, several strings joined, RFC 6376 section 3.6.2.2) is
exercised as in production. It speaks JSON lines so that one process can
handle the whole test matrix:

  peer_dkimpy.py --dns 127.0.0.1:PORT serve      < jobs.jsonl > answers.jsonl
  peer_dkimpy.py --dns 127.0.0.1:PORT job '{"op": "verify", "in": "m.eml"}'

Jobs (one JSON object a line; every answer echoes "id"):
  {"op": "sign", "in": PATH, "out": PATH, "key": PEM_PATH,
   "algo": "rsa-sha256"|"ed25519-sha256", "canon": "relaxed/simple",
   "domain": D, "selector": S, "headers": ["from", ...],
   "identity": "@sub.d" (optional), "length": false (optional)}
      -> {"ok": true} and OUT holds the DKIM-Signature field + message
  {"op": "verify", "in": PATH, "domain": D, "selector": S, "now": EPOCH (optional)}
      -> {"ok": true, "result": R, "detail": TEXT, "signatures": [...]}
         where R is the result of the signature with that d= and s=
         ("pass", "fail", "invalid" or "none" when there is no such one);
         "now" is the time dkimpy judges t= and x= at (a test that moved
         listd's clock days ahead verifies at listd's time)
Failures of the harness itself come back as {"ok": false, "error": TEXT}.

Keys are read as listctl writes them: PKCS#8 PEM. dkimpy takes RSA keys in
that form; for Ed25519 it wants base64 of the 32-byte seed (RFC 8032
section 5.1.5), which is taken out of the PKCS#8 structure (RFC 8410
section 7) here.
"""

import argparse
import base64
import json
import logging
import os
import re
import sys
import time

import dkim
import dns.exception
import dns.rdatatype
import dns.resolver

# RFC 8410 section 3: id-Ed25519.
ED25519_OID = bytes.fromhex("06032b6570")


class DnsTxt:
    """dkimpy's dnsfunc, answering from one DNS server at HOST:PORT."""

    def __init__(self, hostport):
        host, port = hostport.rsplit(":", 1)
        self.resolver = dns.resolver.Resolver(configure=False)
        self.resolver.nameservers = [host]
        self.resolver.port = int(port)
        self.resolver.use_edns(0, 0, 4096)

    def __call__(self, name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        try:
            answer = self.resolver.resolve(
                name, dns.rdatatype.TXT, lifetime=timeout, raise_on_no_answer=False,
                search=False)
        except dns.resolver.NXDOMAIN:
            return None
        except dns.exception.Timeout as e:
            raise dkim.DnsTimeoutError(str(e))
        for rdata in answer:
            # A TXT record may hold several strings; DKIM joins them as is.
            return b"".join(rdata.strings)
        return None


def _der_item(data, pos):
    """Reads one DER TLV at pos: returns (tag, value, next position)."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, data[pos:pos + length], pos + length


def pem_body(pem_text, label):
    """The DER bytes inside -----BEGIN label----- ... -----END label-----."""
    m = re.search(r"-----BEGIN %s-----(.*?)-----END %s-----" % (label, label),
                  pem_text, re.S)
    if not m:
        raise ValueError("no %s PEM block" % label)
    return base64.b64decode("".join(m.group(1).split()))


def ed25519_seed_b64(pem_text):
    """Base64 of the Ed25519 seed held by a PKCS#8 PEM (RFC 5958, 8410)."""
    der = pem_body(pem_text, "PRIVATE KEY")
    tag, outer, _ = _der_item(der, 0)
    if tag != 0x30:
        raise ValueError("PKCS#8: not a SEQUENCE")
    tag, _version, pos = _der_item(outer, 0)
    if tag != 0x02:
        raise ValueError("PKCS#8: no version")
    tag, algo, pos = _der_item(outer, pos)
    if tag != 0x30 or not algo.startswith(ED25519_OID):
        raise ValueError("PKCS#8: algorithm is not Ed25519")
    tag, wrapped, pos = _der_item(outer, pos)
    if tag != 0x04:
        raise ValueError("PKCS#8: no privateKey OCTET STRING")
    tag, seed, _ = _der_item(wrapped, 0)
    if tag != 0x04 or len(seed) != 32:
        raise ValueError("PKCS#8: Ed25519 CurvePrivateKey is not 32 octets")
    return base64.b64encode(seed)


class Collector(logging.Handler):
    """Keeps dkimpy's log lines so a verdict can say why."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def sign(job):
    """Signs job['in'] and writes the signature field + message to job['out']."""
    with open(job["in"], "rb") as f:
        message = f.read()
    with open(job["key"]) as f:
        pem = f.read()
    algo = job["algo"].encode()
    if algo == b"ed25519-sha256":
        key = ed25519_seed_b64(pem)
    else:
        key = pem.encode()
    head, body = job["canon"].split("/")
    signer = dkim.DKIM(message, signature_algorithm=algo, linesep=b"\r\n")
    # The test decides what is signed (Received, Comments, ... included);
    # dkimpy's advice against some fields is a default, not a rule.
    signer.should_not_sign = set()
    identity = job.get("identity")
    field = signer.sign(
        job["selector"].encode(), job["domain"].encode(), key,
        identity=identity.encode() if identity else None,
        canonicalize=(head.encode(), body.encode()),
        include_headers=[h.encode() for h in job["headers"]],
        length=bool(job.get("length")))
    with open(job["out"], "wb") as f:
        f.write(field + message)
    return {"ok": True}


class _ClockAt:
    """What dkimpy sees as its `time` module when a job gives "now": that
    instant for time(), the real module for the rest (only dkimpy's own
    reference is replaced, so DNS timeouts keep the real clock)."""

    def __init__(self, now):
        self._now = float(now)

    def time(self):
        return self._now

    def __getattr__(self, name):
        return getattr(time, name)


def verify(job, dnsfunc):
    """Verifies every DKIM-Signature of job['in'], reports the one asked for."""
    dkim.time = _ClockAt(job["now"]) if "now" in job else time
    with open(job["in"], "rb") as f:
        message = f.read()
    collector = Collector()
    logger = logging.getLogger("peer_dkimpy.%s" % job.get("id", "x"))
    logger.handlers = [collector]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    verifier = dkim.DKIM(message, logger=logger, minkey=1024)
    count = len([1 for name, _ in verifier.headers if name.lower() == b"dkim-signature"])
    signatures = []
    for idx in range(count):
        collector.lines = []
        fields = {}
        verifier.signature_fields = {}
        try:
            ok = verifier.verify(idx=idx, dnsfunc=dnsfunc)
            fields = verifier.signature_fields or {}
            result = "pass" if ok else "fail"
        except dkim.DKIMException as e:
            # dkimpy raises for a body hash mismatch where it returns False
            # for a bad b=; both are a failed verification (RFC 6376 6.3).
            result = "fail" if str(e).startswith("body hash mismatch") else "invalid"
            collector.lines.append("%s: %s" % (type(e).__name__, e))
            fields = getattr(verifier, "signature_fields", None) or {}
        def tag(t):
            value = fields.get(t, b"") if isinstance(fields, dict) else b""
            return value.decode("utf-8", "replace")
        signatures.append({
            "d": tag(b"d"), "s": tag(b"s"), "a": tag(b"a"), "result": result,
            "detail": "; ".join(collector.lines)[:500],
        })
    wanted = [s for s in signatures
              if s["d"].lower() == job.get("domain", s["d"]).lower()
              and s["s"] == job.get("selector", s["s"])]
    if not wanted:
        return {"ok": True, "result": "none", "detail": "no matching signature",
                "signatures": signatures}
    if len(wanted) > 1:
        # Several signatures with the same d= and s= (e.g. two algorithms):
        # the one with the asked-for algorithm, else the first.
        by_algo = [s for s in wanted if s["a"] == job.get("algo")]
        wanted = by_algo or wanted
    return {"ok": True, "result": wanted[0]["result"], "detail": wanted[0]["detail"],
            "signatures": signatures}


def run(job, dnsfunc):
    """Runs one job; every failure of the harness becomes ok=false."""
    try:
        if job["op"] == "sign":
            answer = sign(job)
        elif job["op"] == "verify":
            answer = verify(job, dnsfunc)
        else:
            answer = {"ok": False, "error": "unknown op %r" % job["op"]}
    except Exception as e:  # reported to the driver, which counts it a failure
        answer = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    answer["id"] = job.get("id")
    return answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dns", default=os.environ.get("LISTD_TEST_DNS"),
                        help="DNS server HOST:PORT (default $LISTD_TEST_DNS)")
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("serve", help="JSON-line jobs on stdin, answers on stdout")
    one = sub.add_parser("job", help="run one JSON job given as argument")
    one.add_argument("json")
    args = parser.parse_args()
    if not args.dns:
        parser.error("--dns or LISTD_TEST_DNS is required")
    dnsfunc = DnsTxt(args.dns)
    if args.mode == "job":
        print(json.dumps(run(json.loads(args.json), dnsfunc), indent=1))
        return
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(run(json.loads(line), dnsfunc)), flush=True)


if __name__ == "__main__":
    main()
