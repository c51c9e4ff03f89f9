"""Unit tests of USPS address standardisation (taxgate.standardise.addresses)."""

from __future__ import annotations

import math

import pytest

from taxgate.standardise import addresses
from taxgate.standardise.address_boxes import parse_box
from taxgate.standardise.address_line import split_line
from taxgate.standardise.address_parts import AddressKind, RawAddress, StandardAddress
from taxgate.standardise.address_segments import Segments, settle
from taxgate.standardise.address_street import interpret_street, parse_unit
from taxgate.standardise.address_text import clean_text, parse_state, parse_zip, standard_city
from taxgate.standardise.addresses import standardise_address, standardise_many


def std(street: str = "", unit: str = "", **fields: str) -> StandardAddress:
    return standardise_address(RawAddress(street=street, unit=unit, **fields))


def line_of(street: str, unit: str = "") -> tuple[str, str]:
    result = std(street, unit)
    return result.street_line(), result.unit_line()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("p.o. box 12,  Apt#4", "PO BOX 12, APT # 4"),
        ("N.E. 5th St.", "NE 5TH ST"),
        ("O'Brien St", "OBRIEN ST"),
        ("23-15 31st St", "23-15 31ST ST"),
        ("Smith-Jones Rd", "SMITH JONES RD"),
        ("101 1/2 Oak", "101 1/2 OAK"),
        ("N/A", "N A"),
        ("Rodríguez Ave", "RODRIGUEZ AVE"),
        ("APT4", "APT 4"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345", ("12345", "")),
        ("123456789", ("12345", "6789")),
        ("12345-6789", ("12345", "6789")),
        ("12345 6789", ("12345", "6789")),
        (" 12345 ", ("12345", "")),
        ("00000", ("", "")),
        ("12345-0000", ("12345", "")),
        ("1234", ("", "")),
        ("12345-678", ("", "")),
        ("ABCDE", ("", "")),
        (None, ("", "")),
    ],
)
def test_parse_zip(raw: str | None, expected: tuple[str, str]) -> None:
    assert parse_zip(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("IL", "IL"),
        ("il", "IL"),
        ("Illinois", "IL"),
        ("new york", "NY"),
        ("District of Columbia", "DC"),
        ("D.C.", "DC"),
        ("Puerto Rico", "PR"),
        ("Guam", "GU"),
        ("AE", "AE"),
        ("Armed Forces Pacific", "AP"),
        ("XX", ""),
        ("", ""),
    ],
)
def test_parse_state(raw: str, expected: str) -> None:
    assert parse_state(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("St. Louis", "SAINT LOUIS"),
        ("Saint Louis", "SAINT LOUIS"),
        ("Ft Worth", "FORT WORTH"),
        ("Winston-Salem", "WINSTON SALEM"),
        ("N Las Vegas", "NORTH LAS VEGAS"),
        ("Coeur d'Alene", "COEUR DALENE"),
        ("  springfield ", "SPRINGFIELD"),
    ],
)
def test_standard_city(raw: str, expected: str) -> None:
    assert standard_city(raw) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("NORTH MAIN STREET", ("N", "MAIN", "ST", "")),
        ("NORTH ST", ("", "NORTH", "ST", "")),
        ("N ST NW", ("", "N", "ST", "NW")),
        ("S 500 E", ("S", "500", "", "E")),
        ("AVENUE N", ("", "AVE N", "", "")),
        ("OLD HIGHWAY 66", ("", "OLD HWY 66", "", "")),
        ("ST JOHNS RD", ("", "SAINT JOHNS", "RD", "")),
        ("FIFTH AVENUE", ("", "FIFTH", "AVE", "")),
        ("N E 5TH AVE", ("NE", "5TH", "AVE", "")),
        ("MAIN ST SOUTH EAST", ("", "MAIN", "ST", "SE")),
        ("ST", ("", "", "ST", "")),
        ("N", ("N", "", "", "")),
        ("E NORTH", ("E", "NORTH", "", "")),
    ],
)
def test_interpret_street(words: str, expected: tuple[str, str, str, str]) -> None:
    assert interpret_street(words.split()) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("APT 4", ("APT", "4")),
        ("APARTMENT # 4", ("APT", "4")),
        ("# 4", ("#", "4")),
        ("4", ("#", "4")),
        ("SUITE 200", ("STE", "200")),
        ("2ND FLOOR", ("FL", "2")),
        ("NO 1622", ("#", "1622")),
        ("NUM 5", ("#", "5")),
        ("APT NO 4", ("APT", "4")),
        ("BSMT APT 2", ("APT", "2")),
        ("APT 2 REAR", ("APT", "2")),
        ("BASEMENT", ("BSMT", "")),
        ("BLDG 3 APT 12", ("APT", "3-12")),
        ("BLDG A UNIT 12", ("UNIT", "A12")),
        ("PENTHOUSE", ("PH", "")),
        ("APT 4-B", ("APT", "4B")),
        ("# 1-2", ("#", "1-2")),
        ("#", ("", "")),
    ],
)
def test_parse_unit(words: str, expected: tuple[str, str]) -> None:
    assert parse_unit(words.split()) == expected


def test_settle_gives_route_numbers_back_to_the_street() -> None:
    assert settle(Segments("1", ["COUNTY", "RD"], ["12"])).street == ["COUNTY", "RD", "12"]
    assert settle(Segments("1", ["CALLE"], ["A"])).street == ["CALLE", "A"]
    assert settle(Segments("1", ["MAIN", "ST"], ["4B"])).unit == ["4B"]
    assert settle(Segments("1", ["MAIN", "ST"], ["2ND"])).street == ["MAIN", "ST", "2ND"]


@pytest.mark.parametrize(
    ("street", "unit", "expected"),
    [
        ("123 Main St Apt 4", "", ("123 MAIN ST", "APT 4")),
        ("123 Main St #4", "", ("123 MAIN ST", "# 4")),
        ("123 Main St # 4", "", ("123 MAIN ST", "# 4")),
        ("123 Main St Unit 4", "", ("123 MAIN ST", "UNIT 4")),
        ("123 Main St, 4B", "", ("123 MAIN ST", "# 4B")),
        ("123 Main St", "Apt 4", ("123 MAIN ST", "APT 4")),
        ("123 Main St", "#4", ("123 MAIN ST", "# 4")),
        ("123 Main St", "N/A", ("123 MAIN ST", "")),
        ("123 Main St Apt 9", "Apt 4", ("123 MAIN ST", "APT 4")),
        ("N6W23001 Bluemound Rd", "", ("N6W23001 BLUEMOUND RD", "")),
        ("23-15 31st St", "", ("23-15 31ST ST", "")),
        ("101 1/2 Oak St", "", ("101 1/2 OAK ST", "")),
        ("100 North St", "", ("100 NORTH ST", "")),
        ("Stewart Detention Center 146 CCA Rd", "", ("146 CCA RD", "")),
        # Two directionals around a unit, no other word: read as 123 E N (found by hypothesis).
        ("123 E APT 123 N", "", ("123 E N", "APT 123")),
        ("123 APT 4 N", "", ("123", "APT 4 N")),
    ],
)
def test_street_and_unit(street: str, unit: str, expected: tuple[str, str]) -> None:
    assert line_of(street, unit) == expected


def test_units_written_three_ways_share_a_number() -> None:
    numbers = {std(f"9 Elm St {u}").unit_number for u in ("#4", "# 4", "APT 4", "UNIT 4")}
    assert numbers == {"4"}


@pytest.mark.parametrize(
    ("street", "kind", "expected"),
    [
        ("PO Box 123", AddressKind.PO_BOX, "PO BOX 123"),
        ("P.O. Box 123", AddressKind.PO_BOX, "PO BOX 123"),
        ("POB 123", AddressKind.PO_BOX, "PO BOX 123"),
        ("BOX 123", AddressKind.PO_BOX, "PO BOX 123"),
        ("RR 2 BOX 45", AddressKind.RURAL_ROUTE, "RR 2 BOX 45"),
        ("RURAL ROUTE 2 BOX 45", AddressKind.RURAL_ROUTE, "RR 2 BOX 45"),
        ("HC 1 BOX 9", AddressKind.RURAL_ROUTE, "HC 1 BOX 9"),
        ("PSC 1234 BOX 5678", AddressKind.MILITARY, "PSC 1234 BOX 5678"),
        ("UNIT 2050 BOX 4190", AddressKind.MILITARY, "UNIT 2050 BOX 4190"),
    ],
)
def test_box_forms(street: str, kind: AddressKind, expected: str) -> None:
    result = std(street)
    assert result.kind is kind
    assert result.street_line() == expected


def test_box_parts() -> None:
    box = parse_box("RR 2 BOX 45")
    assert box is not None
    assert (box.rural_route, box.po_box) == ("2", "45")
    assert parse_box("BOXWOOD LN") is None
    assert parse_box("123 MAIN ST") is None


def test_one_line_address() -> None:
    result = standardise_address(RawAddress(line="123 Main St Apt 4, Springfield, IL 62704"))
    assert (result.street_line(), result.unit_line()) == ("123 MAIN ST", "APT 4")
    assert (result.city, result.state, result.zip_code()) == ("SPRINGFIELD", "IL", "62704")
    no_commas = standardise_address(RawAddress(line="123 Main St Apt 4 Springfield IL 62704"))
    assert no_commas == result


def test_split_line_reads_locality_from_the_right() -> None:
    fields = split_line("1600 PENNSYLVANIA AVE NW, WASHINGTON, DC 20500")
    assert fields.city == ["WASHINGTON"]
    assert (fields.state, fields.zip) == ("DC", "20500")
    assert split_line("SPRINGFIELD, IL 62704").street == []


def test_split_columns_win_over_the_line() -> None:
    raw = RawAddress(street="9 Elm St", zip="45402", line="1 Other Rd, Dayton, OH 45402")
    assert standardise_address(raw).street_line() == "9 ELM ST"


def test_street_column_holding_a_whole_address_is_read_as_a_line() -> None:
    result = std("9 Elm St, Dayton, OH 45402")
    assert (result.street_line(), result.city, result.zip_code()) == ("9 ELM ST", "DAYTON", "45402")


def test_unknown_keeps_the_words() -> None:
    result = std("1st & Main", city="Springfield")
    assert result.kind is AddressKind.UNKNOWN
    assert result.street_name == "1ST & MAIN"
    assert result.city == "SPRINGFIELD"


@pytest.mark.parametrize(
    "value", [None, 12345, 62704.0, math.nan, math.inf, True, b"bytes", ["list"], {"d": 1}]
)
def test_never_raises_on_odd_field_types(value: object) -> None:
    raw = RawAddress(street=value, unit=value, city=value, state=value, zip=value)  # type: ignore[arg-type]
    result = standardise_address(raw)
    assert isinstance(result, StandardAddress)


def test_integer_zip_is_read() -> None:
    raw = RawAddress(street="9 Elm St", zip=45402)  # type: ignore[arg-type]
    assert standardise_address(raw).zip5 == "45402"


def test_fast_path_switch_gives_the_same_answer() -> None:
    raw = RawAddress(street="123 N Main Street Apt 4", city="Springfield", state="IL")
    assert standardise_address(raw, fast_path=False) == standardise_address(raw)


def test_standardise_many_keeps_order() -> None:
    rows = [RawAddress(street="1 A St"), RawAddress(street="PO Box 9"), RawAddress()]
    assert standardise_many(rows) == [standardise_address(r) for r in rows]
    assert standardise_many([]) == []


def test_memo_is_bounded_and_used() -> None:
    info = addresses._standardise_cached.cache_info()
    assert info.maxsize is not None
    raw = RawAddress(street="77 Sunset Blvd", zip="90028")
    assert standardise_address(raw) is standardise_address(raw)


def test_idempotent_on_examples() -> None:
    examples = (
        "100 North St",
        "HC 1 Box 9",
        "1st & Main",
        "123 St. Johns Rd Apt 4",
        "123 E APT 4 N",
    )
    for street in (*examples, ""):
        first = std(street, city="St. Louis", state="Missouri", zip="63101-0000")
        again = std(first.street_line(), first.unit_line(), city=first.city, state=first.state)
        assert (again.street_line(), again.unit_line()) == (first.street_line(), first.unit_line())


def test_a_number_read_with_letters_for_digits_is_the_number() -> None:
    # OCR: O for 0 and I or L for 1 in a house number or an ordinal street; a word, a state
    # or a highway (I10) is left alone.
    from taxgate.standardise.address_text import clean_text

    assert clean_text("1O25 IST AVE") == "1025 1ST AVE"
    assert clean_text("1O26 Oak St") == "1026 OAK ST"
    assert clean_text("100 OIL RD, IL") == "100 OIL RD, IL"
    assert clean_text("I10 FWY") == "I10 FWY"
    # Inside a grid number (Wisconsin) or a hyphenated one (Queens); a route keeps its letter.
    assert clean_text("N45WI7238 JACKSON LANE") == "N45W17238 JACKSON LANE"
    assert clean_text("N26W13I30 CENTRAL AVE") == "N26W13130 CENTRAL AVE"
    assert clean_text("5-O8 15TH DRIVE") == "5-08 15TH DRIVE"
    assert clean_text("I6-38 PALO VERDE AVE") == "16-38 PALO VERDE AVE"  # first part too
    assert clean_text("I-10 FRONTAGE RD") == "I-10 FRONTAGE RD"
    assert clean_text("N45W OAK ST") == "N45W OAK ST"


@pytest.mark.parametrize(
    ("written", "street"),
    [
        ("I96 King Lane", "196 KING LN"),
        ("I956 20TH PL", "1956 20TH PL"),
        ("L23B Oak Ave", "123B OAK AVE"),
        ("O5 Main St", "05 MAIN ST"),
        ("I10 FWY", "I10 FWY"),
        ("I-10 Frontage Rd", "I-10 FRONTAGE RD"),
    ],
)
def test_a_house_number_whose_first_digit_was_read_as_a_letter(written: str, street: str) -> None:
    # Class: a scanner's letter for the first digit of the house number (I96 for 196). At the
    # head of a line, before a street name, it is the number; before a street type it is a route.
    for address in (
        std(written, city="Columbus", state="OH", zip="43298"),
        standardise_address(RawAddress(line=f"{written}, Columbus, OH 43298")),
    ):
        assert address.street_line() == street
