"""``taxgate.cli.tables``: ``accounting`` and ``hold`` read well in an 80-column terminal
(issue 15, Deliver 7): no line wider than the terminal, headers and TINs never broken."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from taxgate.cli.main import run_cli

from .terminal import COLUMNS, in_terminal

if TYPE_CHECKING:  # the fixture comes from tests/conftest.py
    from tests.conftest import ReviewedWorld

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def screen_lines(output: str) -> list[str]:
    """What the terminal shows, line by line, without colours."""
    return ESCAPES.sub("", output).replace("\r", "").splitlines()


@pytest.fixture(scope="module")
def held(reviewed_world: ReviewedWorld, tmp_path_factory: pytest.TempPathFactory) -> ReviewedWorld:
    w = reviewed_world.copy(tmp_path_factory.mktemp("tables") / "world")
    hold = ["hold", str(w.ws), "--requester"]
    assert run_cli([*hold, "ICE", "--order", "Order No. 25-cv-01234 (D. Mass., Doc. 17)"]) == 0
    assert run_cli([*hold, "ICE", "--order", "Order lifting the stay", "--lift"]) == 0
    assert run_cli([*hold, "USMS", "--order", "Sealed order of 2 August 2025"]) == 0
    return w


def _shown(*argv: str, cwd: Path) -> list[str]:
    done = in_terminal(*argv, cwd=cwd)
    assert done.code == 0 and "Traceback" not in done.output, done.output
    lines = screen_lines(done.output)
    too_wide = [line for line in lines if len(line.rstrip()) > COLUMNS]
    assert not too_wide, too_wide
    return lines


def test_the_accounting_of_a_batch_at_80_columns(held: ReviewedWorld) -> None:
    lines = _shown("accounting", str(held.ws), "--batch", held.batch_id, cwd=held.root)
    header = next(line for line in lines if " TIN " in line)
    assert header.split() == ["entry", "logged", "request", "TIN", "address", "as", "of"]
    rows = [line.split() for line in lines if re.match(r"^\s+\d+\s+\d{4}-\d\d-\d\d\s", line)]
    assert rows, "no disclosure row"
    assert all(re.fullmatch(r"\d{9}", row[3]) for row in rows), "a TIN broken over lines"
    assert any(line.startswith(f"batch {held.batch_id}: ") for line in lines)


def test_the_statistics_at_80_columns(held: ReviewedWorld) -> None:
    year = str(datetime.now(UTC).year)
    lines = _shown("accounting", str(held.ws), "--stats", year, cwd=held.root)
    assert any("instances of disclosure" in line for line in lines)
    assert any(line.strip().startswith("purposes (statutes)") for line in lines)


def test_the_legal_holds_at_80_columns(held: ReviewedWorld) -> None:
    lines = _shown("hold", str(held.ws), cwd=held.root)
    header = next(line for line in lines if " requester " in line)
    assert header.split() == ["hold", "requester", "order", "set", "state"]
    assert any("in force" in line for line in lines)
    assert sum(line.split()[0].startswith("hold-") for line in lines if line.split()) == 2
