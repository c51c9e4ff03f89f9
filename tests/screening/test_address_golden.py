"""Golden cases for address screening and standardisation (domain §3 "Address").

Every row of ``address_cases.csv`` is a hand-labelled case: the expected ``ADDRESS_*`` code
(empty for an accepted address) and, for accepted addresses, the USPS street line, unit line
and ZIP. Every row must pass.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taxgate.screening.address import screen_address
from taxgate.standardise.address_parts import RawAddress

_CASES = Path(__file__).with_name("address_cases.csv")


def _load() -> list[dict[str, str]]:
    with _CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CASES = _load()


def _raw(case: dict[str, str]) -> RawAddress:
    if case["style"] == "line":
        return RawAddress(line=case["address"])
    return RawAddress(
        street=case["street"],
        unit=case["unit"],
        city=case["city"],
        state=case["state"],
        zip=case["zip"],
    )


def test_table_is_large_and_well_formed() -> None:
    assert len(CASES) >= 300
    assert len({c["case_id"] for c in CASES}) == len(CASES)
    assert {c["style"] for c in CASES} == {"split", "line"}
    codes = {c["expected_code"] for c in CASES}
    assert {
        "",
        "ADDRESS_MISSING",
        "ADDRESS_PLACEHOLDER",
        "ADDRESS_DIGITS_ONLY",
        "ADDRESS_STREET_MISSING",
        "ADDRESS_FACILITY_ONLY",
        "ADDRESS_BOX_INCOMPLETE",
        "ADDRESS_NO_HOUSE_NUMBER",
        "ADDRESS_NO_STREET_NAME",
        "ADDRESS_UNPARSEABLE",
        "ADDRESS_NO_LOCALITY",
    } <= codes


@pytest.mark.parametrize("case", CASES, ids=[c["case_id"] for c in CASES])
def test_golden_case(case: dict[str, str]) -> None:
    std, findings = screen_address(_raw(case))
    codes = [f.code.value for f in findings]
    expected = [case["expected_code"]] if case["expected_code"] else []
    assert codes == expected, case["note"]
    if not expected:
        got = (std.street_line(), std.unit_line(), std.zip_code())
        want = (case["expected_street"], case["expected_unit"], case["expected_zip"])
        assert got == want, case["note"]
