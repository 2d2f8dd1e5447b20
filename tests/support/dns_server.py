#!/usr/bin/python3
"""A real DNS server on 127.0.0.1 for listd's tests: unbound with local data.

NAME
    dns_server.py - run /usr/sbin/unbound on a free 127.0.0.1 port, serving
    TXT records from a table, and optionally run a command beside it.

SYNOPSIS
    dns_server.py --records FILE [--records FILE ...] [--ttl N] [-- COMMAND ARGS...]

    As a module:
        with DnsServer({"sel._domainkey.example.com": ["v=DKIM1; p=..."]}) as dns:
            os.environ["LISTD_TEST_DNS"] = dns.address   # "127.0.0.1:PORT"
            dns.set("other.example.com", "SERVFAIL"); dns.reload()
            dns.pause(); ...; dns.resume()

    A record value in the dict is one TXT text (str), a keyword (below), or
    a list of records, each a str or a list of its character-strings.

DESCRIPTION
    The server answers only from its table and never recurses: the root zone
    is a `static` local zone, so every name that is not listed answers
    NXDOMAIN and no query ever leaves the machine. Each listed name may hold
    several TXT records; a record longer than 255 bytes is split into
    several character-strings (RFC 1035 section 3.3.14), as real DKIM key
    records are (RFC 6376 section 3.6.2.2).

    With a COMMAND, the server is started, COMMAND runs with
    LISTD_TEST_DNS=127.0.0.1:PORT in its environment, the server is stopped,
    and the exit code is COMMAND's. Without one, the server runs until
    interrupted and prints its address.

RECORD FILES
    One record per line: `owner-name<TAB>value`; further tab-separated
    columns are ignored (the testsuites' notes). A line without a tab is split
    at its first run of blanks instead (Mail::DKIM's FAKE_DNS.dat). Lines
    starting with `#` or `;` and blank lines are skipped. A name on several
    lines of one file holds several TXT records; a name listed by a later
    file replaces what earlier files said of it. The value is the TXT text,
    or:
        NXDOMAIN   the name (and everything below it) does not exist
        NODATA     the name exists but has no TXT record (it holds an A record)
        SERVFAIL   lookups of the name (and below it) answer SERVFAIL
        TIMEOUT    queries for the name (and below it) are dropped, unanswered
        ~~text~~   (FAKE_DNS.dat) SERVFAIL, or TIMEOUT if text says "timed out"
        "a" "b"    a value that starts with a double quote is a list of
                   zone-file quoted character-strings, used as given
                   (`""`, like an empty value, is one empty string)

HOW THE FAILURES ARE MADE
    SERVFAIL: the name is a stub zone whose only server is a TCP port on
    127.0.0.1 that this process holds bound but never listens on, so unbound
    is refused at once and answers SERVFAIL. TIMEOUT: a `deny` local zone,
    which drops the query. pause() stops the whole server with SIGSTOP.

LIMITS
    Python standard library only. Only IPv4 127.0.0.1. reload() restarts
    unbound on the same port (a fraction of a second). The default TTL is 300 seconds.
"""

import argparse
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from beside import run_command

UNBOUND = "/usr/sbin/unbound"
# A name the server always holds, answering this instance's generation, so
# that "ready" means "answers from the table we just wrote".
_READY_NAME = "listd-dns-server-ready.invalid"
_KEYWORDS = ("NXDOMAIN", "NODATA", "SERVFAIL", "TIMEOUT")


class DnsServerError(RuntimeError):
    """unbound could not be started, or the record data is unusable."""


# ---------------------------------------------------------------- record data


def _normalize_name(name):
    name = name.strip().rstrip(".").lower()
    if not name:
        raise DnsServerError("empty owner name")
    for ch in name:
        # Characters that would break unbound's config syntax or zone-file
        # parsing; real test names never need them.
        if ch in "\"'\\;#()" or ch.isspace() or not ch.isprintable():
            raise DnsServerError("unsupported character %r in owner name %r" % (ch, name))
    for label in name.split("."):
        if not label or len(label.encode()) > 63:
            raise DnsServerError("bad label in owner name %r" % name)
    return name


def _parse_quoted_strings(text):
    """Splits `"a" "b c"` into ["a", "b c"]; backslash escapes one character."""
    strings, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] != '"':
            raise DnsServerError("expected a quoted string in %r" % text)
        i += 1
        out = []
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out.append(text[i])
            i += 1
        if i >= len(text):
            raise DnsServerError("unterminated quoted string in %r" % text)
        i += 1
        strings.append("".join(out))
    return strings


def _split_bytes(data, size=255):
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


class _Entry:
    """What one owner name answers: a keyword, or a list of TXT records.

    Each TXT record is a list of character-strings (bytes, each <= 255)."""

    def __init__(self):
        self.keyword = None
        self.txt = []


class RecordTable:
    """Owner name -> _Entry, built from dicts and record files."""

    def __init__(self):
        self.entries = {}

    def set(self, name, value):
        """Replaces what `name` answers.

        `value` is a keyword string (NXDOMAIN, NODATA, SERVFAIL, TIMEOUT), or
        one TXT text (str), or a list of records where each is a str (split
        every 255 bytes) or a list/tuple of str (the character-strings)."""
        name = _normalize_name(name)
        self.entries.pop(name, None)
        if isinstance(value, str):
            if value in _KEYWORDS:
                self.entries.setdefault(name, _Entry()).keyword = value
                return
            value = [value]
        if not value:
            raise DnsServerError("no records given for %r (use NODATA or NXDOMAIN)" % name)
        for record in value:
            self.add(name, record)

    def add(self, name, record):
        """Adds one TXT record (str, or list of character-strings) at `name`."""
        name = _normalize_name(name)
        entry = self.entries.setdefault(name, _Entry())
        if entry.keyword is not None:
            raise DnsServerError("%r is %s and cannot also hold TXT records" % (name, entry.keyword))
        if isinstance(record, str):
            strings = _split_bytes(record.encode("utf-8"))
        else:
            strings = [s.encode("utf-8") if isinstance(s, str) else bytes(s) for s in record]
            if any(len(s) > 255 for s in strings) or not strings:
                raise DnsServerError("character-strings must be 1 to 255 bytes each at %r" % name)
        entry.txt.append(strings)

    def remove(self, name):
        """Forgets `name`; it answers NXDOMAIN again."""
        self.entries.pop(_normalize_name(name), None)

    def load_line(self, line, where):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            return
        if "\t" in line:
            name, value = line.split("\t")[:2]
        else:
            parts = line.lstrip().split(None, 1)  # the value keeps trailing blanks
            if len(parts) != 2:
                raise DnsServerError("%s: expected 'name<TAB>value'" % where)
            name, value = parts
        try:
            if value in _KEYWORDS:
                self.set(name, value)
            elif value.startswith("~~") and value.endswith("~~") and len(value) >= 4:
                self.set(name, "TIMEOUT" if "timed out" in value.lower() else "SERVFAIL")
            elif value.startswith('"'):
                self.add(name, _parse_quoted_strings(value))
            else:
                self.add(name, value)
        except DnsServerError as e:
            raise DnsServerError("%s: %s" % (where, e)) from None

    def load_file(self, path):
        """Loads a record file (format in the module doc).

        Names repeated inside the file accumulate records; a name the file
        lists replaces what earlier files or calls gave that name."""
        loaded = RecordTable()
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for number, line in enumerate(f, 1):
                loaded.load_line(line, "%s:%d" % (path, number))
        self.entries.update(loaded.entries)


# ------------------------------------------------------------ unbound config


def _zone_string(data):
    """One character-string in zone-file syntax, safe inside a '...' config value."""
    out = ['"']
    for b in data:
        if b in (0x22, 0x27, 0x5C) or b < 0x20 or b > 0x7E:
            out.append("\\%03d" % b)  # RFC 1035 section 5.1 \DDD
        else:
            out.append(chr(b))
    out.append('"')
    return "".join(out)


def _unbound_config(table, port, workdir, refused_port, ttl, generation):
    lines = [
        "server:",
        "  interface: 127.0.0.1@%d" % port,
        "  port: %d" % port,
        "  interface-automatic: no",
        "  so-reuseport: no",  # two servers must never share a port
        "  do-ip4: yes",
        "  do-ip6: no",
        "  do-udp: yes",
        "  do-tcp: yes",
        "  do-daemonize: no",
        '  username: ""',
        '  chroot: ""',
        '  directory: "%s"' % workdir,
        '  pidfile: "%s"' % os.path.join(workdir, "unbound.pid"),
        '  logfile: ""',
        "  use-syslog: no",
        "  log-time-ascii: yes",
        "  verbosity: 1",
        "  num-threads: 1",
        "  msg-cache-size: 1m",
        "  rrset-cache-size: 1m",
        "  outgoing-range: 64",
        '  module-config: "iterator"',
        "  access-control: 127.0.0.0/8 allow",
        # Only the SERVFAIL stubs are queried, and they point at 127.0.0.1.
        "  do-not-query-localhost: no",
        # The root is local: nothing outside the table exists, no recursion.
        '  local-zone: "." static',
        "  local-data: '%s. 0 IN TXT \"%d\"'" % (_READY_NAME, generation),
    ]
    stubs = []
    for name in sorted(table.entries):
        entry = table.entries[name]
        if entry.keyword == "NXDOMAIN":
            lines.append('  local-zone: "%s." always_nxdomain' % name)
        elif entry.keyword == "NODATA":
            lines.append("  local-data: '%s. %d IN A 192.0.2.1'" % (name, ttl))
        elif entry.keyword == "TIMEOUT":
            lines.append('  local-zone: "%s." deny' % name)
        elif entry.keyword == "SERVFAIL":
            lines.append('  local-zone: "%s." transparent' % name)
            stubs += [
                "stub-zone:",
                '  name: "%s."' % name,
                "  stub-addr: 127.0.0.1@%d" % refused_port,
                "  stub-tcp-upstream: yes",
            ]
        else:
            for strings in entry.txt:
                rdata = " ".join(_zone_string(s) for s in strings)
                lines.append("  local-data: '%s. %d IN TXT %s'" % (name, ttl, rdata))
    lines += stubs
    lines += ["remote-control:", "  control-enable: no", ""]
    return "\n".join(lines)


# ------------------------------------------------------- a tiny DNS client


def _exchange(port, packet, timeout, tcp):
    """Sends one DNS message to 127.0.0.1:port; the reply, or None."""
    kind = socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM
    try:
        with socket.socket(socket.AF_INET, kind) as s:
            s.settimeout(timeout)
            if not tcp:
                s.sendto(packet, ("127.0.0.1", port))
                return s.recv(65535)
            s.connect(("127.0.0.1", port))
            s.sendall(struct.pack("!H", len(packet)) + packet)  # RFC 1035 4.2.2
            data = b""
            while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
                chunk = s.recv(65535)
                if not chunk:
                    return None
                data += chunk
            return data[2:]
    except OSError:
        return None


def query_txt(port, name, timeout=1.0):
    """Asks 127.0.0.1:port for TXT `name` (UDP, then TCP if truncated).

    Returns (rcode, records), each record the list of its character-strings
    as bytes, or None when no answer came within `timeout` seconds."""
    qid = random.randrange(65536)
    qname = b"".join(bytes([len(l)]) + l for l in name.encode().split(b".")) + b"\0"
    packet = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 16, 1)
    reply = _exchange(port, packet, timeout, tcp=False)
    if reply is not None and len(reply) >= 4 and reply[2] & 0x02:  # TC: retry over TCP
        reply = _exchange(port, packet, timeout, tcp=True)
    if reply is None or len(reply) < 12 or struct.unpack("!H", reply[:2])[0] != qid:
        return None
    flags, qd, an = struct.unpack("!HHH", reply[2:8])
    pos = 12

    def skip_name(p):
        while True:
            n = reply[p]
            if n & 0xC0 == 0xC0:
                return p + 2
            if n == 0:
                return p + 1
            p += n + 1

    try:
        for _ in range(qd):
            pos = skip_name(pos) + 4
        records = []
        for _ in range(an):
            pos = skip_name(pos)
            rtype, _, _, rdlen = struct.unpack("!HHIH", reply[pos : pos + 10])
            pos += 10
            rdata = reply[pos : pos + rdlen]
            pos += rdlen
            if rtype == 16:
                strings, i = [], 0
                while i < len(rdata):
                    strings.append(rdata[i + 1 : i + 1 + rdata[i]])
                    i += 1 + rdata[i]
                records.append(strings)
    except (IndexError, struct.error):
        return None
    return flags & 0x000F, records


# ------------------------------------------------------------------ server


def _free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (now; unbound then binds it)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            if port < 10000:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise DnsServerError("no free port on 127.0.0.1")


def _die_with_parent():
    """In the child: ask Linux to kill unbound if this process dies (ctest kill -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # best effort: not Linux, no ctypes
        pass


class DnsServer:
    """unbound on 127.0.0.1 serving a RecordTable. Use as a context manager."""

    def __init__(self, records=None, ttl=300, unbound=UNBOUND, start_timeout=10.0):
        self.table = RecordTable()
        for name, value in (records or {}).items():
            self.table.set(name, value)
        self.ttl = ttl
        self.unbound = unbound
        self.start_timeout = start_timeout
        self.port = None
        self._proc = None
        self._paused = False
        self._generation = 0
        self._workdir = None
        self._log = None
        # Bound, never listening: TCP connects to it are refused at once,
        # which is how SERVFAIL names fail. Held so nobody else takes it.
        self._refuser = None

    # -- records

    def set(self, name, value):
        """Replaces `name`'s answer (see RecordTable.set); call reload() after."""
        self.table.set(name, value)

    def add(self, name, record):
        """Adds one TXT record at `name`; call reload() after."""
        self.table.add(name, record)

    def remove(self, name):
        """Makes `name` NXDOMAIN again; call reload() after."""
        self.table.remove(name)

    def load_file(self, path):
        """Adds the records of a record file; call reload() after."""
        self.table.load_file(path)

    @property
    def address(self):
        """"127.0.0.1:PORT", the value of LISTD_TEST_DNS."""
        return "127.0.0.1:%d" % self.port

    # -- lifecycle

    def start(self):
        """Starts unbound and returns once it answers; raises DnsServerError."""
        if self._proc is not None:
            return self
        self._workdir = tempfile.mkdtemp(prefix="listd-dns-")
        self._refuser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refuser.bind(("127.0.0.1", 0))
        last_error = None
        for _ in range(5):  # another process may grab the free port first
            self.port = _free_port()
            try:
                self._launch()
                return self
            except DnsServerError as e:
                last_error = e
                if "bind" not in str(e).lower():
                    break
        self._cleanup()
        raise last_error

    def reload(self):
        """Serves the current table: restarts unbound on the same port."""
        if self._proc is None:
            return self.start()
        self._terminate()
        for attempt in range(20):
            try:
                self._launch()
                return self
            except DnsServerError as e:
                if "bind" not in str(e).lower() or attempt == 19:
                    self._cleanup()
                    raise
                time.sleep(0.05)
        return self

    def pause(self):
        """Freezes the server (SIGSTOP): queries stay unanswered until resume()."""
        if self._proc is not None and not self._paused:
            self._proc.send_signal(signal.SIGSTOP)
            self._paused = True

    def resume(self):
        """Lets a paused server answer again (SIGCONT)."""
        if self._proc is not None and self._paused:
            self._proc.send_signal(signal.SIGCONT)
            self._paused = False

    def stop(self):
        """Stops unbound and removes its files. Safe to call twice."""
        self._terminate()
        self._cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- internals

    def _launch(self):
        self._generation += 1
        config = os.path.join(self._workdir, "unbound.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(
                _unbound_config(
                    self.table,
                    self.port,
                    self._workdir,
                    self._refuser.getsockname()[1],
                    self.ttl,
                    self._generation,
                )
            )
        log_path = os.path.join(self._workdir, "unbound.log")
        self._log = open(log_path, "wb")
        try:
            self._proc = subprocess.Popen(
                [self.unbound, "-d", "-c", config],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        except OSError as e:
            raise DnsServerError("cannot run %s: %s" % (self.unbound, e)) from None
        deadline = time.monotonic() + self.start_timeout
        want = str(self._generation)
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise DnsServerError(
                    "unbound exited with status %s while starting on port %d:\n%s"
                    % (code, self.port, self._log_tail(log_path))
                )
            answer = query_txt(self.port, _READY_NAME, 0.2)
            if answer is not None and answer[1] == [[want.encode()]]:
                self._paused = False
                return
            time.sleep(0.02)
        self._terminate()
        raise DnsServerError(
            "unbound did not answer on 127.0.0.1:%d within %.0f s:\n%s"
            % (self.port, self.start_timeout, self._log_tail(log_path))
        )

    @staticmethod
    def _log_tail(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return "(no log)"

    def _terminate(self):
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            if self._paused:
                proc.send_signal(signal.SIGCONT)
            self._paused = False
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _cleanup(self):
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._refuser is not None:
            self._refuser.close()
            self._refuser = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


# --------------------------------------------------------------------- CLI


def main(argv):
    parser = argparse.ArgumentParser(
        description="Run unbound on 127.0.0.1 with test TXT records, "
        "optionally around a command (which gets LISTD_TEST_DNS=127.0.0.1:PORT)."
    )
    parser.add_argument(
        "--records", action="append", default=[], metavar="FILE", help="record file (repeatable)"
    )
    parser.add_argument("--ttl", type=int, default=300, help="TTL of the records (default 300)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    server = DnsServer(ttl=args.ttl)
    try:
        for path in args.records:
            server.load_file(path)
        server.start()
    except (DnsServerError, OSError) as e:
        print("dns_server.py: %s" % e, file=sys.stderr)
        return 2

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not command:
            print("dns_server.py: serving on %s (Ctrl-C stops)" % server.address, flush=True)
            while True:
                time.sleep(3600)
        return run_command(command, {"LISTD_TEST_DNS": server.address}, "dns_server.py")
    except KeyboardInterrupt:
        return 130 if command else 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
