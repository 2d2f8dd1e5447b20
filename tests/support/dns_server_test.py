#!/usr/bin/python3
"""Self-test of dns_server.py: the DNS server every DNS test stands on.

Run: /usr/bin/python3 tests/support/dns_server_test.py (ctest: dns_server_selftest).
Each test starts a real unbound on 127.0.0.1 and asks it with query_txt.
"""

import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from dns_server import DnsServer, DnsServerError, RecordTable, query_txt  # noqa: E402

NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3
SUITES = os.path.normpath(
    os.environ.get("LISTD_SHARED_DIR", os.path.join(HERE, "..", "..", "..", "shared"))
)
DKIM_SUITES = os.path.join(SUITES, "testsuites", "dkim")


def joined(answer):
    """The records of an answer as joined str, sorted (RRset order is free)."""
    rcode, records = answer
    return rcode, sorted(b"".join(r).decode() for r in records)


class RecordsTest(unittest.TestCase):
    def test_txt_answers_split_and_several(self):
        long_value = "v=DKIM1; k=rsa; p=" + "A" * 600
        with DnsServer(
            {
                "one.example.com": "v=DKIM1; p=x",
                "Long.Example.com.": long_value,
                "two.example.com": ["b", ["a1", "a2"]],
                "empty.example.com": [""],
                "quote.example.com": "a\"b'c\\d;e#f \u00e9",
            }
        ) as dns:
            self.assertEqual(joined(query_txt(dns.port, "one.example.com")), (0, ["v=DKIM1; p=x"]))
            rcode, records = query_txt(dns.port, "long.example.com")
            self.assertEqual(rcode, NOERROR)
            self.assertEqual([len(s) for s in records[0]], [255, 255, 108])
            self.assertEqual(b"".join(records[0]).decode(), long_value)
            rcode, records = query_txt(dns.port, "two.example.com")
            self.assertEqual(sorted(records), [[b"a1", b"a2"], [b"b"]])
            self.assertEqual(query_txt(dns.port, "empty.example.com"), (NOERROR, [[b""]]))
            self.assertEqual(
                joined(query_txt(dns.port, "quote.example.com")), (0, ["a\"b'c\\d;e#f \u00e9"])
            )

    def test_keywords(self):
        with DnsServer(
            {
                "listed.example.com": "x",
                "gone.example.com": "NXDOMAIN",
                "nodata.example.com": "NODATA",
                "fail.example.com": "SERVFAIL",
                "drop.example.com": "TIMEOUT",
            }
        ) as dns:
            self.assertEqual(query_txt(dns.port, "absent.example.com"), (NXDOMAIN, []))
            self.assertEqual(query_txt(dns.port, "example.org"), (NXDOMAIN, []))
            self.assertEqual(query_txt(dns.port, "gone.example.com"), (NXDOMAIN, []))
            self.assertEqual(query_txt(dns.port, "nodata.example.com"), (NOERROR, []))
            self.assertEqual(query_txt(dns.port, "fail.example.com"), (SERVFAIL, []))
            self.assertEqual(query_txt(dns.port, "below.fail.example.com"), (SERVFAIL, []))
            self.assertIsNone(query_txt(dns.port, "drop.example.com", timeout=0.5))
            self.assertEqual(query_txt(dns.port, "listed.example.com")[0], NOERROR)

    def test_record_file_formats(self):
        table = RecordTable()
        for line in [
            "# comment",
            "; comment",
            "",
            "a.example.com\tfirst\tnote column",
            "a.example.com\tsecond",
            'b.example.com\t"v=DKIM1; k=r" "sa"',
            "c.example.com   spaced value ; ",
            'd.example.com ""',
            "e.example.com ~~Query timed out~~",
            "f.example.com ~~SERVFAIL~~",
            "g.example.com NXDOMAIN",
        ]:
            table.load_line(line, "test")
        e = table.entries
        self.assertEqual(e["a.example.com"].txt, [[b"first"], [b"second"]])
        self.assertEqual(e["b.example.com"].txt, [[b"v=DKIM1; k=r", b"sa"]])
        self.assertEqual(e["c.example.com"].txt, [[b"spaced value ; "]])
        self.assertEqual(e["d.example.com"].txt, [[b""]])
        self.assertEqual(e["e.example.com"].keyword, "TIMEOUT")
        self.assertEqual(e["f.example.com"].keyword, "SERVFAIL")
        self.assertEqual(e["g.example.com"].keyword, "NXDOMAIN")
        with self.assertRaises(DnsServerError):
            table.load_line("bad name.example.com\tx", "test")
        with self.assertRaises(DnsServerError):
            table.load_line('h.example.com\t"unterminated', "test")

    @unittest.skipUnless(os.path.isdir(DKIM_SUITES), "shared/testsuites not beside the checkout")
    def test_testsuite_files_load_and_serve(self):
        files = sorted(
            os.path.join(DKIM_SUITES, d, "dns-records.tsv")
            for d in os.listdir(DKIM_SUITES)
            if os.path.exists(os.path.join(DKIM_SUITES, d, "dns-records.tsv"))
        )
        files.append(os.path.join(DKIM_SUITES, "mail-dkim", "FAKE_DNS.dat"))
        self.assertGreaterEqual(len(files), 5)
        for path in files:
            with self.subTest(path=path):
                dns = DnsServer()
                dns.load_file(path)
                with dns:
                    for name, entry in dns.table.entries.items():
                        if entry.keyword is None:
                            rcode, records = query_txt(dns.port, name)
                            self.assertEqual(rcode, NOERROR, name)
                            self.assertEqual(len(records), len(entry.txt), name)


class LifecycleTest(unittest.TestCase):
    def test_reload_pause_resume_stop(self):
        dns = DnsServer({"a.example.com": "old"})
        with dns:
            port = dns.port
            self.assertEqual(joined(query_txt(port, "a.example.com")), (0, ["old"]))
            dns.set("a.example.com", ["new"])
            dns.add("b.example.com", "added")
            dns.reload()
            self.assertEqual(dns.port, port)
            self.assertEqual(joined(query_txt(port, "a.example.com")), (0, ["new"]))
            self.assertEqual(joined(query_txt(port, "b.example.com")), (0, ["added"]))
            dns.remove("b.example.com")
            dns.reload()
            self.assertEqual(query_txt(port, "b.example.com"), (NXDOMAIN, []))
            dns.pause()
            self.assertIsNone(query_txt(port, "a.example.com", timeout=0.5))
            dns.resume()
            self.assertEqual(joined(query_txt(port, "a.example.com")), (0, ["new"]))
            dns.pause()  # stopping a paused server must work too
        self.assertIsNone(query_txt(port, "a.example.com", timeout=0.3))
        dns.stop()  # twice is fine

    def test_failure_to_start_is_loud(self):
        with self.assertRaises(DnsServerError) as caught:
            DnsServer(unbound="/bin/false").start()
        self.assertIn("exited", str(caught.exception))
        with self.assertRaises(DnsServerError):
            DnsServer(unbound="/nonexistent/unbound").start()


class CommandLineTest(unittest.TestCase):
    SCRIPT = os.path.join(HERE, "dns_server.py")

    def run_cli(self, *args):
        return subprocess.run(
            [sys.executable, self.SCRIPT, *args], capture_output=True, text=True, timeout=60
        )

    def test_runs_command_with_address_and_returns_its_code(self):
        records = os.path.join(HERE, "..", "dkim", "dns", "records.tsv")
        probe = (
            "import os, sys; sys.path.insert(0, %r); from dns_server import query_txt; "
            "port = int(os.environ['LISTD_TEST_DNS'].split(':')[1]); "
            "a = query_txt(port, 'single._domainkey.example.com'); "
            "sys.exit(7 if a and a[0] == 0 and a[1] else 1)" % HERE
        )
        done = self.run_cli("--records", records, "--", sys.executable, "-c", probe)
        self.assertEqual(done.returncode, 7, done.stderr)

    def test_bad_records_file_fails_before_command(self):
        done = self.run_cli("--records", "/nonexistent.tsv", "--", "true")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("nonexistent", done.stderr)


if __name__ == "__main__":
    unittest.main()
