#!/usr/bin/python3
"""Joining, leaving and moderating by mail, through a real listd process.

NAME
    subscriptions_e2e_test.py - end-to-end tests of the list's command
    addresses (-join, -leave, -request, -confirm+TOKEN) and of moderation
    by mail.

SYNOPSIS
    subscriptions_e2e_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    As daemon_e2e_test.py: unbound on 127.0.0.1 serves the keys, an SMTP
    sink stands for the smarthost, listd runs on a SQLite store in a temp
    dir, mail arrives through Python's smtplib.LMTP. Every mail listd
    writes (confirmation, welcome, goodbye, command reply, moderator
    notice) is checked by dkimpy and Mail::DKIM as signed by the list.

    Proven here (RFC sections in each test's docstring): double opt-in by
    -join and a reply to the confirmation's Reply-To; subscribe by
    -request under a signature block and "confirm TOKEN" by -request;
    leave by -leave, at once when the From is authenticated and by
    confirmation when not; the moderate policy approved by a moderator's
    reply and refused for a stranger's reply carrying the right token;
    tokens reused, for another list, malformed; bombing (50 requests for
    one address give one confirmation, 200 addresses stop at the hourly
    cap); auto-replies, bounces and bulk mail never answered; held posts
    approved, rejected with a reason (the author gets it) and discarded by
    reply, a second reply to a used token refused; hostile command mail (1
    MB, 1,000 lines, encoded subject, HTML only, CR/LF and quotes in
    address=) answered or refused, nothing crashing.

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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import (LIST_DOMAIN, WAIT, author_post, batches_left, expect,  # noqa: E402
                           peer_verify, store_rows, values)

LIST = "demo@" + LIST_DOMAIN
OWNER = "owner@example.net"


def wait_until(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def to(env, recipient):
    """The sink's copies for `recipient`, oldest first."""
    return [m for m in env.sink.messages() if m.recipient.lower() == recipient.lower()]


def wait_mail(env, recipient, count=1, what=None):
    wait_until(lambda: len(to(env, recipient)) >= count,
               what or "%d mail(s) for %s" % (count, recipient))
    return to(env, recipient)


def settled(env):
    """Every mail processed and every batch delivered."""
    waiting = store_rows(env, "SELECT count(*) FROM spool WHERE state = 'received'")[0][0]
    return waiting == 0 and batches_left(env) == 0


def settle(env):
    wait_until(lambda: settled(env), "the spool and the queue to drain")


def body_text(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def header(data, name):
    found = values(data, name)
    return found[0] if found else ""


def confirm_address(data):
    """The -confirm+TOKEN address a mail from the list asks replies to."""
    reply_to = header(data, "Reply-To")
    m = re.search(r"(demo-confirm\+[A-Za-z0-9_-]+@" + re.escape(LIST_DOMAIN) + ")", reply_to)
    expect(m, "Reply-To names the confirm address: %r" % reply_to)
    return m.group(1)


def token_of(address):
    return address.split("+", 1)[1].split("@", 1)[0]


def check_signed_by_list(env, message, what):
    """dkimpy and Mail::DKIM both pass the list's signature (RFC 6376)."""
    for algo in ("rsa", "ed25519"):
        verdicts = peer_verify(env, message.path, LIST_DOMAIN, "demo-" + algo)
        expect(verdicts == {"dkimpy": "pass", "maildkim": "pass"},
               "%s signed by the list (%s): %r" % (what, algo, verdicts))


def check_auto_mail(data, auto_submitted):
    """RFC 3834 section 5: listd's own mail says it is automatic; RFC 2369:
    it says how to leave."""
    expect(header(data, "Auto-Submitted").lower().startswith(auto_submitted),
           "Auto-Submitted: %s: %r" % (auto_submitted, header(data, "Auto-Submitted")))
    expect("demo-leave@" + LIST_DOMAIN in header(data, "List-Unsubscribe"),
           "List-Unsubscribe names -leave: %r" % header(data, "List-Unsubscribe"))


def mail(sender, to_address, subject="", body="", extra=b"", signed=False, env=None):
    """A message from `sender` (DKIM-signed by its domain when `signed`)."""
    return author_post(subject=subject, body=body, sign=signed, sender=sender,
                       to=to_address, extra_headers=extra,
                       key=env.author_key if env is not None else None)


def members(env):
    out = json.loads(env.listctl("member", "ls", LIST, "--json"))
    return sorted(m["address"] for m in out)


def start(env, **settings):
    env.make_list("demo", [OWNER], **settings)
    return env.start()


# ------------------------------------------------------------------- tests


def test_join_by_mail_confirm_by_reply_then_welcome(env):
    """-join sends a signed confirmation whose Reply-To is -confirm+TOKEN
    (double opt-in); any reply there subscribes and brings a signed welcome
    (RFC 2369 section 3.3, RFC 3834 section 5)."""
    daemon = start(env, subscription_policy="confirm")
    bob = "bob@author.example"
    daemon.send(mail(bob, "demo-join@" + LIST_DOMAIN, "join"), ["demo-join@" + LIST_DOMAIN],
                mail_from=bob)
    (confirmation,) = wait_mail(env, bob)
    check_signed_by_list(env, confirmation, "the confirmation")
    check_auto_mail(confirmation.data, "auto-generated")
    expect(header(confirmation.data, "From").endswith("demo-request@" + LIST_DOMAIN + ">") or
           header(confirmation.data, "From").endswith("demo-request@" + LIST_DOMAIN),
           "from -request: %r" % header(confirmation.data, "From"))
    expect(confirmation.mail_from == "demo-bounces@" + LIST_DOMAIN,
           "envelope sender -bounces: %r" % confirmation.mail_from)
    address = confirm_address(confirmation.data)
    expect(token_of(address) in header(confirmation.data, "Subject"),
           "the subject carries the token for a reply to -request")
    expect(members(env) == [OWNER], "not a member before confirming")
    reply = mail(bob, address, "Re: " + header(confirmation.data, "Subject"),
                 "yes please\r\n\r\n> " + body_text(confirmation.data).replace("\n", "\n> "))
    daemon.send(reply, [address], mail_from=bob)
    (_, welcome) = wait_mail(env, bob, 2)
    check_signed_by_list(env, welcome, "the welcome")
    expect("Welcome" in header(welcome.data, "Subject"), "a welcome: %r" %
           header(welcome.data, "Subject"))
    expect(members(env) == sorted([OWNER, bob]), "bob is a member: %r" % members(env))
    events = [r[0] for r in store_rows(env, "SELECT action FROM events")]
    expect("member.join" in events, "the join is an event")


def test_subscribe_by_request_under_a_signature_then_confirm_by_request(env):
    """-request reads "subscribe" from the body and stops at the signature
    separator (so "leave" below it is not a command); "confirm TOKEN" to
    -request confirms; every command mail gets one reply (RFC 3834
    section 4: to the return path)."""
    daemon = start(env, subscription_policy="confirm")
    carol = "carol@author.example"
    request = "demo-request@" + LIST_DOMAIN
    daemon.send(mail(carol, request, "hello", "subscribe\r\n-- \r\nCarol\r\nleave\r\n"),
                [request], mail_from=carol)
    wait_mail(env, carol, 2, "a reply and a confirmation")
    settle(env)
    mails = to(env, carol)
    expect(len(mails) == 2, "one reply and one confirmation: %d" % len(mails))
    (reply,) = [m for m in mails if "Re: hello" in header(m.data, "Subject")]
    (confirmation,) = [m for m in mails if m is not reply]
    check_auto_mail(reply.data, "auto-replied")
    check_signed_by_list(env, reply, "the command reply")
    text = body_text(reply.data)
    expect("subscribe" in text and "confirmation was sent" in text, "the reply: %r" % text)
    expect("leave" not in text.split("confirmation was sent")[0].lower().replace(
        "demo-leave", ""), "nothing below the signature was read: %r" % text)
    token = token_of(confirm_address(confirmation.data))
    daemon.send(mail(carol, request, "", "confirm " + token + "\r\n"), [request], mail_from=carol)
    wait_until(lambda: carol in members(env), "carol joins")
    wait_mail(env, carol, 4, "a reply and the welcome")


def test_leave_at_once_when_authenticated_else_by_confirmation(env):
    """unsubscription_policy=open: a leave whose From is authenticated
    (DKIM aligned, RFC 7489 section 3.1) leaves at once with a goodbye;
    an unsigned one gets a confirmation to the member instead."""
    daemon = start(env)
    dave, erin = "dave@author.example", "erin@author.example"
    env.listctl("member", "add", LIST, dave, erin)
    leave = "demo-leave@" + LIST_DOMAIN
    daemon.send(mail(dave, leave, "leave", signed=True, env=env), [leave], mail_from=dave)
    (goodbye,) = wait_mail(env, dave)
    check_signed_by_list(env, goodbye, "the goodbye")
    expect(dave not in members(env), "dave left at once")
    daemon.send(mail(erin, leave, "leave"), [leave], mail_from=erin)
    (confirmation,) = wait_mail(env, erin)
    expect(erin in members(env), "erin is still a member until she confirms")
    address = confirm_address(confirmation.data)
    daemon.send(mail(erin, address, "Re: confirm"), [address], mail_from=erin)
    wait_until(lambda: erin not in members(env), "erin leaves")
    wait_mail(env, erin, 2, "erin's goodbye")


def test_leave_for_a_non_member_says_what_a_member_hears(env):
    """No roster probing: an unauthenticated leave for an address that is
    not subscribed gets the same answer as one that is (none: the
    confirmation, if any, goes to the address itself), and sends nothing."""
    daemon = start(env)
    stranger = "stranger@author.example"
    leave = "demo-leave@" + LIST_DOMAIN
    daemon.send(mail(stranger, leave, "leave"), [leave], mail_from=stranger)
    settle(env)
    expect(to(env, stranger) == [], "nothing to a non-member: %r" % to(env, stranger))


def test_moderate_policy_approved_by_a_moderator_refused_for_a_stranger(env):
    """subscription_policy=moderate: moderators get a notice whose reply
    decides; a reply with the right token from someone who is not a
    moderator changes nothing (the From check is defence in depth)."""
    daemon = start(env, subscription_policy="moderate")
    frank = "frank@author.example"
    join = "demo-join@" + LIST_DOMAIN
    daemon.send(mail(frank, join, "join"), [join], mail_from=frank)
    (notice,) = wait_mail(env, OWNER)
    check_signed_by_list(env, notice, "the moderator notice")
    expect(frank in body_text(notice.data), "the notice names frank")
    pending = json.loads(env.listctl("sub", "pending", LIST, "--json"))
    expect([p["address"] for p in pending] == [frank], "frank waits: %r" % pending)
    address = confirm_address(notice.data)
    intruder = "mallory@author.example"
    daemon.send(mail(intruder, address, "Re: request", "approve\r\n"), [address],
                mail_from=intruder)
    (refusal,) = wait_mail(env, intruder)
    expect("moderator" in body_text(refusal.data), "refused: %r" % body_text(refusal.data))
    expect(frank not in members(env), "a stranger's approve does nothing")
    daemon.send(mail(OWNER, address, "Re: request", "Approve\r\n\r\n> frank asks\r\n"), [address],
                mail_from=OWNER)
    wait_until(lambda: frank in members(env), "frank joins")
    welcome = wait_mail(env, frank, 2, "the answer to the join, then the welcome")[-1]
    expect("Welcome" in header(welcome.data, "Subject"), "a welcome")
    check_signed_by_list(env, welcome, "the welcome")
    expect(json.loads(env.listctl("sub", "pending", LIST, "--json")) == [], "none pending")


def test_cli_approves_and_rejects_pending_requests(env):
    """listctl sub pending | approve | reject go through the service the
    mail path uses: approve subscribes and welcomes, reject tells the
    requester the reason."""
    daemon = start(env, subscription_policy="moderate")
    join = "demo-join@" + LIST_DOMAIN
    for who in ("gina@author.example", "hank@author.example"):
        daemon.send(mail(who, join, "join"), [join], mail_from=who)
    wait_until(lambda: len(json.loads(env.listctl("sub", "pending", LIST, "--json"))) == 2,
               "two pending requests")
    pending = {p["address"]: p["id"]
               for p in json.loads(env.listctl("sub", "pending", LIST, "--json"))}
    env.listctl("sub", "approve", str(pending["gina@author.example"]))
    env.listctl("sub", "reject", str(pending["hank@author.example"]), "--reason", "not a team mate")
    expect("gina@author.example" in members(env), "gina joined")
    expect("hank@author.example" not in members(env), "hank did not")
    env.listctl("sub", "approve", str(pending["hank@author.example"]), code=3)
    # hank's -join was answered (waiting for a moderator), then the refusal.
    wait_until(lambda: any("not a team mate" in body_text(m.data)
                           for m in to(env, "hank@author.example")), "hank reads the reason")


def test_tokens_reused_for_another_list_malformed(env):
    """A token confirms once; a second use, another list's token and a
    malformed one are answered with why, and change nothing."""
    daemon = start(env, subscription_policy="confirm")
    env.make_list("other", [OWNER])
    ivy = "ivy@author.example"
    join = "demo-join@" + LIST_DOMAIN
    daemon.send(mail(ivy, join, "join"), [join], mail_from=ivy)
    (confirmation,) = wait_mail(env, ivy)
    address = confirm_address(confirmation.data)
    token = token_of(address)
    # Another list's confirm address with demo's token.
    other = "other-confirm+" + token + "@" + LIST_DOMAIN
    daemon.send(mail(ivy, other, "Re: confirm"), [other], mail_from=ivy)
    (answer,) = wait_mail(env, ivy, 2)[1:]
    expect("another list" in body_text(answer.data), "another list's: %r" % body_text(answer.data))
    expect(ivy not in members(env), "nothing changed")
    daemon.send(mail(ivy, address, "Re: confirm"), [address], mail_from=ivy)
    wait_until(lambda: ivy in members(env), "ivy joins")
    daemon.send(mail(ivy, address, "Re: confirm"), [address], mail_from=ivy)
    wait_until(lambda: any("already used" in body_text(m.data) for m in to(env, ivy)),
               "the second use is refused")
    bad = "demo-confirm+not*a*token@" + LIST_DOMAIN
    replies = daemon.send(mail(ivy, bad, "Re: confirm"), [bad], mail_from=ivy)
    if replies[bad][0] == 250:
        wait_until(lambda: any("not a confirmation token" in body_text(m.data)
                               for m in to(env, ivy)), "the malformed token is answered")


def test_an_expired_token_is_refused_and_changes_nothing(env):
    """pending_request_life bounds a token's life: a reply after it is told
    the token expired and subscribes no one (the daemon's own clock)."""
    daemon = start(env, subscription_policy="confirm", pending_request_life="1s")
    kim = "kim@author.example"
    join = "demo-join@" + LIST_DOMAIN
    daemon.send(mail(kim, join, "join"), [join], mail_from=kim)
    (confirmation,) = wait_mail(env, kim)
    address = confirm_address(confirmation.data)
    time.sleep(2.1)
    daemon.send(mail(kim, address, "Re: confirm"), [address], mail_from=kim)
    (_, answer) = wait_mail(env, kim, 2)
    expect("expired" in body_text(answer.data), "told it expired: %r" % body_text(answer.data))
    expect(kim not in members(env), "not subscribed")


def test_banned_address_cannot_join(env):
    """A banned address (site-wide glob) asking to join gets no
    confirmation and is told it cannot be subscribed."""
    daemon = start(env, subscription_policy="confirm")
    env.listctl("ban", "add", "*@spam.example")
    join = "demo-join@" + LIST_DOMAIN
    daemon.send(mail("eve@spam.example", join, "join"), [join], mail_from="eve@spam.example")
    (reply,) = wait_mail(env, "eve@spam.example")
    expect("cannot be subscribed" in body_text(reply.data), "refused: %r" % body_text(reply.data))
    expect(not header(reply.data, "Subject").startswith("confirm"), "no confirmation")
    settle(env)
    expect(len(to(env, "eve@spam.example")) == 1, "one mail only")


def test_fifty_requests_for_one_address_give_one_confirmation(env):
    """Anti-bombing: one pending request per (list, address, action); a
    repeat within the hour mails nothing."""
    daemon = start(env, subscription_policy="confirm")
    victim = "victim@author.example"
    join = "demo-join@" + LIST_DOMAIN
    for n in range(50):
        daemon.send(mail(victim, join, "join %d" % n), [join], mail_from="attacker@author.example")
    settle(env)
    expect(len(to(env, victim)) == 1, "one confirmation: %d" % len(to(env, victim)))
    repeats = store_rows(env, "SELECT count(*) FROM events WHERE action = 'subscription.repeat'")
    expect(repeats[0][0] == 49, "49 repeats recorded: %r" % repeats)


def test_two_hundred_addresses_stop_at_the_hourly_cap(env):
    """confirmations_per_hour (default 60) caps a list's confirmation
    mails; what was throttled is an event an owner can see."""
    daemon = start(env, subscription_policy="confirm")
    join = "demo-join@" + LIST_DOMAIN
    client = daemon.lmtp()
    try:
        for n in range(200):
            who = "v%03d@author.example" % n
            client.sendmail(who, [join], mail(who, join, "join"))
    finally:
        client.quit()
    settle(env)
    confirmations = [m for m in env.sink.messages() if m.recipient.startswith("v")]
    expect(len(confirmations) == 60, "60 confirmations: %d" % len(confirmations))
    # The owner sees it in the list's log.
    events = json.loads(env.listctl("list", "events", LIST, "--limit", "1000", "--json"))
    throttled = [e for e in events if e["action"] == "subscription.throttled"]
    expect(len(throttled) == 140, "140 throttled events: %d" % len(throttled))
    expect("confirmations_per_hour" in throttled[0]["detail"], "says which cap: %r" % throttled[0])


def test_auto_replies_bounces_and_bulk_mail_are_never_answered(env):
    """RFC 3834 section 2: no answer to a null return path, to
    Auto-Submitted other than no, to Precedence bulk/junk/list, to
    MAILER-DAEMON; each is recorded, nothing is sent."""
    daemon = start(env, subscription_policy="confirm")
    join = "demo-join@" + LIST_DOMAIN
    request = "demo-request@" + LIST_DOMAIN
    cases = [
        (mail("vacation@author.example", join, "Out of office",
              extra=b"Auto-Submitted: auto-replied\r\n"), "vacation@author.example"),
        (mail("bulk@author.example", request, "news", "subscribe\r\n",
              extra=b"Precedence: bulk\r\n"), "bulk@author.example"),
        (mail("MAILER-DAEMON@author.example", request, "failure", "subscribe\r\n"),
         "MAILER-DAEMON@author.example"),
        (mail("nobody@author.example", request, "null", "subscribe\r\n"), ""),
    ]
    for message, envelope in cases:
        daemon.send(message, [request if b"demo-request" in message else join],
                    mail_from=envelope)
    settle(env)
    expect(env.sink.messages() == [], "nothing answered: %r" %
           [m.recipient for m in env.sink.messages()])
    unanswered = store_rows(env, "SELECT count(*) FROM spool WHERE reason LIKE 'not answered%'")
    expect(unanswered[0][0] == 4, "four recorded as not answered: %r" % unanswered)


def test_held_posts_decided_by_reply(env):
    """Moderation by mail: the notice carries the reason, a safe summary
    and the post as message/rfc822; approve sends it to the list, reject
    sends the author the reason, discard drops it; a second reply to a used
    token is refused."""
    daemon = start(env, posting_policy="members-only")
    env.listctl("member", "add", LIST, "member@example.net")
    post = LIST
    notices = []
    for n, who in enumerate(("s1@author.example", "s2@author.example", "s3@author.example")):
        daemon.send(author_post(key=env.author_key, sender=who, subject="held %d" % n), [post],
                    mail_from=who)
        notices = wait_mail(env, OWNER, n + 1)
    by_subject = {}
    for notice in notices:
        check_signed_by_list(env, notice, "the held notice")
        message = email.message_from_bytes(notice.data, policy=email.policy.default)
        attached = [p for p in message.walk() if p.get_content_type() == "message/rfc822"]
        expect(len(attached) == 1, "the post is attached")
        text = body_text(notice.data)
        expect("non-member" in text or "not a member" in text or "member" in text,
               "the reason: %r" % text)
        expect("dkim=pass" in text, "our A-R results are summarised: %r" % text)
        subject = attached[0].get_content()["Subject"]
        by_subject[subject] = confirm_address(notice.data)
    approve, reject, discard = (by_subject["held 0"], by_subject["held 1"], by_subject["held 2"])
    daemon.send(mail(OWNER, approve, "Re: held", "approve\r\n"), [approve], mail_from=OWNER)
    wait_mail(env, "member@example.net", 1, "the approved post")
    daemon.send(mail(OWNER, reject, "Re: held", "reject Off topic here\r\n"), [reject],
                mail_from=OWNER)
    (notice,) = wait_mail(env, "s2@author.example")
    expect("Off topic here" in body_text(notice.data), "the author reads the reason")
    daemon.send(mail(OWNER, discard, "Re: held", "discard\r\n"), [discard], mail_from=OWNER)
    settle(env)
    expect(to(env, "s3@author.example") == [], "discard sends nothing to the author")
    expect(json.loads(env.listctl("held", "ls", LIST, "--json")) == [], "no holds left")
    before = len(to(env, OWNER))
    daemon.send(mail(OWNER, approve, "Re: held", "approve\r\n"), [approve], mail_from=OWNER)
    wait_mail(env, OWNER, before + 1, "the answer to the second reply")
    expect("already used" in body_text(to(env, OWNER)[-1].data), "a used token is refused")
    expect(len(to(env, "member@example.net")) == 1, "the post went out once")


def test_a_reply_without_a_decision_approves_nothing(env):
    """A reply whose first line is not approve/reject/discard gets help and
    decides nothing; the token stays usable."""
    daemon = start(env, posting_policy="members-only")
    daemon.send(author_post(key=env.author_key, sender="s@author.example"), [LIST],
                mail_from="s@author.example")
    (notice,) = wait_mail(env, OWNER)
    address = confirm_address(notice.data)
    daemon.send(mail(OWNER, address, "Re: held", "Looks fine to me\r\n"), [address],
                mail_from=OWNER)
    (_, answer) = wait_mail(env, OWNER, 2)
    expect("nothing was decided" in body_text(answer.data), "help: %r" % body_text(answer.data))
    expect(len(json.loads(env.listctl("held", "ls", LIST, "--json"))) == 1, "still held")
    daemon.send(mail(OWNER, address, "Re: held", "discard\r\n"), [address], mail_from=OWNER)
    wait_until(lambda: json.loads(env.listctl("held", "ls", LIST, "--json")) == [],
               "the token still worked")


def test_hostile_command_mail_is_answered_or_refused(env):
    """Bad input: a 1 MB command mail, 1,000 command lines (10 read), an
    RFC 2047-encoded subject, commands in HTML only, address= with CR/LF
    or quotes: each gets a reply or a refusal, listd keeps running, and no
    header of a reply carries what the attacker wrote."""
    daemon = start(env, subscription_policy="confirm")
    request = "demo-request@" + LIST_DOMAIN
    sender = "jo@author.example"
    big = "help\r\n" + ("x" * 998 + "\r\n") * 1050
    lines = "".join("bogus %d\r\n" % n for n in range(1000))
    html = (b"Content-Type: text/html; charset=utf-8\r\n")
    cases = [
        mail(sender, request, "big", big),
        mail(sender, request, "many", lines),
        mail(sender, request, "=?utf-8?q?subscribe?=", ""),
        mail(sender, request, "html", "<html><body><p>subscribe</p></body></html>\r\n",
             extra=html),
        # RFC 2047 lets a subject carry CR LF (=0D=0A): decoded, it must not
        # make an address (or a header field of the reply).
        mail(sender, request, "=?utf-8?q?subscribe_address=3Dx@y.example=0D=0ABcc:_a@b.example?=",
             ""),
        mail(sender, request, "quote", 'subscribe address="x y"@author.example\r\n'),
    ]
    for message in cases:
        replies = daemon.send(message, [request], mail_from=sender)
        expect(replies[request][0] == 250, "taken: %r" % replies)
    settle(env)
    replies = [m for m in to(env, sender) if header(m.data, "Subject").startswith("Re:")]
    expect(len(replies) == len(cases), "one reply per mail: %d" % len(replies))
    many = [m for m in replies if "Re: many" in header(m.data, "Subject")][0]
    expect(body_text(many.data).count("unknown command") == 10, "ten lines read")
    expect("first 10" in body_text(many.data), "the rest is said to be unread")
    for m in to(env, sender):
        for name in ("To", "Subject", "From", "Reply-To"):
            expect("\n" not in header(m.data, name), "one-line %s" % name)
    expect(daemon.proc.poll() is None, "listd still runs")
    confirmations = [m for m in to(env, sender) if header(m.data, "Subject").startswith("confirm")]
    expect(len(confirmations) == 1, "the encoded and the HTML subscribe share one request: %d"
           % len(confirmations))


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
