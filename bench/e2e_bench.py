#!/usr/bin/python3
"""One post to a big list, through a real listd, to an SMTP sink on loopback.

NAME
    e2e_bench.py - end-to-end throughput and peak memory of listd: one post
    to 10,000 and to 100,000 members, delivered over SMTP to a sink.

SYNOPSIS
    bench/e2e_bench.py [--members 10000,100000] [--listd PATH] [--listctl PATH]
                       [--posts N] [--burst-max-members N] [--delivery-workers N]
                       [--batch-size N] [--timeout S] [--keep]

    The figures in bench/README.md were taken with:
        cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release
        ninja -C build-release listd listctl
        /usr/bin/python3 bench/e2e_bench.py --listd build-release/listd/listd \\
            --listctl build-release/listd/listctl --members 10000,100000 --posts 5

DESCRIPTION
    For each member count N, in a fresh temp dir:
      1. listctl makes a store: list bench@lists.example.org (posting open
         to anyone), an RSA-2048 and an Ed25519 key generated and activated
         with --force (nothing needs DNS to sign), and N members imported
         with `listctl member import` from a generated file (timed).
      2. An SMTP sink (tests/support/smtp_sink.py) runs in this process in
         count-only mode: it counts accepted recipients and keeps only the
         first copy, so 100,000 recipients cost no 200,000 files. An empty
         DNS server (tests/support/dns_server.py, unbound) answers listd's
         lookups for the author's domain at once with NXDOMAIN.
      3. listd starts with --deliver smtp://SINK; once it prints "ready:
         LMTP on ...", one post (about 1.5 KB, unsigned) goes in over
         smtplib.LMTP. Timed: DATA sent -> its 250 ("LMTP 250"), the 250 ->
         the sink's first accepted copy ("first copy"), and the 250 -> the
         sink having accepted all N recipients ("elapsed"); RCPT/s is N /
         elapsed. The first copy is checked: one list signature each of
         rsa-sha256 and ed25519-sha256, both passing dkimpy (fed the
         records `listctl key dns` prints), the List-Id field, the
         envelope sender; and no recipient may arrive twice (the count must
         stay at N). "queue s" is the time listd's log gives for turning
         the post into delivery batches (its "post ... elapsed=" line).
      4. listd's VmHWM (/proc/PID/status) is read: the peak RSS of the one
         post. For N <= --burst-max-members, --posts more posts then go in
         back to back (one LMTP connection, one transaction each): posts/s
         = posts / (first DATA sent -> all posts * N recipients accepted).
         VmHWM is read again ("after burst"), listd gets SIGTERM, and its
         exit code and log are checked: any delivery line with deferred or
         bounced recipients, or an error, is reported.
      5. "Sink alone": the same sink is flooded without listd, with the
         same N recipients, the same message (listd's first copy), the same
         batch size and as many connections as listd has delivery workers,
         one command at a time, waiting for each reply as libcurl does
         (subprocesses of this script, started before the clock). Its
         RCPT/s is the most the sink takes that way; listd/sink = listd's
         RCPT/s over it. Near 1 means the sink, not listd, was the limit.
    CPU seconds of listd and of the sink's thread over the timed span of
    the one post are shown too: a sink thread busy the whole span is
    saturated.

    The table closes with the ratio of peak RSS between the largest and
    the smallest member count: members are streamed, so it should be near
    1 (the issue asks that memory not grow with the member count).

OUTPUT
    Progress on stderr, the table on stdout. Exit status 0 when every
    recipient arrived exactly once and listd exited 0; 1 otherwise (the
    table is still printed); 2 for bad options or a missing program.
    This is a figure, not a test: nothing fails for being slow.

LIMITS
    Python's sink on loopback takes a few thousand recipients a second on
    this project's 2-core VM, and it shares those cores with listd: treat
    the absolute figures as a floor, and read listd/sink for how much of it
    is listd's own doing.
"""

import argparse
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))

LIST = "bench@lists.example.org"
LIST_DOMAIN = "lists.example.org"
AUTHOR = "alice@author.example"
POST_BODY = (
    "Hello everyone,\r\n\r\n"
    + "".join(
        "This is line %02d of a post of ordinary length, sent to measure how fast a list goes.\r\n"
        % i
        for i in range(16)
    )
    + "\r\n-- \r\nAlice\r\n"
)


def log(text):
    print("e2e_bench: " + text, file=sys.stderr, flush=True)


def fail(text):
    log(text)
    sys.exit(2)


# ------------------------------------------------------------ /proc reading


def proc_status_kib(pid, field):
    """A kB field of /proc/PID/status (VmHWM, VmRSS), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(stat_path):
    """utime + stime of a /proc/.../stat file, in seconds."""
    try:
        with open(stat_path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -------------------------------------------------------------- the store


def run(argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800, **kwargs)
    if proc.returncode != 0:
        fail("%s: exit %d\n%s%s" % (" ".join(argv), proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def make_store(listctl, workdir, count):
    """A store with the list, both keys active, `count` members; returns
    (db path, import seconds, the keys' DNS records)."""
    db = os.path.join(workdir, "var", "listd.db")

    def ctl(*args):
        return run([listctl] + list(args) + ["--db", db])

    # No --owner: an owner receives posts too, and the count must be N.
    ctl("list", "create", LIST, "--name", "Bench list")
    ctl("list", "set", LIST, "posting_policy=open")
    for algo, extra in (("rsa", ["--bits", "2048"]), ("ed25519", [])):
        selector = "bench-" + algo
        ctl("key", "generate", LIST, "--algo", algo, "--selector", selector, *extra)
        ctl("key", "activate", LIST, "--selector", selector, "--force")
    members = os.path.join(workdir, "members.txt")
    with open(members, "w") as f:
        for i in range(1, count + 1):
            # Spread over 1,000 domains, as bench/member_import.sh does.
            f.write("member%07d@d%03d.example.org\n" % (i, i % 1000))
    started = time.monotonic()
    out = ctl("member", "import", LIST, members)
    seconds = time.monotonic() - started
    if not out.startswith("added %d," % count):
        fail("unexpected import report: %r" % out)
    return db, seconds, key_records(ctl("key", "dns", LIST))


def key_records(zone_text):
    """The TXT records `listctl key dns` prints, as {name: bytes}."""
    records = {}
    for line in zone_text.splitlines():
        m = re.match(r"^(\S+?)\.? +IN +TXT +\( *(.*?) *\)$", line)
        if m:
            records[m.group(1).lower()] = "".join(re.findall(r'"([^"]*)"', m.group(2))).encode()
    return records


# ------------------------------------------------------------------ listd


class Listd:
    """listd on the store, delivering to the sink."""

    def __init__(self, binary, db, sink, dns, workdir, extra):
        self.log_path = os.path.join(workdir, "listd.log")
        self._log = open(self.log_path, "w")
        argv = [binary, "--db", db, "--lmtp", "127.0.0.1:0", "--http", "off", "--deliver", "smtp://" + sink.address,
                "--dns", dns.address, "--dns-timeout", "1500", "--poll-ms", "100",
                "--authserv-id", LIST_DOMAIN, "--hostname", "listd.bench"] + extra
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT)
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            if self.proc.poll() is not None:
                fail("listd exited %d at start:\n%s" % (self.proc.returncode, self.text()))
            if time.monotonic() > deadline:
                self.stop()
                fail("listd never said it was ready:\n" + self.text())
            m = re.search(r"ready: LMTP on 127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def hwm_mib(self):
        kib = proc_status_kib(self.proc.pid, "VmHWM")
        return None if kib is None else kib / 1024.0

    def cpu(self):
        return cpu_seconds("/proc/%d/stat" % self.proc.pid)

    def stop(self):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        code = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        else:
            code = self.proc.returncode
        self._log.close()
        return code


def post_bytes(serial):
    head = ("From: Alice <%s>\r\nTo: %s\r\nSubject: Benchmark post %d\r\n"
            "Date: Mon, 23 Nov 2026 20:00:00 +0000\r\nMessage-ID: <bench-%d-%d@author.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            % (AUTHOR, LIST, serial, serial, time.time_ns()))
    return (head + POST_BODY).encode()


def lmtp_post(client, serial):
    """One LMTP transaction to the list; returns (DATA sent, 250 received)
    as time.monotonic() values."""
    code, text = client.mail(AUTHOR)
    if code != 250:
        fail("LMTP MAIL answered %d %r" % (code, text))
    code, text = client.rcpt(LIST)
    if code != 250:
        fail("LMTP RCPT answered %d %r" % (code, text))
    client.putcmd("data")
    code, text = client.getreply()
    if code != 354:
        fail("LMTP DATA answered %d %r" % (code, text))
    data = re.sub(rb"(?m)^\.", b"..", post_bytes(serial))
    sent = time.monotonic()
    client.send(data + b".\r\n")
    code, text = client.getreply()  # RFC 2033: one reply for the one recipient
    done = time.monotonic()
    if code != 250:
        fail("LMTP end of DATA answered %d %r" % (code, text))
    return sent, done


def check_copy(message, records):
    """What the first delivered copy must show, its two list signatures
    verified by dkimpy against the keys' records; returns a list of
    problems."""
    problems = []
    try:
        import dkim  # dkimpy (python3-dkim)

        def dnsfunc(name, timeout=5):
            return records.get(name.decode().rstrip(".").lower())

        checker = dkim.DKIM(message.data)
        for index in range(2):
            if not checker.verify(idx=index, dnsfunc=dnsfunc):
                problems.append("dkimpy does not pass signature %d" % (index + 1))
    except ImportError:
        problems.append("dkimpy missing: signatures not verified (apt-get install python3-dkim)")
    head = message.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    head = re.sub(r"\r\n[ \t]+", " ", head)
    sigs = [line for line in head.split("\r\n") if line.lower().startswith("dkim-signature:")]
    algos = sorted(re.search(r"\ba=([\w-]+)", s).group(1) for s in sigs if re.search(r"\ba=", s))
    if algos != ["ed25519-sha256", "rsa-sha256"]:
        problems.append("list signatures: %r" % algos)
    if not all(re.search(r"\bd=" + re.escape(LIST_DOMAIN) + r"\s*;", s) for s in sigs):
        problems.append("a signature not d=" + LIST_DOMAIN)
    if not re.search(r"(?mi)^List-Id:", head):
        problems.append("no List-Id")
    if message.mail_from != "bench-bounces@" + LIST_DOMAIN:
        problems.append("envelope sender %r" % message.mail_from)
    return problems


def log_problems(text):
    """Lines of listd's log that say something went wrong."""
    bad = []
    for line in text.splitlines():
        what = re.sub(r"^\S+ listd: ", "", line)  # the time stamp
        if what.startswith("delivery post="):
            if re.search(r"\b(deferred|bounced)=[1-9]", what) or " error=" in what:
                bad.append(line)
        elif what.startswith("post ") and " action=" in what:
            if " action=accepted " not in what:
                bad.append(line)
        elif re.search(r"(?i)\b(error|fail|cannot|warning)", what):
            bad.append(line)
    return bad


# ------------------------------------------------------------- sink alone


def flood_client(address, first, count, batch, message_path):
    """(Child process.) Connects, says EHLO, waits for "go" on stdin, then
    sends `count` recipients in transactions of `batch`, one command at a
    time. Prints "ok" at the end."""
    with open(message_path, "rb") as f:
        data = f.read()
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    data += b".\r\n"
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    reader = sock.makefile("rb")

    def reply():
        while True:
            line = reader.readline()
            if not line:
                raise SystemExit("flood: connection closed")
            if line[3:4] != b"-":
                return line

    def command(line, want):
        sock.sendall(line)
        answer = reply()
        if not answer.startswith(want):
            raise SystemExit("flood: %r answered %r" % (line, answer))

    reply()  # greeting
    command(b"EHLO flood.bench\r\n", b"250")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    n = 0
    while n < count:
        command(b"MAIL FROM:<bench-bounces@lists.example.org>\r\n", b"250")
        for i in range(n, min(n + batch, count)):
            command(b"RCPT TO:<flood%07d@d%03d.example.org>\r\n" % (first + i, (first + i) % 1000),
                    b"250")
        command(b"DATA\r\n", b"354")
        command(data, b"250")
        n = min(n + batch, count)
    command(b"QUIT\r\n", b"221")
    print("ok")


def sink_alone(sink, count, batch, connections, message, workdir, timeout):
    """RCPT/s of the sink flooded as listd would; None if it failed."""
    path = os.path.join(workdir, "flood.eml")
    with open(path, "wb") as f:
        f.write(message)
    shares = [count // connections + (1 if i < count % connections else 0)
              for i in range(connections)]
    children = []
    first = 0
    for share in shares:
        children.append(subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--flood-client", sink.address,
             str(first), str(share), str(batch), path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        first += share
    for child in children:
        if child.stdout.readline().strip() != "ready":
            fail("a flood client did not start")
    base = sink.accepted()
    started = time.monotonic()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    arrived = sink.wait_accepted(base + count, timeout)
    finished = sink.last_accept_time
    ok = all(child.wait(timeout=60) == 0 for child in children)
    if not (arrived and ok):
        log("sink alone: the flood failed (%d of %d accepted)" % (sink.accepted() - base, count))
        return None
    return count / (finished - started)


# ------------------------------------------------------------------ a size


def bench_size(args, count):
    from dns_server import DnsServer
    from smtp_sink import SmtpSink

    workdir = tempfile.mkdtemp(prefix="listd-e2e-bench-%d-" % count)
    row = {"members": count, "ok": True, "notes": []}
    dns = sink = daemon = None
    try:
        log("%d members: making the store" % count)
        db, row["import_s"], records = make_store(args.listctl, workdir, count)
        dns = DnsServer({}).start()
        sink = SmtpSink(directory=os.path.join(workdir, "sink"), store=False).start()
        extra = []
        if args.delivery_workers is not None:
            extra += ["--delivery-workers", str(args.delivery_workers)]
        if args.batch_size is not None:
            extra += ["--batch-size", str(args.batch_size)]
        daemon = Listd(args.listd, db, sink, dns, workdir, extra)
        row["rss_idle"] = daemon.hwm_mib()

        log("%d members: one post" % count)
        sink_tid = sink._thread.native_id
        sink_stat = "/proc/%d/task/%d/stat" % (os.getpid(), sink_tid)
        listd_cpu0, sink_cpu0 = daemon.cpu(), cpu_seconds(sink_stat)
        client = smtplib.LMTP("127.0.0.1", daemon.port, timeout=600)
        client.ehlo_or_helo_if_needed()
        sent, got250 = lmtp_post(client, 1)
        row["lmtp_s"] = got250 - sent
        if not sink.wait_accepted(count, args.timeout):
            row["ok"] = False
            row["notes"].append("after %ds the sink had %d of %d recipients"
                                % (args.timeout, sink.accepted(), count))
            return row
        row["first_s"] = sink.first_accept_time - got250
        row["elapsed_s"] = sink.last_accept_time - got250
        row["rcpt_s"] = count / row["elapsed_s"]
        row["listd_cpu"] = daemon.cpu() - listd_cpu0
        row["sink_cpu"] = cpu_seconds(sink_stat) - sink_cpu0
        time.sleep(1.0)  # a duplicate would show by now
        if sink.accepted() != count:
            row["ok"] = False
            row["notes"].append("the sink accepted %d copies for %d members"
                                % (sink.accepted(), count))
        row["rss"] = daemon.hwm_mib()
        copy = sink.messages()[0]
        for problem in check_copy(copy, records):
            row["ok"] = False
            row["notes"].append("first copy: " + problem)
        m = re.search(r"listd: post .* recipients=(\d+) elapsed=(\d+)ms", daemon.text())
        if m:
            row["queue_s"] = int(m.group(2)) / 1000.0
            if int(m.group(1)) != count:
                row["ok"] = False
                row["notes"].append("listd queued %s recipients" % m.group(1))

        if args.posts > 0 and count <= args.burst_max_members:
            log("%d members: %d posts back to back" % (count, args.posts))
            base = sink.accepted()
            first_sent = None
            for serial in range(2, 2 + args.posts):
                sent, _ = lmtp_post(client, serial)
                first_sent = first_sent or sent
            want = base + args.posts * count
            if sink.wait_accepted(want, args.timeout):
                span = sink.last_accept_time - first_sent
                row["posts_s"] = args.posts / span
                row["burst_rcpt_s"] = args.posts * count / span
                time.sleep(1.0)
                if sink.accepted() != want:
                    row["ok"] = False
                    row["notes"].append("burst: %d copies for %d" % (sink.accepted() - base,
                                                                     args.posts * count))
            else:
                row["ok"] = False
                row["notes"].append("burst: after %ds the sink had %d of %d" % (
                    args.timeout, sink.accepted() - base, args.posts * count))
            row["rss_burst"] = daemon.hwm_mib()
        client.quit()

        code = daemon.stop()
        text = daemon.text()
        daemon = None
        if code != 0:
            row["ok"] = False
            row["notes"].append("listd exited %s after SIGTERM" % code)
        bad = log_problems(text)
        if bad:
            row["notes"].append("%d worrying lines in listd's log, first: %s" % (len(bad), bad[0]))

        if not args.no_sink_alone:
            log("%d members: the sink alone" % count)
            workers = args.delivery_workers or 2
            batch = args.batch_size or 100
            row["sink_rcpt_s"] = sink_alone(sink, count, batch, workers, copy.data, workdir,
                                            args.timeout)
        return row
    finally:
        if daemon is not None:
            daemon.stop()
        if sink is not None:
            sink.stop()
        if dns is not None:
            dns.stop()
        if args.keep:
            log("kept " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# ------------------------------------------------------------------ report


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_table(rows):
    columns = [
        ("members", "members", "d"),
        ("import s", "import_s", ".2f"),
        ("LMTP 250 s", "lmtp_s", ".3f"),
        ("queue s", "queue_s", ".2f"),
        ("first s", "first_s", ".2f"),
        ("elapsed s", "elapsed_s", ".2f"),
        ("RCPT/s", "rcpt_s", ".0f"),
        ("sink alone", "sink_rcpt_s", ".0f"),
        ("listd/sink", "ratio", ".2f"),
        ("posts/s", "posts_s", ".3f"),
        ("listd CPU s", "listd_cpu", ".2f"),
        ("sink CPU s", "sink_cpu", ".2f"),
        ("peak RSS MiB", "rss", ".1f"),
        ("after burst", "rss_burst", ".1f"),
    ]
    for row in rows:
        if row.get("rcpt_s") and row.get("sink_rcpt_s"):
            row["ratio"] = row["rcpt_s"] / row["sink_rcpt_s"]
    widths = [max(len(title), 8) for title, _, _ in columns]
    print("  ".join(title.rjust(w) for (title, _, _), w in zip(columns, widths)))
    for row in rows:
        print("  ".join(fmt(row.get(key), spec).rjust(w)
                        for (_, key, spec), w in zip(columns, widths)))
    sized = [r for r in rows if r.get("rss")]
    if len(sized) >= 2:
        small = min(sized, key=lambda r: r["members"])
        big = max(sized, key=lambda r: r["members"])
        print("peak RSS %d/%d members: %.2f (%.1f MiB / %.1f MiB)" % (
            big["members"], small["members"], big["rss"] / small["rss"], big["rss"], small["rss"]))
    for row in rows:
        for note in row["notes"]:
            print("%d members: %s" % (row["members"], note))


def main(argv):
    if argv[:1] == ["--flood-client"]:
        address, first, count, batch, path = argv[1:6]
        flood_client(address, int(first), int(count), int(batch), path)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="10000,100000",
                        help="comma-separated member counts (default 10000,100000)")
    parser.add_argument("--listd", default=os.path.join(ROOT, "build-release", "listd", "listd"))
    parser.add_argument("--listctl",
                        default=os.path.join(ROOT, "build-release", "listd", "listctl"))
    parser.add_argument("--posts", type=int, default=5,
                        help="posts sent back to back after the first, for posts/s (0: none)")
    parser.add_argument("--burst-max-members", type=int, default=10000,
                        help="send the back-to-back posts only up to this member count")
    parser.add_argument("--delivery-workers", type=int, help="passed to listd (default its own, 2)")
    parser.add_argument("--batch-size", type=int, help="passed to listd (default its own, 100)")
    parser.add_argument("--timeout", type=int, default=900,
                        help="seconds to wait for each phase's copies (default 900)")
    parser.add_argument("--no-sink-alone", action="store_true", help="skip the sink-alone flood")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = parser.parse_args(argv)
    try:
        counts = [int(c) for c in args.members.split(",") if c.strip()]
    except ValueError:
        fail("--members takes numbers separated by commas")
    if not counts or min(counts) < 1:
        fail("--members takes positive numbers")
    for binary in (args.listd, args.listctl):
        if not os.access(binary, os.X_OK):
            fail("no program at %s (build it: ninja -C build-release listd listctl)" % binary)
    cache = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.listd))),
                         "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            if not re.search(r"^CMAKE_BUILD_TYPE:\w+=Release$", f.read(), re.M):
                log("warning: %s is not a Release build; its figures say little" % args.listd)
    log("listd: %s" % args.listd)
    rows = [bench_size(args, count) for count in counts]
    print_table(rows)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
