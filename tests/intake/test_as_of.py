"""``taxgate.intake.as_of``: one rule for the as-of date, of the manifest and of ``--as-of``."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.errors import InputError
from taxgate.intake import as_of
from taxgate.intake.as_of import as_of_problem, check_as_of, check_as_of_against_request

TODAY = date(2026, 12, 7)


def test_module_examples_run() -> None:
    result = doctest.testmod(as_of, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (TODAY, None),
        (date(2025, 4, 7), None),
        (date(2026, 12, 8), "2026-12-08 is after today (2026-12-07)"),
        (date(2025, 4, 6), "2025-04-06 is before 2025-04-07, when the agreement was signed"),
        (date(1900, 1, 1), "1900-01-01 is before 2025-04-07, when the agreement was signed"),
    ],
)
def test_as_of_rule(day: date, problem: str | None) -> None:
    assert as_of_problem(day, today=TODAY, earliest=date(2025, 4, 7)) == problem


def test_check_as_of_reads_the_agreement() -> None:
    agreement = load_agreement(default_agreement_path())
    check_as_of(date(2025, 7, 15), agreement=agreement, today=TODAY)
    with pytest.raises(InputError, match="field '--as-of': 2027-01-01 is after today"):
        check_as_of(date(2027, 1, 1), agreement=agreement, today=TODAY)


def test_an_as_of_day_too_far_before_the_request_date_is_refused() -> None:
    agreement = load_agreement(default_agreement_path())
    bound = agreement.screening.as_of_max_days_before_request
    request = date(2025, 7, 15)
    check_as_of_against_request(date(2025, 7, 1), request_date=request, agreement=agreement)
    with pytest.raises(InputError, match=f"more than {bound} days before"):
        check_as_of_against_request(date(2025, 5, 1), request_date=request, agreement=agreement)
