"""data: the report's values are frozen, and hold ids, codes, counts, weights, versions, hashes."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from taxgate.report import data as report_data
from taxgate.report.data import Funnel, ReportData

from .samples import sample_report_data

# Field names that would carry taxpayer data; none may exist anywhere in ReportData.
FORBIDDEN = ("name", "street", "address", "tin", "birth", "dob", "city", "zip", "unit")
ALLOWED = {"signer"}  # the enrolled agency official, named as in the agreement


def all_fields(cls: type) -> list[str]:
    """Every field name reachable from ``cls`` through nested report dataclasses."""
    names: list[str] = []
    hints = typing.get_type_hints(cls, vars(report_data))
    for f in dataclasses.fields(cls):
        names.append(f.name)
        for candidate in vars(report_data).values():
            if (
                dataclasses.is_dataclass(candidate)
                and isinstance(candidate, type)
                and candidate.__name__ in str(hints[f.name])
                and candidate is not cls
            ):
                names += all_fields(candidate)
    return names


def test_no_field_can_hold_taxpayer_data() -> None:
    names = set(all_fields(ReportData))
    assert {"funnel", "received", "root_hex", "example_request_id"} <= names
    offending = {n for n in names - ALLOWED if any(word in n for word in FORBIDDEN)}
    assert offending == set()


def test_values_are_frozen() -> None:
    data = sample_report_data()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.funnel.received = 1  # type: ignore[misc]


def test_funnel_share_is_of_the_requests_received() -> None:
    funnel = Funnel(200, 50, 150, 10, 140, 100, 10, 30)
    assert funnel.share(50) == 0.25
    assert Funnel(0, 0, 0, 0, 0, 0, 0, 0).share(0) == 0.0
