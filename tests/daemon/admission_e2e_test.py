#!/usr/bin/python3
"""Admission on authenticated identity through a real listd process.

NAME
    admission_e2e_test.py - end-to-end tests of posting_auth=aligned, bans
    and moderated members: LMTP in, the daemon's own DKIM verification and
    Authentication-Results, admission, delivery to an SMTP sink.

SYNOPSIS
    admission_e2e_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    Everything runs for real on 127.0.0.1 (tests/support/listd_harness.py,
    as daemon_e2e_test.py uses it): unbound serves the authors' and the
    list's keys, an SMTP sink stands for the smarthost, listd runs on a
    SQLite store in a temp dir, posts arrive over Python's smtplib.LMTP and
    authors sign with dkimpy.

    Proven here: on a new members-only list (posting_auth=aligned, the
    default for new lists) a member's post DKIM-signed by the member's own
    domain is delivered; the same From unsigned is held, and so is one
    signed only by another domain, each with the reason naming the check
    that failed; a list ban (even on a properly signed post) and a
    site-wide domain ban discard the post; a moderated member's signed post
    is held; and posting_auth=from, set by an admin, admits the unsigned
    member's post as before.

OUTPUT
    One line per test (ok or FAIL with why), then `N passed, M failed`
    alone on the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import (AUTHSERV_ID, LIST_DOMAIN, WAIT, author_post, expect,  # noqa: E402
                           spool_states, values)

LIST = "demo@" + LIST_DOMAIN


def wait_processed(env, count):
    """Waits until `count` posts are in the spool and none waits; returns
    {post id: (state, reason)}."""
    deadline = time.time() + WAIT
    states = {}
    while time.time() < deadline:
        states = spool_states(env)
        if len(states) >= count and all(s != "received" for s, _ in states.values()):
            return states
        time.sleep(0.1)
    raise AssertionError("posts not processed: %r" % states)


def held_reasons(env):
    """{subject: reason} of the list's held posts."""
    return {h["subject"]: h["reason"]
            for h in json.loads(env.listctl("held", "ls", LIST, "--json"))}


def test_aligned_signed_member_delivered_unsigned_held_banned_discarded(env):
    """RFC 7489 section 3.1.1 (relaxed alignment of d= with the From
    domain), RFC 6376 section 6.1 (what a pass is), RFC 8601 section 2.7.1
    (header.d in our Authentication-Results, which admission reads rather
    than verifying again)."""
    env.author_domain("example.net")
    env.author_domain("other.example")
    env.author_domain("spam.example")
    env.make_list("demo", ["alice@author.example", "bob@example.net"],
                  posting_policy="members-only")
    env.listctl("ban", "add", "troll@author.example", "--list", LIST, "--reason", "flames")
    env.listctl("ban", "add", "*@spam.example")
    env.listctl("member", "add", LIST, "troll@author.example")  # a banned member stays banned
    env.listctl("member", "set", LIST, "bob@example.net", "moderated=yes")
    daemon = env.start()

    def post(subject, sender, sign=True):
        daemon.send(author_post(key=env.author_key, sender=sender, subject=subject, sign=sign),
                    [LIST], mail_from=sender)

    post("signed", "alice@author.example")
    post("unsigned", "alice@author.example", sign=False)
    # Signed by other.example, then given alice's From: the signature is
    # another domain's (and no longer verifies); nothing aligned with
    # author.example.
    forged = author_post(key=env.author_key, sender="alice@other.example", subject="other domain")
    forged = forged.replace(b"From: Alice <alice@other.example>",
                            b"From: Alice <alice@author.example>")
    daemon.send(forged, [LIST], mail_from="alice@other.example")
    post("banned on the list", "troll@author.example")
    post("banned site-wide", "x@spam.example")
    post("moderated", "bob@example.net")
    states = wait_processed(env, 6)

    # Three copies, and the owner's notices of the three holds.
    everything = env.wait_for(6)
    notices = [m for m in everything
               if values(m.data, "Subject")[0].startswith("Held for moderation on ")]
    expect(sorted(m.recipient for m in notices) == ["alice@author.example"] * 3,
           "the owner is told of each hold: %r" % [m.recipient for m in notices])
    messages = [m for m in everything if m not in notices]
    subjects = sorted(values(m.data, "Subject")[0] for m in messages)
    expect(subjects == ["[demo] signed"] * len(messages),
           "only the signed member post went out: %r" % subjects)
    expect(sorted(m.recipient for m in messages) ==
           ["alice@author.example", "bob@example.net", "troll@author.example"],
           "one copy for each member: %r" % [m.recipient for m in messages])
    for m in messages:
        ours = [v for v in values(m.data, "Authentication-Results") if v.startswith(AUTHSERV_ID)]
        expect(any("dkim=pass" in v and "header.d=author.example" in v for v in ours),
               "our A-R says dkim=pass for author.example: %r" % ours)

    held = held_reasons(env)
    expect(set(held) == {"unsigned", "other domain", "moderated"}, "held: %r" % held)
    expect("From domain author.example not authenticated: the post has no DKIM signature"
           in held["unsigned"], "unsigned reason: %r" % held["unsigned"])
    expect("no signature aligned with author.example: d=other.example" in held["other domain"],
           "other-domain reason: %r" % held["other domain"])
    expect("member's posts are moderated" in held["moderated"],
           "moderated reason: %r" % held["moderated"])

    discarded = sorted(reason for state, reason in states.values() if state == "discarded")
    expect(len(discarded) == 2, "two discarded: %r" % states)
    expect(any("banned on this list (troll@author.example: flames)" in r for r in discarded),
           "the list ban: %r" % discarded)
    expect(any("banned site-wide (*@spam.example)" in r for r in discarded),
           "the site ban: %r" % discarded)
    log = daemon.text()
    expect("action=discarded" in log, "the discards are logged:\n" + log[-2000:])


def test_posting_auth_from_admits_the_unsigned_member_as_before(env):
    """posting_auth=from: the From alone makes a member's post (RFC 6377
    section 5.6's usual check), as before admission looked at DKIM."""
    env.make_list("demo", ["alice@author.example", "bob@example.net"],
                  posting_policy="members-only", posting_auth="from")
    daemon = env.start()
    daemon.send(author_post(sign=False, subject="unsigned"), [LIST])
    messages = env.wait_for(2)
    expect(sorted(values(m.data, "Subject")[0] for m in messages) == ["[demo] unsigned"] * 2,
           "delivered: %r" % [values(m.data, "Subject") for m in messages])


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
