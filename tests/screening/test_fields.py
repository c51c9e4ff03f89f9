"""Golden tables for statute, reason, period and removal-order screening (§6103(i)(2)(B))."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.agreement import Agreement, default_agreement_path, load_agreement
from taxgate.screening.fields import (
    normalise_reason,
    parse_iso_date,
    screen_periods,
    screen_reason,
    screen_removal_order,
    screen_statute,
)
from taxgate.screening.findings import Finding

REQUEST_DATE = date(2025, 6, 1)


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return load_agreement(default_agreement_path())


def _codes(findings: list[Finding]) -> list[str]:
    return [f.code.value for f in findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 U.S.C. 1253(a)(1)", []),
        ("8 USC 1253(a)(1)", []),
        ("8 U.S.C. § 1253(a)(1)", []),
        ("8 usc §1253 (a) (1)", []),
        ("Title 8 U.S.C. Section 1253(a)(1) - failure to depart", []),
        (None, ["STATUTE_MISSING"]),
        ("", ["STATUTE_MISSING"]),
        ("   ", ["STATUTE_MISSING"]),
        ("8 U.S.C. 1227", ["STATUTE_NOT_QUALIFYING"]),
        ("8 U.S.C. 1229a", ["STATUTE_NOT_QUALIFYING"]),
        ("26 U.S.C. 7201", ["STATUTE_NOT_QUALIFYING"]),
        ("8 U.S.C. 1253", ["STATUTE_NOT_QUALIFYING"]),
        ("immigration violation", ["STATUTE_NOT_QUALIFYING"]),
        ("N/A", ["STATUTE_NOT_QUALIFYING"]),
    ],
)
def test_screen_statute(agreement: Agreement, text: str | None, expected: list[str]) -> None:
    findings = screen_statute(agreement, text)
    assert _codes(findings) == expected
    assert all(f.field == "statute" for f in findings)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        (
            "Subject is under a final order of removal and failed to depart; locating for arrest",
            False,
        ),
        ("Investigation of willful failure to depart, case 2024-118", False),
        ("Locate", False),
        (None, True),
        ("", True),
        ("  ", True),
        ("N/A", True),
        ("n.a.", True),
        ("NA", True),
        ("-", True),
        ("--", True),
        (".", True),
        ("NONE", True),
        ("none.", True),
        ("TBD", True),
        ("See above", True),
        ("SEE  ABOVE.", True),
        ("Same", True),
        ("same as above", True),
        ("12345", True),
        ("?", True),
    ],
)
def test_screen_reason(text: str | None, missing: bool) -> None:
    assert _codes(screen_reason(text)) == (["REASON_MISSING"] if missing else [])


def test_normalise_reason() -> None:
    assert normalise_reason("  see   above. ") == "SEE ABOVE"
    assert normalise_reason(None) == ""
    assert normalise_reason("Locate\tsubject") == normalise_reason("LOCATE SUBJECT")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022;2023;2024", []),
        ("2024", []),
        ("2025", []),
        ("1990", []),
        (" 2022 ; 2023 ;", []),
        (None, ["PERIOD_MISSING"]),
        ("", ["PERIOD_MISSING"]),
        (" ; ", ["PERIOD_MISSING"]),
        ("2026", ["PERIOD_INVALID"]),
        ("1989", ["PERIOD_INVALID"]),
        ("2022;2026", ["PERIOD_INVALID"]),
        ("22", ["PERIOD_INVALID"]),
        ("2022,2023", ["PERIOD_INVALID"]),
        ("FY2023", ["PERIOD_INVALID"]),
        ("2023-12", ["PERIOD_INVALID"]),
        ("２０２３", ["PERIOD_INVALID"]),
        ("all", ["PERIOD_INVALID"]),
    ],
)
def test_screen_periods(agreement: Agreement, text: str | None, expected: list[str]) -> None:
    findings = screen_periods(agreement, text, REQUEST_DATE)
    assert _codes(findings) == expected
    assert all(f.field == "taxable_periods" for f in findings)


def test_period_range_comes_from_the_agreement(agreement: Agreement) -> None:
    stricter = agreement.model_copy(
        update={"periods": agreement.periods.model_copy(update={"earliest_year": 2020})}
    )
    assert _codes(screen_periods(stricter, "2019", REQUEST_DATE)) == ["PERIOD_INVALID"]
    assert _codes(screen_periods(agreement, "2019", REQUEST_DATE)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-03", []),  # exactly 90 days before 2025-06-01
        ("2020-01-15", []),
        ("2025-03-04", ["ORDER_TOO_RECENT"]),  # 89 days
        ("2025-06-01", ["ORDER_TOO_RECENT"]),  # the same day
        ("2025-06-02", ["ORDER_DATE_FUTURE"]),
        ("2030-01-01", ["ORDER_DATE_FUTURE"]),
        (None, ["ORDER_DATE_MISSING"]),
        ("", ["ORDER_DATE_MISSING"]),
        ("  ", ["ORDER_DATE_MISSING"]),
        ("03/01/2025", ["ORDER_DATE_INVALID"]),
        ("20250301", ["ORDER_DATE_INVALID"]),
        ("2025-02-30", ["ORDER_DATE_INVALID"]),
        ("2025-3-1", ["ORDER_DATE_INVALID"]),
        ("2025-03-01T00:00:00", ["ORDER_DATE_INVALID"]),
        ("unknown", ["ORDER_DATE_INVALID"]),
    ],
)
def test_screen_removal_order(agreement: Agreement, text: str | None, expected: list[str]) -> None:
    findings = screen_removal_order(agreement, text, REQUEST_DATE)
    assert _codes(findings) == expected
    assert all(f.field == "removal_order_date" for f in findings)


def test_minimum_age_comes_from_the_agreement(agreement: Agreement) -> None:
    looser = agreement.model_copy(
        update={"removal_order": agreement.removal_order.model_copy(update={"minimum_age_days": 0})}
    )
    assert _codes(screen_removal_order(looser, "2025-06-01", REQUEST_DATE)) == []


def test_parse_iso_date() -> None:
    assert parse_iso_date("2024-02-29") == date(2024, 2, 29)
    assert parse_iso_date("2023-02-29") is None
    assert parse_iso_date("2024-W01-1") is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=30)))
def test_field_checks_never_raise(text: str | None) -> None:
    agreement = load_agreement(default_agreement_path())
    for findings in (
        screen_statute(agreement, text),
        screen_reason(text),
        screen_periods(agreement, text, REQUEST_DATE),
        screen_removal_order(agreement, text, REQUEST_DATE),
    ):
        assert len(findings) <= 1
