"""A fork server for tests that kill the CLI: taxgate imported once, one process per command.

Started as a script by the fault-injection tests. It reads one JSON request per line on
stdin, ``{"argv": [...], "env": {...}, "log": PATH}``, forks, and the child runs
``taxgate.cli.main.run_cli(argv)`` (what the ``taxgate`` command runs) with ``env`` added to
its environment and its output in ``log``. The answer, one JSON line on stdout, is the
child's exit code, or minus the signal that ended it (-9 for SIGKILL). Each command is a
process of its own, so a SIGKILL ends it alone; forking saves the seconds an interpreter
takes to import taxgate, which fifty rounds would otherwise pay a hundred times.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback

from taxgate.cli.main import run_cli

# What every command needs, imported once here rather than in each child (the CLI imports
# its commands on its first call).
PRELOADED = ("taxgate.cli.commands", "taxgate.app.pipeline", "taxgate.app.review")


def _child(argv: list[str], env: dict[str, str], log: str) -> None:
    os.environ.update(env)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        code = run_cli(argv)
    except BaseException:
        traceback.print_exc()  # what an operator would see: the test looks for it
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    for module in PRELOADED:
        importlib.import_module(module)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request["argv"], request["env"], request["log"])
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        sys.stdout.write(json.dumps({"code": code}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
