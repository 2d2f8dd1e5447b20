"""Running a test command beside a test server (dns_server.py, smtp_sink.py).

    run_command(command, extra_env, program) -> exit status

Runs COMMAND with the server's address in its environment and returns its
exit status: 130 when interrupted (Ctrl-C, or SIGTERM turned into
KeyboardInterrupt by the caller), 127 when it cannot be started. The
caller starts and stops the server around it.
"""

import os
import subprocess
import sys


def run_command(command, extra_env, program):
    env = dict(os.environ, **extra_env)
    try:
        child = subprocess.Popen(command, env=env)
    except OSError as e:
        print("%s: cannot run %s: %s" % (program, command[0], e), file=sys.stderr)
        return 127
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        return 130
