#!/usr/bin/env python3
"""The REST API on a real listd process (issue 13, "REST API", "Proof").

Each test makes lists with listctl, takes API tokens from `listctl token
create` (a site token, and an owner's and a moderator's for one list),
starts listd on the real SQLite file with --http 127.0.0.1:0 and speaks
HTTP/JSON to /api/v1 with urllib, as an API client would. Proven:

- every operation web/openapi.json documents (read from the server's own
  /api/v1/openapi.json) is walked with a site token and answers as
  documented: lists, settings (the catalogue's validation), members
  (pages with start/count/total_size, filters, add, change, remove,
  import with its report, export as text), keys (generate, the DNS
  record, a live check, activation refused until the record is in DNS,
  rotate, retire, remove; no private key in any answer), held posts
  (outline, approve, reject, discard), subscription requests (approve,
  reject), list and site bans, bounces, the doctor, the events log (with
  the API's actor); the walk fails when a documented route was not
  visited;
- every failure is {"error": {"kind", "message"}} with its status: 401
  without a token, 403 for a list token on another list or a site-only
  route and for a moderator on an owner's route, 404 for what does not
  exist, 409 for a clash, 400 for a bad request.

OUTPUT
    One line per failed test with why, then `N passed, M failed` alone on
    the last line. Exit status 0 when nothing failed, 1 otherwise.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import LIST_DOMAIN, WAIT, author_post, expect, zone_records  # noqa: E402

OWNER = "olive@author.example"
MEMBERS = [OWNER, "bob@example.net", "carol@example.net"]
METHODS = ("get", "post", "put", "patch", "delete")


class Api:
    """/api/v1 of one listd, with one token; remembers what it visited."""

    def __init__(self, base, token, visited):
        self.base = base + "/api/v1"
        self.token = token
        self.visited = visited

    def call(self, method, pattern, values=None, body=None, query=None, text=None, token=None):
        """(status, parsed JSON or text, headers); `pattern` is the
        documented path, `values` its named segments."""
        path = pattern
        for name, value in (values or {}).items():
            path = path.replace("{%s}" % name, urllib.parse.quote(value, safe="@"))
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {}
        given = self.token if token is None else token
        if given:
            headers["Authorization"] = "Bearer " + given
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif text is not None:
            data = text.encode()
            headers["Content-Type"] = "text/plain"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, reply_headers = error.code, error.read(), error.headers
        self.visited.add((method.lower(), pattern))
        kind = reply_headers.get("Content-Type", "")
        if raw and kind.startswith("application/json"):
            return status, json.loads(raw), reply_headers
        return status, raw.decode(), reply_headers

    def ok(self, method, pattern, values=None, status=200, **kwargs):
        got, document, _ = self.call(method, pattern, values, **kwargs)
        expect(got == status, "%s %s: expected %d, got %d: %r" % (method, pattern, status, got,
                                                                 document))
        return document

    def fails(self, method, pattern, values, status, kind, **kwargs):
        got, document, _ = self.call(method, pattern, values, **kwargs)
        expect(got == status, "%s %s: expected %d, got %d: %r" % (method, pattern, status, got,
                                                                 document))
        expect(isinstance(document, dict) and set(document) == {"error"}
               and document["error"].get("kind") == kind
               and isinstance(document["error"].get("message"), str)
               and document["error"]["message"],
               "%s %s: the error shape with kind %s: %r" % (method, pattern, kind, document))
        return document


def token(env, *args):
    """A token from `listctl token create ARGS`: its first line alone."""
    out = env.listctl("token", "create", *args)
    first = out.splitlines()[0].strip()
    expect(first and " " not in first, "a token on the first line: %r" % out)
    return first


def documented(listd):
    status, _, body = fetch_plain(listd.web_url + "/api/v1/openapi.json")
    expect(status == 200, "openapi.json: %d" % status)
    document = json.loads(body)
    expect(document["openapi"].startswith("3."), "OpenAPI 3")
    return {(method, path) for path, item in document["paths"].items()
            for method in item if method in METHODS}


def fetch_plain(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def no_secrets(document, what):
    text = json.dumps(document) if not isinstance(document, str) else document
    expect("PRIVATE KEY" not in text and "private_key" not in text, what + ": no private key")


def setup(env):
    """demo (keys active, moderated subscriptions) and other; the daemon."""
    demo = env.make_list("demo", MEMBERS, posting_policy="members-only",
                         subscription_policy="moderate")
    other = env.make_list("other", ["oscar@example.net"], algos=())
    listd = env.start()
    return demo, other, listd


def test_every_documented_route_with_a_site_token(env):
    demo, other, listd = setup(env)
    routes = documented(listd)
    visited = set()
    site = Api(listd.web_url, token(env, "--site"), visited)

    # Lists.
    lists = site.ok("GET", "/lists")
    expect({l["address"] for l in lists} >= {demo, other}, "both lists: %r" % lists)
    fresh = "fresh@" + LIST_DOMAIN
    created = site.ok("POST", "/lists", body={"address": fresh, "name": "Fresh",
                                              "owner": "fred@example.net"}, status=201)
    expect(created["address"] == fresh, "created: %r" % created)
    site.fails("POST", "/lists", None, 409, "conflict", body={"address": fresh})
    site.fails("POST", "/lists", None, 400, "invalid", body={"address": "no-at-sign"})
    shown = site.ok("GET", "/lists/{list}", {"list": demo})
    no_secrets(shown, "list show")
    site.fails("GET", "/lists/{list}", {"list": "nobody@" + LIST_DOMAIN}, 404, "not_found")
    settings = site.ok("GET", "/lists/{list}/settings", {"list": demo})
    expect("subject_tag" in settings, "settings: %r" % list(settings)[:5])
    changed = site.ok("PATCH", "/lists/{list}/settings", {"list": demo},
                      body={"subject_tag": "[demo-api]"})
    expect(changed["subject_tag"]["value"] == "[demo-api]", "subject tag set")
    site.fails("PATCH", "/lists/{list}/settings", {"list": demo}, 400, "invalid",
               body={"max_size": "lots", "subject_tag": "[never]"})
    expect(site.ok("GET", "/lists/{list}/settings", {"list": demo})["subject_tag"]["value"]
           == "[demo-api]", "an invalid PATCH changed nothing")

    # Members.
    added = site.ok("POST", "/lists/{list}/members", {"list": demo},
                    body={"address": "Dora <dora@example.net>"}, status=201)
    expect(added["address"] == "dora@example.net", "added: %r" % added)
    site.fails("POST", "/lists/{list}/members", {"list": demo}, 409, "conflict",
               body={"address": "dora@example.net"})
    page = site.ok("GET", "/lists/{list}/members", {"list": demo}, query={"start": 1, "count": 2})
    expect(page["start"] == 1 and page["total_size"] == 4 and len(page["entries"]) == 2,
           "page: %r" % page)
    owners = site.ok("GET", "/lists/{list}/members", {"list": demo}, query={"role": "owner"})
    expect([m["address"] for m in owners["entries"]] == [OWNER], "owners: %r" % owners)
    found = site.ok("GET", "/lists/{list}/members", {"list": demo}, query={"q": "DORA"})
    expect(found["total_size"] == 1, "q: %r" % found)
    site.fails("GET", "/lists/{list}/members", {"list": demo}, 400, "invalid",
               query={"count": "-1"})
    site.ok("GET", "/lists/{list}/members/{address}", {"list": demo, "address": "dora@example.net"})
    patched = site.ok("PATCH", "/lists/{list}/members/{address}",
                      {"list": demo, "address": "dora@example.net"},
                      body={"role": "moderator", "moderated": True, "delivery": "disabled"})
    expect(patched["role"] == "moderator" and patched["moderated"] is True
           and patched["delivery"] == "disabled-by-user", "patched: %r" % patched)
    report = site.ok("POST", "/lists/{list}/members/import", {"list": demo},
                     text="eve@example.net\nnot an address\ndora@example.net\n")
    expect(report["added"] == 1 and report["duplicates"] == 1 and report["rejected_count"] == 1,
           "import report: %r" % report)
    status, exported, headers = site.call("GET", "/lists/{list}/members/export", {"list": demo})
    expect(status == 200 and headers.get("Content-Type", "").startswith("text/plain")
           and "eve@example.net" in exported, "export: %d %r" % (status, exported))
    site.ok("DELETE", "/lists/{list}/members/{address}",
            {"list": demo, "address": "eve@example.net"}, status=204)
    site.fails("DELETE", "/lists/{list}/members/{address}",
               {"list": demo, "address": "eve@example.net"}, 404, "not_found")

    # Keys: generate -> dns -> check (missing) -> activate refused -> publish
    # -> activate -> rotate -> retire -> remove.
    keys = site.ok("GET", "/lists/{list}/keys", {"list": demo})
    no_secrets(keys, "keys")
    made = site.ok("POST", "/lists/{list}/keys", {"list": demo},
                   body={"algorithm": "ed25519", "selector": "demo-next"}, status=201)
    no_secrets(made, "generated key")
    records = site.ok("GET", "/lists/{list}/keys/{selector}/dns",
                      {"list": demo, "selector": "demo-next"})
    expect(len(records) == 1 and records[0]["name"].startswith("demo-next._domainkey."),
           "record: %r" % records)
    checked = site.ok("GET", "/lists/{list}/keys/{selector}/check",
                      {"list": demo, "selector": "demo-next"})
    expect(checked[0]["result"] == "missing", "check before publishing: %r" % checked)
    site.fails("POST", "/lists/{list}/keys/{selector}/activate",
               {"list": demo, "selector": "demo-next"}, 409, "conflict")
    for name, strings in zone_records(records[0]["zone_file"]):
        env.dns.add(name, strings)
    env.dns.reload()
    activated = site.ok("POST", "/lists/{list}/keys/{selector}/activate",
                        {"list": demo, "selector": "demo-next"})
    expect(activated["key"]["state"] == "active", "activated: %r" % activated)
    rotated = site.ok("POST", "/lists/{list}/keys/rotate", {"list": demo},
                      body={"algorithm": "rsa"}, status=201)
    expect(len(rotated) == 1 and rotated[0]["key"]["algorithm"] == "rsa", "rotated: %r" % rotated)
    site.ok("POST", "/lists/{list}/keys/{selector}/retire",
            {"list": demo, "selector": "demo-ed25519"})
    site.ok("DELETE", "/lists/{list}/keys/{selector}", {"list": demo, "selector": "demo-ed25519"})
    site.fails("DELETE", "/lists/{list}/keys/{selector}", {"list": demo, "selector": "demo-next"},
               409, "conflict")

    # Held posts: three posts from a non-member wait for a moderator.
    for subject in ("one", "two", "three"):
        listd.send(author_post(subject=subject, key=env.author_key), [demo])
    held = wait_until(lambda: len(site.ok("GET", "/lists/{list}/held", {"list": demo})) >= 3 and
                      site.ok("GET", "/lists/{list}/held", {"list": demo}), "three held posts")
    ids = [h["id"] for h in held]
    outline = site.ok("GET", "/lists/{list}/held/{id}", {"list": demo, "id": str(ids[0])})
    expect(any(h["name"] == "Subject" for h in outline["headers"]), "outline: %r" % outline)
    site.fails("GET", "/lists/{list}/held/{id}", {"list": other, "id": str(ids[0])}, 404,
               "not_found")
    site.ok("POST", "/lists/{list}/held/{id}/reject", {"list": demo, "id": str(ids[0])},
            body={"reason": "off topic"})
    site.ok("POST", "/lists/{list}/held/{id}/discard", {"list": demo, "id": str(ids[1])})
    approved = site.ok("POST", "/lists/{list}/held/{id}/approve", {"list": demo, "id": str(ids[2])})
    expect(approved["action"] == "accepted", "approved: %r" % approved)
    site.fails("POST", "/lists/{list}/held/{id}/discard", {"list": demo, "id": str(ids[1])}, 404,
               "not_found")

    # Subscription requests (subscription_policy=moderate).
    join = "demo-join@" + LIST_DOMAIN
    for who in ("gina@author.example", "hank@author.example"):
        listd.send(author_post(subject="join", sign=False, sender=who, to=join), [join],
                   mail_from=who)
    pending = wait_until(lambda: len(site.ok("GET", "/lists/{list}/requests", {"list": demo}))
                         >= 2 and site.ok("GET", "/lists/{list}/requests", {"list": demo}),
                         "two requests")
    def request_of(who):
        (found,) = [p["id"] for p in pending if who in p["address"]]
        return str(found)
    site.ok("POST", "/lists/{list}/requests/{id}/approve",
            {"list": demo, "id": request_of("gina@author.example")})
    site.ok("POST", "/lists/{list}/requests/{id}/reject",
            {"list": demo, "id": request_of("hank@author.example")}, body={"reason": "no"})
    site.ok("GET", "/lists/{list}/members/{address}",
            {"list": demo, "address": "gina@author.example"})

    # Bans, the list's and the site's.
    site.ok("POST", "/lists/{list}/bans", {"list": demo},
            body={"pattern": "*@spam.example", "reason": "spam"}, status=201)
    site.fails("POST", "/lists/{list}/bans", {"list": demo}, 409, "conflict",
               body={"pattern": "*@spam.example"})
    expect(len(site.ok("GET", "/lists/{list}/bans", {"list": demo})) == 1, "one list ban")
    site.ok("DELETE", "/lists/{list}/bans/{pattern}", {"list": demo, "pattern": "*@spam.example"},
            status=204)
    site.ok("POST", "/bans", body={"pattern": "x@bad.example"}, status=201)
    expect(len(site.ok("GET", "/bans")) == 1, "one site ban")
    site.ok("DELETE", "/bans/{pattern}", {"pattern": "x@bad.example"}, status=204)
    site.fails("DELETE", "/bans/{pattern}", {"pattern": "x@bad.example"}, 404, "not_found")

    # Reports.
    expect(isinstance(site.ok("GET", "/lists/{list}/bounces", {"list": demo}), list), "bounces")
    doctor = site.ok("GET", "/lists/{list}/doctor", {"list": demo})
    expect(doctor["list"] == demo, "doctor: %r" % doctor)
    events = site.ok("GET", "/lists/{list}/events", {"list": demo}, query={"limit": 200})
    expect(any(e["actor"].startswith("api:") for e in events),
           "events record the API's actor: %r" % [e["actor"] for e in events][:10])

    site.ok("DELETE", "/lists/{list}", {"list": fresh}, status=204)
    site.fails("GET", "/lists/{list}", {"list": fresh}, 404, "not_found")
    status, _, _ = site.call("GET", "/openapi.json", token="")
    expect(status == 200, "the document needs no token")

    missing = routes - visited
    expect(not missing, "documented routes not walked: %r" % sorted(missing))
    unknown = visited - routes
    expect(not unknown, "routes walked but not documented: %r" % sorted(unknown))


def test_list_tokens_reach_only_their_list_and_role(env):
    demo, other, listd = setup(env)
    routes = documented(listd)
    visited = set()
    owner = Api(listd.web_url, token(env, "--list", demo, "--role", "owner"), visited)
    moderator = Api(listd.web_url, token(env, "--list", demo, "--role", "moderator"), set())
    anonymous = Api(listd.web_url, "", set())

    lists = owner.ok("GET", "/lists")
    expect([l["address"] for l in lists] == [demo], "an owner's token sees its list: %r" % lists)
    values = {"list": other, "address": "oscar@example.net", "selector": "s1", "id": "1",
              "pattern": "*@spam.example"}
    for method, pattern in sorted(routes):
        if pattern == "/openapi.json":
            continue
        anonymous.fails(method.upper(), pattern, values, 401, "forbidden")
        if (method, pattern) == ("get", "/lists"):
            continue  # any token; it shows only the token's lists (above)
        # Another list's routes, and the site's, are refused before any
        # operation runs.
        owner.fails(method.upper(), pattern, values, 403, "forbidden",
                    body={} if method in ("post", "patch") else None)

    # On its own list the owner reads and changes; the moderator reads and
    # moderates but changes nothing an owner keeps.
    mine = {"list": demo}
    owner.ok("GET", "/lists/{list}", mine)
    owner.ok("PATCH", "/lists/{list}/settings", mine, body={"subject_tag": "[o]"})
    owner.ok("POST", "/lists/{list}/members", mine, body={"address": "ivy@example.net"},
             status=201)
    owner.fails("DELETE", "/lists/{list}", mine, 403, "forbidden")
    owner.fails("POST", "/lists", None, 403, "forbidden", body={"address": "x@" + LIST_DOMAIN})
    moderator.ok("GET", "/lists/{list}/members", mine)
    moderator.ok("GET", "/lists/{list}/held", mine)
    moderator.ok("GET", "/lists/{list}/events", mine)
    moderator.fails("PATCH", "/lists/{list}/settings", mine, 403, "forbidden",
                    body={"subject_tag": "[m]"})
    moderator.fails("POST", "/lists/{list}/members", mine, 403, "forbidden",
                    body={"address": "jo@example.net"})
    moderator.fails("POST", "/lists/{list}/keys", mine, 403, "forbidden",
                    body={"algorithm": "ed25519"})
    moderator.fails("POST", "/lists/{list}/bans", mine, 403, "forbidden",
                    body={"pattern": "*@x.example"})
    moderator.fails("GET", "/bans", None, 403, "forbidden")
    # A revoked or made-up token is 401 in the same shape.
    Api(listd.web_url, "made-up", set()).fails("GET", "/lists", None, 401, "forbidden")
    # A 404 and a 400 for the owner's own list.
    owner.fails("GET", "/lists/{list}/held/{id}", {"list": demo, "id": "999"}, 404, "not_found")
    owner.fails("GET", "/lists/{list}/held/{id}", {"list": demo, "id": "x"}, 400, "invalid")


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
