#!/usr/bin/python3
"""Memory of a real listd before, during and after hostile posts.

NAME
    hostile_memory.py - hardening finding 18: processing malformed and huge
    posts (20 MB attachments, deep multipart nesting, tens of thousands of
    parts, very long lines, hundreds of header fields) must not leave listd
    holding memory. Prints listd's resident set (VmRSS) at rest before the
    posts, its peak (VmHWM) and its VmRSS at rest after every post was
    processed and delivered, and the ratio after/before.

SYNOPSIS
    bench/hostile_memory.py [--listd PATH] [--listctl PATH] [--rounds N] [--keep]

DESCRIPTION
    Runs on tests/support/listd_harness.py's environment (unbound and an
    SMTP sink on 127.0.0.1, a SQLite store in a temp dir). One list with
    two members and an RSA key; each round sends the whole hostile corpus
    (generated here, about 70 MB a round) over LMTP, waits until no post is
    left "received" and no delivery batch is left, then lets listd idle ten
    poll periods and reads /proc/PID/status. The peak per post is VmHWM
    after the post, VmHWM having been reset to the resting VmRSS before it
    (clear_refs). LISTD_BENCH_MALLOC_STATS=1 also prints glibc's
    malloc_stats() of listd at the end (gdb attaches to call it).
"""

import argparse
import base64
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "support"))
import listd_harness  # noqa: E402
from listd_harness import LIST_DOMAIN, Env, author_post, drained  # noqa: E402


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    """Starts VmHWM afresh at the current VmRSS (proc(5), clear_refs 5)."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def corpus():
    """(name, message bytes) of the hostile posts."""
    head = (b"From: Mallory <mallory@author.example>\r\nTo: demo@lists.example.org\r\n"
            b"Message-ID: <%d@author.example>\r\nMIME-Version: 1.0\r\n")
    posts = []
    blob = base64.encodebytes(os.urandom(14 * 1024 * 1024)).replace(b"\n", b"\r\n")
    for i in range(3):
        posts.append(("20 MB attachment", head % (100 + i) +
                      b"Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                      b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
                      b"Content-Type: application/octet-stream\r\n"
                      b"Content-Transfer-Encoding: base64\r\n\r\n" + blob + b"--b--\r\n"))
    depth = 3000
    nested = b"".join(b"--n%d\r\nContent-Type: multipart/mixed; boundary=n%d\r\n\r\n" % (k, k + 1)
                      for k in range(depth))
    posts.append(("multipart nested 3000 deep", head % 200 +
                  b"Subject: deep\r\nContent-Type: multipart/mixed; boundary=n0\r\n\r\n" +
                  nested + b"--n%d\r\nContent-Type: text/plain\r\n\r\nbottom\r\n" % depth))
    parts = b"".join(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % k
                     for k in range(50000))
    posts.append(("50,000 parts", head % 300 +
                  b"Subject: parts\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n" +
                  parts + b"--p--\r\n"))
    posts.append(("8 MB line", head % 400 + b"Subject: line\r\nContent-Type: text/plain\r\n\r\n" +
                  b"x" * (8 * 1024 * 1024) + b"\r\n"))
    fields = b"".join(b"X-Filler-%d: %s\r\n" % (k, b"y" * 200) for k in range(900))
    posts.append(("900 header fields", head % 500 + fields + b"Subject: fields\r\n\r\nbody\r\n"))
    return posts


def settle(env, daemon, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if drained(env):
            time.sleep(1.0)  # ten poll periods of idling
            return
        time.sleep(0.2)
    raise SystemExit("listd did not finish: " + daemon.text()[-2000:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--listd", default=os.path.join(HERE, "..", "build", "listd", "listd"))
    parser.add_argument("--listctl", default=os.path.join(HERE, "..", "build", "listd", "listctl"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    listd_harness.configure(args.listd, args.listctl, args.keep)
    env = Env("hostile-memory")
    try:
        # The list takes posts up to 30 MB, so the big ones are decorated and
        # signed too (the default, 5 MB, would hold them unread).
        env.make_list("demo", ["bob@example.net", "carol@example.com"], algos=("rsa",),
                      max_size=str(30 * 1024 * 1024))
        daemon = env.start("--max-message-size", str(30 * 1024 * 1024))
        daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
        settle(env, daemon)
        pid = daemon.proc.pid
        before = status_kb(pid, "VmRSS")
        posts = corpus()
        print("listd %s: %d hostile posts a round, %.1f MB" % (
            args.listd, len(posts), sum(len(p) for _, p in posts) / 1e6))
        print("%-8s %12s %12s %12s" % ("", "VmRSS MB", "VmHWM MB", "after/before"))
        print("%-8s %12.1f %12.1f %12s" % ("before", before / 1024, status_kb(pid, "VmHWM") / 1024,
                                           "-"))
        peaks = {}
        for round_ in range(args.rounds):
            for name, message in posts:
                reset_peak(pid)
                resting = status_kb(pid, "VmRSS")
                replies = daemon.send(message, ["demo@" + LIST_DOMAIN],
                                      mail_from="mallory@author.example")
                code = replies["demo@" + LIST_DOMAIN][0]
                if code != 250:
                    print("  %s: refused %d" % (name, code))
                settle(env, daemon)
                peaks[name] = max(peaks.get(name, 0), status_kb(pid, "VmHWM") - resting)
            after = status_kb(pid, "VmRSS")
            print("%-8s %12.1f %12s %12.2f   (anon %.1f, file %.1f)" % (
                "round %d" % (round_ + 1), after / 1024, "", after / before,
                status_kb(pid, "RssAnon") / 1024, status_kb(pid, "RssFile") / 1024))
        print("peak above the resting RSS while one post is processed and delivered, MB:")
        for name, _ in posts:
            if name in peaks:
                print("  %-28s %8.1f" % (name, peaks[name] / 1024))
                peaks.pop(name)
        if os.environ.get("LISTD_BENCH_MALLOC_STATS"):
            import subprocess
            subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "call (void)malloc_stats()"],
                           capture_output=True)
            time.sleep(0.5)
            print("\n".join(daemon.text().splitlines()[-40:]))
        log = daemon.text()
        held = log.count("action=held")
        print("outcomes: %d accepted, %d held, %d failed" % (
            log.count("action=accepted") - 1, held, log.count("action=failed")))
    finally:
        env.cleanup()


if __name__ == "__main__":
    main()
