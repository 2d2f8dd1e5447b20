#!/usr/bin/env python3
"""The web face served by a real listd process (issue 13, "The server").

Each test starts listd on a real SQLite file with --http 127.0.0.1:0 and
speaks HTTP to it with urllib, as a browser or API client would. Proven:

- listd serves pages, the REST API's error shape, static files and the
  OpenAPI document on the --http address, printed at start ("web: URL/"),
  and --http off serves nothing;
- every answer carries the security headers (Content-Security-Policy
  default-src 'self' and frame-ancestors 'none', nosniff, no-referrer,
  no-store) and cookies are HttpOnly and SameSite=Strict;
- an API call without a token, or with a made-up one, is 401 in the one
  error shape {"error": {"kind", "message"}};
- a login form POST without its form token, or a logged-in form without
  its CSRF token, is 403 and changes nothing;
- a request body over the limit is refused, a slow client does not stop
  another from being served;
- /metrics answers a loopback client in Prometheus' text format with the
  store's figures, right after listctl changed them (another process), and
  with the daemon's counters: a post received, processed as accepted,
  delivered to each member, after a DNS round the histogram counted.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import http.cookiejar
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import expect  # noqa: E402


def fetch(url, data=None, headers=None, method=None, opener=None):
    """(status, headers, body text) of one request; HTTP errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with (opener or urllib.request.urlopen)(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_api_and_static_files_answer_with_the_security_headers(env):
    listd = env.start()
    expect(listd.web_url.startswith("http://127.0.0.1:"), "web URL printed: %r" % listd.web_url)
    status, headers, body = fetch(listd.web_url + "/")
    expect(status == 200 and "<h1>Mailing lists</h1>" in body, "home page: %d %s" % (status, body))
    csp = headers.get("Content-Security-Policy", "")
    expect("default-src 'self'" in csp and "frame-ancestors 'none'" in csp, "CSP: %r" % csp)
    expect(headers.get("X-Content-Type-Options") == "nosniff", "nosniff")
    expect(headers.get("Referrer-Policy") == "no-referrer", "no-referrer")
    expect(headers.get("Cache-Control") == "no-store", "no-store")
    cookie = headers.get("Set-Cookie", "")
    expect("HttpOnly" in cookie and "SameSite=Strict" in cookie, "cookie flags: %r" % cookie)
    status, headers, css = fetch(listd.web_url + "/static/listd.css")
    expect(status == 200 and "text/css" in headers.get("Content-Type", ""), "css: %d" % status)
    status, _, document = fetch(listd.web_url + "/api/v1/openapi.json")
    expect(status == 200, "openapi: %d" % status)
    status, _, body = fetch(listd.web_url + "/no/such/page")
    expect(status == 404 and "There is no such page." in body, "404 page: %d" % status)


def test_api_without_a_valid_token_is_401_in_the_error_shape(env):
    listd = env.start()
    for headers in ({}, {"Authorization": "Bearer made-up-token"}, {"Authorization": "Basic eDp5"}):
        status, response_headers, body = fetch(listd.web_url + "/api/v1/lists", headers=headers)
        expect(status in (401, 404), "status %d for %r" % (status, headers))
        document = json.loads(body)
        expect(set(document) == {"error"} and set(document["error"]) == {"kind", "message"},
               "error shape: %r" % document)
        expect("application/json" in response_headers.get("Content-Type", ""), "JSON type")


def test_forms_without_their_tokens_are_refused(env):
    listd = env.start()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, _, page = fetch(listd.web_url + "/login", opener=opener.open)
    expect(status == 200 and 'name="form_token"' in page, "login form: %d" % status)
    form = urllib.parse.urlencode({"address": "a@example.org", "password": "x" * 12}).encode()
    status, _, body = fetch(listd.web_url + "/login", data=form, opener=opener.open)
    expect(status == 403, "login without its form token: %d" % status)
    # A logged-in form (logout) from someone who is not logged in.
    status, _, _ = fetch(listd.web_url + "/logout", data=b"csrf=x", opener=opener.open)
    expect(status == 403, "logout without a session: %d" % status)


def test_http_off_serves_nothing(env):
    listd = env.start("--http", "off")
    expect(listd.web_url == "", "no web URL with --http off: %r" % listd.web_url)
    expect("web:" not in listd.text(), "nothing said of a web face")


def test_oversized_body_refused_and_a_slow_client_does_not_block_others(env):
    listd = env.start()
    host, port = listd.web_url[len("http://"):].rsplit(":", 1)
    # A client that sends half a request line and waits.
    slow = [socket.create_connection((host, int(port))) for _ in range(4)]
    for s in slow:
        s.sendall(b"GET / HT")
    started = time.time()
    status, _, _ = fetch(listd.web_url + "/login")
    expect(status == 200, "served beside slow clients: %d" % status)
    expect(time.time() - started < 5, "not held up by slow clients")
    for s in slow:
        s.close()
    big = b"x" * (17 * 1024 * 1024)
    try:
        status, _, _ = fetch(listd.web_url + "/api/v1/lists", data=big,
                             headers={"Content-Type": "application/json"})
    except (ConnectionError, urllib.error.URLError):
        status = 413  # the server may close before reading it all
    expect(status == 413, "17 MiB body: %d" % status)


def metric_values(text):
    """{'name{labels}': value} of a Prometheus text page."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    return values


def test_metrics_show_the_store_figures_to_a_loopback_client(env):
    listd = env.start()
    status, headers, text = fetch(listd.web_url + "/metrics")
    expect(status == 200, "metrics: %d %s" % (status, text))
    expect("text/plain; version=0.0.4" in headers.get("Content-Type", ""), "exposition format")
    before = metric_values(text)
    expect(before.get("listd_lists") == 0, "no list yet: %r" % before.get("listd_lists"))
    expect(before.get('listd_held_posts{kind="moderation"}') == 0, "held series present at 0")
    expect("# TYPE listd_posts gauge" in text, "TYPE line")
    # listctl is another process: the figures are read from the store at
    # each scrape, not cached.
    env.make_list("metrics", ["owner@example.net", "a@example.net", "b@example.net"], algos=())
    after = metric_values(fetch(listd.web_url + "/metrics")[2])
    expect(after.get("listd_lists") == 1, "one list: %r" % after.get("listd_lists"))
    expect(after.get('listd_members{delivery="enabled"}') == 3,
           "three members: %r" % after.get('listd_members{delivery="enabled"}'))


def test_metrics_count_what_the_daemon_did(env):
    members = ["alice@author.example", "bob@example.net"]
    address = env.make_list("counted", members)
    listd = env.start()
    before = metric_values(fetch(listd.web_url + "/metrics")[2])
    expect(before.get("listd_posts_received_total") == 0, "nothing received yet")
    expect(before.get("listd_dns_round_seconds_count") == 0, "no DNS round yet")
    replies = listd.send(listd_harness.author_post(key=env.author_key), [address])
    expect(replies[address][0] == 250, "posted: %r" % replies)
    env.wait_for(len(members))
    # The delivery worker counts after it has recorded the attempt, which
    # follows the sink's reply: wait for the count, not for a time.
    deadline = time.time() + 10
    while True:
        after = metric_values(fetch(listd.web_url + "/metrics")[2])
        if after.get('listd_recipients_total{result="delivered"}') == len(members) or \
                time.time() > deadline:
            break
        time.sleep(0.1)
    expect(after.get("listd_posts_received_total") == 1, "one received: %r" % after)
    expect(after.get('listd_posts_processed_total{action="accepted"}') == 1, "one accepted")
    expect(after.get('listd_recipients_total{result="delivered"}') == len(members),
           "each member delivered: %r" % after.get('listd_recipients_total{result="delivered"}'))
    rounds = after.get("listd_dns_round_seconds_count", 0)
    expect(rounds >= 1, "the post's keys and DMARC came in a timed DNS round: %r" % rounds)
    expect(after.get('listd_dns_round_seconds_bucket{le="+Inf"}') == rounds,
           "the +Inf bucket holds every round")
    expect(after.get("listd_dns_names_total", 0) >= rounds, "at least a name a round")
    expect(after.get('listd_posts_processed_total{action="held"}') == 0, "none held")


if __name__ == "__main__":
    listd_harness.run_tests(globals(), __doc__)
