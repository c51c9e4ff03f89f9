"""Test-only fault injection at named stage boundaries (issue 16, deliver 9).

The fault-injection tests (``tests/test_fault_injection.py``) kill ``taxgate run`` and
``taxgate review approve`` at each stage boundary, or fill the disk there, and check that no
decision is lost or duplicated and that the outputs can be written again. The code under test
marks each boundary with :func:`reach`; this module does nothing unless the environment
variable ``TAXGATE_FAULT_POINT`` is set, and nothing an operator does sets it.

``TAXGATE_FAULT_POINT=NAME`` kills the process with SIGKILL on reaching ``NAME``;
``TAXGATE_FAULT_POINT=NAME:enospc`` raises ``OSError(ENOSPC)`` there instead, as a full disk
would at the write that follows.

Example:
    >>> reach("run:screened")  # the variable is not set: nothing happens
"""

from __future__ import annotations

import errno
import os
import signal

FAULT_POINT_VARIABLE = "TAXGATE_FAULT_POINT"
"""The (test-only) environment variable naming the fault point and its action."""

ENOSPC_SUFFIX = ":enospc"
"""Appended to a point's name: a full disk there rather than a SIGKILL."""

RUN_POINTS = (
    "run:verified",
    "run:screened",
    "run:matched",
    "run:assembled",
    "run:staged",
    "run:commit",
    "ledger:committed",
    "run:committed",
    "run:published",
)
"""The stage boundaries of ``taxgate run``, in the order a run reaches them."""

REVIEW_POINTS = (
    "review:checked",
    "review:commit",
    "ledger:committed",
    "review:committed",
    "review:written",
)
"""The stage boundaries of ``taxgate review approve``, in order."""


def reach(name: str) -> None:
    """Mark the stage boundary ``name``; a fault happens here only when a test asked for it."""
    wanted = os.environ.get(FAULT_POINT_VARIABLE)
    if not wanted:
        return
    if wanted.removesuffix(ENOSPC_SUFFIX) != name:
        return
    if wanted.endswith(ENOSPC_SUFFIX):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    os.kill(os.getpid(), signal.SIGKILL)
