#!/usr/bin/python3
"""Self-test of smtp_sink.py: storing, the log, each fault, count-only mode,
STARTTLS, smtps and AUTH, the command line.

Run: /usr/bin/python3 tests/support/smtp_sink_test.py (ctest runs it as
delivery_smtp_sink_selftest). Talks to the sink with smtplib on 127.0.0.1.
"""

import json
import os
import smtplib
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import smtp_sink  # noqa: E402

MESSAGE = b"Subject: t\r\n\r\n.dot line\r\n.\r\nend\r\n"


class SinkTest(unittest.TestCase):
    def setUp(self):
        self.sink = smtp_sink.SmtpSink().start()

    def tearDown(self):
        self.sink.stop()

    def client(self):
        return smtplib.SMTP(self.sink.host, self.sink.port, timeout=10)

    def test_stores_each_recipient_exactly_and_logs(self):
        with self.client() as c:
            code, lines = c.ehlo("tester")
            for keyword in (b"PIPELINING", b"8BITMIME", b"SMTPUTF8", b"SIZE"):
                self.assertIn(keyword, lines)
            c.sendmail("from@x.example", ["a@x.example", "b/c@x.example"], MESSAGE)
        messages = self.sink.messages()
        self.assertEqual([m.recipient for m in messages], ["a@x.example", "b/c@x.example"])
        self.assertTrue(all(m.data == MESSAGE for m in messages))
        self.assertTrue(messages[1].path.endswith("000002-b_c@x.example.eml"))
        (txn,) = self.sink.transactions()
        self.assertEqual(txn["mail_from"], "from@x.example")
        self.assertEqual([r["reply"][:3] for r in txn["rcpts"]], ["250", "250"])
        self.assertTrue(txn["result"].startswith("250"))

    def test_null_sender(self):
        with self.client() as c:
            c.sendmail("", ["a@x.example"], MESSAGE)
        self.assertEqual(self.sink.messages()[0].mail_from, "")

    def test_one_connection_two_transactions(self):
        with self.client() as c:
            c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
            c.sendmail("s@x.example", ["b@x.example"], MESSAGE)
        conns = {t["conn"] for t in self.sink.transactions()}
        self.assertEqual(len(conns), 1)

    def test_rejected_and_tempfailed_recipients(self):
        self.sink.set_control(
            {"reject_rcpt": {"Bob@X.example": "550 5.1.1 no such user"}, "tempfail_rcpt": {"c@x.example": "450 4.2.1 busy"}}
        )
        with self.client() as c:
            refused = c.sendmail("s@x.example", ["a@x.example", "bob@x.example", "c@x.example"], MESSAGE)
        self.assertEqual(refused, {"bob@x.example": (550, b"5.1.1 no such user"), "c@x.example": (450, b"4.2.1 busy")})
        self.assertEqual([m.recipient for m in self.sink.messages()], ["a@x.example"])

    def test_fail_next_transactions_counts_down_and_closes_on_421(self):
        self.sink.set_control({"fail_next_transactions": 1})
        c = self.client()
        with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
            c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(caught.exception.smtp_code, 421)
        self.assertEqual(self.sink.control()["fail_next_transactions"], 0)
        with self.client() as c:
            c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(len(self.sink.messages()), 1)

    def test_fail_next_connections(self):
        self.sink.set_control({"fail_next_connections": 1, "fail_code": "421 4.3.2 go away"})
        with self.assertRaises(smtplib.SMTPConnectError):
            self.client()
        with self.client() as c:
            c.noop()

    def test_fail_next_data(self):
        self.sink.set_control({"fail_next_data": 1, "data_code": "554 5.6.0 no"})
        with self.client() as c:
            with self.assertRaises(smtplib.SMTPDataError):
                c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(self.sink.messages(), [])
        self.assertEqual(self.sink.transactions()[0]["result"], "554 5.6.0 no")

    def test_drop_connection_after_data(self):
        self.sink.set_control({"drop_connection_after_data": 1})
        c = self.client()
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(self.sink.messages(), [])
        self.assertEqual(self.sink.transactions()[0]["result"], "dropped")

    def test_delay(self):
        self.sink.set_control({"delay_seconds": 0.3})
        with self.client() as c:
            c.ehlo("tester")
            start = time.monotonic()
            self.assertEqual(c.mail("s@x.example")[0], 250)
            self.assertGreaterEqual(time.monotonic() - start, 0.25)

    def test_rfc5321_s4_1_1_4_a_bare_lf_dot_smuggles_no_message(self):
        # RFC 5321 sections 2.3.8 and 4.1.1.4: only <CRLF>.<CRLF> ends the
        # data. What follows a "." next to a bare LF or CR is data, so the
        # second transaction below must never be stored; the message that
        # holds the bare line break is refused, and the connection closed.
        smuggled = (b"MAIL FROM:<forged@x.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n"
                    b"Subject: smuggled\r\n\r\nsigned by the list\r\n.\r\n")
        for fake_end in (b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r\n.\r", b"\r.\r\n"):
            with self.subTest(fake_end=fake_end):
                self.sink.clear()
                c = self.client()
                c.ehlo("tester")
                self.assertEqual(c.mail("s@x.example")[0], 250)
                self.assertEqual(c.rcpt("a@x.example")[0], 250)
                c.putcmd("data")
                self.assertEqual(c.getreply()[0], 354)
                c.send(b"Subject: first\r\n\r\nhello" + fake_end + smuggled)
                code, text = c.getreply()
                self.assertEqual(code, 554, text)
                self.assertIn(b"bare", text)
                with self.assertRaises(smtplib.SMTPServerDisconnected):
                    c.noop()
                c.close()
                self.assertEqual(self.sink.messages(), [])
                (txn,) = self.sink.transactions()
                self.assertEqual(txn["mail_from"], "s@x.example")
                self.assertTrue(txn["result"].startswith("554 5.6.0 bare"), txn["result"])

    def test_rfc5321_s4_5_2_transparency_applies_to_crlf_lines_only(self):
        with self.client() as c:
            c.ehlo("tester")
            c.mail("s@x.example")
            c.rcpt("a@x.example")
            c.putcmd("data")
            self.assertEqual(c.getreply()[0], 354)
            c.send(b"Subject: t\r\n\r\n..one\r\n.\r\n")
            self.assertEqual(c.getreply()[0], 250)
        self.assertEqual(self.sink.messages()[0].data, b"Subject: t\r\n\r\n.one\r\n")


class CountOnlyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.sink = smtp_sink.SmtpSink(directory=self.dir.name, store=False).start()

    def tearDown(self):
        self.sink.stop()
        self.dir.cleanup()

    def test_counts_recipients_keeps_first_copy_writes_no_files(self):
        self.sink.set_control({"reject_rcpt": {"x@x.example": "550 5.1.1 no"}})
        with smtplib.SMTP(self.sink.host, self.sink.port, timeout=10) as c:
            c.sendmail("s@x.example", ["a@x.example", "b@x.example", "x@x.example"], MESSAGE)
            code, reply = c.mail("s@x.example")
            c.rcpt("c@x.example")
            self.assertEqual(c.data(b"second\r\n")[0], 250)
        self.assertTrue(self.sink.wait_accepted(3, timeout=5))
        self.assertEqual(self.sink.accepted(), 3)
        self.assertFalse(self.sink.wait_accepted(4, timeout=0.1))
        (first,) = self.sink.messages()
        self.assertEqual((first.index, first.recipient, first.mail_from, first.data, first.path),
                         (1, "a@x.example", "s@x.example", MESSAGE, None))
        self.assertLessEqual(self.sink.first_accept_time, self.sink.last_accept_time)
        self.assertEqual(sorted(os.listdir(self.dir.name)), ["control.json", "log.jsonl"])
        txns = self.sink.transactions()
        self.assertEqual([t["result"] for t in txns],
                         ["250 2.0.0 Ok: queued as 000001-000002", "250 2.0.0 Ok: queued as 000003"])
        self.assertEqual([r["reply"][:3] for r in txns[0]["rcpts"]], ["250", "250", "550"])

    def test_failed_data_is_not_counted(self):
        self.sink.set_control({"fail_next_data": 1})
        with smtplib.SMTP(self.sink.host, self.sink.port, timeout=10) as c:
            with self.assertRaises(smtplib.SMTPDataError):
                c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(self.sink.accepted(), 0)
        self.assertEqual(self.sink.messages(), [])


class TlsAuthTest(unittest.TestCase):
    """STARTTLS (RFC 3207), smtps (RFC 8314) and AUTH (RFC 4954)."""

    def sink(self, **options):
        sink = smtp_sink.SmtpSink(self_signed=True, **options).start()
        self.addCleanup(sink.stop)
        return sink

    def client(self, sink):
        c = smtplib.SMTP(sink.host, sink.port, timeout=10)
        self.addCleanup(c.close)
        return c

    def context(self, sink):
        return ssl.create_default_context(cafile=sink.tls_cert)  # checks the IP SAN too

    def test_defaults_offer_neither(self):
        with smtp_sink.SmtpSink() as sink:
            with smtplib.SMTP(sink.host, sink.port, timeout=10) as c:
                c.ehlo("t")
                self.assertFalse(c.has_extn("starttls"))
                self.assertFalse(c.has_extn("auth"))

    def test_rfc3207_starttls_offered_and_logged(self):
        sink = self.sink()
        c = self.client(sink)
        c.ehlo("t")
        self.assertTrue(c.has_extn("starttls"))
        self.assertFalse(c.has_extn("auth"))  # no auth_users: never
        c.sendmail("plain@x.example", ["a@x.example"], MESSAGE)  # TLS is optional by default
        c.starttls(context=self.context(sink))
        c.ehlo("t")
        self.assertFalse(c.has_extn("starttls"))
        self.assertFalse(c.has_extn("auth"))
        c.sendmail("tls@x.example", ["a@x.example"], MESSAGE)
        c.quit()
        self.assertEqual([(t["mail_from"], t["tls"], t["auth"]) for t in sink.transactions()],
                         [("plain@x.example", False, None), ("tls@x.example", True, None)])
        with open(sink.tls_cert) as f:
            self.assertIn("BEGIN CERTIFICATE", f.read())

    def test_rfc3207_section4_require_tls_refuses_mail_with_530(self):
        sink = self.sink(require_tls=True)
        c = self.client(sink)
        with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
            c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertEqual(caught.exception.smtp_code, 530)
        self.assertTrue(caught.exception.smtp_error.startswith(b"5.7.0"))
        c.starttls(context=self.context(sink))
        c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        (refused, accepted) = sink.transactions()
        self.assertEqual((refused["tls"], refused["result"][:9]), (False, "530 5.7.0"))
        self.assertEqual((accepted["tls"], accepted["result"][:3]), (True, "250"))
        self.assertEqual(len(sink.messages()), 1)

    def test_rfc4954_auth_only_after_starttls_and_logged(self):
        sink = self.sink(auth_users={"listd": "secret"})
        c = self.client(sink)
        c.ehlo("t")
        self.assertFalse(c.has_extn("auth"))
        code, _ = c.docmd("AUTH", "PLAIN AGxpc3RkAHNlY3JldA==")
        self.assertEqual(code, 538)  # RFC 4954 section 6: encryption required
        c.starttls(context=self.context(sink))
        c.ehlo("t")
        self.assertIn("PLAIN", c.esmtp_features["auth"].upper())
        self.assertIn("LOGIN", c.esmtp_features["auth"].upper())
        c.login("listd", "secret")
        c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        (txn,) = sink.transactions()
        self.assertEqual((txn["tls"], txn["auth"]), (True, "listd"))

    def test_rfc4954_section6_wrong_credentials_get_535(self):
        sink = self.sink(auth_users={"listd": "secret"})
        for user, password in (("listd", "wrong"), ("nobody", "secret")):
            c = self.client(sink)
            c.starttls(context=self.context(sink))
            with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
                c.login(user, password)
            self.assertEqual(caught.exception.smtp_code, 535)
            self.assertTrue(caught.exception.smtp_error.startswith(b"5.7.8"))

    def test_rfc4954_auth_over_plain(self):
        with smtp_sink.SmtpSink(auth_users={"listd": "secret"}, auth_over_plain=True) as sink:
            with smtplib.SMTP(sink.host, sink.port, timeout=10) as c:
                c.login("listd", "secret")
                c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
            (txn,) = sink.transactions()
            self.assertEqual((txn["tls"], txn["auth"]), (False, "listd"))

    def test_rfc8314_smtps_is_tls_from_the_first_byte(self):
        sink = self.sink(smtps=True, require_tls=True, auth_users={"listd": "secret"})
        c = smtplib.SMTP_SSL(sink.host, sink.port, timeout=10, context=self.context(sink))
        self.addCleanup(c.close)
        c.ehlo("t")
        self.assertFalse(c.has_extn("starttls"))
        c.login("listd", "secret")  # AUTH is offered at once: the connection is encrypted
        c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        (txn,) = sink.transactions()
        self.assertEqual((txn["tls"], txn["auth"]), (True, "listd"))

    def test_control_swaps_the_certificate(self):
        sink = self.sink()
        other_cert, other_key = smtp_sink.make_self_signed(sink.directory, "DNS:other.test", "other")
        sink.set_control({"tls_cert_file": other_cert, "tls_key_file": other_key})
        c = self.client(sink)
        c.ehlo("t")
        with self.assertRaises(ssl.SSLCertVerificationError):
            c.starttls(context=self.context(sink))  # other.test is neither trusted nor 127.0.0.1
        sink.set_control({})
        c = self.client(sink)
        c.starttls(context=self.context(sink))
        c.sendmail("s@x.example", ["a@x.example"], MESSAGE)
        self.assertTrue(sink.transactions()[-1]["tls"])

    def test_tls_options_need_a_certificate(self):
        with self.assertRaises(smtp_sink.SmtpSinkError):
            smtp_sink.SmtpSink(require_tls=True)
        with self.assertRaises(smtp_sink.SmtpSinkError):
            smtp_sink.SmtpSink(smtps=True)


class CommandLineTest(unittest.TestCase):
    def test_runs_command_with_environment(self):
        with tempfile.TemporaryDirectory() as d:
            script = (
                "import os, smtplib\n"
                "host, port = os.environ['LISTD_TEST_SMTP'].split(':')\n"
                "assert os.environ['LISTD_TEST_SMTP_DIR'] == %r\n"
                "assert os.environ['LISTD_TEST_SMTP_CONTROL'] == %r\n"
                "with smtplib.SMTP(host, int(port)) as c: c.sendmail('s@x', ['r@x'], b'hi\\r\\n')\n"
                "raise SystemExit(7)\n" % (d, os.path.join(d, "control.json"))
            )
            rc = subprocess.call(
                [sys.executable, os.path.join(HERE, "smtp_sink.py"), "--dir", d, "--", sys.executable, "-c", script]
            )
            self.assertEqual(rc, 7)
            self.assertTrue(os.path.exists(os.path.join(d, "000001-r@x.eml")))
            with open(os.path.join(d, "log.jsonl")) as f:
                events = [json.loads(line)["event"] for line in f]
            self.assertIn("transaction", events)

    def test_count_only_flag(self):
        with tempfile.TemporaryDirectory() as d:
            script = (
                "import os, smtplib\n"
                "host, port = os.environ['LISTD_TEST_SMTP'].split(':')\n"
                "with smtplib.SMTP(host, int(port)) as c: c.sendmail('s@x', ['r@x', 't@x'], b'hi\\r\\n')\n"
            )
            proc = subprocess.run(
                [sys.executable, os.path.join(HERE, "smtp_sink.py"), "--dir", d, "--count-only", "--",
                 sys.executable, "-c", script],
                capture_output=True, text=True, timeout=60,
            )
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("smtp_sink.py: accepted 2 recipients", proc.stderr)
            self.assertEqual(os.listdir(d), ["log.jsonl"])  # no control file was made

    def test_tls_and_auth_flags(self):
        with tempfile.TemporaryDirectory() as d:
            script = (
                "import os, smtplib, ssl\n"
                "host, port = os.environ['LISTD_TEST_SMTP'].split(':')\n"
                "ctx = ssl.create_default_context(cafile=os.environ['LISTD_TEST_SMTP_TLS_CERT'])\n"
                "with smtplib.SMTP(host, int(port)) as c:\n"
                "    c.starttls(context=ctx); c.login('u', 'p:w'); c.sendmail('s@x', ['r@x'], b'hi\\r\\n')\n"
            )
            proc = subprocess.run(
                [sys.executable, os.path.join(HERE, "smtp_sink.py"), "--dir", d, "--self-signed",
                 "--require-tls", "--auth", "u:p:w", "--", sys.executable, "-c", script],
                capture_output=True, text=True, timeout=60,
            )
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(os.path.join(d, "log.jsonl")) as f:
                (txn,) = [e for e in map(json.loads, f) if e["event"] == "transaction"]
            self.assertEqual((txn["tls"], txn["auth"]), (True, "u"))
            self.assertTrue(os.path.exists(os.path.join(d, "tls-cert.pem")))


if __name__ == "__main__":
    unittest.main()
