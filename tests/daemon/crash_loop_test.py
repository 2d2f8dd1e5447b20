#!/usr/bin/python3
"""kill -9 at random points, again and again, and nothing acknowledged is lost.

NAME
    crash_loop_test.py - hardening issue, "keep it fixed": listd is killed
    with SIGKILL at random moments while posts arrive, are processed and are
    delivered, restarted each time, and finally left to drain.

SYNOPSIS
    crash_loop_test.py --listd PATH --listctl PATH [--kills N] [--seed S]
                       [--only SUBSTRING] [--keep]

    ctest runs it with --kills 5; `--kills 100` is the long run.

DESCRIPTION
    One list with five members (two RSA and Ed25519 keys active), a sink
    that takes every copy, posts sent over LMTP one after another by this
    process. Between kills it sends a random number of posts (0 to 4) and
    waits a random 0 to 300 ms, so kills land during LMTP intake, during
    verification and signing, and during delivery. Then the last listd runs
    until the spool has no post "received" and no delivery batch is left.

    Proven: every post LMTP answered 250 reaches every member (0 lost), and
    the copies beyond one per member and post are at most one batch per
    kill and per delivery worker (a batch sent but not yet marked done when
    listd died is sent again; nothing more may be).
"""

import argparse
import os
import random
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import LIST_DOMAIN, author_post, drained, expect  # noqa: E402

MEMBERS = ["m%d@example.net" % i for i in range(5)]
DELIVERY_WORKERS = 2
KILLS = 5
SEED = 1


def test_kill_9_at_random_points_loses_no_acknowledged_post(env):
    rng = random.Random(SEED)
    address = env.make_list("demo", MEMBERS)
    options = ("--delivery-workers", str(DELIVERY_WORKERS), "--batch-size", "2")
    acknowledged = []
    daemon = env.start(*options)
    for kill in range(KILLS):
        for _ in range(rng.randint(0, 4)):
            post = author_post(key=env.author_key, subject="post %d" % len(acknowledged))
            message_id = re.search(rb"Message-ID: (<[^>]+>)", post).group(1)
            try:
                replies = daemon.send(post, [address])
            except (OSError, Exception):  # noqa: B014 - a kill may cut the session
                continue
            if replies.get(address, (0,))[0] == 250:
                acknowledged.append(message_id)
        time.sleep(rng.uniform(0, 0.3))
        daemon.stop(signal.SIGKILL)
        daemon = env.start(*options)
    deadline = time.time() + 120
    while time.time() < deadline and not drained(env):
        time.sleep(0.2)
    expect(drained(env), "listd drained the spool and the queue:\n" + daemon.text()[-3000:])
    copies = {}
    for m in env.sink.messages():
        found = re.search(rb"(?im)^Message-ID: (<[^>]+>)", m.data)
        key = (m.recipient, found.group(1) if found else b"?")
        copies[key] = copies.get(key, 0) + 1
    lost = [(r, mid) for mid in acknowledged for r in MEMBERS if (r, mid) not in copies]
    expect(not lost, "%d of %d acknowledged copies lost: %r" % (
        len(lost), len(acknowledged) * len(MEMBERS), lost[:10]))
    extra = sum(n - 1 for n in copies.values())
    bound = KILLS * DELIVERY_WORKERS * 2  # a batch is 2 recipients here
    expect(extra <= bound, "%d copies sent again, more than one batch per kill and worker (%d)"
           % (extra, bound))
    print("  %d kills, %d posts acknowledged, %d copies, %d sent again (bound %d)" % (
        KILLS, len(acknowledged), sum(copies.values()), extra, bound), flush=True)


if __name__ == "__main__":
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--kills", type=int, default=KILLS)
    own.add_argument("--seed", type=int, default=SEED)
    known, rest = own.parse_known_args()
    KILLS, SEED = known.kills, known.seed
    sys.argv = [sys.argv[0]] + rest
    sys.exit(listd_harness.run_tests(globals(), __doc__))
