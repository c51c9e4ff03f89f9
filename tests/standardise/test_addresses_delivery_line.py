"""The master load's delivery-line entry reads a line exactly as the full standardiser does."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.standardise.address_parts import RawAddress, StandardAddress
from taxgate.standardise.addresses import standardise_address, standardise_delivery_line

CASES = Path(__file__).parent.parent / "screening" / "address_cases.csv"


def _line_only(address: StandardAddress) -> StandardAddress:
    return replace(address, city="", state="", zip5="", zip4="")


def _split_rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["style"] == "split"]


@pytest.mark.parametrize("row", _split_rows(), ids=lambda r: r["case_id"])
def test_golden_rows_agree(row: dict[str, str]) -> None:
    raw = RawAddress(
        street=row["street"] or None,
        unit=row["unit"] or None,
        city=row["city"] or None,
        state=row["state"] or None,
        zip=row["zip"] or None,
    )
    located = bool(row["city"] or row["state"] or row["zip"])
    whole = standardise_address(raw)
    line = standardise_delivery_line(raw.street, raw.unit, locality_given=located)
    if located:
        assert line == _line_only(whole)
    else:
        assert line == whole


words = st.sampled_from(
    ["123", "N", "MAIN", "ST", "APT", "4B", "#", "RR", "1", "BOX", "16", ",", "PO", "23-15", "OAK"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=8).map(" ".join), st.one_of(st.none(), words))
def test_arbitrary_lines_agree(street: str, unit: str | None) -> None:
    whole = standardise_address(RawAddress(street=street, unit=unit, city="X", state="TX"))
    line = standardise_delivery_line(street, unit, locality_given=True)
    assert line == _line_only(whole)
