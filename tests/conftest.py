"""Suite-wide test settings.

Hypothesis' "too slow" health check measures wall time, which a shared 2-core CI machine
cannot promise; the properties themselves are unchanged (same examples, no deadline).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from types import FrameType

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "taxgate", suppress_health_check=[HealthCheck.too_slow], deadline=None, print_blob=True
)
settings.load_profile("taxgate")


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, rather than hang the suite, if the test waits more than 20 s (on a FIFO)."""

    def timeout(signum: int, frame: FrameType | None) -> None:
        raise AssertionError("the test waited more than 20 s (on a FIFO?)")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Run the test under the common umask 022 (group and others may read new files)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)
