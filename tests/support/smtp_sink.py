#!/usr/bin/python3
"""An SMTP sink on 127.0.0.1 for listd's tests: keeps what it accepts.

NAME
    smtp_sink.py - an SMTP server (aiosmtpd) on a free 127.0.0.1 port that
    stores every accepted message, logs every transaction, and fails on
    request; optionally runs a command beside it.

SYNOPSIS
    smtp_sink.py [--dir DIR] [--control FILE] [--port N] [--count-only]
                 [--tls-cert FILE --tls-key FILE | --self-signed]
                 [--require-tls] [--smtps] [--auth USER:PASSWORD]...
                 [--auth-over-plain] [-- COMMAND ARGS...]

    As a module (sys.path.insert(0, "tests/support"); import smtp_sink):
        with smtp_sink.SmtpSink() as sink:        # or SmtpSink(directory=D)
            sink.address                          # "127.0.0.1:PORT"
            sink.set_control({"reject_rcpt": {"bob@example.org": "550 5.1.1 no such user"}})
            ... send mail to sink.host, sink.port ...
            for m in sink.messages():             # one per accepted recipient
                m.recipient, m.mail_from, m.data  # data: the exact bytes
            sink.transactions()                   # the log, a list of dicts
            sink.clear()                          # forget messages and log
            sink.accepted()                       # recipients accepted so far

        SmtpSink(store=False)                     # count-only (see below)
        sink.wait_accepted(100000, timeout=60)    # True once that many

        SmtpSink(tls_cert=C, tls_key=K, require_tls=True,
                 auth_users={"listd": "secret"})  # see TLS AND AUTH
        cert, key = smtp_sink.make_self_signed(DIR)   # IP:127.0.0.1

DESCRIPTION
    The server accepts any sender and recipient (the null reverse-path "<>"
    included, which aiosmtpd alone refuses) and offers, in its EHLO reply,
    SIZE, 8BITMIME, SMTPUTF8 and PIPELINING (RFC 2920: aiosmtpd reads
    commands one line at a time, so pipelined commands are answered in
    order). It binds 127.0.0.1 only.

    END OF DATA AND BARE LINE BREAKS (RFC 5321 sections 2.3.8, 4.1.1.4)
    Only <CRLF>.<CRLF> ends the data: Debian's aiosmtpd (1.4.3-1.1+deb12u1,
    the fix of CVE-2024-27305) reads the data in CRLF-ended lines, so a
    "." next to a bare CR or LF is data, and dot transparency applies to
    CRLF lines only. On top of that the sink refuses any message holding a
    bare CR or LF with "554 5.6.0", logs it, closes the connection and
    accepts nothing more on it: a client that sends one is wrong, and no
    message smuggled behind a bare-LF dot can be stored by the sink, even
    with an aiosmtpd that took such a dot for the end. smtp_sink_test.py
    checks both.

    With a COMMAND, the sink is started, COMMAND runs with
        LISTD_TEST_SMTP=127.0.0.1:PORT
        LISTD_TEST_SMTP_DIR=DIR
        LISTD_TEST_SMTP_CONTROL=FILE
        LISTD_TEST_SMTP_TLS_CERT=FILE     (only with TLS: the certificate)
    in its environment, the sink is stopped and the exit code is COMMAND's.
    Without one, it prints its address and runs until SIGTERM or Ctrl-C.
    Without --dir, a temporary directory is used and removed at the end.

COUNT-ONLY MODE
    SmtpSink(store=False), or --count-only, is for benchmarks that send to
    many recipients: writing two files per recipient would measure the
    disk, not the sender. The sink then writes no .eml or .json files; it
    still writes log.jsonl and obeys the control file, and it counts the
    recipients of every transaction whose DATA it accepted (accepted(),
    wait_accepted()). It keeps in memory only the first accepted copy, so
    that a caller can check what was sent: messages() returns that one
    Message (path None), or nothing. The reply to the end of DATA names
    the recipients' numbers as a range, "queued as NNNNNN-MMMMMM", so it
    stays short for big batches. first_accept_time and
    last_accept_time are the time.monotonic() of the first and the latest
    accepted DATA. The command-line mode prints "smtp_sink.py: accepted N
    recipients" on standard error when it stops. Counting and the two
    times work in the default mode too.

THE OUTPUT DIRECTORY
    NNNNNN-RCPT.eml   one file per accepted recipient of each accepted
                      transaction: the message bytes exactly as received,
                      after the transparency dots were removed (RFC 5321
                      section 4.5.2); NNNNNN counts up from 000001. RCPT is
                      the address with every character outside
                      [A-Za-z0-9@._+-] replaced by "_".
    NNNNNN-RCPT.json  its envelope: {"mail_from", "recipient", "conn",
                      "transaction", "time", "mail_options", "rcpt_options"}.
                      Written before the .eml, which appears by rename(), so
                      a reader that sees the .eml sees a whole message.
    log.jsonl         one JSON object a line, in order:
                      {"event": "connect", "conn": N, "time": T}
                      {"event": "transaction", "conn": N, "transaction": K,
                       "time": T, "mail_from": S, "mail_reply": S,
                       "tls": B, "auth": S|null,
                       "rcpts": [{"address": S, "reply": S}, ...],
                       "result": S}   tls: whether the connection was
                       encrypted when MAIL came; auth: the user name that
                       authenticated on it, or null. result: the reply to
                       the end of DATA,
                       the reply refusing MAIL, "dropped" (connection closed
                       on purpose after DATA), or "abandoned: RSET|QUIT|
                       disconnect|MAIL" when no message followed.
                      {"event": "disconnect", "conn": N, "time": T}
                      "conn" numbers connections from 1, so two transactions
                      with one "conn" travelled on one connection.
    control.json      the default control file (below).

FAULT INJECTION (the control file)
    A JSON object, re-read before every reply the sink decides (the
    greeting, MAIL, RCPT, the end of DATA); a missing or empty file means
    "no faults". Counters ("fail_next_...", "drop_...") are decremented in
    the file itself as they are used, so a test sees what is left. Tests
    should replace the file atomically (write a temporary, rename()), as
    set_control() does.
        fail_next_connections: N   answer the next N connections' greeting
                                   with fail_code and close them
        fail_next_transactions: N  answer the next N MAIL commands with
                                   fail_code; a 421 also closes the
                                   connection (RFC 5321 section 3.8)
        fail_code: "421 4.3.2 try later"   (the default)
        reject_rcpt: {ADDRESS: REPLY}      answer RCPT TO:<ADDRESS> with
        tempfail_rcpt: {ADDRESS: REPLY}    REPLY (any code; both maps are
                                   one, the names only say intent; ADDRESS
                                   is matched case-insensitively)
        tls_cert_file: FILE        present this certificate (PEM; the key
        tls_key_file: FILE         in tls_key_file, default the same file)
                                   at the next STARTTLS handshakes instead
                                   of tls_cert, e.g. one for another name
        fail_next_data: N          answer the end of the next N DATA with
        data_code: "554 5.6.0 rejected"    data_code (a 421 also closes)
        drop_connection_after_data: N  read the next N messages whole, then
                                   close the connection without a reply
        delay_seconds: X           wait X seconds before each reply to MAIL,
                                   RCPT and the end of DATA
        delay_steps: {STEP: X}     wait X seconds (more) before the reply to
                                   one step only: "mail", "rcpt", "data"
                                   (the 354) or "data_end" (the final dot),
                                   e.g. {"data_end": 3} for a server that
                                   scans a message before it answers
        fail_next_data_command: N  answer the next N DATA commands (before
        data_command_code: "554 5.7.1 refused"   any data) with this code

TLS AND AUTH
    Off by default. With tls_cert and tls_key (PEM files; --tls-cert,
    --tls-key), the EHLO reply offers STARTTLS (RFC 3207); --self-signed
    makes a fresh self-signed certificate for IP:127.0.0.1 in the output
    directory (tls-cert.pem, tls-key.pem) with /usr/bin/openssl, as
    make_self_signed() does. require_tls=True (--require-tls) refuses MAIL
    before STARTTLS with "530 5.7.0 Must issue a STARTTLS command first"
    (RFC 3207 section 4); the refused MAIL is logged as a transaction.
    smtps=True (--smtps) speaks TLS from the first byte instead (RFC 8314
    section 3), and then offers no STARTTLS.
    auth_users={"user": "password"} (--auth USER:PASSWORD, repeatable)
    offers AUTH PLAIN LOGIN (RFC 4954), on an encrypted connection only
    unless auth_over_plain=True (--auth-over-plain); wrong credentials get
    "535 5.7.8 Authentication credentials invalid", AUTH on a plain
    connection "538 5.7.11". Authentication is offered, not required: MAIL
    without it is accepted, and logged with "auth": null. Without
    auth_users, AUTH is never offered.

LIMITS
    aiosmtpd plus the Python standard library (and /usr/bin/openssl for
    --self-signed). 127.0.0.1 only. Messages up to 32 MiB (aiosmtpd's SIZE
    default). The server asks for no client certificate.
"""

import argparse
import asyncio
import collections
import json
import logging
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult
from beside import run_command

# aiosmtpd itself sets the deprecated Session.login_data on every successful
# AUTH, and logs a warning about it each time.
logging.getLogger("mail.log").addFilter(
    lambda record: "login_data is deprecated" not in record.getMessage())

Message = collections.namedtuple(
    "Message", "index recipient mail_from data path envelope"
)
Message.__doc__ = """One accepted recipient's copy: index (the NNNNNN), recipient,
mail_from ("" for the null sender), data (bytes), path (of the .eml), envelope (the sidecar dict)."""

_DEFAULT_FAIL_CODE = "421 4.3.2 try later"
_DEFAULT_DATA_CODE = "554 5.6.0 rejected"
_TLS_REQUIRED = "530 5.7.0 Must issue a STARTTLS command first"
_BARE_LINE_BREAK = "554 5.6.0 bare %s in the message data; lines end in CRLF (RFC 5321 section 2.3.8)"
_CLOSED_AFTER_BARE = "421 4.5.2 closing after a bare line break"
_BARE_CR_OR_LF = re.compile(rb"\r(?!\n)|(?<!\r)\n")
_OPENSSL = "/usr/bin/openssl"


class SmtpSinkError(RuntimeError):
    """The sink could not start."""


def _safe_name(address):
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", address) or "_"


def _write_atomically(path, data):
    tmp = "%s.tmp.%d.%d" % (path, os.getpid(), threading.get_ident())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def make_self_signed(directory, san="IP:127.0.0.1", name="tls"):
    """Writes a fresh self-signed certificate for `san` (an X.509
    subjectAltName, e.g. "IP:127.0.0.1" or "DNS:host.test") and its key
    to DIRECTORY/NAME-cert.pem and NAME-key.pem, with /usr/bin/openssl;
    returns (cert, key). Raises SmtpSinkError when openssl fails."""
    cert = os.path.join(directory, name + "-cert.pem")
    key = os.path.join(directory, name + "-key.pem")
    subject = "/CN=" + san.split(":", 1)[-1]
    command = [_OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-days", "2", "-subj", subject, "-addext", "subjectAltName=" + san,
               "-keyout", key, "-out", cert]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        raise SmtpSinkError("cannot run %s: %s" % (_OPENSSL, e))
    if done.returncode != 0:
        raise SmtpSinkError("openssl failed: %s" % done.stderr.decode(errors="replace").strip())
    return cert, key


def _server_context(cert, key):
    """A server-side TLS context presenting `cert`; asks no client certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class _NullPath(str):
    """The null reverse-path "<>": an empty address that still counts as
    given, because aiosmtpd tests `if not envelope.mail_from`."""

    def __bool__(self):
        return True


class _SinkSMTP(SMTP):
    """aiosmtpd's SMTP with connection numbers, the null sender, a greeting
    that can fail, and a transaction record."""

    def __init__(self, sink, handler, **kwargs):
        super().__init__(handler, **kwargs)
        self.sink = sink
        self.conn_id = None
        self.txn = None  # the transaction being built, logged when it ends
        self.poisoned = False  # a bare CR or LF came: nothing more is accepted

    def connection_made(self, transport):
        first = self.conn_id is None and self.transport is None
        super().connection_made(transport)
        if first:
            self.conn_id = self.sink._next_conn()
            self.sink._log({"event": "connect", "conn": self.conn_id})

    def connection_lost(self, error):
        self.end_transaction("abandoned: disconnect")
        # aiosmtpd calls this twice when a STARTTLS handshake fails.
        if self.conn_id is not None and not getattr(self, "_disconnected", False):
            self._disconnected = True
            self.sink._log({"event": "disconnect", "conn": self.conn_id})
        super().connection_lost(error)

    def is_tls(self):
        """Whether the connection is encrypted now (STARTTLS or smtps)."""
        return self.transport is not None and self.transport.get_extra_info("ssl_object") is not None

    def authenticated_user(self):
        # Not auth_*: aiosmtpd takes every auth_* method for a mechanism.
        """The user name that authenticated on this connection, or None."""
        data = getattr(self.session, "auth_data", None)
        if not getattr(self.session, "authenticated", False) or data is None:
            return None
        login = getattr(data, "login", data)
        return login.decode("utf-8", "replace") if isinstance(login, bytes) else str(login)

    async def smtp_STARTTLS(self, arg):
        # The control file may swap the certificate, e.g. for one that names
        # another host, so a client's name check can be tested.
        control = self.sink._control()
        cert = control.get("tls_cert_file")
        if cert and self.tls_context is not None:
            self.tls_context = _server_context(cert, control.get("tls_key_file") or cert)
        await super().smtp_STARTTLS(arg)

    async def _handle_client(self):
        control = self.sink._control_take("fail_next_connections")
        if control is not None:
            await self.push(control.get("fail_code", _DEFAULT_FAIL_CODE))
            self.transport.close()
            return
        await super()._handle_client()

    def _getaddr(self, arg):
        # RFC 5321 section 4.5.5: MAIL FROM:<> is the null reverse-path.
        if arg and arg.lstrip().startswith("<>"):
            return _NullPath(""), arg.lstrip()[2:]
        return super()._getaddr(arg)

    async def smtp_DATA(self, arg):
        control = self.sink._control_take("fail_next_data_command")
        if control is not None and self.envelope.rcpt_tos:
            reply = control.get("data_command_code", "554 5.7.1 refused")
            self.end_transaction(reply)
            await self.push(reply)
            if reply.startswith("421"):
                self.close_soon()
            return
        await self.sink._delay("data")
        await super().smtp_DATA(arg)

    async def smtp_RSET(self, arg):
        self.end_transaction("abandoned: RSET")
        await super().smtp_RSET(arg)

    async def smtp_QUIT(self, arg):
        self.end_transaction("abandoned: QUIT")
        await super().smtp_QUIT(arg)

    def end_transaction(self, result):
        if self.txn is not None:
            self.txn["result"] = result
            self.sink._log(self.txn)
            self.txn = None

    def close_soon(self):
        # close() after the reply in the write buffer: asyncio flushes it.
        if self.transport is not None:
            self.loop.call_soon(self.transport.close)


class _Handler:
    """aiosmtpd hooks: each reply the sink decides."""

    def __init__(self, sink):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not self.sink.auth_users:
            # aiosmtpd offers AUTH (failing every attempt) once encrypted.
            responses = [r for r in responses if not r[4:].upper().startswith("AUTH")]
        # RFC 2920: offer PIPELINING before the closing "250 HELP".
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

    async def handle_exception(self, error):
        # A client that rejects the certificate aborts the handshake: no
        # traceback for that, one line for anything else.
        if not isinstance(error.__cause__, (ssl.SSLError, ConnectionError)):
            print("smtp_sink.py: %s: %s" % (type(error).__name__, error), file=sys.stderr)
        return "500 Error: (%s) %s" % (type(error).__name__, error)

    async def handle_MAIL(self, server, session, envelope, address, options):
        server.end_transaction("abandoned: MAIL")
        if server.poisoned:
            server.close_soon()
            return _CLOSED_AFTER_BARE
        await self.sink._delay("mail")
        txn = {
            "event": "transaction",
            "conn": server.conn_id,
            "transaction": self.sink._next_transaction(),
            "mail_from": str(address),
            "mail_options": options,
            "tls": server.is_tls(),
            "auth": server.authenticated_user(),
            "rcpts": [],
        }
        if self.sink.require_tls and not txn["tls"]:
            # RFC 3207 section 4: nothing but NOOP, EHLO, STARTTLS and QUIT
            # before TLS; refusing MAIL is what a client notices.
            txn["mail_reply"] = _TLS_REQUIRED
            server.txn = txn
            server.end_transaction(_TLS_REQUIRED)
            return _TLS_REQUIRED
        control = self.sink._control_take("fail_next_transactions")
        if control is not None:
            reply = control.get("fail_code", _DEFAULT_FAIL_CODE)
            txn["mail_reply"] = reply
            server.txn = txn
            server.end_transaction(reply)
            if reply.startswith("421"):
                server.close_soon()
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        txn["mail_reply"] = "250 2.1.0 Ok"
        server.txn = txn
        return txn["mail_reply"]

    async def handle_RCPT(self, server, session, envelope, address, options):
        await self.sink._delay("rcpt")
        control = self.sink._control()
        refusals = {}
        for key in ("reject_rcpt", "tempfail_rcpt"):
            for addr, reply in (control.get(key) or {}).items():
                refusals[addr.lower()] = reply
        reply = refusals.get(address.lower())
        if reply is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(options)
            reply = "250 2.1.5 Ok"
        if server.txn is not None:
            server.txn["rcpts"].append({"address": address, "reply": reply})
        if reply.startswith("421"):
            server.end_transaction(reply)
            server.close_soon()
        return reply

    async def handle_DATA(self, server, session, envelope):
        await self.sink._delay("data_end")
        bare = _BARE_CR_OR_LF.search(envelope.original_content)
        if bare is not None or server.poisoned:
            # See END OF DATA AND BARE LINE BREAKS.
            server.poisoned = True
            reply = _BARE_LINE_BREAK % ("CR" if bare is not None and bare.group() == b"\r" else "LF")
            server.end_transaction(reply)
            server.close_soon()
            return reply
        if self.sink._control_take("drop_connection_after_data") is not None:
            server.end_transaction("dropped")
            server.transport.close()
            return "421 4.4.2 dropped"  # written to a closed transport: lost
        control = self.sink._control_take("fail_next_data")
        if control is not None:
            reply = control.get("data_code", _DEFAULT_DATA_CODE)
            server.end_transaction(reply)
            if reply.startswith("421"):
                server.close_soon()
            return reply
        txn = server.txn or {}
        indexes = self.sink._store(envelope, server.conn_id, txn.get("transaction"))
        if self.sink.store or len(indexes) < 2:
            reply = "250 2.0.0 Ok: queued as %s" % ",".join("%06d" % i for i in indexes)
        else:  # count-only: a range keeps the reply line short for big batches
            reply = "250 2.0.0 Ok: queued as %06d-%06d" % (indexes[0], indexes[-1])
        server.end_transaction(reply)
        return reply


class SmtpSink:
    """The sink as an object: start() it (or use `with`), then read
    messages() and transactions(); set_control() injects faults."""

    def __init__(self, directory=None, control=None, port=0, hostname="sink.test", store=True,
                 tls_cert=None, tls_key=None, require_tls=False, smtps=False, auth_users=None,
                 auth_over_plain=False, self_signed=False):
        """directory: where messages and log.jsonl go (default: a temporary
        directory removed by stop()); control: the control file (default
        DIRECTORY/control.json); port: 0 picks a free one; store=False:
        count-only mode (no file per recipient, see COUNT-ONLY MODE).
        tls_cert, tls_key (PEM files) or self_signed=True: offer STARTTLS,
        or with smtps=True speak TLS from the first byte; require_tls:
        refuse MAIL before STARTTLS; auth_users {user: password}: offer
        AUTH, over plain connections too if auth_over_plain (see TLS AND
        AUTH)."""
        if (require_tls or smtps) and not (tls_cert or self_signed):
            raise SmtpSinkError("require_tls and smtps need tls_cert and tls_key, or self_signed")
        if tls_cert and self_signed:
            raise SmtpSinkError("tls_cert and self_signed exclude each other")
        self.tls_cert = tls_cert
        self.tls_key = tls_key or tls_cert
        self.self_signed = self_signed
        self.require_tls = require_tls
        self.smtps = smtps
        self.auth_users = dict(auth_users or {})
        self.auth_over_plain = auth_over_plain
        self._tls_context = None
        self.store = store
        self._accepted = 0
        self._accepted_changed = threading.Condition()
        self._first_copy = None  # count-only mode: the first accepted copy
        self.first_accept_time = None
        self.last_accept_time = None
        self._own_dir = directory is None
        self.directory = directory
        self.control_path = control
        self.port = port
        self.host = "127.0.0.1"
        self.hostname = hostname
        self._lock = threading.Lock()
        self._conn = 0
        self._transaction = 0
        self._index = 0
        self._loop = None
        self._server = None
        self._thread = None

    @property
    def address(self):
        """"127.0.0.1:PORT", as LISTD_TEST_SMTP carries it."""
        return "%s:%d" % (self.host, self.port)

    @property
    def log_path(self):
        return os.path.join(self.directory, "log.jsonl")

    def start(self):
        """Binds 127.0.0.1 and serves from a background thread."""
        if self.directory is None:
            self.directory = tempfile.mkdtemp(prefix="listd-smtp-")
        os.makedirs(self.directory, exist_ok=True)
        if self.control_path is None:
            self.control_path = os.path.join(self.directory, "control.json")
        self._index = max([m.index for m in self.messages()] + [0])
        if self.self_signed and self.tls_cert is None:
            self.tls_cert, self.tls_key = make_self_signed(self.directory)
        if self.tls_cert:
            try:
                self._tls_context = _server_context(self.tls_cert, self.tls_key)
            except (OSError, ssl.SSLError) as e:
                raise SmtpSinkError("cannot load %s: %s" % (self.tls_cert, e))
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure = []

        def run():
            asyncio.set_event_loop(self._loop)
            try:
                self._server = self._loop.run_until_complete(
                    self._loop.create_server(self._protocol, self.host, self.port,
                                             ssl=self._tls_context if self.smtps else None)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except OSError as e:
                failure.append(e)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise SmtpSinkError("cannot listen on %s:%d: %s" % (self.host, self.port, failure[0]))
        return self

    def stop(self):
        """Closes the listener and every connection; removes a temporary
        directory. Safe to call twice."""
        if self._loop is not None and self._thread is not None:

            async def shutdown():
                self._server.close()
                await self._server.wait_closed()

            if self._server is not None:
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()
        self._loop = self._thread = self._server = None
        if self._own_dir and self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def set_control(self, control):
        """Replaces the control file with `control` (a dict), atomically."""
        _write_atomically(self.control_path, json.dumps(control).encode())

    def control(self):
        """The control file's current content (counters as left)."""
        return self._control()

    def accepted(self):
        """How many recipients the sink has accepted (DATA answered 250)."""
        with self._accepted_changed:
            return self._accepted

    def wait_accepted(self, count, timeout):
        """Waits until at least `count` recipients were accepted; returns
        whether they were within `timeout` seconds."""
        with self._accepted_changed:
            return self._accepted_changed.wait_for(lambda: self._accepted >= count, timeout)

    def messages(self):
        """Every stored copy, in order: a list of Message (in count-only
        mode, the first accepted copy alone, if any)."""
        if not self.store:
            return [self._first_copy] if self._first_copy is not None else []
        out = []
        if self.directory is None or not os.path.isdir(self.directory):
            return out
        for name in sorted(os.listdir(self.directory)):
            m = re.match(r"^(\d{6,})-.*\.eml$", name)
            if not m:
                continue
            path = os.path.join(self.directory, name)
            with open(path[:-4] + ".json", encoding="utf-8") as f:
                envelope = json.load(f)
            with open(path, "rb") as f:
                data = f.read()
            out.append(
                Message(int(m.group(1)), envelope["recipient"], envelope["mail_from"], data, path, envelope)
            )
        return out

    def transactions(self):
        """The log's transaction entries, in order (dicts, see log.jsonl)."""
        return [e for e in self.log() if e.get("event") == "transaction"]

    def log(self):
        """Every log entry: connects, transactions, disconnects."""
        try:
            with open(self.log_path, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def clear(self):
        """Forgets stored messages and the log (numbering and the count of
        accepted recipients go on)."""
        with self._lock:
            self._first_copy = None
            for name in os.listdir(self.directory):
                if re.match(r"^\d{6,}-.*\.(eml|json)$", name) or name == "log.jsonl":
                    os.unlink(os.path.join(self.directory, name))

    # -- internals (called on the server thread)

    def _protocol(self):
        return _SinkSMTP(
            self,
            _Handler(self),
            hostname=self.hostname,
            ident="listd smtp_sink",
            enable_SMTPUTF8=True,
            decode_data=False,
            loop=self._loop,
            # smtps: the transport is TLS already, STARTTLS is not offered.
            tls_context=None if self.smtps else self._tls_context,
            # smtps: every connection is encrypted, which aiosmtpd only
            # knows of STARTTLS ones.
            auth_require_tls=not (self.auth_over_plain or self.smtps),
            authenticator=self._authenticate,
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        # RFC 4954 section 6: a wrong user or password is 535 5.7.8, which
        # aiosmtpd answers for an unsuccessful, unhandled result.
        login = getattr(auth_data, "login", b"")
        password = getattr(auth_data, "password", b"")
        user = login.decode("utf-8", "replace") if isinstance(login, bytes) else str(login)
        secret = password.decode("utf-8", "replace") if isinstance(password, bytes) else str(password)
        ok = user in self.auth_users and self.auth_users[user] == secret
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def _next_conn(self):
        with self._lock:
            self._conn += 1
            return self._conn

    def _next_transaction(self):
        with self._lock:
            self._transaction += 1
            return self._transaction

    def _log(self, entry):
        entry = dict(entry, time=round(time.time(), 3))
        with self._lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def _control(self):
        try:
            with open(self.control_path, "rb") as f:
                text = f.read()
        except FileNotFoundError:
            return {}
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            print("smtp_sink.py: ignoring unreadable control file %s" % self.control_path, file=sys.stderr)
            return {}
        return value if isinstance(value, dict) else {}

    def _control_take(self, counter):
        """If control[counter] > 0: decrements it in the file and returns
        the control dict (as read); otherwise None."""
        with self._lock:
            control = self._control()
            left = control.get(counter) or 0
            if not isinstance(left, int) or left <= 0:
                return None
            _write_atomically(self.control_path, json.dumps(dict(control, **{counter: left - 1})).encode())
            return control

    async def _delay(self, step):
        control = self._control()
        seconds = 0 if step == "data" else control.get("delay_seconds") or 0
        steps = control.get("delay_steps")
        if isinstance(steps, dict):
            seconds += steps.get(step) or 0
        if seconds > 0:
            await asyncio.sleep(seconds)

    def _count(self, recipients):
        now = time.monotonic()
        with self._accepted_changed:
            self._accepted += recipients
            if self.first_accept_time is None:
                self.first_accept_time = now
            self.last_accept_time = now
            self._accepted_changed.notify_all()

    def _store(self, envelope, conn, transaction):
        if not self.store:
            return self._keep_first(envelope, conn, transaction)
        indexes = []
        for rcpt, in_order in zip(envelope.rcpt_tos, range(len(envelope.rcpt_tos))):
            with self._lock:
                self._index += 1
                index = self._index
            base = os.path.join(self.directory, "%06d-%s" % (index, _safe_name(rcpt)))
            sidecar = {
                "mail_from": str(envelope.mail_from),
                "recipient": rcpt,
                "conn": conn,
                "transaction": transaction,
                "time": round(time.time(), 3),
                "mail_options": envelope.mail_options,
                "rcpt_options": envelope.rcpt_options,
            }
            _write_atomically(base + ".json", json.dumps(sidecar).encode())
            _write_atomically(base + ".eml", envelope.original_content)
            indexes.append(index)
        self._count(len(indexes))
        return indexes

    def _keep_first(self, envelope, conn, transaction):
        """Count-only mode: numbers the recipients as _store() would, keeps
        the very first copy in memory, writes nothing."""
        with self._lock:
            first = self._index + 1
            self._index += len(envelope.rcpt_tos)
            keep = self._first_copy is None and envelope.rcpt_tos
            if keep:
                envelope_dict = {
                    "mail_from": str(envelope.mail_from),
                    "recipient": envelope.rcpt_tos[0],
                    "conn": conn,
                    "transaction": transaction,
                    "time": round(time.time(), 3),
                    "mail_options": envelope.mail_options,
                    "rcpt_options": envelope.rcpt_options,
                }
                self._first_copy = Message(first, envelope.rcpt_tos[0], str(envelope.mail_from),
                                           envelope.original_content, None, envelope_dict)
        self._count(len(envelope.rcpt_tos))
        return list(range(first, first + len(envelope.rcpt_tos)))


# --------------------------------------------------------------------- CLI


def main(argv):
    parser = argparse.ArgumentParser(
        description="Run an SMTP sink on 127.0.0.1, optionally around a command "
        "(which gets LISTD_TEST_SMTP, LISTD_TEST_SMTP_DIR, LISTD_TEST_SMTP_CONTROL)."
    )
    parser.add_argument("--dir", metavar="DIR", help="output directory (default: a temporary one)")
    parser.add_argument("--control", metavar="FILE", help="control file (default DIR/control.json)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--count-only", action="store_true",
                        help="count accepted recipients, write no file per recipient")
    parser.add_argument("--tls-cert", metavar="FILE", help="offer STARTTLS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="its private key (PEM; default: in --tls-cert)")
    parser.add_argument("--self-signed", action="store_true",
                        help="offer STARTTLS with a fresh self-signed certificate for IP:127.0.0.1")
    parser.add_argument("--require-tls", action="store_true", help="refuse MAIL before STARTTLS (530 5.7.0)")
    parser.add_argument("--smtps", action="store_true", help="TLS from the first byte, no STARTTLS")
    parser.add_argument("--auth", metavar="USER:PASSWORD", action="append", default=[],
                        help="offer AUTH PLAIN LOGIN and accept this user (repeatable)")
    parser.add_argument("--auth-over-plain", action="store_true",
                        help="offer AUTH before STARTTLS too")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    users = {}
    for pair in args.auth:
        user, colon, password = pair.partition(":")
        if not user or not colon:
            parser.error("--auth wants USER:PASSWORD, got %r" % pair)
        users[user] = password

    try:
        sink = SmtpSink(directory=args.dir, control=args.control, port=args.port,
                        store=not args.count_only, tls_cert=args.tls_cert, tls_key=args.tls_key,
                        self_signed=args.self_signed, require_tls=args.require_tls,
                        smtps=args.smtps, auth_users=users, auth_over_plain=args.auth_over_plain)
        sink.start()
    except (SmtpSinkError, OSError) as e:
        print("smtp_sink.py: %s" % e, file=sys.stderr)
        return 2

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not command:
            print(
                "smtp_sink.py: listening on %s, writing to %s (Ctrl-C stops)" % (sink.address, sink.directory),
                flush=True,
            )
            while True:
                time.sleep(3600)
        env = {
            "LISTD_TEST_SMTP": sink.address,
            "LISTD_TEST_SMTP_DIR": sink.directory,
            "LISTD_TEST_SMTP_CONTROL": sink.control_path,
        }
        if sink.tls_cert:
            env["LISTD_TEST_SMTP_TLS_CERT"] = os.path.abspath(sink.tls_cert)
        return run_command(command, env, "smtp_sink.py")
    except KeyboardInterrupt:
        return 130 if command else 0
    finally:
        sink.stop()
        if args.count_only:
            print("smtp_sink.py: accepted %d recipients" % sink.accepted(), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
