"""The as-of date of a batch: the one rule for which days it may be.

Every check that depends on time (the age of the removal order, §6103(i)(2)(B); the last
known address) is measured on the batch's as-of date: the manifest's ``request_date``, or an
analyst's ``--as-of``. A day after today would make a removal order too recent to qualify
look old enough; a day before the agreement was signed would judge the batch under terms
that did not exist yet, and refuse everything while using up its batch id.

Example:
    >>> as_of_problem(date(2031, 1, 1), today=date(2026, 12, 7))
    '2031-01-01 is after today (2026-12-07)'
    >>> as_of_problem(date(2025, 7, 15), today=date(2026, 12, 7), earliest=date(2025, 4, 7))
"""

from __future__ import annotations

from datetime import date, timedelta

from taxgate.agreement import Agreement
from taxgate.errors import InputError

__all__ = ["as_of_problem", "check_as_of", "check_as_of_against_request"]


def as_of_problem(day: date, *, today: date, earliest: date | None = None) -> str | None:
    """Why ``day`` cannot be a batch's as-of date, or None when it can.

    Args:
        day: The proposed as-of date.
        today: The day the batch is verified or run.
        earliest: The first acceptable day (the agreement's), when one applies.
    """
    if day > today:
        return f"{day} is after today ({today})"
    if earliest is not None and day < earliest:
        return f"{day} is before {earliest}, when the agreement was signed"
    return None


def check_as_of(day: date, *, agreement: Agreement, today: date) -> None:
    """Refuse an analyst's as-of date that the agreement's batches could not carry.

    Raises:
        InputError: ``day`` is after ``today`` or before the agreement was signed.
    """
    problem = as_of_problem(day, today=today, earliest=agreement.agreement.signed_on)
    if problem is not None:
        raise InputError(
            f"{problem}; removal-order ages and last known addresses are measured on this day",
            field="--as-of",
            hint="give a day between the agreement's signing and today, or leave --as-of out "
            "to use the batch's request date",
        )


def check_as_of_against_request(day: date, *, request_date: date, agreement: Agreement) -> None:
    """Refuse an analyst's as-of date further before the manifest's request date than the
    agreement allows (``screening.as_of_max_days_before_request``).

    Raises:
        InputError: ``day`` lies too far before ``request_date``.
    """
    bound = agreement.screening.as_of_max_days_before_request
    earliest = request_date - timedelta(days=bound)
    if day < earliest:
        raise InputError(
            f"{day} is more than {bound} days before the batch's request date ({request_date}); "
            "removal-order ages and last known addresses are measured on this day",
            field="--as-of",
            hint=f"give a day from {earliest} to today, or leave --as-of out to use the "
            "batch's request date",
        )
