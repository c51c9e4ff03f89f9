"""Properties of address standardisation and screening (hypothesis).

* ``standardise_address`` and ``screen_address`` never raise, whatever Unicode is in any field;
* standardisation is idempotent: the standard form standardises to itself;
* the fast Pub 28 tokenizer and the usaddress path give the same answer (one code path in
  behaviour), on generated addresses and on every street of the golden table.
"""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from taxgate.screening.address import is_facility, screen_address
from taxgate.standardise.address_fast import fast_segments
from taxgate.standardise.address_parts import RawAddress, StandardAddress
from taxgate.standardise.address_text import clean_text
from taxgate.standardise.addresses import standardise_address, standardise_many

_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = [
    "MAIN",
    "Oak",
    "pine",
    "MAPLE",
    "Cedar",
    "ELM",
    "WASHINGTON",
    "LAKE",
    "HILL",
    "PARK",
    "31ST",
    "Fifth",
    "MARTIN LUTHER KING",
    "SUNSET",
    "RIVER",
    "N",
    "NORTH",
    "COURT",
    "ST JOHNS",
    "Mt Vernon",
    "BROADWAY",
    "LAKE SHORE",
    "5th",
    "42ND",
    "HIGHLAND",
    "Peña",
    "O'Brien",
    "Saint-Jean",
    "JEFFERSON DAVIS",
    "KING",
    "Church",
    "SCHOOL",
    "MILL",
    "SPRING",
    "VALLEY",
    "CENTER",
    "FOREST",
    "MEADOW",
    "BAY",
    "1ST",
    "2ND",
    "3RD",
    "100TH",
    "A",
    "OLD MILL",
]
SUFFIXES = [
    "",
    "",
    "ST",
    "Street",
    "AVE",
    "Avenue",
    "av",
    "RD",
    "Road",
    "DR",
    "Drive",
    "LN",
    "Lane",
    "CT",
    "Court",
    "BLVD",
    "Boulevard",
    "WAY",
    "PL",
    "Place",
    "CIR",
    "TER",
    "PKWY",
    "HWY",
    "TRL",
    "LOOP",
    "SQ",
    "PLZ",
    "XING",
    "CV",
    "RUN",
    "PATH",
    "GRV",
    "HTS",
    "Heights",
    "PIKE",
]
DIRECTIONS = ["", "", "", "N", "S", "E", "W", "North", "South", "East", "West", "NE", "SW", "N.W."]
UNITS = [
    "",
    "",
    "",
    "Apt 4",
    "APT 12B",
    "#3",
    "# 7",
    "Unit 5",
    "Suite 200",
    "STE 10",
    "Rm 4",
    "Fl 2",
    "Bldg 3",
    "Lot 17",
    "Trlr 9",
    "Rear",
    "4B",
    "Apartment 6",
    "Apt #8",
    "No 1622",
    "No. 16",
    "Num 5",
    "Flr 3",
    "3rd Floor",
    "Bsmt",
    "Bsmt Apt 2",
    "Apt 2 Rear",
    "Bldg 3 Apt 12",
    "Room 12",
    "Spc 14",
    "PH 2",
    "Uppr",
]
HOUSES = ["123", "9", "1500", "23-15", "101 1/2", "N6W23001", "123A", "7", "88888", "12-B"]
CITIES = ["Springfield", "St. Louis", "New York", "Winston-Salem", "", "Ft Worth", "San Juan"]
STATES = ["IL", "Illinois", "NY", "mo", "", "XX", "Puerto Rico", "D.C."]
ZIPS = ["62704", "62704-1234", "627041234", "62704 1234", "", "00000", "1234", "ABCDE"]

SOUP = [
    *("123", "9", "23-15", "1/2", "N6W23001", "12B", "4", "66", "0", "A", "B", "E", "N", "NW"),
    *("NORTH", "SOUTH", "MAIN", "OAK", "ST", "STREET", "AVE", "AVENUE", "RD", "ROAD", "HWY"),
    *("HIGHWAY", "ROUTE", "COUNTY", "CT", "PARK", "LAKE", "VIEW", "1ST", "31ST", "FIFTH", "SAINT"),
    *("MT", "APT", "UNIT", "#", "STE", "SUITE", "REAR", "FL", "LOT", "BOX", "PO", "RR", "HC"),
    *("PSC", "&", ",", "CALLE", "DR", "WAY", "BLVD", "OLD", "THE", "OF", "AND", "JAIL", "CENTER"),
    *("UNKNOWN", "-", ".", "IL", "SPRINGFIELD", "62704", "62704-1234"),
    *("NO", "NUM", "BSMT", "BLDG", "FLR", "3RD", "PH", "SPC"),
]
"""Address words in random order: the shapes where a tagger and a tokenizer could part ways."""

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
optional_text = st.one_of(st.none(), text)


@st.composite
def street_lines(draw: st.DrawFn) -> str:
    house = draw(st.sampled_from(HOUSES))
    pre = draw(st.sampled_from(DIRECTIONS))
    name = draw(st.sampled_from(NAMES))
    suffix = draw(st.sampled_from(SUFFIXES))
    post = draw(st.sampled_from(DIRECTIONS))
    unit = draw(st.sampled_from(UNITS))
    words = [w for w in (house, pre, name, suffix, post, unit) if w]
    sep = draw(st.sampled_from([" ", "  ", " , "]))
    line = " ".join(words[:-1]) + (sep if unit else " ") + words[-1]
    return draw(st.sampled_from([line, line.upper(), line.lower(), line.title()]))


@st.composite
def realistic(draw: st.DrawFn) -> RawAddress:
    street = draw(street_lines())
    unit = draw(st.sampled_from(UNITS))
    city = draw(st.sampled_from(CITIES))
    state = draw(st.sampled_from(STATES))
    zip_code = draw(st.sampled_from(ZIPS))
    if draw(st.booleans()):
        return RawAddress(street=street, unit=unit, city=city, state=state, zip=zip_code)
    comma = draw(st.sampled_from([", ", " "]))
    return RawAddress(line=comma.join(p for p in (street, city, f"{state} {zip_code}") if p))


@st.composite
def soup(draw: st.DrawFn) -> RawAddress:
    line = " ".join(draw(st.lists(st.sampled_from(SOUP), min_size=1, max_size=8)))
    if draw(st.booleans()):
        return RawAddress(line=line)
    unit = draw(st.sampled_from(["", *SOUP]))
    return RawAddress(street=line, unit=unit, city="SPRINGFIELD", state="IL", zip="62704")


arbitrary = st.builds(
    RawAddress,
    street=optional_text,
    unit=optional_text,
    city=optional_text,
    state=optional_text,
    zip=optional_text,
    line=optional_text,
)


def restandardise(std: StandardAddress) -> StandardAddress:
    return standardise_address(
        RawAddress(
            street=std.street_line(),
            unit=std.unit_line(),
            city=std.city,
            state=std.state,
            zip=std.zip_code(),
        )
    )


@_SETTINGS
@given(arbitrary)
def test_never_raises_on_arbitrary_unicode(raw: RawAddress) -> None:
    std = standardise_address(raw)
    standardise_address(raw, fast_path=False)
    screened, findings = screen_address(raw)
    assert screened == std
    assert len(findings) <= 1
    assert all(f.code.value.startswith("ADDRESS_") for f in findings)
    is_facility(raw)


@_SETTINGS
@given(arbitrary)
@example(RawAddress(line="0O_"))  # found by hypothesis: 0O, then 00
@example(RawAddress(unit="N#O"))  # found by hypothesis: N and O joined into NO, a designator
def test_idempotent_on_arbitrary_unicode(raw: RawAddress) -> None:
    std = standardise_address(raw)
    assert restandardise(std) == std


@_SETTINGS
@given(realistic())
@example(RawAddress(line="123 MAIN , Apt 2 Rear IL 1234"))  # found by hypothesis: 2IL, then 211
def test_idempotent_on_realistic_addresses(raw: RawAddress) -> None:
    std = standardise_address(raw)
    assert restandardise(std) == std


@_SETTINGS
@given(realistic())
def test_fast_path_agrees_with_usaddress(raw: RawAddress) -> None:
    assert standardise_address(raw) == standardise_address(raw, fast_path=False)


@_SETTINGS
@given(arbitrary)
def test_fast_path_agrees_with_usaddress_on_arbitrary_text(raw: RawAddress) -> None:
    assert standardise_address(raw) == standardise_address(raw, fast_path=False)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soup())
@example(RawAddress(street="123 ST E"))  # found by hypothesis: SAINT E, then SAINT + E
def test_word_soup_agrees_and_is_idempotent(raw: RawAddress) -> None:
    std = standardise_address(raw)
    assert std == standardise_address(raw, fast_path=False)
    assert restandardise(std) == std


@_SETTINGS
@given(st.lists(arbitrary, max_size=5))
def test_standardise_many_is_standardise_address(rows: list[RawAddress]) -> None:
    assert standardise_many(rows) == [standardise_address(r) for r in rows]


# A designator with an identifier, each written several ways (domain §4: APT 4 = #4 = UNIT 4).
DESIGNATORS = [
    "Apt", "APT #", "#", "# ", "No", "No.", "Num", "Number", "Unit", "Ste", "Suite", "Fl", "Flr",
    "Floor", "Rm", "Room", "Lot", "Spc", "Trlr", "Dept", "PH", "Bsmt Apt", "Apartment",
]  # fmt: skip
IDENTIFIERS = ["2", "4B", "12", "1622", "B", "3A"]


@_SETTINGS
@given(
    st.sampled_from(DESIGNATORS),
    st.sampled_from(DESIGNATORS),
    st.sampled_from(IDENTIFIERS),
    st.sampled_from(["column", "line", "address"]),
)
def test_the_unit_identifier_does_not_depend_on_its_designator(
    one: str, other: str, identifier: str, place: str
) -> None:
    def unit_number(designator: str, where: str) -> str:
        unit = f"{designator} {identifier}".replace("# ", "#", designator == "#")
        if where == "column":
            raw = RawAddress(street="12 Oak St", unit=unit, city="Austin", state="TX", zip="78701")
        elif where == "line":
            raw = RawAddress(street=f"12 Oak St {unit}", city="Austin", state="TX", zip="78701")
        else:
            raw = RawAddress(line=f"12 Oak St {unit}, Austin, TX 78701")
        return standardise_address(raw).unit_number

    assert unit_number(one, place) == unit_number(other, "column") == identifier


def _golden_streets() -> list[RawAddress]:
    path = Path(__file__).parents[1] / "screening" / "address_cases.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        RawAddress(line=r["address"])
        if r["style"] == "line"
        else RawAddress(street=r["street"], unit=r["unit"], city=r["city"], state=r["state"])
        for r in rows
    ]


def test_fast_path_agrees_on_every_golden_address() -> None:
    for raw in _golden_streets():
        assert standardise_address(raw) == standardise_address(raw, fast_path=False), raw
        std = standardise_address(raw)
        assert restandardise(std) == std, raw


def test_fast_path_covers_the_common_shape() -> None:
    common = [
        "123 N MAIN ST APT 4",
        "1500 RIVERSIDE PKWY",
        "23-15 31ST ST",
        "101 1/2 OAK ST # 7",
        "9 W 42ND ST STE 200",
        "77 SUNSET BLVD 4B",
        "1234 S 500 E",
        "800 MAIN ST N",
    ]
    for line in common:
        assert fast_segments(clean_text(line).split()) is not None, line
