"""The screening stage over a batch table (domain §3; §6103(i)(2)(B))."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from taxgate.agreement import Agreement, default_agreement_path, load_agreement
from taxgate.screening.codes import CATEGORY_PREFIXES, BatchFlag
from taxgate.screening.request import (
    REQUEST_COLUMNS,
    ScreeningResult,
    screen_request,
    screen_requests,
)
from taxgate.standardise.address_parts import AddressKind

REQUEST_DATE = date(2025, 6, 1)

GOOD: dict[str, str | None] = {
    "first_name": "María",
    "middle_name": None,
    "last_name": "García López",
    "suffix": None,
    "street": "123 North Main Street",
    "unit": "Apt 4",
    "city": "Austin",
    "state": "TX",
    "zip": "78701",
    "address": None,
    "tin": None,
    "date_of_birth": "1980-01-01",
    "alien_number": None,
    "officer": "Officer One",
    "removal_order_date": "2024-01-15",
    "statute": "8 U.S.C. 1253(a)(1)",
    "reason": "Subject failed to depart within 90 days of a final order of removal",
    "taxable_periods": "2023;2024",
}


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return load_agreement(default_agreement_path())


def request(request_id: str, **changes: str | None) -> dict[str, str | None]:
    return {"request_id": request_id, **GOOD, **changes}


def table(rows: list[dict[str, str | None]], **extra: list[Any]) -> pa.Table:
    columns = {c: pa.array([r.get(c) for r in rows], pa.string()) for c in REQUEST_COLUMNS}
    columns.update({name: pa.array(values) for name, values in extra.items()})
    return pa.table(columns)


def screen(agreement: Agreement, rows: list[dict[str, str | None]]) -> ScreeningResult:
    return screen_requests(table(rows), agreement=agreement, request_date=REQUEST_DATE)


def codes(result: ScreeningResult) -> list[list[str]]:
    return [[f.code.value for f in r.findings] for r in result.rows]


def test_a_compliant_request_passes(agreement: Agreement) -> None:
    result = screen(agreement, [request("r1")])
    row = result.rows[0]
    assert row.passed and row.findings == ()
    assert row.request_id == "r1"
    assert row.name.surname_parts == ("GARCIA", "LOPEZ")
    assert row.address.kind is AddressKind.STREET
    assert row.address.unit_number == "4"
    assert row.statute_key == "8-1253-(a)(1)"
    assert row.date_of_birth == "1980-01-01"
    assert result.flags == ()
    assert len(result) == 1 and result.passed_count == 1


# (changes to the good request, expected codes in order)
GOLDEN: list[tuple[dict[str, str | None], list[str]]] = [
    ({"first_name": "FNU"}, ["NAME_PLACEHOLDER"]),
    ({"last_name": None}, ["NAME_LAST_MISSING"]),
    ({"first_name": "J."}, ["NAME_SINGLE_CHARACTER"]),
    ({"statute": "8 USC 1227"}, ["STATUTE_NOT_QUALIFYING"]),
    ({"statute": None}, ["STATUTE_MISSING"]),
    ({"reason": "N/A"}, ["REASON_MISSING"]),
    ({"taxable_periods": "2026"}, ["PERIOD_INVALID"]),
    ({"taxable_periods": None}, ["PERIOD_MISSING"]),
    ({"removal_order_date": "2025-05-01"}, ["ORDER_TOO_RECENT"]),
    ({"removal_order_date": "2025-07-01"}, ["ORDER_DATE_FUTURE"]),
    ({"removal_order_date": "01/15/2024"}, ["ORDER_DATE_INVALID"]),
    ({"removal_order_date": None}, ["ORDER_DATE_MISSING"]),
    ({"street": "Failed to Provide"}, ["ADDRESS_PLACEHOLDER"]),
    (
        {"street": None, "unit": None, "city": None, "state": None, "zip": None},
        ["ADDRESS_MISSING"],
    ),
    (
        {
            "first_name": "UNKNOWN",
            "street": "NA NA",
            "statute": None,
            "reason": "-",
            "taxable_periods": "x",
            "removal_order_date": None,
        },
        [
            "ADDRESS_PLACEHOLDER",
            "NAME_PLACEHOLDER",
            "STATUTE_MISSING",
            "REASON_MISSING",
            "PERIOD_INVALID",
            "ORDER_DATE_MISSING",
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), GOLDEN)
def test_screening_golden(
    agreement: Agreement, changes: dict[str, str | None], expected: list[str]
) -> None:
    result = screen(agreement, [request("r1", **changes)])
    assert codes(result) == [expected]
    assert result.rows[0].passed is False


def test_findings_follow_the_contract_category_order(agreement: Agreement) -> None:
    bad = request(
        "r1",
        first_name=None,
        last_name="1",
        street="12345",
        statute="x",
        reason="",
        taxable_periods="1",
        removal_order_date="soon",
    )
    found = screen(agreement, [bad]).rows[0].findings
    ranks = [CATEGORY_PREFIXES.index(f.category) for f in found]
    assert ranks == sorted(ranks)
    assert len(found) == 7


def test_a_tin_never_substitutes(agreement: Agreement) -> None:
    rows = [
        request("r1", tin="123456789", street="Unknown Address"),
        request("r2", tin="123456789", first_name="FNU"),
        request("r3", tin="123456789", statute=None),
    ]
    result = screen(agreement, rows)
    assert [r.passed for r in result.rows] == [False, False, False]
    assert result.rows[0].tin == "123456789"


def test_plain_repeats_on_the_standardised_person(agreement: Agreement) -> None:
    rows = [
        request("r1"),
        request("r2", first_name="Maria", last_name="GARCIA-LOPEZ", street="123 N Main St"),
        request("r3", first_name="Mary", last_name="Garcia", unit="# 4"),  # left to matching
        request("r4", last_name="Garcia Lopez", suffix="Jr", unit="Apt 5"),
        request("r5", first_name="Maria", date_of_birth="1990-05-05"),
        request("r6", first_name="MARÍA", last_name="garcia lopez", reason="N/A"),
        request("r7", date_of_birth=None),  # left to matching
    ]
    result = screen(agreement, rows)
    assert codes(result) == [
        [],
        ["DUPLICATE"],
        [],
        [],
        [],
        ["REASON_MISSING", "DUPLICATE"],
        [],
    ]
    assert "r1" in result.rows[1].findings[0].message
    assert result.rows[1].findings[0].field == "request_id"


def test_the_first_compliant_request_is_the_one_answered(agreement: Agreement) -> None:
    rows = [request("r1", statute="8 USC 1227"), request("r2"), request("r3")]
    assert codes(screen(agreement, rows)) == [["STATUTE_NOT_QUALIFYING"], [], ["DUPLICATE"]]


def test_one_line_addresses(agreement: Agreement) -> None:
    line = {"street": None, "unit": None, "city": None, "state": None, "zip": None}
    rows = [
        request("r1", **line, address="123 N Main St Apt 4, Austin, TX 78701"),
        request("r2", **line, address="Failed to Provide"),
    ]
    result = screen(agreement, rows)
    assert result.rows[0].passed
    assert result.rows[0].address.zip5 == "78701"
    assert codes(result)[1] == ["ADDRESS_PLACEHOLDER"]


def test_extra_and_absent_columns(agreement: Agreement) -> None:
    rows = [request("r1"), request("r2", first_name="Ana")]
    t = table(rows, row=[1, 2]).drop_columns(["alien_number", "address", "suffix"])
    result = screen_requests(t, agreement=agreement, request_date=REQUEST_DATE)
    assert [r.passed for r in result.rows] == [True, True]
    assert [r.request_id for r in result.rows] == ["r1", "r2"]


def test_batch_flags_never_reject_rows(agreement: Agreement) -> None:
    n = agreement.screening.officer_max_records + 1
    rows = [
        request(f"r{i}", last_name=(chr(65 + i // 26) + chr(65 + i % 26) + "X") * 3)
        for i in range(n)
    ]
    result = screen(agreement, rows)
    assert {f.flag for f in result.flags} == {
        BatchFlag.BATCH_OFFICER_OVERLOAD,
        BatchFlag.BATCH_BOILERPLATE_REASONS,
    }
    assert result.passed_count == n


def test_facility_with_a_street_is_accepted_and_flagged(agreement: Agreement) -> None:
    rows = [request("r1", street="Otay Mesa Detention Center, 7488 Calzada de la Fuente")]
    result = screen(agreement, rows)
    assert result.rows[0].passed
    assert result.rows[0].facility
    assert [f.flag for f in result.flags] == [BatchFlag.BATCH_FACILITY_ADDRESSES]


def test_screen_one_request(agreement: Agreement) -> None:
    row = screen_request(request("r1"), agreement=agreement, request_date=REQUEST_DATE)
    assert row.passed
    bad = screen_request({"request_id": "x"}, agreement=agreement, request_date=REQUEST_DATE)
    assert [c.value for c in bad.codes] == [
        "ADDRESS_MISSING",
        "NAME_FIRST_MISSING",
        "NAME_LAST_MISSING",
        "STATUTE_MISSING",
        "REASON_MISSING",
        "PERIOD_MISSING",
        "ORDER_DATE_MISSING",
    ]


def test_empty_batch(agreement: Agreement) -> None:
    result = screen(agreement, [])
    assert result.rows == () and result.flags == ()
