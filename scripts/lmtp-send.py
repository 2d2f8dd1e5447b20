#!/usr/bin/python3
"""Hands one message to an LMTP server, as an MTA would.

    lmtp-send.py HOST:PORT RECIPIENT [--from ADDR] [--wait SECONDS] < message

Waits up to --wait seconds for the server to listen, sends the message
from standard input to RECIPIENT, prints the server's reply for it and
exits 0 on 2xx, 1 otherwise. Standard library only (smtplib.LMTP).
"""

import argparse
import smtplib
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("server")
    parser.add_argument("recipient")
    parser.add_argument("--from", dest="sender", default="")
    parser.add_argument("--wait", type=float, default=10.0)
    args = parser.parse_args()
    host, port = args.server.rsplit(":", 1)
    message = sys.stdin.buffer.read()
    deadline = time.time() + args.wait
    while True:
        try:
            client = smtplib.LMTP(host, int(port), timeout=30)
            break
        except OSError:
            if time.time() >= deadline:
                print("nothing listens on %s" % args.server, file=sys.stderr)
                return 1
            time.sleep(0.2)
    try:
        refused = client.sendmail(args.sender, [args.recipient], message)
    except smtplib.SMTPException as e:
        print("refused: %s" % e, file=sys.stderr)
        return 1
    finally:
        client.close()
    if refused:
        print("refused: %r" % refused, file=sys.stderr)
        return 1
    print("%s accepted the post for %s" % (args.server, args.recipient))
    return 0


if __name__ == "__main__":
    sys.exit(main())
