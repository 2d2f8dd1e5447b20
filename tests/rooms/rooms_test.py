#!/usr/bin/python3
"""The rooms' arrows point one way, and the build enforces it.

NAME
    rooms_test.py - proves that a room cannot include a header of a room
    above it, and that no SQL or SQLite type appears outside storage/.

SYNOPSIS
    rooms_test.py --build DIR --source DIR

DESCRIPTION
    ../shared/DESIGN.md draws the rooms and their one-way arrows. Each room
    is a CMake library that sees only the headers of the rooms it links
    (listd_room() in the top CMakeLists.txt). This test takes the real
    compile command of one source file of each room from the build's
    compile_commands.json and compiles, with exactly those flags, a probe
    that includes a header of a room the row forbids: the compiler must
    refuse it ("No such file or directory"). A probe including a header the
    row allows must compile, so the first check cannot pass for a broken
    command. Then it reads the sources: SQL text, <sqlite3.h> and
    storage/database.h appear only in storage/ (services and the daemon go
    through storage::Store), and every header's include guard names its
    own path.

OUTPUT
    One line per failed check, then `N passed, M failed`; exit 0 when
    nothing failed.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# room target: (allowed header, [forbidden headers: an arrow up or sideways])
ARROWS = {
    "base": ("base/result.h", ["dkim/message.h", "storage/store.h"]),
    "dkim": ("dkim/message.h", ["storage/store.h", "listd/settings/catalogue.h",
                                "listd/service/list_service.h"]),
    "storage": ("storage/store.h", ["dkim/message.h", "listd/settings/catalogue.h"]),
    "listd_settings": ("storage/store.h", ["listd/pipeline/admit.h",
                                           "listd/service/list_service.h",
                                           "listd/mime/decorator.h"]),
    "listd_mime": ("listd/mime/footer.h", ["storage/store.h", "listd/pipeline/admit.h",
                                           "listd/settings/catalogue.h"]),
    "listd_lmtp": ("listd/lmtp/session.h", ["storage/store.h", "listd/service/list_address.h",
                                            "listd/daemon/intake.h"]),
    "listd_delivery": ("listd/delivery/transport.h", ["storage/store.h",
                                                      "listd/service/delivery_records.h",
                                                      "listd/daemon/delivery_worker.h"]),
    "listd_outbound": ("listd/outbound/mail_writer.h", ["storage/store.h",
                                                   "listd/service/post_outcomes.h"]),
    "listd_pipeline": ("listd/mime/decorator.h", ["listd/service/list_service.h",
                                                  "listd/inbound/router.h",
                                                  "listd/daemon/daemon.h",
                                                  "listd/cli/cli.h",
                                                  "listd/lmtp/server.h"]),
    "listd_service": ("listd/pipeline/sign.h", ["listd/inbound/router.h",
                                                "listd/daemon/daemon.h",
                                                "listd/cli/cli.h",
                                                "listd/views/json.h",
                                                "listd/lmtp/server.h",
                                                "listd/delivery/transport.h"]),
    "listd_views": ("listd/service/list_service.h", ["listd/inbound/router.h",
                                                     "listd/daemon/daemon.h",
                                                     "listd/cli/cli.h"]),
    "listd_inbound": ("listd/service/post_outcomes.h", ["listd/daemon/daemon.h",
                                                        "listd/cli/cli.h",
                                                        "listd/views/json.h",
                                                        "listd/lmtp/server.h"]),
    "web": ("web/principal.h", ["storage/store.h", "listd/service/list_service.h",
                                "listd/views/json.h", "dkim/message.h"]),
    "listd_webface": ("web/access_operations.h", ["listd/daemon/daemon.h", "listd/cli/cli.h",
                                                  "listd/inbound/router.h",
                                                  "listd/lmtp/server.h"]),
    "listd_daemon": ("listd/inbound/processor.h", ["listd/cli/cli.h", "listd/views/json.h"]),
    "listd_cli": ("listd/views/json.h", ["listd/daemon/daemon.h", "listd/inbound/router.h",
                                         "listd/lmtp/server.h"]),
}

SQL = re.compile(r'"[^"\n]*\b(SELECT\s+\w|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|'
                 r'CREATE\s+TABLE|PRAGMA\s+\w)', re.IGNORECASE)
GUARD = re.compile(r"^#ifndef (LISTD_\w+_H_)\s*$", re.MULTILINE)

failures = []
passes = 0


def check(condition, what):
    global passes
    if condition:
        passes += 1
    else:
        failures.append(what)
        print("FAIL " + what)


def command_for(commands, target):
    """The compile command of one source file of `target`, as argv."""
    marker = "CMakeFiles/%s.dir/" % target
    for entry in commands:
        argv = entry.get("arguments") or shlex.split(entry["command"])
        if any(marker in a for a in argv):
            return argv, entry["directory"]
    return None, None


def compile_probe(argv, directory, header, scratch):
    """Compiles a file that includes `header` with `argv`'s flags."""
    probe = os.path.join(scratch, "probe.cc")
    with open(probe, "w") as f:
        f.write('#include "%s"\n' % header)
    flags = []
    skip = False
    for a in argv[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-MD", "-MMD") or a.endswith((".cc", ".cpp")):
            continue
        flags.append(a)
    proc = subprocess.run([argv[0]] + flags + ["-fsyntax-only", probe], cwd=directory,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr


def check_arrows(build):
    with open(os.path.join(build, "compile_commands.json")) as f:
        commands = json.load(f)
    with tempfile.TemporaryDirectory(prefix="listd-rooms-") as scratch:
        for target, (allowed, forbidden) in sorted(ARROWS.items()):
            argv, directory = command_for(commands, target)
            check(argv is not None, "%s: no compile command in compile_commands.json" % target)
            if argv is None:
                continue
            code, err = compile_probe(argv, directory, allowed, scratch)
            check(code == 0, "%s may include %s, but it does not compile:\n%s" %
                  (target, allowed, err[-800:]))
            for header in forbidden:
                code, err = compile_probe(argv, directory, header, scratch)
                check(code != 0 and "No such file or directory" in err,
                      "%s must not see %s (an arrow up), yet the include %s" %
                      (target, header, "compiles" if code == 0 else "fails otherwise:\n" +
                       err[-800:]))


def sources(root, folders):
    for folder in folders:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                if name.endswith((".cc", ".h")):
                    yield os.path.join(dirpath, name)


def check_sources(source):
    above_storage = ["listd", "web", "dkim", "base"]
    for path in sources(source, above_storage):
        rel = os.path.relpath(path, source)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        check(not SQL.search(text), "%s holds SQL text; SQL lives in storage/ only" % rel)
        check("<sqlite3.h>" not in text and '"storage/database.h"' not in text,
              "%s names SQLite or storage/database.h; go through storage/store.h" % rel)
    for path in sources(source, ["base", "dkim", "storage", "listd", "web"]):
        if not path.endswith(".h"):
            continue
        rel = os.path.relpath(path, source)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        m = GUARD.search(text)
        want = "LISTD_" + re.sub(r"[^A-Za-z0-9]", "_", rel).upper() + "_"
        # dkim/ and storage/ are their own rooms; listd/x.h guards read LISTD_LISTD_X_H_.
        check(m is not None and m.group(1) == want,
              "%s: include guard %s, expected %s" % (rel, m.group(1) if m else None, want))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    check_arrows(args.build)
    check_sources(args.source)
    print("%d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
