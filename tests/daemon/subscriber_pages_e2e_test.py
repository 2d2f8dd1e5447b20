#!/usr/bin/python3
"""The public subscriber pages served by a real listd process (issue 13,
"Subscriber pages"; issue 14's one-click token).

NAME
    subscriber_pages_e2e_test.py - end-to-end tests of /lists, a list's
    info page, the subscribe and unsubscribe-request forms, the confirm
    page, the RFC 8058 one-click URL and the preferences page.

SYNOPSIS
    subscriber_pages_e2e_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    As web_e2e_test.py: listd runs on a SQLite store in a temp dir with
    --http 127.0.0.1:0, the SMTP sink stands for the smarthost and receives
    the confirmation mail, whose link (BASE/confirm/TOKEN, BASE the web
    face's URL) the test follows as a person would, with urllib and a
    cookie jar. Proven:

    - only advertised lists are shown; an unadvertised list's info page is
      the same 404 as an unknown list's;
    - subscribe: form -> confirmation mail -> confirm page (GET changes
      nothing) -> its button (POST) -> member, and the welcome links to
      the member's unsubscribe and preferences pages;
    - the same answer page, and the same confirmation mail, whether or not
      the address is already a member (no roster probing);
    - a form posted sooner than its minimum age is refused (403), and
      nothing is mailed;
    - one client's confirmations are capped (429 past the cap), as the
      mail path's caps are;
    - GET of a confirm or unsubscribe link changes nothing, however often;
    - RFC 8058 section 3.1: POST List-Unsubscribe=One-Click to the URL
      listctl member unsubscribe-url prints, with no cookie, unsubscribes;
      a tampered token, another member's and another list's change nothing;
    - the preferences page turns delivery off.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import email
import email.policy
import html
import http.cookiejar
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import LIST_DOMAIN, WAIT, expect, store_rows  # noqa: E402

OWNER = "owner@example.net"
MIN_AGE = 3  # web/subscriber_pages.h kRequestMinAge
PER_CLIENT = 10  # SubscriptionLimits::per_client_per_hour


class Browser:
    """urllib with a cookie jar of its own: one person's browser."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def fetch(self, path, fields=None, body=None, headers=None):
        data = body
        if fields is not None:
            data = urllib.parse.urlencode(fields).encode()
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def post_without_cookies(url, body):
    """A mail provider's one-click POST: no cookie, no form token."""
    request = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def form_token(page, form_id):
    """The form_token of the form with id `form_id` on `page`."""
    m = re.search(r'<form[^>]*id="%s".*?name="form_token" value="([^"]+)"' % form_id, page,
                  re.DOTALL)
    expect(m, "form %s with a form_token on the page:\n%s" % (form_id, page))
    return html.unescape(m.group(1))


def answer_of(page):
    m = re.search(r'<p id="answer"[^>]*>(.*?)</p>', page, re.DOTALL)
    expect(m, "an answer on the page:\n%s" % page)
    return html.unescape(m.group(1))


def wait_until(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def mails_to(env, recipient):
    return [m for m in env.sink.messages() if m.recipient.lower() == recipient.lower()]


def text_of(message):
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    return parsed.get_body(preferencelist=("plain",)).get_content()


def wait_mail(env, recipient, count=1):
    wait_until(lambda: len(mails_to(env, recipient)) >= count,
               "%d mail(s) for %s" % (count, recipient))
    return [text_of(m) for m in mails_to(env, recipient)]


def is_member(env, list_address, address):
    local, domain = list_address.split("@")
    rows = store_rows(env, "SELECT count(*) FROM members m JOIN lists l ON l.id = m.list_id "
                           "WHERE l.local_part = '%s' AND l.domain = '%s' "
                           "AND lower(m.local_part || '@' || m.domain) = lower('%s')"
                      % (local, domain, address))
    return rows[0][0] == 1


def state(env):
    """What a GET must never change."""
    return (store_rows(env, "SELECT id, list_id, local_part, domain, delivery FROM members "
                            "ORDER BY id"),
            store_rows(env, "SELECT id, state FROM requests ORDER BY id"),
            store_rows(env, "SELECT id, used_at FROM tokens ORDER BY id"))


def advertised_list(env, local="demo", members=(OWNER,)):
    address = env.make_list(local, list(members), algos=("ed25519",))
    env.listctl("list", "set", address, "advertised=on", "description=A list <for> tests")
    return address


def subscribe(browser, list_address, address, wait=True, form="subscribe-form"):
    status, page = browser.fetch("/lists/" + list_address)
    expect(status == 200, "info page: %d" % status)
    token = form_token(page, form)
    if wait:
        time.sleep(MIN_AGE + 0.2)
    action = "subscribe" if form == "subscribe-form" else "unsubscribe"
    return browser.fetch("/lists/%s/%s" % (list_address, action),
                         {"address": address, "form_token": token})


def confirm_link(text, base):
    m = re.search(re.escape(base) + r"/confirm/([A-Za-z0-9_-]+)", text)
    expect(m, "a confirm link in the mail:\n" + text)
    return m.group(0)


def test_only_advertised_lists_are_shown(env):
    shown = advertised_list(env)
    hidden = env.make_list("hidden", [OWNER], algos=())
    listd = env.start()
    browser = Browser(listd.web_url)
    status, page = browser.fetch("/lists")
    expect(status == 200 and shown in page and hidden not in page, "lists: %d %s" % (status, page))
    expect("A list &lt;for&gt; tests" in page, "description escaped: %s" % page)
    status_hidden, hidden_page = browser.fetch("/lists/" + hidden)
    status_unknown, unknown_page = browser.fetch("/lists/nobody@" + LIST_DOMAIN)
    expect(status_hidden == 404 and status_unknown == 404,
           "404s: %d %d" % (status_hidden, status_unknown))
    expect(hidden_page == unknown_page, "the same 404 for hidden and unknown")


def test_subscribe_confirm_page_and_button(env):
    list_address = advertised_list(env)
    listd = env.start()
    browser = Browser(listd.web_url)
    status, page = subscribe(browser, list_address, "ann@example.org")
    expect(status == 200, "subscribe: %d %s" % (status, page))
    expect("confirmation was sent to ann@example.org" in answer_of(page), answer_of(page))
    (text,) = wait_mail(env, "ann@example.org")
    link = confirm_link(text, listd.web_url)
    expect(not is_member(env, list_address, "ann@example.org"), "not a member before confirming")
    # Following the link, twice, as a scanner would: nothing changes.
    before = state(env)
    for _ in range(2):
        status, confirm_page = browser.fetch(link)
        expect(status == 200 and 'id="confirm-submit"' in confirm_page,
               "confirm page: %d %s" % (status, confirm_page))
    expect(state(env) == before, "GET of the confirm link changed the store")
    expect("ann@example.org" in confirm_page and list_address in confirm_page, "what is confirmed")
    status, done = browser.fetch(link, {"form_token": form_token(confirm_page, "confirm-form")})
    expect(status == 200, "confirm POST: %d %s" % (status, done))
    expect(is_member(env, list_address, "ann@example.org"), "a member after the button")
    texts = wait_mail(env, "ann@example.org", 2)
    welcome = [t for t in texts if "is now subscribed" in t]
    expect(welcome, "a welcome: %r" % texts)
    expect(listd.web_url + "/u/" in welcome[0] and listd.web_url + "/preferences/" in welcome[0],
           "the welcome links to the member's pages:\n" + welcome[0])
    # The same link again does nothing more.
    status, again = browser.fetch(link, {"form_token": form_token(confirm_page, "confirm-form")})
    expect(status == 404, "a used link: %d" % status)


def test_the_same_answer_whether_or_not_a_member(env):
    list_address = advertised_list(env)
    listd = env.start()
    browser = Browser(listd.web_url)
    status_member, member_page = subscribe(browser, list_address, OWNER)
    status_new, new_page = subscribe(browser, list_address, "new@example.org")
    expect(status_member == status_new == 200, "%d %d" % (status_member, status_new))
    expect(answer_of(member_page).replace(OWNER, "X") ==
           answer_of(new_page).replace("new@example.org", "X"),
           "answers differ: %r / %r" % (answer_of(member_page), answer_of(new_page)))
    wait_mail(env, OWNER)
    wait_mail(env, "new@example.org")


def test_a_form_posted_too_fast_is_refused(env):
    list_address = advertised_list(env)
    listd = env.start()
    browser = Browser(listd.web_url)
    status, page = subscribe(browser, list_address, "fast@example.org", wait=False)
    expect(status == 403, "too fast: %d %s" % (status, page))
    time.sleep(1)
    expect(not mails_to(env, "fast@example.org"), "nothing mailed")
    expect(store_rows(env, "SELECT count(*) FROM requests")[0][0] == 0, "nothing recorded")


def test_one_client_is_rate_limited(env):
    list_address = advertised_list(env)
    listd = env.start()
    browser = Browser(listd.web_url)
    status, page = browser.fetch("/lists/" + list_address)
    token = form_token(page, "subscribe-form")
    time.sleep(MIN_AGE + 0.2)
    statuses = []
    for i in range(PER_CLIENT + 1):
        status, _ = browser.fetch("/lists/%s/subscribe" % list_address,
                                  {"address": "user%d@example.org" % i, "form_token": token})
        statuses.append(status)
    expect(statuses == [200] * PER_CLIENT + [429], "statuses: %r" % statuses)
    wait_mail(env, "user%d@example.org" % (PER_CLIENT - 1))
    time.sleep(1)
    expect(not mails_to(env, "user%d@example.org" % PER_CLIENT), "nothing past the cap")


def test_get_of_unsubscribe_link_changes_nothing_one_click_post_does(env):
    list_address = advertised_list(env, members=(OWNER, "ann@example.org", "bob@example.org"))
    listd = env.start()
    url = env.listctl("member", "unsubscribe-url", list_address, "ann@example.org",
                      "--base-url", listd.web_url).strip()
    expect(url.startswith(listd.web_url + "/u/"), "url: %r" % url)
    before = state(env)
    for _ in range(3):
        status, page = urllib.request.urlopen(url, timeout=15).status, None
        expect(status == 200, "GET /u: %d" % status)
    expect(state(env) == before, "GET of the unsubscribe link changed the store")
    expect(is_member(env, list_address, "ann@example.org"), "still a member after GETs")
    # RFC 8058 section 3.1: the POST body, no cookie, no form token.
    status, page = post_without_cookies(url, b"List-Unsubscribe=One-Click")
    expect(status == 200, "one-click POST: %d %s" % (status, page))
    expect(not is_member(env, list_address, "ann@example.org"), "ann left")
    expect(is_member(env, list_address, "bob@example.org"), "bob stays")
    events = store_rows(env, "SELECT detail FROM events WHERE action = 'member.leave'")
    expect(any("unsubscribe link" in d for (d,) in events), "the leave event: %r" % events)
    status, _ = post_without_cookies(url, b"List-Unsubscribe=One-Click")
    expect(status == 404, "the link of a member who left: %d" % status)


def test_tampered_or_other_list_tokens_change_nothing(env):
    demo = advertised_list(env, members=(OWNER, "ann@example.org", "bob@example.org"))
    other = advertised_list(env, "other", members=(OWNER, "ann@example.org"))
    listd = env.start()

    def url_of(list_address, address):
        return env.listctl("member", "unsubscribe-url", list_address, address,
                           "--base-url", listd.web_url).strip()

    ann = url_of(demo, "ann@example.org")
    bob = url_of(demo, "bob@example.org")
    ann_other = url_of(other, "ann@example.org")
    prefix, token = ann.rsplit("/", 1)
    list_id, ann_id, mac = token.split(".")
    _, bob_id, _ = bob.rsplit("/", 1)[1].split(".")
    _, other_member, other_mac = ann_other.rsplit("/", 1)[1].split(".")
    tampered = [
        "%s/%s.%s.%s" % (prefix, list_id, ann_id, mac[:-1] + ("A" if mac[-1] != "A" else "B")),
        "%s/%s.%s.%s" % (prefix, list_id, bob_id, mac),               # ann's MAC, bob's id
        "%s/%s.%s.%s" % (prefix, list_id, other_member, other_mac),   # other list's, this id
        "%s/%s.%s" % (prefix, list_id, ann_id),
        prefix + "/nonsense",
    ]
    before = state(env)
    for url in tampered:
        status, page = post_without_cookies(url, b"List-Unsubscribe=One-Click")
        expect(status == 404, "%s: %d" % (url, status))
        expect("nothing was changed" in page, "neutral answer for %s: %s" % (url, page))
    expect(state(env) == before, "a tampered token changed the store")
    for list_address, address in ((demo, "ann@example.org"), (demo, "bob@example.org"),
                                  (other, "ann@example.org")):
        expect(is_member(env, list_address, address), "%s still on %s" % (address, list_address))
    # listctl member rotate-links: the old URL stops working.
    env.listctl("member", "rotate-links", demo)
    status, _ = post_without_cookies(ann, b"List-Unsubscribe=One-Click")
    expect(status == 404 and is_member(env, demo, "ann@example.org"), "rotated: %d" % status)


def test_preferences_page_turns_delivery_off(env):
    list_address = advertised_list(env, members=(OWNER, "ann@example.org"))
    listd = env.start()
    url = env.listctl("member", "unsubscribe-url", list_address, "ann@example.org",
                      "--base-url", listd.web_url, "--preferences").strip()
    expect("/preferences/" in url, url)
    browser = Browser(listd.web_url)
    status, page = browser.fetch(url)
    expect(status == 200 and "Pause delivery" in page, "preferences page: %d %s" % (status, page))
    status, done = browser.fetch(url, {"form_token": form_token(page, "preferences-form"),
                                       "delivery": "off"})
    expect(status == 200, "preferences POST: %d %s" % (status, done))
    rows = store_rows(env, "SELECT delivery FROM members WHERE local_part = 'ann'")
    expect(rows == [("disabled-by-user",)], "delivery: %r" % rows)


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
