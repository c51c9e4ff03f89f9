"""Dates on the command line: ``YYYY-MM-DD``, and a day that does not exist is named as such."""

from __future__ import annotations

import calendar
import re
from datetime import date

import typer

DAY_METAVAR = "YYYY-MM-DD"
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_day(value: str | date) -> date:
    """Read ``YYYY-MM-DD``; say whether the text is malformed or the day does not exist.

    Example:
        >>> parse_day("2025-02-28")
        datetime.date(2025, 2, 28)

    Raises:
        typer.BadParameter: The text is not ``YYYY-MM-DD``, or names no day of the calendar.
    """
    if isinstance(value, date):
        return value
    match = _DAY.match(value.strip())
    if match is None:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD (2025-07-15)")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise typer.BadParameter(f"{value} does not exist: there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        raise typer.BadParameter(f"{value} does not exist: {name} {year} has {days} days")
    return date(year, month, day)
