"""Run ``taxgate`` as a person would: in a pseudo-terminal, or with its output piped."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

COLUMNS, LINES = 80, 24


@dataclass(frozen=True)
class Finished:
    """How a command ended: its exit code and everything it wrote."""

    code: int
    output: str


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    return env


def in_terminal(*argv: str, cwd: Path, timeout: float = 300.0) -> Finished:
    """Run ``taxgate ARGV`` with stdin, stdout and stderr on one 80x24 pseudo-terminal."""
    return program_in_terminal(
        [sys.executable, "-m", "taxgate.cli.main", *argv], cwd=cwd, timeout=timeout
    )


def program_in_terminal(argv: list[str], *, cwd: Path, timeout: float = 300.0) -> Finished:
    """Run any program ``ARGV`` on one 80x24 pseudo-terminal, as :func:`in_terminal` does."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    proc = subprocess.Popen(
        argv,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=cwd,
        env=_env(),
        start_new_session=True,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([primary], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                proc.kill()
                raise TimeoutError(f"{' '.join(argv)} ran over {timeout:.0f}s")
            try:
                data = os.read(primary, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(primary)
    code = proc.wait(timeout=30)
    return Finished(code, b"".join(chunks).decode("utf-8", errors="replace"))


def piped(*argv: str, cwd: Path, timeout: float = 300.0) -> tuple[int, str, str]:
    """Run ``taxgate ARGV`` with stdout and stderr on pipes: (exit code, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "taxgate.cli.main", *argv],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr
