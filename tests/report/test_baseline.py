"""baseline: the 2025 rules, case by case, on a hand-made world."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import InputError
from taxgate.report.baseline import baseline_2025_response

AS_OF = date(2025, 7, 15)
FILING_COLUMNS = ("tin", "doc_type", "received_date", "first_name", "last_name", "street", "zip")
FILINGS = [
    ("111111111", "RETURN", "2023-02-01", "JOHN", "SMITH", "1 OAK ST", "10001"),
    ("111111111", "RETURN", "2024-02-01", "JOHN", "SMITH", "1 Oak Street", "10001-2345"),
    ("222222222", "RETURN", "2024-01-10", "MARIA", "GARCIA", "5 ELM ST", "20002"),
    ("222222222", "FORM_8822", "2025-01-05", "MARIA", "GARCIA", "9 PINE RD", "30003"),
    ("333333333", "RETURN", "2025-07-01", "ANA", "LOPEZ", "7 ASH AVE", "40004"),
    ("444444444", "RETURN", "2024-03-01", "PAT", "SMITHSON", "3 BAY LN", "50005"),
]
REQUESTS = [
    # request_id, tin, first, last, street, zip: what the 2025 process did
    ("Z1", "111111111", "JOHN", "SMITH", "Failed to Provide", ""),  # TIN + name control
    ("A2", "", "MARIA", "GARCIA", "5 ELM ST", "20002"),  # exact name and street
    ("M3", "", "Maria", "Garcia", "5 Elm Street", "20002"),  # not exact: no match
    ("B4", "111111111", "JOHN", "SMITH", "1 OAK ST", "99999"),  # ZIP proxy disagrees
    ("Y5", "333333333", "ANA", "LOPEZ", "7 ASH AVE", "40004"),  # no filing effective yet
    ("C6", "444444444", "JOHN", "SMITH", "", ""),  # SMIT = SMITHSON's name control
    ("X7", "999999999", "JOHN", "SMITH", "1 OAK ST", "10001"),  # no such TIN
]


def write_world(root: Path, requests: list[dict[str, str]]) -> Path:
    (root / "master").mkdir(parents=True)
    columns = {c: [f[i] for f in FILINGS] for i, c in enumerate(FILING_COLUMNS)}
    columns |= {c: [None] * len(FILINGS) for c in ("unit", "city", "state")}
    pq.write_table(pa.table(columns), root / "master" / "filings.parquet")
    with (root / "requests.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(requests[0]))
        writer.writeheader()
        writer.writerows(requests)
    return root


def split_style(tmp_path: Path) -> Path:
    fields = ("request_id", "tin", "first_name", "last_name", "street", "zip")
    return write_world(tmp_path, [dict(zip(fields, r, strict=True)) for r in REQUESTS])


def test_the_2025_rules_case_by_case(tmp_path: Path) -> None:
    rows = baseline_2025_response(split_style(tmp_path), as_of=AS_OF)
    assert [r["request_id"] for r in rows] == [r[0] for r in REQUESTS]  # file order
    assert all(list(r) == list(RESPONSE_COLUMNS) for r in rows)
    got = {r["request_id"]: r for r in rows}
    outcomes = {k: r["outcome"] for k, r in got.items()}
    assert outcomes == {
        "Z1": "DISCLOSED",
        "A2": "DISCLOSED",
        "M3": "NOT_DISCLOSED",
        "B4": "NOT_DISCLOSED",
        "Y5": "NOT_DISCLOSED",
        "C6": "DISCLOSED",
        "X7": "NOT_DISCLOSED",
    }
    # The latest filing's address; since when the same delivery point has been the LKA.
    assert (got["Z1"]["street"], got["Z1"]["zip"]) == ("1 OAK STREET", "10001-2345")
    assert got["Z1"]["address_as_of"] == "2023-03-18"
    # A Form 8822 moves the LKA; its own effective date starts it.
    assert (got["A2"]["street"], got["A2"]["address_as_of"]) == ("9 PINE RD", "2025-02-19")
    assert got["C6"]["street"] == "3 BAY LN"
    assert got["X7"]["street"] == "" and got["X7"]["reason_codes"] == ""


def test_single_line_addresses_give_the_zip_proxy(tmp_path: Path) -> None:
    requests = [
        {"request_id": "L1", "tin": "111111111", "first_name": "J", "last_name": "SMITH",
         "address": "1 OAK ST, NEW YORK NY 10001"},
        {"request_id": "L2", "tin": "111111111", "first_name": "J", "last_name": "SMITH",
         "address": "1 OAK ST, NEW YORK NY 99999"},
    ]  # fmt: skip
    rows = baseline_2025_response(write_world(tmp_path, requests), as_of=AS_OF)
    assert [r["outcome"] for r in rows] == ["DISCLOSED", "NOT_DISCLOSED"]


def test_a_folder_without_the_world_files_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs the synthetic world") as caught:
        baseline_2025_response(tmp_path, as_of=AS_OF)
    assert caught.value.hint is not None and "--baseline" in caught.value.hint
