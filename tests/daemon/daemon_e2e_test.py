#!/usr/bin/python3
"""A post's whole way through a real listd process.

NAME
    daemon_e2e_test.py - end-to-end tests of the listd daemon: LMTP in,
    authentication, decoration, re-signing, delivery to an SMTP sink.

SYNOPSIS
    daemon_e2e_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    Everything runs for real on 127.0.0.1 (tests/support/listd_harness.py
    sets it up for each test): unbound (tests/support/
    dns_server.py) serves the author's and the lists' DKIM keys, an SMTP
    sink (tests/support/smtp_sink.py, aiosmtpd) stands for the smarthost,
    listd runs as its own process on a SQLite store in a temp dir, and
    posts arrive through Python's smtplib.LMTP, an LMTP client listd did
    not write. Authors sign with dkimpy; what members receive is checked
    by dkimpy and Mail::DKIM (tests/interop/peer_*.py|pl), independent
    verifiers.

    Proven here (RFC sections in each test's docstring): the normal flow
    (A-R with dkim=pass for the author, subject tag, footer, List-*
    headers, a list signature both peers pass); a tampered author
    signature (dkim=fail, still delivered, re-signed); a forged A-R with
    our authserv-id removed; a non-member post held, then approved with
    listctl; a post carrying our List-Id not redistributed; footers on
    base64, quoted-printable, multipart/mixed and multipart/signed posts;
    mail for -owner forwarded; unknown addresses refused with 550 while
    the others in the same transaction are taken; an unparseable post held
    with its reason; and the faults: the smarthost answering 421 then
    recovering (everything arrives once), kill -9 of listd after the 250
    (everything arrives after the restart), the DNS server not answering
    (dkim=temperror, the post still flows), a post whose key and DMARC
    lookups all go unanswered waiting one --dns-timeout, not two, and
    SIGTERM (clean exit 0).

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import base64
import email
import email.policy
import email.utils
import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import time

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import (AUTHOR_DOMAIN, AUTHOR_SELECTOR, AUTHSERV_ID, LIST_DOMAIN,  # noqa: E402
                           TRUSTED_ID, WAIT, Listd, arc_verdicts, author_post, batches_left,
                           expect, header_fields, peer_verify, spool_states, text_parts,
                           values)


def programs():
    """The listd and listctl under test (set by run_tests)."""
    return listd_harness.PROGRAMS


def check_list_copy(env, message, author_result, arc_instance=1):
    """What every member's copy must carry (RFC 8601, 2369, 2919, 6376,
    8617)."""
    data = message.data
    names = [n.lower() for n, _ in header_fields(data)]
    # RFC 8617 section 5.1: the ARC set is the last change, so it is on top,
    # the list's DKIM signatures right below.
    expect(names[:3] == ["arc-seal", "arc-message-signature", "arc-authentication-results"],
           "the ARC set comes first: %r" % names[:6])
    expect(names[3] == "dkim-signature", "then the list's signatures: %r" % names[:6])
    aar = values(data, "ARC-Authentication-Results")[0]
    expect(aar.startswith("i=%d; %s;" % (arc_instance, AUTHSERV_ID)),
           "AAR i=%d with our results: %r" % (arc_instance, aar))
    verdicts = arc_verdicts(env, data)
    expect(verdicts["dkimpy"].startswith("pass") and verdicts["maildkim"].startswith("pass"),
           "both peers validate the ARC chain: %r" % verdicts)
    ours = [v for v in values(data, "Authentication-Results")
            if v.split(";")[0].strip().lower() == AUTHSERV_ID]
    expect(len(ours) == 1, "exactly one A-R of ours: %r" % values(data, "Authentication-Results"))
    expect(author_result in ours[0], "A-R says %r: %r" % (author_result, ours[0]))
    subject = values(data, "Subject")[0]
    expect(subject.startswith("[demo] "), "subject tag: %r" % subject)
    expect(values(data, "List-Id") == ["Demo list <demo.lists.example.org>"],
           "List-Id: %r" % values(data, "List-Id"))
    expect(values(data, "List-Post") == ["<mailto:demo@lists.example.org>"], "List-Post")
    for name in ("List-Help", "List-Subscribe", "List-Unsubscribe", "List-Owner"):
        expect(len(values(data, name)) == 1, name + " present once")
    expect(values(data, "Precedence") == ["list"], "Precedence: list")
    expect(message.mail_from == "demo-bounces@" + LIST_DOMAIN,
           "envelope sender: %r" % message.mail_from)
    path = os.path.join(env.dir, "copy-%s.eml" % re.sub(r"\W", "_", message.recipient))
    with open(path, "wb") as f:
        f.write(data)
    for selector in ("demo-rsa", "demo-ed25519"):
        verdicts = peer_verify(env, path, LIST_DOMAIN, selector)
        expect(all(v == "pass" for v in verdicts.values()),
               "list signature %s: %r" % (selector, verdicts))


def wait_until(condition, what, timeout=WAIT):
    """Polls `condition` until it is true; fails saying `what` otherwise."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting until " + what)


def is_held_notice(message):
    """A moderator's notice of a held post (subscriptions_e2e_test.py proves
    what it holds): every hold now mails the list's owners one."""
    return any(v.startswith("Held for moderation on ") for v in values(message.data, "Subject"))


def not_notices(env):
    """What the sink got besides held notices."""
    return [m for m in env.sink.messages() if not is_held_notice(m)]


def sealed_upstream(env, message, author_domain):
    """`message` as an upstream MX (mx.author.example) passes it on: with its
    Authentication-Results (dkim=pass for `author_domain`) and, over them,
    an ARC set i=1 sealed by dkimpy with the author key (dkimpy seals only
    over the results of its own authserv-id). Returns (post with the
    results, the sealed post)."""
    post = (b"Authentication-Results: mx.author.example; dkim=pass header.d=" +
            author_domain.encode() + b"\r\n" + message)
    with open(env.author_key, "rb") as f:
        pem = f.read()
    seal = dkim.arc_sign(post, AUTHOR_SELECTOR.encode(), AUTHOR_DOMAIN.encode(), pem,
                         b"mx.author.example",
                         include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return post, b"".join(seal) + post


def dns_queries_waiting(env):
    """UDP datagrams queued for the (paused) DNS server, from the kernel's
    table (proc(5), /proc/net/udp: rx_queue of its 127.0.0.1 port)."""
    port = int(env.dns.address.rsplit(":", 1)[1])
    waiting = 0
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, queues = fields[1], fields[4]
            if int(local.split(":")[1], 16) == port:
                waiting += int(queues.split(":")[1], 16)
    return waiting


# -------------------------------------------------------------------- tests


def test_post_reaches_every_member_verified_decorated_resigned(env):
    """RFC 6376 sections 5 and 6, RFC 8601 section 5, RFC 2369, RFC 2919,
    RFC 6377 section 5: a dkimpy-signed post with a forged A-R of ours and
    one from a trusted MX; every member gets one copy that dkimpy and
    Mail::DKIM pass under the list's keys."""
    members = ["alice@author.example", "bob@example.net", "carol@example.com"]
    env.make_list("demo", members, posting_policy="members-only")
    daemon = env.start()
    forged = ("Authentication-Results: LISTS.example.org; dkim=pass header.d=paypal.com\r\n"
              "Authentication-Results: " + TRUSTED_ID + "; spf=pass smtp.mailfrom=author.example\r\n"
              ).encode()
    post = forged + author_post(key=env.author_key)
    replies = daemon.send(post, ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 250, "250 after DATA: %r" % replies)
    messages = env.wait_for(3)
    expect(sorted(m.recipient for m in messages) == sorted(members),
           "one copy per member: %r" % [m.recipient for m in messages])
    for m in messages:
        check_list_copy(env, m, "dkim=pass header.d=author.example")
        expect(b"paypal.com" not in m.data, "the forged A-R is gone")
        expect(any(v.startswith(TRUSTED_ID) for v in values(m.data, "Authentication-Results")),
               "the trusted upstream A-R stays")
        body = "\n".join(text_parts(m.data))
        expect("this is a post." in body, "the post's text")
        expect("demo-leave@lists.example.org" in body, "the footer: %r" % body[-400:])
    log = daemon.text()
    expect(re.search(r"post <\d+@author\.example> id=\d+ list=demo@lists\.example\.org "
                     r"auth=\"dkim=pass[^\"]*\" action=accepted recipients=3 elapsed=\d+ms", log),
           "one log line per post:\n" + log)


def test_tampered_author_signature_fails_but_is_delivered(env):
    """RFC 6376 section 6.3 (body hash mismatch), RFC 6377 section 5: the
    list still delivers, re-signed; its A-R records dkim=fail."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    post = author_post(key=env.author_key).replace(b"this is a post.", b"this is a p0st.")
    daemon.send(post, ["demo@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    check_list_copy(env, m, "dkim=fail")


def test_nonmember_post_is_held_then_approved(env):
    """A members-only list holds a stranger's post with the reason; listctl
    held approve sends it on."""
    env.make_list("demo", ["bob@example.net"], posting_policy="members-only")
    daemon = env.start()
    post = author_post(key=env.author_key, sender="stranger@author.example")
    daemon.send(post, ["demo@" + LIST_DOMAIN], mail_from="stranger@author.example")
    deadline = time.time() + WAIT
    held = []
    while time.time() < deadline and not held:
        held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
        time.sleep(0.1)
    expect(len(held) == 1, "one held post: %r" % held)
    expect("stranger@author.example" in held[0]["reason"], "reason names the sender: %r" % held)
    (notice,) = env.wait_for(1, "the owner's held notice")
    expect(is_held_notice(notice) and notice.recipient == "bob@example.net",
           "only the owner's notice while held: %r" % notice.recipient)
    shown = env.listctl("held", "show", str(held[0]["id"]))
    expect("Authentication-Results: " + AUTHSERV_ID in shown, "show prints the recorded header")
    out = env.listctl("held", "approve", str(held[0]["id"]), "--dns", env.dns.address)
    expect("accepted" in out, "approve: %r" % out)
    env.wait_for(2)
    (m,) = not_notices(env)
    check_list_copy(env, m, "dkim=pass header.d=author.example")
    expect(json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json")) == [],
           "the hold is gone")
    env.listctl("held", "approve", str(held[0]["id"]), code=3)  # 3: the hold is gone


def test_held_post_reject_and_discard(env):
    """Reject sends the author a notice (null envelope sender, RFC 5321
    section 4.5.5); discard sends nothing."""
    env.make_list("demo", ["bob@example.net"], posting_policy="members-only")
    daemon = env.start()
    for n in (1, 2):
        daemon.send(author_post(key=env.author_key, sender="stranger%d@author.example" % n,
                                subject="held %d" % n),
                    ["demo@" + LIST_DOMAIN], mail_from="stranger%d@author.example" % n)
    deadline = time.time() + WAIT
    held = []
    while time.time() < deadline and len(held) < 2:
        held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
        time.sleep(0.1)
    expect(len(held) == 2, "two held: %r" % held)
    by_subject = {h["subject"]: h["id"] for h in held}
    env.listctl("held", "reject", str(by_subject["held 1"]), "--reason", "off topic")
    env.listctl("held", "discard", str(by_subject["held 2"]))
    env.wait_for(3)  # the owner's two held notices, and the author's
    (notice,) = not_notices(env)
    expect(notice.recipient == "stranger1@author.example", "the notice goes to the author")
    expect(notice.mail_from == "", "null envelope sender: %r" % notice.mail_from)
    expect(b"off topic" in notice.data, "the reason is in the notice")
    # Both decisions are committed when listctl returns; once the queue is
    # empty, whatever either queued has reached the sink.
    wait_until(lambda: batches_left(env) == 0, "the queue is empty")
    expect(len(not_notices(env)) == 1, "discard sent nothing")


def test_post_with_our_list_id_is_not_redistributed(env):
    """Loop detection (RFC 5321 section 6.3; List-Id identifies the list, RFC 2919 section 3)."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    post = author_post(key=env.author_key,
                       extra_headers=b"List-Id: Demo list <demo.lists.example.org>\r\n")
    replies = daemon.send(post, ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 250, "taken: %r" % replies)
    deadline = time.time() + WAIT
    while time.time() < deadline and "action=discarded" not in daemon.text():
        time.sleep(0.1)
    expect("action=discarded" in daemon.text(), "logged as discarded:\n" + daemon.text())
    expect([s for s, _ in spool_states(env).values()] == ["discarded"], "final state: discarded")
    expect(batches_left(env) == 0, "nothing queued")
    expect(env.sink.messages() == [], "nothing redistributed")


def test_footer_on_mime_shapes(env):
    """RFC 2045 section 6 (base64, quoted-printable), RFC 2046 section 5.1
    (multipart/mixed gets a part), RFC 1847 section 2.1 (multipart/signed
    untouched); every copy still passes the list's signature."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    text = "Grüße aus Köln, a line of text.\n" * 3
    b64 = base64.encodebytes(text.encode()).replace(b"\n", b"\r\n")
    qp = b"Gr=C3=BC=C3=9Fe aus K=C3=B6ln, a line of text.=\r\nstill the same line\r\n"
    signed_body = (b"--sig\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n"
                   b"--sig\r\nContent-Type: application/pgp-signature\r\n\r\n"
                   b"-----BEGIN PGP SIGNATURE-----\r\nxx\r\n-----END PGP SIGNATURE-----\r\n"
                   b"--sig--\r\n")
    mixed_body = (b"--mix\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
                  b"--mix\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--mix--\r\n")
    cases = {
        "base64": (b"Content-Type: text/plain; charset=utf-8\r\n"
                   b"Content-Transfer-Encoding: base64\r\n", b64),
        "qp": (b"Content-Type: text/plain; charset=utf-8\r\n"
               b"Content-Transfer-Encoding: quoted-printable\r\n", qp),
        "mixed": (b"Content-Type: multipart/mixed; boundary=mix\r\n", mixed_body),
        "signed": (b"Content-Type: multipart/signed; boundary=sig; "
                   b"protocol=\"application/pgp-signature\"; micalg=pgp-sha256\r\n", signed_body),
    }
    for name, (headers, body) in cases.items():
        daemon.send(author_post(key=env.author_key, subject=name, extra_headers=headers, body=body),
                    ["demo@" + LIST_DOMAIN])
    messages = env.wait_for(len(cases))
    by_subject = {values(m.data, "Subject")[0]: m for m in messages}
    footer = "demo-leave@lists.example.org"
    for name in cases:
        m = by_subject["[demo] " + name]
        check_list_copy(env, m, "dkim=pass header.d=author.example")
        parts = text_parts(m.data)
        if name == "signed":
            expect(signed_body in m.data, "multipart/signed body untouched")
            expect(all(footer not in p for p in parts), "no footer in a signed post")
        elif name == "mixed":
            expect(footer in parts[-1] and "first part" in parts[0],
                   "footer as the last part: %r" % parts)
        else:
            expect(len(parts) == 1 and parts[0].startswith("Gr\u00fc\u00dfe aus K\u00f6ln")
                   and footer in parts[0], "%s: footer appended to the text: %r" % (name, parts))
            cte = values(m.data, "Content-Transfer-Encoding")
            expect(cte == [{"base64": "base64", "qp": "quoted-printable"}[name]],
                   "%s keeps its transfer encoding: %r" % (name, cte))


def test_owner_mail_is_forwarded_and_unknown_refused(env):
    """RFC 2033 section 4.2: per-recipient replies; -owner goes to owners."""
    env.make_list("demo", ["owner@example.com", "bob@example.net"])
    daemon = env.start()
    replies = daemon.send(author_post(key=env.author_key, to="demo-owner@" + LIST_DOMAIN),
                          ["nobody@" + LIST_DOMAIN, "demo-owner@" + LIST_DOMAIN])
    expect(replies["nobody@" + LIST_DOMAIN][0] == 550, "unknown: %r" % replies)
    expect(replies["demo-owner@" + LIST_DOMAIN][0] == 250, "owner: %r" % replies)
    (m,) = env.wait_for(1)
    expect(m.recipient == "owner@example.com", "to the owner only: %r" % m.recipient)
    expect(values(m.data, "Subject") == ["Hello list"], "undecorated")


def test_unparseable_post_is_held_with_reason(env):
    """A post no stage can read is held with the reason, never lost."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    junk = b"this is not a header line\r\nnor this\r\n\r\nbody\r\n"
    replies = daemon.send(junk, ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 250, "taken: %r" % replies)
    deadline = time.time() + WAIT
    held = []
    while time.time() < deadline and not held:
        held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
        time.sleep(0.1)
    expect(len(held) == 1 and "cannot" in held[0]["reason"], "held with a reason: %r" % held)
    raw = env.listctl("held", "show", str(held[0]["id"]), "--raw")
    expect("this is not a header line" in raw, "the bytes are kept")


def test_smarthost_421_then_recovers(env):
    """RFC 5321 section 4.2.5 and 4.5.4.1: transient failures are retried;
    everything arrives exactly once."""
    members = ["m%d@example.net" % i for i in range(5)]
    env.make_list("demo", members)
    env.sink.set_control({"fail_next_transactions": 2, "fail_code": "421 4.3.2 try later"})
    daemon = env.start("--batch-size", "2")
    daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    messages = env.wait_for(5)
    expect(sorted(m.recipient for m in messages) == sorted(members),
           "each member once: %r" % sorted(m.recipient for m in messages))
    results = [t["result"] for t in env.sink.transactions()]
    expect(sum(r.startswith("421") for r in results) == 2, "two 421s seen: %r" % results)
    expect("deferred=2" in daemon.text(), "the deferral is logged")


def test_member_refused_with_5xx_is_a_bounce(env):
    """RFC 5321 section 4.2.5: 5yz is permanent; the others still get it."""
    env.make_list("demo", ["bob@example.net", "gone@example.net"])
    env.sink.set_control({"reject_rcpt": {"gone@example.net": "550 5.1.1 no such user"}})
    daemon = env.start()
    daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    expect(m.recipient == "bob@example.net", "bob gets it")
    deadline = time.time() + WAIT
    while time.time() < deadline and "bounced=1" not in daemon.text():
        time.sleep(0.1)
    expect("bounced=1" in daemon.text(), "the bounce is logged:\n" + daemon.text())
    members = json.loads(env.listctl("member", "ls", "demo@" + LIST_DOMAIN, "--json"))
    gone = [x for x in members if x["address"] == "gone@example.net"]
    expect(gone and gone[0]["bounce_score"] >= 1, "the bounce is scored: %r" % members)


def test_kill_9_after_250_loses_nothing(env):
    """RFC 2033 section 4.2: 250 means stored. listd is killed -9 while its
    delivery is stuck in the middle of an SMTP transaction (the smarthost
    stalls); after a restart every member gets the post exactly once, at
    once (the dead run's claim on the batch is released, not waited out),
    and a second listd on the same store is refused."""
    members = ["bob@example.net", "carol@example.com"]
    env.make_list("demo", members)
    env.sink.set_control({"delay_seconds": 60})
    daemon = env.start()
    replies = daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 250, "250: %r" % replies)
    # Processed, and the delivery in progress (the sink holds it 60 s).
    wait_until(lambda: "action=accepted" in daemon.text() and any(
        e.get("event") == "connect" for e in env.sink.log()), "the delivery is under way")
    expect(env.sink.messages() == [], "nothing delivered before the kill")
    daemon.stop(signal.SIGKILL)
    env.sink.set_control({})
    again = env.start()
    try:
        Listd(env)
        raise AssertionError("a second listd on the same store started")
    except AssertionError as refused:
        expect("another listd is running" in str(refused), "refused: %s" % refused)
    messages = env.wait_for(2, timeout=15)
    expect(sorted(m.recipient for m in messages) == sorted(members), "all after restart")
    expect("resuming 1 delivery batches" in again.text(), "the lease is released")


def test_kill_9_mid_verification_resumes_the_post(env):
    """The post is in the spool, unprocessed (DNS hangs), when listd dies;
    the next listd processes it."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start("--dns-timeout", "20000")
    env.dns.pause()
    try:
        replies = daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
        expect(replies["demo@" + LIST_DOMAIN][0] == 250, "250: %r" % replies)
        # The verifier's key query is waiting at the stopped DNS server:
        # listd is in the middle of verification.
        wait_until(lambda: dns_queries_waiting(env) > 0, "listd asks DNS for the author's key")
        daemon.stop(signal.SIGKILL)
        expect([s for s, _ in spool_states(env).values()] == ["received"],
               "killed with the post unprocessed: %r" % spool_states(env))
        expect("post <" not in daemon.text(), "no outcome was logged")
    finally:
        env.dns.resume()
    env.start()
    (m,) = env.wait_for(1)
    check_list_copy(env, m, "dkim=pass header.d=author.example")


def test_a_post_waiting_for_dns_holds_up_only_its_own_list(env):
    """Hardening finding 13: the pipeline was one thread, so one post whose
    author's key lookup goes unanswered stalled every list for the whole
    --dns-timeout. With --pipeline-workers 2 the lists of the other shard
    go on (each list's posts still one at a time, in order)."""
    env.make_list("slow", ["bob@example.net"], algos=())    # list id 1: shard 1
    env.make_list("fast", ["carol@example.com"], algos=())  # list id 2: shard 0
    env.dns.set("%s._domainkey.stalled.example" % AUTHOR_SELECTOR, "TIMEOUT")
    env.dns.reload()
    daemon = env.start("--pipeline-workers", "2", "--dns-timeout", "60000")
    stalled = author_post(key=env.author_key, sender="alice@stalled.example",
                          to="slow@" + LIST_DOMAIN)
    # dkimpy signed it with d=author.example; make the signature name the
    # stalled domain so the verifier must ask for its key.
    stalled = stalled.replace(b"d=author.example", b"d=stalled.example")
    daemon.send(stalled, ["slow@" + LIST_DOMAIN], mail_from="alice@stalled.example")
    # With one worker the next post would wait behind this one (ids are
    # taken in order), for the whole 60 s DNS timeout.
    daemon.send(author_post(key=env.author_key, to="fast@" + LIST_DOMAIN),
                ["fast@" + LIST_DOMAIN])
    (m,) = env.wait_for(1, timeout=20)
    expect(m.recipient == "carol@example.com", "the other list's post went out: %r" % m.recipient)
    states = list(spool_states(env).values())
    expect(states[0][0] == "received", "the slow post still waits for DNS: %r" % states)
    daemon.stop(signal.SIGKILL)


def test_slow_dns_costs_a_post_one_wait_not_two(env):
    """Hardening finding 13: a post's DKIM key and its author domain's DMARC
    policy (RFC 7489 section 6.6.3: _dmarc.<From domain>, and the
    organizational domain's) are asked in one concurrent round, so when
    none of them is answered the post waits one --dns-timeout, not two
    (the keys, then the policy). The verdicts stay temperror (RFC 6376
    section 6.1.2, RFC 7489 section 6.6.3 with 11.2)."""
    env.make_list("demo", ["bob@example.net"], algos=())
    # Every query under stalled.example is dropped: the key
    # sel._domainkey.news.stalled.example, _dmarc.news.stalled.example and
    # _dmarc.stalled.example.
    env.dns.set("stalled.example", "TIMEOUT")
    env.dns.reload()
    timeout_ms = 3000
    daemon = env.start("--dns-timeout", str(timeout_ms))
    post = author_post(key=env.author_key, sender="alice@news.stalled.example")
    daemon.send(post, ["demo@" + LIST_DOMAIN], mail_from="alice@news.stalled.example")
    line = re.compile(r"post <[^>]*> id=\d+ list=\S+ auth=\"([^\"]*)\".* elapsed=(\d+)ms")
    wait_until(lambda: line.search(daemon.text()), "the post's outcome is logged",
               timeout=4 * timeout_ms / 1000 + WAIT)
    auth, elapsed = line.search(daemon.text()).groups()
    print("slow DNS: post processed in %s ms with --dns-timeout %d" % (elapsed, timeout_ms))
    expect("dkim=temperror" in auth and "dmarc=temperror" in auth,
           "both lookups timed out: %r" % auth)
    expect(timeout_ms <= int(elapsed) < 1.5 * timeout_ms,
           "one DNS wait, not two: %s ms with --dns-timeout %d" % (elapsed, timeout_ms))


def test_dns_down_gives_temperror_and_the_post_flows(env):
    """RFC 6376 section 6.1.2: no answer is a temporary error; the list
    still delivers, signed with its own keys (which need no DNS)."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    env.dns.pause()
    try:
        daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
        (m,) = env.wait_for(1)
    finally:
        env.dns.resume()
    check_list_copy(env, m, "dkim=temperror")


def test_sigterm_exits_cleanly(env):
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    env.wait_for(1)
    expect(daemon.stop(signal.SIGTERM) == 0, "exit 0 on SIGTERM:\n" + daemon.text())
    expect("stopped" in daemon.text(), "says it stopped")


def test_inject_spools_for_the_daemon(env):
    """listctl inject, the pipe transport's way in, feeds the same spool."""
    env.make_list("demo", ["bob@example.net"])
    env.start()
    out = env.listctl("inject", "demo@" + LIST_DOMAIN, "--from", "alice@author.example",
                      stdin=author_post(key=env.author_key))
    expect("spooled as post" in out, out)
    (m,) = env.wait_for(1)
    check_list_copy(env, m, "dkim=pass header.d=author.example")
    env.listctl("inject", "nolist@" + LIST_DOMAIN, stdin=b"Subject: x\r\n\r\nx\r\n", code=2)


def wait_until_processed(env, count):
    """Waits until `count` posts left the "received" state; returns them."""
    deadline = time.time() + WAIT
    states = {}
    while time.time() < deadline:
        states = spool_states(env)
        if len(states) >= count and all(s != "received" for s, _ in states.values()):
            return states
        time.sleep(0.1)
    raise AssertionError("posts not processed: %r" % states)


def test_bad_input_is_refused_or_held_never_lost(env):
    """No From, two From (RFC 5322 section 3.6: exactly one), an 8 MB header
    line, NUL bytes, broken MIME (RFC 2046 section 5.1.1: a multipart
    without its boundary), a message over the LMTP SIZE limit (RFC 1870)
    and over the list's max_size: each is refused at once or held with a
    sentence; the daemon survives them all; every accepted post ends in a
    state with a reason. (The LMTP SIZE refusal has a test of its own.)"""
    env.make_list("demo", ["bob@example.net"], max_size="1M")
    daemon = env.start("--max-message-size", "20000000")
    list_address = "demo@" + LIST_DOMAIN
    header = (b"To: demo@lists.example.org\r\nSubject: bad\r\n"
              b"Date: Mon, 23 Nov 2026 20:00:00 +0000\r\nMessage-ID: <bad@author.example>\r\n")
    cases = {
        "no From": header + b"\r\nbody\r\n",
        "two From": b"From: a@author.example\r\nFrom: b@author.example\r\n" + header + b"\r\nb\r\n",
        "8 MB header line": (b"From: alice@author.example\r\nX-Long: " + b"x" * (8 << 20) +
                             b"\r\n" + header + b"\r\nbody\r\n"),
        "NUL bytes": (b"From: alice@author.example\r\nX-Nul: a\x00b\r\n" + header +
                      b"\r\nbody \x00 with NUL\r\n"),
        "broken MIME": (b"From: alice@author.example\r\n" + header +
                        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
                        b"--nowhere\r\nContent-Type: text/plain\r\n\r\nx\r\n"),
        "over max_size": (b"From: alice@author.example\r\n" + header + b"\r\n" +
                          (b"y" * 998 + b"\r\n") * 2000),
    }
    outcomes = {}
    for name, message in cases.items():
        replies = daemon.send(message, [list_address])
        outcomes[name] = replies[list_address][0]
        expect(daemon.proc.poll() is None, "listd survived %s:\n%s" % (name, daemon.text()))
    expect(all(code == 250 for code in outcomes.values()), "all taken: %r" % outcomes)
    states = wait_until_processed(env, len(cases))
    by_name = dict(zip(cases, sorted(states)))
    for name, post_id in by_name.items():
        state, reason = states[post_id]
        expect(state in ("held", "processed", "discarded"), "%s: state %s" % (name, state))
        if state == "held":
            expect(len(reason) > 10, "%s held with a sentence: %r" % (name, reason))
    held = {states[by_name[n]][0] for n in ("no From", "two From", "8 MB header line",
                                            "over max_size")}
    expect(held == {"held"}, "no From, two From and oversized posts are held: %r" %
           {n: states[by_name[n]] for n in by_name})
    expect("From" in states[by_name["no From"]][1], states[by_name["no From"]][1])
    expect("exceeds" in states[by_name["over max_size"]][1], states[by_name["over max_size"]][1])
    listed = json.loads(env.listctl("held", "ls", list_address, "--json"))
    expect(len(listed) == sum(1 for s, _ in states.values() if s == "held"),
           "every held post is listed: %r" % listed)
    expect(daemon.proc.poll() is None, "listd still runs")


def test_lmtp_size_limit_refuses_before_storing(env):
    """RFC 1870 section 6 and RFC 2033 section 4.2: a message over the
    server's SIZE gets 552 for its recipient and nothing is kept."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start("--max-message-size", "50000")
    big = author_post(key=env.author_key, body="z" * 70 + "\r\n", sign=False) + b"w" * 60000
    replies = daemon.send(big + b"\r\n", ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 552, "552: %r" % replies)
    client = daemon.lmtp()
    code, text = client.ehlo()
    expect(code == 250 and b"SIZE 50000" in text, "SIZE advertised: %r" % text)
    client.quit()
    expect(spool_states(env) == {}, "nothing stored")


def test_list_without_key_delivers_unsigned_and_says_so(env):
    """RFC 6376 section 5 is the list's to apply only with a key: without an
    active one the post still goes out, unsigned, and both the log and
    listctl doctor say so."""
    env.make_list("demo", ["bob@example.net"], algos=())
    daemon = env.start()
    daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    expect(not any(v for v in values(m.data, "DKIM-Signature") if "d=lists.example.org" in v),
           "no list signature")
    expect("unsigned: the list has no active key" in daemon.text(), "the log says so")
    doctor = subprocess.run([programs().listctl, "doctor", "demo@" + LIST_DOMAIN, "--db", env.db, "--dns",
                             env.dns.address], capture_output=True, text=True, timeout=60)
    expect("no active key" in doctor.stdout + doctor.stderr, "doctor says so: " + doctor.stdout)


def test_multipart_alternative_gets_the_footer_the_mailman_way(env):
    """RFC 2046 section 5.1.4: the alternatives stay as they are, inside a
    multipart/mixed whose second part is the footer (Mailman's wrap)."""
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    body = (b"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain words\r\n"
            b"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html words</p>\r\n"
            b"--alt--\r\n")
    daemon.send(author_post(key=env.author_key, subject="alt", body=body,
                            extra_headers=b"Content-Type: multipart/alternative; boundary=alt\r\n"),
                ["demo@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    check_list_copy(env, m, "dkim=pass header.d=author.example")
    message = email.message_from_bytes(m.data, policy=email.policy.default)
    expect(message.get_content_type() == "multipart/mixed", message.get_content_type())
    first, second = message.get_payload()
    expect(first.get_content_type() == "multipart/alternative", first.get_content_type())
    expect("demo-leave@lists.example.org" in second.get_content(), "footer part")


def our_results(data):
    """The value of the Authentication-Results field listd added."""
    ours = [v for v in values(data, "Authentication-Results")
            if v.split(";")[0].strip().lower() == AUTHSERV_ID]
    expect(len(ours) == 1, "one A-R of ours: %r" % values(data, "Authentication-Results"))
    return ours[0]


def test_dmarc_munges_from_only_where_the_author_domain_asks(env):
    """RFC 7489 section 6.3 (p=), RFC 7960 section 4.1.3.3 (From rewriting):
    authors at p=reject, p=quarantine, p=none and no-record domains; From
    is rewritten to the list for the first two only, the author kept in
    Reply-To; the A-R carries the author's own results; the rewritten copy
    passes DMARC for the list's domain (aligned list signatures, RFC 7489
    section 3.1.1)."""
    policies = {"reject.example": "v=DMARC1; p=reject",
                "quarantine.example": "v=DMARC1; p=quarantine",
                "relaxed.example": "v=DMARC1; p=none",
                "nodmarc.example": None}
    for domain, record in policies.items():
        env.author_domain(domain, record)
    env.make_list("demo", ["bob@example.net"])
    daemon = env.start()
    for domain in policies:
        daemon.send(author_post(key=env.author_key, sender="alice@" + domain, subject=domain),
                    ["demo@" + LIST_DOMAIN], mail_from="alice@" + domain)
    messages = env.wait_for(len(policies))
    by_subject = {values(m.data, "Subject")[0]: m for m in messages}
    for domain in policies:
        m = by_subject["[demo] " + domain]
        results = our_results(m.data)
        expect("dkim=pass header.d=%s" % domain in results.replace("\r\n", " ").replace("\t", " ")
               or re.search(r"dkim=pass[^;]*header\.d=%s" % re.escape(domain), results),
               "%s: the author's own DKIM result: %r" % (domain, results))
        from_value = values(m.data, "From")[0]
        if domain in ("reject.example", "quarantine.example"):
            expect(re.search(r"dmarc=pass \(p=%s" % domain.split(".")[0], results),
                   "%s: dmarc=pass with the policy: %r" % (domain, results))
            expect(email.utils.parseaddr(from_value) == ("Alice via Demo list",
                                                         "demo@lists.example.org"),
                   "%s: From rewritten: %r" % (domain, from_value))
            expect(values(m.data, "Reply-To") == ["Alice <alice@%s>" % domain],
                   "%s: the author in Reply-To: %r" % (domain, values(m.data, "Reply-To")))
            check_list_copy(env, m, "dkim=pass")
        else:
            expect(from_value == "Alice <alice@%s>" % domain,
                   "%s: From left alone: %r" % (domain, from_value))
            expect(("dmarc=none" if domain == "nodmarc.example" else "dmarc=pass") in results,
                   "%s: dmarc result: %r" % (domain, results))
    log = daemon.text()
    expect("dmarc=pass(reject.example p=reject)" in log, "the log names the policy:\n" + log)


def test_forged_owner_from_failing_dmarc_reject_is_not_admitted(env):
    """Hardening finding 6, RFC 7489 section 6.6.2: an announce-only list's
    owner is alice@reject.example, whose domain publishes p=reject. A post
    with her From, unsigned or signed by another domain, fails DMARC: it is
    held as a non-member's post with the reason, never signed and sent by
    the list; her own signed post still goes out."""
    env.author_domain("reject.example", "v=DMARC1; p=reject")
    env.author_domain("other.example")
    env.make_list("demo", ["alice@reject.example", "bob@example.net"],
                  posting_policy="announce-only")
    daemon = env.start()
    daemon.send(author_post(sign=False, sender="alice@reject.example", subject="forged unsigned"),
                ["demo@" + LIST_DOMAIN], mail_from="mallory@evil.example")
    forged = author_post(key=env.author_key, sender="alice@other.example", subject="forged signed")
    forged = forged.replace(b"From: Alice <alice@other.example>", b"From: Alice <alice@reject.example>")
    daemon.send(forged, ["demo@" + LIST_DOMAIN], mail_from="mallory@evil.example")
    deadline = time.time() + WAIT
    held = []
    while time.time() < deadline and len(held) < 2:
        held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
        time.sleep(0.1)
    expect(len(held) == 2, "both forgeries held: %r" % held)
    for h in held:
        expect("fails its domain's DMARC check (p=reject)" in h["reason"], "reason: %r" % h)
    daemon.send(author_post(key=env.author_key, sender="alice@reject.example", subject="genuine"),
                ["demo@" + LIST_DOMAIN], mail_from="alice@reject.example")
    env.wait_for(4)  # two copies, and the owner's notices of the two holds
    messages = not_notices(env)
    expect(sorted(values(m.data, "Subject")[0] for m in messages) == ["[demo] genuine"] * 2,
           "only the genuine post went out: %r" % [values(m.data, "Subject") for m in messages])
    expect(sorted(m.recipient for m in env.sink.messages() if is_held_notice(m)) ==
           ["alice@reject.example"] * 2, "the owner was told of both holds")


def test_dmarc_wrap_keeps_the_original_verifiable_inside(env):
    """RFC 7960 section 4.1.3.3 and RFC 2046 section 5.2.1: with
    dmarc_mitigation=wrap, the post from a p=reject domain goes out from
    the list with the original as a message/rfc822 part, whose author
    signature dkimpy still verifies; the outer message passes the list's
    signatures."""
    env.author_domain("reject.example", "v=DMARC1; p=reject")
    env.make_list("demo", ["bob@example.net"], dmarc_mitigation="wrap")
    daemon = env.start()
    original = author_post(key=env.author_key, sender="alice@reject.example")
    daemon.send(original, ["demo@" + LIST_DOMAIN], mail_from="alice@reject.example")
    (m,) = env.wait_for(1)
    check_list_copy(env, m, "dkim=pass")
    expect(email.utils.parseaddr(values(m.data, "From")[0]) ==
           ("Alice via Demo list", "demo@lists.example.org"),
           "outer From: %r" % values(m.data, "From"))
    message = email.message_from_bytes(m.data, policy=email.policy.default)
    inner_part = [p for p in message.walk() if p.get_content_type() == "message/rfc822"]
    expect(len(inner_part) == 1, "one message/rfc822 part")
    inner = inner_part[0].get_payload(0).as_bytes(policy=email.policy.SMTP)
    path = os.path.join(env.dir, "inner.eml")
    raw_start = m.data.find(original[:60])
    expect(raw_start > 0, "the original's bytes are inside")
    with open(path, "wb") as f:
        f.write(m.data[raw_start:raw_start + len(original)])
    verdicts = peer_verify(env, path, "reject.example", AUTHOR_SELECTOR)
    expect(verdicts["dkimpy"] == "pass", "the author's signature inside: %r" % verdicts)
    expect(b"this is a post." in inner, "the inner message parses")
    body = "\n".join(text_parts(m.data))
    expect("demo-leave@lists.example.org" in body, "the footer after the wrapped post")


def test_dmarc_wrap_of_an_arc_sealed_post_is_sealed_as_the_next_hop(env):
    """Hardening finding 11, RFC 8617 sections 5.1 and 5.2, RFC 7960
    section 4.1.3.3: a post sealed upstream (i=1, by dkimpy) from a p=reject
    domain, to a list that wraps, was held ("the ARC validation given does
    not belong to this message"). The wrapper now carries the post's ARC
    set and is sealed i=2; dkimpy and Mail::DKIM validate its chain."""
    env.author_domain("reject.example", "v=DMARC1; p=reject")
    env.make_list("demo", ["bob@example.net"], dmarc_mitigation="wrap")
    daemon = env.start()
    post, upstream = sealed_upstream(env, author_post(key=env.author_key,
                                                      sender="alice@reject.example"),
                                     "reject.example")
    daemon.send(upstream, ["demo@" + LIST_DOMAIN], mail_from="alice@reject.example")
    (m,) = env.wait_for(1)
    expect(email.utils.parseaddr(values(m.data, "From")[0])[1] == "demo@lists.example.org",
           "wrapped: the outer From is the list's: %r" % values(m.data, "From"))
    check_list_copy(env, m, "arc=pass", arc_instance=2)
    expect(m.data.find(post[:60]) > 0, "the original is inside")


def test_arc_chain_grows_from_a_peer_seal_through_two_lists(env):
    """RFC 8617 sections 5.1 and 5.2: a post sealed upstream by dkimpy
    (i=1) is validated (arc=pass in our results) and sealed i=2 by one
    list; its copy, posted to a second list, is sealed i=3; dkimpy and
    Mail::DKIM validate both chains."""
    env.make_list("demo", ["bob@example.net"])
    env.make_list("second", ["carol@example.com"])
    daemon = env.start()
    _, upstream = sealed_upstream(env, author_post(key=env.author_key), AUTHOR_DOMAIN)
    expect(upstream.startswith(b"ARC-Seal:"), "dkimpy sealed i=1")
    daemon.send(upstream, ["demo@" + LIST_DOMAIN])
    (first,) = env.wait_for(1)
    check_list_copy(env, first, "dkim=pass", arc_instance=2)
    expect(re.search(r"arc=pass", our_results(first.data)), "the upstream chain passed")
    env.sink.clear()
    daemon.send(first.data, ["second@" + LIST_DOMAIN], mail_from="demo-bounces@" + LIST_DOMAIN)
    (second,) = env.wait_for(1)
    expect(second.recipient == "carol@example.com", "the second list's member")
    names = [n.lower() for n, _ in header_fields(second.data)]
    expect(names.count("arc-seal") == 3, "three seals: %r" % names)
    aar = values(second.data, "ARC-Authentication-Results")[0]
    expect(aar.startswith("i=3; %s;" % AUTHSERV_ID), "AAR i=3: %r" % aar)
    verdicts = arc_verdicts(env, second.data)
    expect(verdicts["dkimpy"].startswith("pass") and verdicts["maildkim"].startswith("pass"),
           "both peers validate the three-hop chain: %r" % verdicts)


def test_arc_off_and_a_failed_chain_are_not_sealed(env):
    """RFC 8617 section 5.1.2: no seal over a chain whose newest seal says
    cv=fail; a list with arc=off never seals. Both still deliver, signed."""
    env.make_list("demo", ["bob@example.net"])
    env.make_list("quiet", ["carol@example.com"], arc="off")
    daemon = env.start()
    daemon.send(author_post(key=env.author_key, to="quiet@" + LIST_DOMAIN),
                ["quiet@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    expect(not values(m.data, "ARC-Seal"), "arc=off: no seal")
    expect(values(m.data, "DKIM-Signature"), "still signed")
    env.sink.clear()
    failed = (b"ARC-Seal: i=1; a=rsa-sha256; cv=fail; d=author.example; s=a2026; t=1; b=AAAA\r\n"
              b"ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=author.example;"
              b" s=a2026; h=from; bh=AAAA; b=AAAA\r\n"
              b"ARC-Authentication-Results: i=1; mx.author.example; dkim=pass\r\n")
    daemon.send(failed + author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    (m,) = env.wait_for(1)
    expect(len(values(m.data, "ARC-Seal")) == 1, "no seal added over cv=fail")
    expect("arc=fail" in our_results(m.data), "arc=fail recorded: %r" % our_results(m.data))
    expect("not sealed: the chain's newest seal says cv=fail" in daemon.text(), "logged")


def test_config_file_with_command_line_overrides(env):
    """listd reads Boost.Program_options' "name = value" file; the command
    line wins over it; a bad option is a clear error with exit 2."""
    env.make_list("demo", ["bob@example.net", "carol@example.com", "dave@example.org"])
    config = os.path.join(env.dir, "listd.conf")
    with open(config, "w") as f:
        f.write("# listd's settings\n"
                "batch-size = 1\n"
                "hostname = from-config.test\n"
                "trusted-authserv-id = mx.example.net\n")
    daemon = env.start("--config", config, "--hostname", "from-command-line.test")
    banner = smtplib.LMTP("127.0.0.1", daemon.port, timeout=10)
    code, text = banner.ehlo()
    banner.quit()
    expect(b"from-command-line.test" in text, "the command line wins: %r" % text)
    daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    env.wait_for(3)
    delivered = [t for t in env.sink.transactions() if t.get("result", "").startswith("250")]
    expect(len(delivered) == 3 and all(len(t["rcpts"]) == 1 for t in delivered),
           "batch-size = 1 from the file: one recipient per transaction: %r" % delivered)
    bad = subprocess.run([programs().listd, "--no-such-option"], capture_output=True, text=True, timeout=30)
    expect(bad.returncode == 2 and "no-such-option" in bad.stderr, "bad option: %r" % bad.stderr)
    missing = subprocess.run([programs().listd, "--config", os.path.join(env.dir, "absent.conf")],
                             capture_output=True, text=True, timeout=30)
    expect(missing.returncode == 2 and "absent.conf" in missing.stderr,
           "unreadable config: %r" % missing.stderr)


def test_reject_notice_goes_only_to_an_authenticated_return_path(env):
    """RFC 3834 section 4: a rejection notice answers the envelope sender,
    never From (the list is no relay), and nothing answers a null return
    path (a bounce). Hardening finding 15: nor an unauthenticated one, since
    spam forges it and the notice would land with the forged address
    (backscatter): that post is discarded (the default of
    unauthenticated_rejection), or held when the list says so. A return
    path whose domain signed the post (aligned DKIM pass) gets its notice."""
    env.make_list("demo", ["bob@example.net"], posting_policy="members-only",
                  nonmember_action="reject")
    daemon = env.start()
    forged = author_post(sign=False, sender="victim@target.example",
                         subject="BUY CHEAP http://spam.example")
    daemon.send(forged, ["demo@" + LIST_DOMAIN], mail_from="attacker@evil.example")
    daemon.send(author_post(sign=False, sender="other@target.example"),
                ["demo@" + LIST_DOMAIN], mail_from="")
    daemon.send(author_post(key=env.author_key, sender="stranger@author.example",
                            subject="signed by its return path's domain"),
                ["demo@" + LIST_DOMAIN], mail_from="stranger@author.example")
    (notice,) = env.wait_for(1)
    expect(notice.recipient == "stranger@author.example", "to the return path: %r" %
           notice.recipient)
    expect(notice.mail_from == "", "the notice's own return path is null")
    wait_until_processed(env, 3)
    expect(len(env.sink.messages()) == 1, "no notice to the forged or the null return path")
    log = daemon.text()
    expect(log.count("action=rejected") == 1, "one rejected with a notice:\n" + log)
    expect(log.count("action=discarded") == 2, "the other two discarded:\n" + log)
    expect("return path <attacker@evil.example> is not authenticated" in log,
           "the log says why there was no notice:\n" + log)
    # Held instead, when the list says so.
    env.listctl("list", "set", "demo@" + LIST_DOMAIN, "unauthenticated_rejection=hold")
    daemon.send(forged, ["demo@" + LIST_DOMAIN], mail_from="attacker@evil.example")
    wait_until_processed(env, 4)
    held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
    expect(len(held) == 1 and "not rejected with a notice" in held[0]["reason"],
           "held with the reason: %r" % held)
    env.wait_for(2, "the owner's held notice")
    expect([m.recipient for m in not_notices(env)] == ["stranger@author.example"],
           "still no notice to the forged return path")


def test_held_owner_mail_cannot_be_approved_to_the_members(env):
    """Mail for -owner held because the list has no owner stays private:
    approving it is refused; discarding it works."""
    env.listctl("list", "create", "demo@" + LIST_DOMAIN, "--name", "Demo list")
    env.listctl("member", "add", "demo@" + LIST_DOMAIN, "bob@example.net")
    daemon = env.start()
    daemon.send(author_post(key=env.author_key, to="demo-owner@" + LIST_DOMAIN),
                ["demo-owner@" + LIST_DOMAIN])
    deadline = time.time() + WAIT
    held = []
    while time.time() < deadline and not held:
        held = json.loads(env.listctl("held", "ls", "demo@" + LIST_DOMAIN, "--json"))
        time.sleep(0.1)
    expect(len(held) == 1 and "owners" in held[0]["reason"], "held: %r" % held)
    proc = subprocess.run([programs().listctl, "held", "approve", str(held[0]["id"]), "--db", env.db,
                           "--dns", env.dns.address], capture_output=True, text=True, timeout=60)
    # 4: a conflict (the hold's state forbids it), listctl --help says so.
    expect(proc.returncode == 4 and "not a post" in proc.stderr, "refused: %r" % proc.stderr)
    env.listctl("held", "discard", str(held[0]["id"]))
    expect(batches_left(env) == 0, "nothing queued")
    expect(env.sink.messages() == [], "nothing went to the members")


def test_held_listing_cannot_drive_the_admins_terminal(env):
    """Control characters from a post (an ESC sequence in Subject) are shown
    escaped by listctl held ls and show, never sent to the terminal."""
    env.make_list("demo", ["bob@example.net"], posting_policy="members-only")
    daemon = env.start()
    daemon.send(author_post(sign=False, sender="stranger@author.example",
                            subject="hi \x1b]2;pwned\x07 there"),
                ["demo@" + LIST_DOMAIN], mail_from="stranger@author.example")
    deadline = time.time() + WAIT
    listing = ""
    while time.time() < deadline and "stranger" not in listing:
        listing = env.listctl("held", "ls", "demo@" + LIST_DOMAIN)
        time.sleep(0.1)
    expect("\x1b" not in listing and "\x07" not in listing, "no raw ESC/BEL: %r" % listing)
    expect("\\x1b]2;pwned\\x07" in listing, "shown escaped: %r" % listing)
    held_id = listing.split()[0]
    shown = env.listctl("held", "show", held_id)
    expect("\x1b" not in shown and "\\x1b" in shown, "show escapes too: %r" % shown)
    raw = env.listctl("held", "show", held_id, "--raw")
    expect("\x1b" in raw, "--raw gives the bytes as held")


def test_start_up_fails_on_a_bad_dns_forwarder_and_orphans_fail_once(env):
    """A --dns listd cannot use stops start-up (exit 2) instead of taking
    posts it could not process; a spooled post whose list was removed is
    marked failed with the reason, once, not retried forever."""
    bad = subprocess.run([programs().listd, "--db", env.db, "--lmtp", "127.0.0.1:0", "--http", "off", "--dns",
                          "not an address", "--deliver", "smtp://" + env.sink.address],
                         capture_output=True, text=True, timeout=30)
    expect(bad.returncode == 2 and "--dns" in bad.stderr, "refused: %r" % bad.stderr)
    env.make_list("gone", ["bob@example.net"], algos=())
    env.listctl("inject", "gone@" + LIST_DOMAIN, stdin=author_post(sign=False))
    env.listctl("list", "rm", "gone@" + LIST_DOMAIN, "--yes")
    env.make_list("live", ["carol@example.com"], algos=())
    daemon = env.start()
    wait_until(lambda: "action=failed" in daemon.text(), "the orphan is marked failed")
    # A later post through the same worker: once it is out, the worker has
    # been round its loop again, and a retry of the orphan would show.
    daemon.send(author_post(sign=False, to="live@" + LIST_DOMAIN), ["live@" + LIST_DOMAIN])
    env.wait_for(1)
    expect(daemon.text().count("action=failed") == 1,
           "failed once, not retried:\n" + daemon.text())
    expect(list(spool_states(env).values())[0][0] == "failed", "state: %r" % spool_states(env))



if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
