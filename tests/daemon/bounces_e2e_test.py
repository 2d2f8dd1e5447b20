#!/usr/bin/python3
"""Bounce processing through a real listd process, over injected days.

NAME
    bounces_e2e_test.py - end-to-end tests of what mail failures and mail
    returned to -bounces do to a list's members.

SYNOPSIS
    bounces_e2e_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    As subscriptions_e2e_test.py: unbound on 127.0.0.1 serves the keys, an
    SMTP sink stands for the smarthost, listd runs on a SQLite store in a
    temp dir, mail arrives through Python's smtplib.LMTP. listd runs with
    --clock-offset-file (daemon/clock.h), so a test moves its clock days
    ahead, and --chores-interval 1, so the warnings, removals and digests
    that wait for time follow within a second. Every mail listd writes
    about bounces is checked by dkimpy (at listd's time) and Mail::DKIM as
    signed by the list.

    Proven here (RFC sections in each test's docstring): a member the
    smarthost refuses with 550 at RCPT and a member whose RFC 3464 DSN
    comes back over LMTP both score one point a day, are disabled at the
    threshold, are warned three times a week apart and removed, with the
    owners told; a delayed DSN and a vacation reply change nothing; an ARF
    complaint unsubscribes without a word to the member; bounces naming no
    member reach the owners' digest, each exactly once, at most one digest
    a day; a reply to a warning, and `enable` by -request, enable delivery
    again; with bounce_probe=on only the probe's own bounce disables.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import email
import email.policy
import json
import os
import re
import sys
import time

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import (AUTHOR_SELECTOR, LIST_DOMAIN, WAIT, author_post,  # noqa: E402
                           batches_left, expect, peer_verify, store_rows, values)

LIST = "demo@" + LIST_DOMAIN
BOUNCES = "demo-bounces@" + LIST_DOMAIN
OWNER = "owner@example.net"
CAROL = "carol@example.net"         # a working address
SAM = "sam@dead.example"            # the smarthost refuses it at RCPT
DORA = "dora@author.example"        # accepted, then a DSN comes back
DAY = 86400
FBL_DOMAIN = "fbl.mailbox.example"


class Clock:
    """The offset listd adds to its clock, in a file it reads again."""

    def __init__(self, env):
        self.path = os.path.join(env.dir, "clock-offset")
        self.offset = 0
        self.set(0)

    def set(self, offset):
        self.offset = offset
        with open(self.path + ".new", "w") as f:
            f.write("%d\n" % offset)
        os.replace(self.path + ".new", self.path)
        time.sleep(0.5)  # listd reads the file again every 200 ms

    def now(self):
        return time.time() + self.offset


def wait_until(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def to(env, recipient):
    return [m for m in env.sink.messages() if m.recipient.lower() == recipient.lower()]


def header(data, name):
    found = values(data, name)
    return found[0] if found else ""


def body_text(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def events(env, action, like=""):
    return [r[0] for r in store_rows(
        env, "SELECT detail FROM events WHERE action = '%s' ORDER BY id" % action)
        if like in r[0]]


def member_rows(env):
    return {m["address"]: m for m in json.loads(env.listctl("member", "ls", LIST, "--json"))}


def settled(env):
    waiting = store_rows(env, "SELECT count(*) FROM spool WHERE state = 'received'")[0][0]
    return waiting == 0 and batches_left(env) == 0


def settle(env):
    wait_until(lambda: settled(env), "the spool and the queue to drain")


def from_list(env, recipient):
    """The mails listd wrote itself (not list posts) to `recipient`."""
    return [m for m in to(env, recipient) if not header(m.data, "Subject").startswith("[")]


def check_signed_by_list(env, message, clock, what):
    """RFC 6376: dkimpy and Mail::DKIM both pass the list's signatures."""
    for algo in ("rsa", "ed25519"):
        verdicts = peer_verify(env, message.path, LIST_DOMAIN, "demo-" + algo, now=clock.now())
        expect(verdicts == {"dkimpy": "pass", "maildkim": "pass"},
               "%s signed by the list (%s): %r" % (what, algo, verdicts))


def dsn(recipient, status="5.1.1", action="failed",
        diagnostic="smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown"):
    """An RFC 3464 delivery status notification for `recipient` (section
    2.3: one per-recipient group), as Postfix writes one, the returned
    message's header attached (RFC 6522 section 3: text/rfc822-headers)."""
    if "%s" in diagnostic:
        diagnostic = diagnostic % recipient
    return ("From: MAILER-DAEMON@mx.gone.example (Mail Delivery System)\r\n"
            "To: " + BOUNCES + "\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Date: Wed, 02 Dec 2026 05:00:00 +0000\r\n"
            "Message-ID: <dsn.%d@mx.gone.example>\r\n"
            "Auto-Submitted: auto-replied\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status;\r\n"
            "  boundary=\"REPORT\"\r\n"
            "\r\n"
            "--REPORT\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n"
            "\r\n"
            "This is the mail system at host mx.gone.example.\r\n"
            "\r\n"
            "I'm sorry to have to inform you that your message could not\r\n"
            "be delivered to one or more recipients.\r\n"
            "\r\n"
            "--REPORT\r\n"
            "Content-Type: message/delivery-status\r\n"
            "\r\n"
            "Reporting-MTA: dns; mx.gone.example\r\n"
            "Arrival-Date: Wed, 02 Dec 2026 04:59:58 +0000\r\n"
            "\r\n"
            "Final-Recipient: rfc822; %s\r\n"
            "Original-Recipient: rfc822;%s\r\n"
            "Action: %s\r\n"
            "Status: %s\r\n"
            "Remote-MTA: dns; mx.gone.example\r\n"
            "Diagnostic-Code: %s\r\n"
            "\r\n"
            "--REPORT\r\n"
            "Content-Type: text/rfc822-headers\r\n"
            "\r\n"
            "From: alice@author.example\r\n"
            "To: " + LIST + "\r\n"
            "List-Id: Demo list <demo." + LIST_DOMAIN + ">\r\n"
            "Subject: [Demo] Hello list\r\n"
            "\r\n"
            "--REPORT--\r\n") % (int(time.time() * 1000), recipient, recipient, action, status,
                                  diagnostic)


def vacation(member):
    """An RFC 3834 auto-reply (section 5: Auto-Submitted: auto-replied)."""
    return ("From: " + member + "\r\n"
            "To: " + BOUNCES + "\r\n"
            "Subject: Out of Office: [Demo] Hello list\r\n"
            "Auto-Submitted: auto-replied\r\n"
            "Date: Wed, 02 Dec 2026 05:00:00 +0000\r\n"
            "Message-ID: <vacation.%d@author.example>\r\n"
            "\r\n"
            "I am away until Monday and will read your mail then.\r\n") % int(time.time() * 1000)


def arf(member):
    """An RFC 5965 feedback report (section 3.1 fields, section 2: the
    returned message as message/rfc822), naming the member in
    Original-Rcpt-To, about a copy carrying our List-Id."""
    return ("From: feedback@" + FBL_DOMAIN + "\r\n"
            "To: " + BOUNCES + "\r\n"
            "Subject: FW: [Demo] Hello list\r\n"
            "Date: Wed, 02 Dec 2026 05:00:00 +0000\r\n"
            "Message-ID: <arf.%d@fbl.mailbox.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=feedback-report;\r\n"
            "  boundary=\"ARF\"\r\n"
            "\r\n"
            "--ARF\r\n"
            "Content-Type: text/plain\r\n"
            "\r\n"
            "This is an email abuse report for an email message received.\r\n"
            "\r\n"
            "--ARF\r\n"
            "Content-Type: message/feedback-report\r\n"
            "\r\n"
            "Feedback-Type: abuse\r\n"
            "User-Agent: MailboxFBL/1.0\r\n"
            "Version: 1\r\n"
            "Original-Mail-From: <" + BOUNCES + ">\r\n"
            "Original-Rcpt-To: <" + member + ">\r\n"
            "Reported-Domain: " + LIST_DOMAIN + "\r\n"
            "\r\n"
            "--ARF\r\n"
            "Content-Type: message/rfc822\r\n"
            "\r\n"
            "From: alice@author.example\r\n"
            "To: " + LIST + "\r\n"
            "List-Id: Demo list <demo." + LIST_DOMAIN + ">\r\n"
            "Subject: [Demo] Hello list\r\n"
            "Message-ID: <post.1@author.example>\r\n"
            "\r\n"
            "Hi all,\r\n"
            "--ARF--\r\n") % int(time.time() * 1000)


def send_bounce(daemon, text, to_address=BOUNCES):
    """A returned mail arrives with the null return path (RFC 5321 section
    4.5.5, RFC 3464 section 2)."""
    replies = daemon.send(text.encode(), [to_address], mail_from="")
    expect(replies[to_address][0] == 250, "the bounce is taken: %r" % replies)


def post(daemon, subject="Hello list"):
    replies = daemon.send(author_post(subject=subject, key=daemon.env.author_key), [LIST])
    expect(replies[LIST][0] == 250, "the post is taken: %r" % replies)


def start(env, clock, *members, **settings):
    env.make_list("demo", [OWNER] + list(members), **settings)
    return env.start("--clock-offset-file", clock.path, "--chores-interval", "1")


# ------------------------------------------------------------------- tests


def test_dead_addresses_are_scored_disabled_warned_and_removed(env):
    """A member the smarthost refuses with 550 at RCPT (RFC 5321 section
    4.2.2) and one whose RFC 3464 DSN comes back over LMTP each score once
    a day (bounce_score_threshold 5.0, Mailman's default), are disabled on
    the fifth day, warned on disabling and a week and two weeks later
    (bounce_you_are_disabled_warnings 3, ..._interval 7 days), then
    removed a week after the last warning; the owners are told of each
    disabling and removal; every such mail at the sink is signed by the
    list, and a disabled member gets no posts."""
    clock = Clock(env)
    env.sink.set_control({"reject_rcpt": {SAM: "550 5.1.1 <%s>: no such user" % SAM}})
    daemon = start(env, clock, CAROL, SAM, DORA)
    for day in range(5):
        clock.set(day * DAY + 600)
        post(daemon, "Day %d" % day)
        wait_until(lambda: len(events(env, "bounce.score", SAM)) == day + 1,
                   "sam's refusal scored on day %d" % day)
        wait_until(lambda: len([m for m in to(env, DORA)
                                if header(m.data, "Subject").startswith("[")]) == day + 1,
                   "dora's copy of day %d" % day)
        send_bounce(daemon, dsn(DORA))
        wait_until(lambda: len(events(env, "bounce.score", DORA)) == day + 1,
                   "dora's DSN scored on day %d" % day)
        # RFC 3464 says nothing of counting: a second report of the day adds nothing.
        if day == 0:
            send_bounce(daemon, dsn(DORA))
            wait_until(lambda: len(events(env, "bounce.same_day", DORA)) == 1, "the repeat")
        rows = member_rows(env)
        expect(rows[SAM]["bounce_score"] == day + 1 and rows[DORA]["bounce_score"] == day + 1,
               "one point a day: %r" % rows)
    wait_until(lambda: all(member_rows(env)[a]["delivery"] == "disabled-by-bounce"
                           for a in (SAM, DORA)), "both disabled")
    expect(member_rows(env)[CAROL]["delivery"] == "enabled", "carol is untouched")
    wait_until(lambda: len(from_list(env, DORA)) == 1, "dora's first warning")
    wait_until(lambda: len(events(env, "bounce.warning", SAM)) == 1, "sam's first warning")
    (warning,) = from_list(env, DORA)
    check_signed_by_list(env, warning, clock, "the first warning")
    text = body_text(warning.data)
    expect("warning 1 of 3" in text and "demo-confirm+" in text and '"enable"' in text,
           "the warning says how to re-enable: %r" % text)
    expect(warning.mail_from == BOUNCES, "from -bounces: %r" % warning.mail_from)
    wait_until(lambda: len([m for m in from_list(env, OWNER)
                            if "is disabled" in header(m.data, "Subject")]) == 2,
               "the owners told of both")
    for notice in from_list(env, OWNER):
        check_signed_by_list(env, notice, clock, "the owner's notice")
    # Disabled: the next post reaches carol, not dora.
    post(daemon, "While disabled")
    wait_until(lambda: any("While disabled" in header(m.data, "Subject")
                           for m in to(env, CAROL)), "carol's copy")
    settle(env)
    expect(not any("While disabled" in header(m.data, "Subject") for m in to(env, DORA)),
           "no post for a disabled member")

    listed = {b["address"]: b for b in json.loads(env.listctl("bounce", "ls", LIST, "--json"))}
    expect(sorted(listed) == sorted([SAM, DORA]), "bounce ls shows the two: %r" % sorted(listed))
    expect(all(listed[a]["warnings_sent"] == 1 and listed[a]["owners_told"] and
               listed[a]["delivery"] == "disabled-by-bounce" for a in (SAM, DORA)),
           "their state: %r" % listed)
    expect("5.1.1" in listed[DORA]["last_failure"], "the last failure: %r" % listed[DORA])

    for week in (1, 2):
        clock.set(4 * DAY + 600 + week * 7 * DAY + 60)
        wait_until(lambda: len(from_list(env, DORA)) == week + 1, "warning %d" % (week + 1))
        wait_until(lambda: len(events(env, "bounce.warning", SAM)) == week + 1,
                   "sam's warning %d" % (week + 1))
        latest = from_list(env, DORA)[-1]
        check_signed_by_list(env, latest, clock, "warning %d" % (week + 1))
        expect("warning %d of 3" % (week + 1) in body_text(latest.data), "numbered")
    time.sleep(2)
    expect(len(from_list(env, DORA)) == 3, "no warning before its week")
    expect(DORA in member_rows(env), "not removed before the last week is out")

    clock.set(4 * DAY + 600 + 21 * DAY + 120)
    wait_until(lambda: DORA not in member_rows(env) and SAM not in member_rows(env),
               "both removed")
    wait_until(lambda: len(from_list(env, DORA)) == 4, "dora's goodbye")
    goodbye = from_list(env, DORA)[-1]
    expect("removed" in header(goodbye.data, "Subject"), "a goodbye: %r" %
           header(goodbye.data, "Subject"))
    check_signed_by_list(env, goodbye, clock, "the goodbye")
    expect(goodbye.mail_from == "", "the goodbye to a dead address comes from <> (RFC 5321 "
           "section 4.5.5), so its bounce returns to no one: %r" % goodbye.mail_from)
    wait_until(lambda: len([m for m in from_list(env, OWNER)
                            if "was removed" in header(m.data, "Subject")]) == 2,
               "the owners told of both removals")
    expect(sorted(member_rows(env)) == sorted([OWNER, CAROL]), "carol stays: %r" %
           sorted(member_rows(env)))
    expect(len(events(env, "bounce.remove")) == 2, "two removals")


def test_a_delay_and_a_vacation_reply_change_nothing(env):
    """RFC 3464 section 2.3.3 (Action: delayed, status 4.x.x, RFC 3463
    section 3.1) and RFC 3834 section 5 (an auto-reply): neither is a
    failure, whether it comes to the VERP address or to plain -bounces."""
    clock = Clock(env)
    daemon = start(env, clock, DORA)
    verp = "demo-bounces+dora=author.example@" + LIST_DOMAIN
    send_bounce(daemon, dsn(DORA, status="4.4.7", action="delayed",
                            diagnostic="smtp; 451 4.4.7 try again later"))
    send_bounce(daemon, dsn(DORA, status="4.2.2", action="delayed",
                            diagnostic="smtp; 452 4.2.2 mailbox full"), to_address=verp)
    send_bounce(daemon, vacation(DORA))
    send_bounce(daemon, vacation(DORA), to_address=verp)
    settle(env)
    wait_until(lambda: len(events(env, "bounce.ignored")) == 4, "four ignored")
    row = member_rows(env)[DORA]
    expect(row["bounce_score"] == 0 and row["delivery"] == "enabled", "unchanged: %r" % row)
    expect(store_rows(env, "SELECT count(*) FROM bounce_info")[0][0] == 0, "no bounce state")
    expect(events(env, "bounce.score") == [], "nothing scored")
    expect(to(env, DORA) == [], "nobody was answered")


def signed_by_feedback_loop(env, text):
    """`text` DKIM-signed by its From domain, as a feedback loop signs its
    reports (RFC 6376; the key is the test's author key, published for
    fbl.mailbox.example)."""
    env.author_domain(FBL_DOMAIN)
    with open(env.author_key, "rb") as f:
        pem = f.read()
    data = text.encode()
    signature = dkim.sign(data, AUTHOR_SELECTOR.encode(), FBL_DOMAIN.encode(), pem,
                          canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                           b"content-type", b"mime-version"])
    return (signature + data).decode()


def test_an_arf_complaint_unsubscribes_without_a_word(env):
    """RFC 5965: a feedback report about our copy (its List-Id ours, the
    member in Original-Rcpt-To), signed by the feedback loop's domain,
    unsubscribes the member under complaint_action=unsubscribe, the
    default; the member is not mailed."""
    clock = Clock(env)
    daemon = start(env, clock, CAROL, DORA)
    send_bounce(daemon, signed_by_feedback_loop(env, arf(DORA)))
    wait_until(lambda: DORA not in member_rows(env), "dora unsubscribed")
    settle(env)
    time.sleep(1.5)  # a chores run, too
    expect(to(env, DORA) == [], "the member is never mailed about a complaint")
    expect(len(events(env, "complaint.unsubscribe", DORA)) == 1, "the event says why")
    expect(CAROL in member_rows(env), "carol stays")


def test_a_forged_complaint_unsubscribes_no_one(env):
    """An unsigned feedback report (anyone can write one naming any
    member) changes no subscription: it goes to the owners' digest, saying
    it was not acted on."""
    clock = Clock(env)
    daemon = start(env, clock, CAROL)
    send_bounce(daemon, arf(CAROL))
    wait_until(lambda: len(from_list(env, OWNER)) == 1, "the digest")
    expect(CAROL in member_rows(env), "carol stays subscribed")
    expect(member_rows(env)[CAROL]["delivery"] == "enabled", "and enabled")
    expect("not authenticated" in body_text(from_list(env, OWNER)[0].data),
           "the digest says why: %r" % body_text(from_list(env, OWNER)[0].data))
    expect(to(env, CAROL) == [], "carol is not mailed")


def test_bounces_for_non_members_reach_the_owners_digest_once(env):
    """A DSN naming no member is kept for the owners (forward_unrecognized_
    bounces=on): the first digest holds it, a second bounce the same day
    waits for the next day's digest, and each appears in exactly one."""
    clock = Clock(env)
    daemon = start(env, clock, CAROL)
    send_bounce(daemon, dsn("stranger@nowhere.example"))
    wait_until(lambda: len(from_list(env, OWNER)) == 1, "the first digest")
    (first,) = from_list(env, OWNER)
    check_signed_by_list(env, first, clock, "the digest")
    expect("stranger@nowhere.example" in body_text(first.data), "names the bounce: %r" %
           body_text(first.data))
    send_bounce(daemon, dsn("other@nowhere.example"))
    settle(env)
    time.sleep(3)
    expect(len(from_list(env, OWNER)) == 1, "one digest a day")
    clock.set(DAY + 60)
    wait_until(lambda: len(from_list(env, OWNER)) == 2, "the next day's digest")
    second = from_list(env, OWNER)[1]
    expect("other@nowhere.example" in body_text(second.data) and
           "stranger@nowhere.example" not in body_text(second.data),
           "each bounce in one digest: %r" % body_text(second.data))
    expect(member_rows(env)[CAROL]["bounce_score"] == 0, "no member scored")


def test_a_reply_to_the_warning_enables_delivery_again(env):
    """The warning's -confirm+TOKEN address: any reply there enables the
    member again, score 0 (Mailman's re-enable by confirmation)."""
    clock = Clock(env)
    daemon = start(env, clock, DORA, bounce_score_threshold="1")
    send_bounce(daemon, dsn(DORA))
    wait_until(lambda: len(from_list(env, DORA)) == 1, "the warning")
    (warning,) = from_list(env, DORA)
    m = re.search(r"(demo-confirm\+[A-Za-z0-9_-]+@" + re.escape(LIST_DOMAIN) + ")",
                  body_text(warning.data))
    expect(m, "a confirm address in the warning")
    reply = author_post(subject="Re: " + header(warning.data, "Subject"), body="yes\r\n",
                        sign=False, sender=DORA, to=m.group(1))
    daemon.send(reply, [m.group(1)], mail_from=DORA)
    wait_until(lambda: member_rows(env)[DORA]["delivery"] == "enabled", "enabled again")
    expect(member_rows(env)[DORA]["bounce_score"] == 0, "score 0")
    expect(len(events(env, "member.enable", DORA)) == 1, "an event")
    post(daemon, "Back again")
    wait_until(lambda: any("Back again" in header(x.data, "Subject") for x in to(env, DORA)),
               "dora gets posts again")


def test_enable_by_request_from_an_authenticated_address(env):
    """`enable` by -request with a From DKIM-signed by its own domain (RFC
    7489 section 3.1 alignment) enables at once; the same command unsigned
    only sends a confirmation to the member."""
    clock = Clock(env)
    daemon = start(env, clock, DORA, bounce_score_threshold="1",
                   bounce_you_are_disabled_warnings="0")
    env.listctl("member", "set", LIST, DORA, "delivery=disabled-by-bounce")
    request = "demo-request@" + LIST_DOMAIN
    daemon.send(author_post(subject="enable", body="", sign=False, sender=DORA, to=request),
                [request], mail_from=DORA)
    wait_until(lambda: len(events(env, "member.enable_requested", DORA)) == 1, "a confirmation")
    expect(member_rows(env)[DORA]["delivery"] == "disabled-by-bounce", "not enabled unsigned")
    daemon.send(author_post(subject="enable", body="", sign=True, sender=DORA, to=request,
                            key=env.author_key), [request], mail_from=DORA)
    wait_until(lambda: member_rows(env)[DORA]["delivery"] == "enabled", "enabled by -request")


def test_with_bounce_probe_only_the_probe_bounce_disables(env):
    """bounce_probe=on: at the threshold a probe goes out from the envelope
    demo-bounces+probe.TOKEN@; the member stays enabled until that probe
    itself bounces (Mailman's VERP probe)."""
    clock = Clock(env)
    daemon = start(env, clock, DORA, bounce_score_threshold="1", bounce_probe="on")
    send_bounce(daemon, dsn(DORA))
    wait_until(lambda: len(from_list(env, DORA)) == 1, "the probe")
    (probe,) = from_list(env, DORA)
    expect(re.match(r"demo-bounces\+probe\.[A-Za-z0-9_-]{22}@", probe.mail_from),
           "the probe's envelope: %r" % probe.mail_from)
    check_signed_by_list(env, probe, clock, "the probe")
    expect(member_rows(env)[DORA]["delivery"] == "enabled", "still enabled")
    send_bounce(daemon, dsn(DORA), to_address=probe.mail_from)
    wait_until(lambda: member_rows(env)[DORA]["delivery"] == "disabled-by-bounce",
               "the probe's bounce disables")


def test_hostile_bounces_are_read_or_refused_and_score_no_one_by_mistake(env):
    """Bad input (RFC 3464 section 2 read strictly): a DSN with 10,000
    recipient groups, a 20 MB bounce, broken MIME, a report with no
    per-recipient fields, and addresses carrying CR/LF (encoded or
    smuggled into the field) are each taken and recorded or refused with a
    reason; listd keeps running and only the member a well-formed group
    names is scored."""
    clock = Clock(env)
    daemon = start(env, clock, CAROL, DORA)
    groups = "".join("Final-Recipient: rfc822; user%d@nowhere.example\r\n"
                     "Action: failed\r\nStatus: 5.1.1\r\n\r\n" % n for n in range(10000))
    # Dora's own group first: past kMaxBounceRecipients (1,000) the parser
    # keeps no more, and says the report was truncated.
    many = dsn(DORA).replace("Remote-MTA: dns; mx.gone.example\r\nDiagnostic-Code",
                             "Diagnostic-Code", 1).replace(
        "--REPORT\r\nContent-Type: text/rfc822-headers", groups +
        "--REPORT\r\nContent-Type: text/rfc822-headers", 1)
    big = dsn("stranger@nowhere.example").replace(
        "--REPORT--", "--REPORT\r\nContent-Type: text/plain\r\n\r\n" +
        ("x" * 76 + "\r\n") * (20 * 1024 * 1024 // 78) + "--REPORT--")
    broken = dsn(CAROL).replace('boundary="REPORT"', 'boundary="NOT-THERE"')
    no_groups = re.sub(r"Final-Recipient:.*?\r\n\r\n", "", dsn(CAROL), flags=re.S)
    # Both recipient fields of the group carry the hostile form, and the
    # diagnostic names no address: nothing well-formed names carol.
    def hostile(form):
        text = dsn(CAROL, diagnostic="smtp; 550 5.1.1 User unknown")
        return text.replace("rfc822; " + CAROL, "rfc822; " + form).replace(
            "rfc822;" + CAROL, "rfc822;" + form)
    encoded = hostile("=?utf-8?q?" + CAROL.replace("@", "=40") + "=0D=0ABcc:_x@y.example?=")
    # A bare CR inside the address: the LMTP side makes it a line break
    # (RFC 5321 section 2.3.8), which leaves "carol@exam", no member.
    smuggled = hostile(CAROL.replace("example", "exam\rple"))
    for text in (many, big, broken, no_groups, encoded, smuggled):
        send_bounce(daemon, text)
    settle(env)
    expect(daemon.proc.poll() is None, "listd still runs")
    # The returned mails' own rows (the owners' digest, once the chores
    # run, has a spool row of its own).
    states = [r[0] for r in store_rows(
        env, "SELECT state FROM spool WHERE recipient = '%s' ORDER BY id" % BOUNCES)]
    expect(states == ["processed"] * 6, "every bounce recorded: %r" % states)
    rows = member_rows(env)
    expect(rows[DORA]["bounce_score"] == 1, "the one well-formed member group scored: %r" % rows)
    expect(rows[CAROL]["bounce_score"] == 0, "carol never scored by mistake: %r" % rows)
    expect(to(env, CAROL) == [] and to(env, DORA) == [], "no bounce is answered")


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
