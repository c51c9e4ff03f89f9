"""The test-only fault points: nothing unless asked, then the fault asked for, there alone."""

from __future__ import annotations

import doctest
import errno
import signal
import subprocess
import sys

import pytest

from taxgate import fault_points
from taxgate.fault_points import FAULT_POINT_VARIABLE, REVIEW_POINTS, RUN_POINTS, reach


def test_doc_examples() -> None:
    assert doctest.testmod(fault_points).failed == 0


def test_nothing_happens_unless_the_variable_names_the_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FAULT_POINT_VARIABLE, raising=False)
    for point in (*RUN_POINTS, *REVIEW_POINTS):
        reach(point)
    monkeypatch.setenv(FAULT_POINT_VARIABLE, "run:committed:enospc")
    reach("run:commit")  # another point: nothing
    reach("run:published")


def test_a_full_disk_is_raised_at_the_named_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULT_POINT_VARIABLE, "run:commit:enospc")
    with pytest.raises(OSError) as caught:
        reach("run:commit")
    assert caught.value.errno == errno.ENOSPC


def test_the_process_is_killed_at_the_named_point() -> None:
    code = "from taxgate.fault_points import reach; reach('a'); reach('b'); print('alive')"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={FAULT_POINT_VARIABLE: "b", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL and "alive" not in done.stdout
