"""Unit tests of address screening (taxgate.screening.address, domain §3 "Address")."""

from __future__ import annotations

import pytest

from taxgate.screening.address import is_facility, screen_address
from taxgate.screening.codes import ReasonCode
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.address_vocab import is_placeholder

LOCALITY = {"city": "Houston", "state": "TX", "zip": "77001"}


def codes(raw: RawAddress) -> list[ReasonCode]:
    return [f.code for f in screen_address(raw)[1]]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Each row meets two rules; the earlier one in the precedence wins.
        (RawAddress(), ReasonCode.ADDRESS_MISSING),
        (RawAddress(street="Unknown", zip="12345"), ReasonCode.ADDRESS_PLACEHOLDER),
        (RawAddress(street="12345"), ReasonCode.ADDRESS_DIGITS_ONLY),
        (RawAddress(unit="Apt 4", city="Houston"), ReasonCode.ADDRESS_STREET_MISSING),
        (RawAddress(street="Harris County Jail"), ReasonCode.ADDRESS_FACILITY_ONLY),
        (RawAddress(street="FCI Dublin PO Box 5000"), ReasonCode.ADDRESS_FACILITY_ONLY),
        (RawAddress(street="PO Box"), ReasonCode.ADDRESS_BOX_INCOMPLETE),
        (RawAddress(street="Main St"), ReasonCode.ADDRESS_NO_HOUSE_NUMBER),
        (RawAddress(street="123 Apt 4"), ReasonCode.ADDRESS_NO_STREET_NAME),
        (RawAddress(street="1st & Main"), ReasonCode.ADDRESS_UNPARSEABLE),
        (RawAddress(street="123 Main St"), ReasonCode.ADDRESS_NO_LOCALITY),
    ],
)
def test_precedence(raw: RawAddress, expected: ReasonCode) -> None:
    assert codes(raw) == [expected]


@pytest.mark.parametrize(
    "raw",
    [
        RawAddress(street="123 Main St", **LOCALITY),
        RawAddress(street="123 Main St", city="Houston", state="Texas"),
        RawAddress(street="123 Main St", zip="77001-1234"),
        RawAddress(street="PO Box 12", **LOCALITY),
        RawAddress(street="RR 2 Box 45", **LOCALITY),
        RawAddress(street="PSC 1234 Box 5678", city="APO", state="AE", zip="09012"),
        RawAddress(line="123 Main St Apt 4, Springfield, IL 62704"),
        RawAddress(street="Stewart Detention Center 146 CCA Rd", **LOCALITY),
    ],
)
def test_accepted_forms(raw: RawAddress) -> None:
    assert codes(raw) == []


def test_the_courts_examples_are_rejected_even_with_a_full_locality() -> None:
    for street in ("Failed to Provide", "NA NA", "Don't Care 12345"):
        assert codes(RawAddress(street=street, **LOCALITY)) == [ReasonCode.ADDRESS_PLACEHOLDER]


def test_placeholders_are_whole_words() -> None:
    assert is_placeholder("123 NA St")
    assert is_placeholder("n/a")
    assert is_placeholder("--")
    assert not is_placeholder("123 Napa St")
    assert not is_placeholder("123 Nonesuch Rd")
    assert not is_placeholder("45 Testa Ave")
    assert not is_placeholder("")


def test_facility_with_a_street_is_valid_but_flagged() -> None:
    raw = RawAddress(street="Stewart Detention Center 146 CCA Rd", **LOCALITY)
    assert codes(raw) == []
    assert is_facility(raw)
    assert not is_facility(RawAddress(street="146 CCA Rd", **LOCALITY))


def test_at_most_one_finding_and_it_never_repeats_the_address() -> None:
    secret = "Failed to Provide 4417 Quetzal Lane"
    _, findings = screen_address(RawAddress(street=secret, **LOCALITY))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.field == "street"
    assert finding.category == "ADDRESS_"
    for word in ("4417", "QUETZAL", "Quetzal", "Houston"):
        assert word not in finding.message


def test_line_style_findings_name_the_address_field() -> None:
    _, findings = screen_address(RawAddress(line="N/A"))
    assert [(f.code, f.field) for f in findings] == [(ReasonCode.ADDRESS_PLACEHOLDER, "address")]


def test_military_box_needs_a_military_locality() -> None:
    raw = RawAddress(street="PSC 1234 Box 5678", **LOCALITY)
    assert codes(raw) == [ReasonCode.ADDRESS_BOX_INCOMPLETE]


def test_screen_returns_the_standard_form() -> None:
    std, _ = screen_address(RawAddress(street="123 North Main Street", **LOCALITY))
    assert std.street_line() == "123 N MAIN ST"


@pytest.mark.parametrize("value", [None, 5, ["x"], b"123 Main St"])
def test_screen_never_raises(value: object) -> None:
    raw = RawAddress(street=value, line=value)  # type: ignore[arg-type]
    _, findings = screen_address(raw)
    assert len(findings) <= 1
    assert isinstance(is_facility(raw), bool)
