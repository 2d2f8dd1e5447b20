#!/usr/bin/python3
"""Interop: Python's smtplib.LMTP, an independent client, against listd's
LMTP server (lmtp_echo_server). Usage: smtplib_interop_test.py SERVER_BINARY
"""
import os
import smtplib
import subprocess
import sys
import tempfile
import unittest

SERVER = None


class LmtpInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.proc = subprocess.Popen([SERVER, cls.dir.name], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        line = cls.proc.stdout.readline()
        assert line.startswith("PORT "), line
        cls.port = int(line.split()[1])

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()
        cls.proc.wait(timeout=20)
        cls.dir.cleanup()

    def connect(self):
        client = smtplib.LMTP()
        client.connect("127.0.0.1", self.port)
        return client

    def latest(self):
        names = sorted((n for n in os.listdir(self.dir.name) if n.endswith(".eml")),
                       key=lambda n: int(n.split(".")[0]))
        base = os.path.join(self.dir.name, names[-1][:-4])
        with open(base + ".eml", "rb") as f:
            message = f.read()
        with open(base + ".env", "r") as f:
            envelope = f.read().splitlines()
        return message, envelope

    def test_rfc2033_s4_1_lhlo_extensions(self):
        with self.connect() as client:
            code, _ = client.ehlo()
            self.assertEqual(code, 250)
            self.assertTrue(client.has_extn("pipelining"))
            self.assertTrue(client.has_extn("enhancedstatuscodes"))
            self.assertTrue(client.has_extn("8bitmime"))
            self.assertEqual(client.esmtp_features["size"], "100000")

    def test_rfc5321_s4_5_2_sendmail_dot_stuffing(self):
        # A str message: smtplib makes every line end in CRLF and doubles
        # each leading dot; the server takes one back off.
        body = "Subject: interop\n\n.leading dot\n..two dots\n.\nend\n"
        with self.connect() as client:
            refused = client.sendmail("alice@example.org",
                                      ["demo@lists.example", "nobody@lists.example"], body)
        self.assertEqual(list(refused.keys()), ["nobody@lists.example"])
        message, envelope = self.latest()
        self.assertEqual(
            message, b"Subject: interop\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n")
        self.assertEqual(envelope, ["alice@example.org", "demo@lists.example"])

    def test_rfc5321_s2_3_8_bare_lf_bytes_are_data_not_line_ends(self):
        # Bytes are sent as given, bare LFs included (smtplib's documented
        # behaviour), yet smtplib still doubles a dot after a bare LF. For
        # the server only CRLF ends a line (RFC 5321 section 2.3.8), so that
        # dot is not at the start of a line and is kept (section 4.5.2); the
        # bare LFs are stored as CRLF, and smtplib's own CRLF before the
        # final "." adds an empty line.
        body = b"Subject: interop\n\n.leading dot\nend\n"
        with self.connect() as client:
            client.sendmail("alice@example.org", ["demo@lists.example"], body)
        message, _ = self.latest()
        self.assertEqual(message, b"Subject: interop\r\n\r\n..leading dot\r\nend\r\n\r\n")

    def test_rfc2033_s4_2_one_reply_per_recipient(self):
        with self.connect() as client:
            client.ehlo()
            self.assertEqual(client.mail("", ["SIZE=30", "BODY=8BITMIME"])[0], 250)
            self.assertEqual(client.rcpt("full@lists.example")[0], 250)
            self.assertEqual(client.rcpt("demo@lists.example")[0], 250)
            first = client.data(b"Subject: two\r\n\r\n\xc3\xa9t\xc3\xa9\r\n")
            second = client.getreply()
            self.assertEqual(first, (452, b"4.2.2 Mailbox full"))
            self.assertEqual(second, (250, b"2.1.5 demo@lists.example delivered"))
        message, envelope = self.latest()
        self.assertEqual(message, b"Subject: two\r\n\r\n\xc3\xa9t\xc3\xa9\r\n")
        self.assertEqual(envelope, ["", "full@lists.example", "demo@lists.example"])

    def test_rfc1870_size_over_limit(self):
        with self.connect() as client:
            client.ehlo()
            with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
                client.sendmail("a@example.org", ["demo@lists.example"], b"x" * 100001)
            self.assertEqual(caught.exception.smtp_code, 552)

    def test_rfc2033_s4_1_helo_refused(self):
        with self.connect() as client:
            code, text = client.helo("client.example")
            self.assertEqual(code, 500)
            self.assertTrue(text.startswith(b"5.5.1"))


if __name__ == "__main__":
    SERVER = sys.argv.pop(1)
    unittest.main(verbosity=2)
