#!/usr/bin/python3
"""What a core dump or a debugger can learn from a running listd.

NAME
    secrets_test.py - hardening finding 10: the master key and the lists'
    private keys never reach a core dump, and listd is not dumpable at all
    unless --allow-core-dumps says so.

SYNOPSIS
    secrets_test.py --listd PATH --listctl PATH [--only SUBSTRING] [--keep]

DESCRIPTION
    A real listd signs a post (so its keys are loaded and used), then gdb's
    gcore writes its memory as a core file would (gcore, like the kernel,
    leaves out pages marked MADV_DONTDUMP). The core must not hold the
    master key, the private key's DER or base64, nor the RSA private
    exponent, while it does hold what the process handled in the clear (the
    list's address), so the search is shown able to find things. listd opens
    a list's keys for each post and OpenSSL wipes private numbers when it
    frees them, so this proves nothing is left behind after use; that the
    keys sit on the excluded secure heap while in use is shown by
    tests/dkim/secure_key_memory_test.cc.

    Dumpability is observed as the kernel shows it: the files under
    /proc/PID of a non-dumpable process belong to root, not to the user the
    process runs as (proc(5)). As root, listd runs as nobody (setpriv) for
    this; the store is handed to nobody first.

OUTPUT
    One line per test, then `N passed, M failed` alone on the last line.
"""

import base64
import os
import pwd
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import listd_harness  # noqa: E402
from listd_harness import LIST_DOMAIN, author_post, expect  # noqa: E402

MEMBERS = ["alice@author.example", "bob@example.net"]


def deliver_one_signed_post(env, daemon):
    """A post through the whole pipeline: keys opened, used for signing."""
    replies = daemon.send(author_post(key=env.author_key), ["demo@" + LIST_DOMAIN])
    expect(replies["demo@" + LIST_DOMAIN][0] == 250, "250 after DATA: %r" % replies)
    messages = env.wait_for(len(MEMBERS))
    expect(all(b"d=lists.example.org" in m.data for m in messages), "copies signed by the list")


def core_of(env, pid):
    """gcore's image of process `pid`, as bytes."""
    prefix = os.path.join(env.dir, "core")
    subprocess.run(["gcore", "-o", prefix, str(pid)], check=True, capture_output=True,
                   timeout=120)
    path = "%s.%d" % (prefix, pid)
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return data


def private_key_fragments(pem):
    """Byte strings that betray the private key if found: its DER, a line of
    its base64, and the RSA private exponent in either byte order."""
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    der = base64.b64decode(body)
    fragments = {"der": der[:64], "der-tail": der[-64:], "base64-line": pem.splitlines()[1].encode()}
    text = subprocess.run(["openssl", "pkey", "-noout", "-text"], input=pem.encode(),
                          capture_output=True, check=True).stdout.decode()
    match = re.search(r"privateExponent:\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
    expect(match, "openssl shows the private exponent:\n" + text[:400])
    exponent = bytes.fromhex(re.sub(r"[\s:]", "", match.group(1)))
    exponent = exponent.lstrip(b"\0")
    fragments["d-big-endian"] = exponent[:32]
    fragments["d-little-endian"] = exponent[::-1][:32]  # OpenSSL's limbs
    return fragments


def test_core_dump_leaves_out_the_master_key_and_private_keys(env):
    """Finding 10: MADV_DONTDUMP on the master key (base::SecretBytes) and
    on OpenSSL's secure heap, where the private keys live."""
    address = env.make_list("demo", MEMBERS, algos=("rsa",))
    daemon = env.start("--allow-core-dumps")
    deliver_one_signed_post(env, daemon)
    pem = env.listctl("key", "export", address, "--selector", "demo-rsa")
    with open(env.db + ".key", "rb") as f:
        master_key = f.read()
    expect(len(master_key) == 32, "a 32-byte master key")
    core = core_of(env, daemon.proc.pid)
    expect(address.encode() in core, "the core holds the list address: the search can find things")
    expect(master_key not in core, "the master key is not in the core")
    for name, fragment in private_key_fragments(pem).items():
        expect(len(fragment) >= 32 and fragment not in core,
               "the private key (%s) is not in the core" % name)


def run_as_other_user(env):
    """The prefix that runs listd as an unprivileged user, and that user's
    uid (as root: nobody, owning the store; otherwise ourselves)."""
    if os.geteuid() != 0:
        return (), os.geteuid()
    nobody = pwd.getpwnam("nobody")
    for root, dirs, files in os.walk(env.dir):
        for name in dirs + files:
            os.chown(os.path.join(root, name), nobody.pw_uid, nobody.pw_gid)
    os.chown(env.dir, nobody.pw_uid, nobody.pw_gid)
    setpriv = shutil.which("setpriv")
    expect(setpriv, "setpriv (util-linux) is installed")
    return (setpriv, "--reuid", str(nobody.pw_uid), "--regid", str(nobody.pw_gid),
            "--clear-groups", "--"), nobody.pw_uid


def owner_of_proc_files(pid):
    return os.stat("/proc/%d/status" % pid).st_uid


def test_listd_is_not_dumpable_unless_allowed(env):
    """Finding 10: PR_SET_DUMPABLE 0 by default; --allow-core-dumps keeps
    the process dumpable (for debugging), as the control."""
    env.make_list("demo", MEMBERS, algos=("rsa",))
    prefix, uid = run_as_other_user(env)
    expect(uid != 0, "listd runs as an ordinary user here")
    guarded = env.start(prefix=prefix)
    deliver_one_signed_post(env, guarded)
    expect(owner_of_proc_files(guarded.proc.pid) == 0,
           "/proc/PID of a non-dumpable listd belongs to root")
    expect(guarded.stop() == 0, "clean stop")
    debuggable = env.start("--allow-core-dumps", prefix=prefix)
    expect(owner_of_proc_files(debuggable.proc.pid) == uid,
           "with --allow-core-dumps /proc/PID belongs to listd's own user")


if __name__ == "__main__":
    sys.exit(listd_harness.run_tests(globals(), __doc__))
