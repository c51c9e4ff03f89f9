"""The golden households, end to end through the data contract and the scripted interface.

One fresh workspace for the whole table: the master directory (``taxpayers.csv``,
``filings.csv``) of every household, ``taxgate master load``, one signer, then every request of
every household in one signed batch with split addresses and again in one with one-line
addresses, each through ``taxgate run``; one test per household and batch against its
``response.csv``. A household that today's code gets wrong carries ``known_failure`` (and
``known_failure_line`` where the one-line batch differs) and is a strict xfail: when the code
gets it right the test fails until the marker is removed.
"""

from __future__ import annotations

import csv
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli

from .table import (
    FILING_FIELDS,
    REQUEST_DATE,
    Household,
    Request,
    load_households,
)

HOUSEHOLDS = load_households()
SIGNER = "ice-director"
REQUEST_COLUMNS = (
    "request_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "street",
    "unit",
    "city",
    "state",
    "zip",
    "tin",
    "date_of_birth",
    "alien_number",
    "officer",
    "removal_order_date",
    "statute",
    "reason",
    "taxable_periods",
)
SPLIT_ADDRESS = ("street", "unit", "city", "state", "zip")
LINE_COLUMNS = (*(c for c in REQUEST_COLUMNS if c not in SPLIT_ADDRESS), "address")


@dataclass(frozen=True)
class Golden:
    """The one run of the whole table: each request id → its response row."""

    response: dict[str, dict[str, str]]
    order: list[str]  # the response's request ids, in its row order
    run_code: int
    root: Path
    line_response: dict[str, dict[str, str]]  # the same requests with one-line addresses
    line_code: int


def cli(*argv: str) -> int:
    return run_cli(list(argv))


def _write_csv(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=header, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def write_master(directory: Path, households: list[Household]) -> None:
    """``taxpayers.csv`` and ``filings.csv`` of every household (data contract §1)."""
    directory.mkdir(parents=True)
    taxpayers = [
        {"tin": tin, "tin_type": "ITIN" if tin.startswith("9") else "SSN", "date_of_birth": dob}
        for h in households
        for tin, dob in h.taxpayers
    ]
    filings = [f.row() for h in households for f in h.filings]
    _write_csv(directory / "taxpayers.csv", ("tin", "tin_type", "date_of_birth"), taxpayers)
    _write_csv(directory / "filings.csv", FILING_FIELDS[:-1], filings)


def line_address(fields: dict[str, str]) -> str:
    """The split address as one line: ``STREET UNIT, CITY, ST ZIP``."""
    street = " ".join(p for p in (fields["street"], fields["unit"]) if p)
    last = " ".join(p for p in (fields["state"], fields["zip"]) if p)
    return ", ".join(p for p in (street, fields["city"], last) if p)


def write_requests(path: Path, households: list[Household], *, style: str = "split") -> None:
    """Every request of every household, in table order (data contract §2), with the split
    address columns or (``style="line"``) the one ``address`` column instead."""
    rows = [r.fields for h in households for r in h.requests]
    if style == "line":
        rows = [{**row, "address": line_address(row)} for row in rows]
    _write_csv(path, LINE_COLUMNS if style == "line" else REQUEST_COLUMNS, rows)


def read_response(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sign_and_run(root: Path, style: str) -> int:
    requests, manifest = root / f"requests-{style}.csv", root / f"manifest-{style}.json"
    key = str(root / "keys" / f"{SIGNER}.key.pem")
    sign = ("batch", "sign", str(requests), "--key", key, "--signer", SIGNER)
    assert cli(*sign, "--out", str(manifest), "--request-date", str(REQUEST_DATE)) == 0
    code = cli("run", str(root / "ws"), str(manifest), "--out", str(root / f"out-{style}"))
    (root / f"run_code-{style}").write_text(str(code), encoding="utf-8")
    return code


def run_table(root: Path, households: list[Household]) -> Golden:
    """Load the table's master file into a fresh workspace and run its requests twice: one
    batch with split addresses, then one with one-line addresses."""
    ws, keys = root / "ws", root / "keys"
    write_master(root / "master", households)
    for style in ("split", "line"):
        write_requests(root / f"requests-{style}.csv", households, style=style)
    assert cli("init", str(ws)) == 0
    assert cli("keys", "new", str(keys), "--name", SIGNER) == 0
    pem = keys / f"{SIGNER}.pub.pem"
    add = ("agreement", "add-signer", str(ws), "--name", SIGNER, "--public-key", str(pem))
    assert cli(*add, "--valid-from", "2025-04-07") == 0
    assert cli("master", "load", str(ws), str(root / "master"), "--workers", "1") == 0
    for style in ("split", "line"):
        _sign_and_run(root, style)
    return read_run(root)


def _read_style(root: Path, style: str) -> tuple[int, list[dict[str, str]]]:
    code = int((root / f"run_code-{style}").read_text(encoding="utf-8"))
    rows = read_response(root / f"out-{style}" / "response.csv") if code == 0 else []
    return code, rows


def read_run(root: Path) -> Golden:
    """The runs that :func:`run_table` left in ``root``."""
    code, rows = _read_style(root, "split")
    line_code, line_rows = _read_style(root, "line")
    return Golden(
        response={r["request_id"]: r for r in rows},
        order=[r["request_id"] for r in rows],
        run_code=code,
        root=root,
        line_response={r["request_id"]: r for r in line_rows},
        line_code=line_code,
    )


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Golden:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return run_table(tmp_path_factory.mktemp("golden"), HOUSEHOLDS)
    # Under pytest-xdist the workers share one run: the first to take the lock builds it, the
    # others read it (the session's temporary root is common to all workers).
    shared = tmp_path_factory.getbasetemp().parent
    with (shared / "golden-households.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = shared / "golden-households.path"
        if marker.exists():
            return read_run(Path(marker.read_text(encoding="utf-8")))
        golden = run_table(tmp_path_factory.mktemp("golden"), HOUSEHOLDS)
        marker.write_text(str(golden.root), encoding="utf-8")
        return golden


def _show(row: dict[str, str] | None) -> str:
    if row is None:
        return "no response row"
    if row["outcome"] == "DISCLOSED":
        address = ", ".join(row[c] for c in ("street", "unit", "city", "state", "zip") if row[c])
        return f"DISCLOSED {address} as of {row['address_as_of']}"
    if row["outcome"] == "REJECTED":
        return f"REJECTED {row['reason_codes']}"
    return row["outcome"]


def _expected_text(request: Request) -> str:
    e = request.expected
    if e.outcome == "DISCLOSED" and e.address is not None:
        return f"DISCLOSED {', '.join(p for p in e.address if p)} as of {e.as_of}"
    if e.outcome == "REJECTED":
        return f"REJECTED {e.code}*"
    return e.outcome


def mismatches(household: Household, response: dict[str, dict[str, str]]) -> list[str]:
    """One line per request of ``household`` whose response is not the expected one."""
    wrong = []
    for request in household.requests:
        row = response.get(request.request_id)
        e = request.expected
        ok = row is not None and row["outcome"] == e.outcome
        if ok and row is not None and e.outcome == "DISCLOSED" and e.address is not None:
            got = tuple(row[c] for c in ("street", "unit", "city", "state", "zip"))
            ok = got == e.address and row["address_as_of"] == e.as_of
        if ok and row is not None and e.outcome == "REJECTED":
            ok = any(code.startswith(e.code) for code in row["reason_codes"].split(";"))
        if not ok:
            wrong.append(
                f"  {request.request_id}: expected {_expected_text(request)}; got {_show(row)}"
            )
    return wrong


def _param(household: Household, known_failure: str) -> object:
    marks = []
    if known_failure:
        marks.append(pytest.mark.xfail(strict=True, reason=known_failure))
    return pytest.param(household, id=household.id, marks=marks)


def _check(household: Household, response: dict[str, dict[str, str]], style: str) -> None:
    wrong = mismatches(household, response)
    assert not wrong, (
        f"household {household.id} [{household.cls}, {household.direction}, {style} address] "
        f"({household.source}): {household.why}\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize("household", [_param(h, h.known_failure) for h in HOUSEHOLDS])
def test_household(golden: Golden, household: Household) -> None:
    assert golden.run_code == 0, f"taxgate run refused the golden batch (exit {golden.run_code})"
    _check(household, golden.response, "split")


@pytest.mark.parametrize("household", [_param(h, h.known_failure_line) for h in HOUSEHOLDS])
def test_household_line_address(golden: Golden, household: Household) -> None:
    """The same requests with the address as one line (data contract §2 ``address``)."""
    assert golden.line_code == 0, f"taxgate run refused the one-line batch ({golden.line_code})"
    _check(household, golden.line_response, "one-line")


def test_one_response_row_per_request_in_order(golden: Golden) -> None:
    assert golden.run_code == 0, f"taxgate run refused the golden batch (exit {golden.run_code})"
    assert golden.order == [r.request_id for h in HOUSEHOLDS for r in h.requests]
    assert list(golden.line_response) == golden.order


def test_line_address_is_the_split_one() -> None:
    fields = {"street": "3804 SW 8TH ST", "unit": "APT 305", "city": "MIAMI", "state": "FL"}
    assert line_address({**fields, "zip": "33134"}) == "3804 SW 8TH ST APT 305, MIAMI, FL 33134"
    bare = {"street": "5521", "unit": "", "city": "MIAMI", "state": "FL", "zip": "33126"}
    assert line_address(bare) == "5521, MIAMI, FL 33126"
