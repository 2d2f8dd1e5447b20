#!/usr/bin/env python3
"""Runs the master key's "owned by another user" test where another user exists.

The check in storage/master_key.cc (the key file must belong to the uid
running listd) is only reachable when the process can open a file it does
not own, so the Catch2 test is hidden ([.][other_user]) and this script
arranges the two cases a real system has:

  1. root (listd started as root) finds a key file owned by nobody;
  2. nobody, holding CAP_DAC_READ_SEARCH as a service might (setpriv),
     finds a key file owned by root with mode 0600.

Each run must pass. When the script is not root or setpriv is missing, it
prints SKIPPED with the reason and exits 77, which the ctest entry declares
as SKIP_RETURN_CODE: reported as skipped, never as passed.

usage: as_other_user.py <storage_tests binary>
"""
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
NOBODY = 65534
SPEC = "[other_user]"


def run(argv, key_path):
    env = dict(os.environ, LISTD_TEST_FOREIGN_KEY=key_path)
    # -w NoTests: a spec that matches nothing is a failure, not a pass.
    proc = subprocess.run(argv + [SPEC, "-w", "NoTests"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    return proc.returncode


def key_file(directory, uid):
    path = os.path.join(directory, "master.key")
    with open(path, "wb") as f:
        f.write(os.urandom(32))
    os.chmod(path, 0o600)
    os.chown(path, uid, uid)
    return path


def main():
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("SKIPPED: needs root to give a key file to another user (euid %d)" % os.geteuid())
        return SKIP
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        print("SKIPPED: setpriv (util-linux) is not installed")
        return SKIP
    failures = 0
    with tempfile.TemporaryDirectory() as top:
        os.chmod(top, 0o755)
        as_root = os.path.join(top, "root-run")
        os.mkdir(as_root)
        print("== as uid 0, key file owned by uid %d" % NOBODY)
        rc = run([binary], key_file(as_root, NOBODY))
        print("== rc %d" % rc)
        failures += rc != 0

        as_nobody = os.path.join(top, "nobody-run")
        os.mkdir(as_nobody, 0o755)
        print("== as uid %d (setpriv, CAP_DAC_READ_SEARCH), key file owned by uid 0" % NOBODY)
        rc = run([setpriv, "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
                  "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", binary],
                 key_file(as_nobody, 0))
        print("== rc %d" % rc)
        failures += rc != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
