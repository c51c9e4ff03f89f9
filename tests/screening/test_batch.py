"""Plain repeats on the standardised person and address, and batch flags (domain §2, §3).

Before matching only a plain repeat is a duplicate: the same standardised name, delivery
point, date of birth and TIN. Every looser likeness (nicknames, typos, swapped names, a street
misspelt, a shared date of birth with another spelling) is left to matching, which refuses a
later request that resolves to an already answered taxpayer
(``tests/matching/test_answer_once.py``).
"""

from __future__ import annotations

import pytest

from taxgate.agreement import Agreement, default_agreement_path, load_agreement
from taxgate.screening.batch import (
    BatchFlagFinding,
    PersonRequest,
    batch_flags,
    find_duplicates,
    plain_repeat_key,
)
from taxgate.screening.codes import BatchFlag, ReasonCode
from taxgate.standardise.address_parts import AddressKind, StandardAddress
from taxgate.standardise.names import standardise_name

HOME = StandardAddress(AddressKind.STREET, "12", "N", "MAIN", "ST", city="AUSTIN", zip5="78701")
HOME_APT_4 = StandardAddress(
    AddressKind.STREET, "12", "N", "MAIN", "ST", unit_type="APT", unit_number="4", zip5="78701"
)
HOME_UNIT_4 = StandardAddress(
    AddressKind.STREET, "12", "N", "MAIN", "ST", unit_type="#", unit_number="4", zip5="78701"
)
HOME_APT_5 = StandardAddress(
    AddressKind.STREET, "12", "N", "MAIN", "ST", unit_type="APT", unit_number="5", zip5="78701"
)
ELSEWHERE = StandardAddress(AddressKind.STREET, "14", "N", "MAIN", "ST", zip5="78701")
BOX = StandardAddress(AddressKind.PO_BOX, po_box="77", city="AUSTIN", state="TX", zip5="78701")
UNKNOWN = StandardAddress(AddressKind.UNKNOWN)


def person(
    request_id: str,
    name: str,
    address: StandardAddress = HOME,
    *,
    dob: str | None = None,
    tin: str | None = None,
    usable: bool = True,
    answerable: bool = True,
) -> PersonRequest:
    """``FIRST [MIDDLE] | LAST [| SUFFIX]``."""
    fields = [f.strip() for f in name.split("|")]
    given = fields[0].split(" ", 1)
    middle = given[1] if len(given) > 1 else None
    suffix = fields[2] if len(fields) > 2 else None
    std = standardise_name(given[0], middle, fields[1], suffix)
    return PersonRequest(request_id, std, address, usable, answerable, dob, tin)


def _dups(rows: list[PersonRequest]) -> dict[str, str]:
    found = find_duplicates(rows)
    for finding in found.values():
        assert finding.code is ReasonCode.DUPLICATE
        assert finding.field == "request_id"
    return {rows[i].request_id: f.message.split()[2] for i, f in found.items()}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("JUAN | GARCIA LOPEZ", "Juan | García-López"),
        ("JUAN | GARCIA LOPEZ", "JUAN | GARCIALOPEZ"),
        ("JOSE | DE LA CRUZ", "José | de la Cruz"),
        ("JOSE | GARCIA | JR", "Jose | Garcia | Jr."),
        ("ANA MARIA | RUIZ", "ana  maría | RUIZ"),
    ],
)
def test_one_name_written_in_one_standard_form_is_a_plain_repeat(first: str, second: str) -> None:
    assert _dups([person("r1", first), person("r2", second)]) == {"r2": "r1"}


def test_unit_designator_does_not_matter_but_unit_number_does() -> None:
    assert _dups([person("r1", "ANA | RUIZ", HOME_APT_4), person("r2", "ANA | RUIZ", HOME_UNIT_4)])
    assert not _dups(
        [person("r1", "ANA | RUIZ", HOME_APT_4), person("r2", "ANA | RUIZ", HOME_APT_5)]
    )


def test_father_and_son_jr_at_one_address_are_two_requests() -> None:
    rows = [
        person("r1", "JOSE | GARCIA", dob="1961-03-02"),
        person("r2", "JOSE | GARCIA | JR", dob="1988-11-20"),
    ]
    assert _dups(rows) == {}
    # ... even with no date of birth: the suffix is part of the standardised name.
    assert _dups([person("r1", "JOSE | GARCIA"), person("r2", "JOSE | GARCIA | JR")]) == {}


@pytest.mark.parametrize(
    ("first", "second", "kw1", "kw2", "addr2"),
    [
        ("JOSE | GARCIA | JR", "JOSE | GARCIA | SR", {}, {}, HOME),
        ("JUAN CARLOS | GARCIA", "JUAN PABLO | GARCIA", {}, {}, HOME),
        ("JUAN | GARCIA", "JUAN | GARCIA", {"dob": "1980-01-01"}, {"dob": "1982-03-04"}, HOME),
        ("JUAN | GARCIA", "JUAN | GARCIA", {"tin": "123-45-6789"}, {"tin": "987654321"}, HOME),
        ("JUAN | GARCIA", "JUAN | GARCIA", {}, {}, ELSEWHERE),
        ("JUAN | GARCIA", "PEDRO | GARCIA", {}, {}, HOME),
        ("J | GARCIA", "JUAN | GARCIA", {}, {}, HOME),
        ("MARIA | GARCIA", "MARIA | LOPEZ", {}, {}, HOME),
        ("MARTIN | SMITH", "MARTHA | SMITH", {"dob": "2001-05-05"}, {"dob": "2001-05-05"}, HOME),
        ("ANA | RUIZ", "LUIS | PENA", {"dob": "1990-01-01"}, {"dob": "1990-01-01"}, HOME),
        ("DIANA | SOLIS", "ROSA | SOLISDELACRUZ", {}, {}, HOME),
        ("CARLOS | PATEL", "PATEL | CARLA", {}, {}, HOME),
    ],
)
def test_different_people_or_places_are_not_duplicates(
    first: str,
    second: str,
    kw1: dict[str, str],
    kw2: dict[str, str],
    addr2: StandardAddress,
) -> None:
    rows = [
        person("r1", first, HOME, dob=kw1.get("dob"), tin=kw1.get("tin")),
        person("r2", second, addr2, dob=kw2.get("dob"), tin=kw2.get("tin")),
    ]
    assert _dups(rows) == {}


def _street(name: str, unit: str = "1C") -> StandardAddress:
    return StandardAddress(
        AddressKind.STREET, "6738", "", name, "ST", unit_type="APT", unit_number=unit,
        zip5="22294",
    )  # fmt: skip


# Once refused before matching by fuzzy combination rules; each is now left to matching,
# which refuses the later request only if both resolve to one answered taxpayer.
@pytest.mark.parametrize(
    ("first", "second", "addr1", "addr2", "dob", "tin"),
    [
        # nicknames, anglicised forms, the maternal surname dropped or moved, initials
        ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA", HOME, HOME, None, None),
        ("JUAN LOPEZ | GARCIA", "JUAN | GARCIA LOPEZ", HOME, HOME, None, None),
        ("JUAN | GARCIA", "JOHN | GARCIA", HOME, HOME, None, None),
        ("FRANCISCO | RUIZ", "PACO | RUIZ", HOME, HOME, None, None),
        ("JOSE | DE LA CRUZ", "PEPE | CRUZ", HOME, HOME, None, None),
        ("JOSE | GARCIA | JR", "JOSE | GARCIA", HOME, HOME, None, None),
        ("JUAN C | GARCIA", "JUAN CARLOS | GARCIA", HOME, HOME, None, None),
        ("BILLY | ROBERTS", "WILL JOSEPH | ROBERTS", HOME, HOME, "1980-07-12", None),
        ("LUPITA | ESTRADA", "LUPE | ESTRADA", HOME, HOME, None, None),
        ("JOHNNY DAVID | FOSTER", "JACK | FOSTER", HOME, HOME, "2007-04-30", "089394528"),
        ("DIANA | SOLIS", "DIANA | SOLISDELACRUZ", HOME, HOME, None, None),
        ("ALJEANDRO | GARCIA", "ALEX IBARRA | GARCIA", HOME, HOME, None, None),
        ("BLANCA SANTIAGO | CRUZ", "BLANCA ELENA | CRUZ", HOME, HOME, None, None),
        # typos, each request with its own
        ("JUAN | GARCIA", "JUAN | GARICA", HOME, HOME, None, None),
        ("DONNA | GRAHAM", "DNNA | GRAHAM", HOME, HOME, None, None),
        ("JUAN | GARCIA", "JAUN | GARICA", HOME, HOME, None, None),
        ("DINA | ALVAREZ", "DIANA | ALVAREZ", HOME, HOME, None, None),
        ("TYLER | MORGANN", "TYLER | MNRGAN", HOME, HOME, None, None),
        ("NICHOLAS | MORRFS", "NICHOLAS | MOORRIS", HOME, HOME, "1979-04-16", None),
        ("MARIA | LIPEZ", "MARIA | LOPFZ", HOME, HOME, "1957-08-01", "033063763"),
        ("JUAN | TORRES", "JANE | TORRES", HOME, HOME, "1948-08-09", "914762829"),
        ("RICARDO | ZAAMORACORONA", "RICARDO | ZAMORA", HOME, HOME, "1974-02-04", None),
        # first and last names swapped, with or without another variation
        ("ANGEL | TREJO", "TREJO | ANGEL", HOME, HOME, None, None),
        ("DAVIS | SAODRA", "SANDRA | DAVIS", HOME, HOME, None, None),
        ("HOWARD | JIMMY", "JAMES | HOWARD", HOME, HOME, None, None),
        ("ED | MORENOMENDEZ", "MORENOMENDEZ | EDUARDO", HOME, HOME, None, None),
        ("RAFAEL RICARDO | ARIAS", "ARIAS ESPINOSA RICARDO | RAFAEL", HOME, HOME, None, None),
        ("MEDINAPEREZ | CAREN", "CARMEN | MDEINAPEREZ", HOME, HOME, None, None),
        # the street misspelt at one house, unit and ZIP
        ("ANA | RUIZ", "ANA | RUIZ", _street("MAIN"), _street("MIAN"), None, None),
        ("AMINATA | JOSEPH", "AMINATA | JOSEPH", _street("ASWEN"), _street("ALPEN"), None, None),
        # the same person, the date of birth or the TIN given on one request only
        ("ANA | RUIZ", "ANA | RUIZ", HOME, HOME, "1990-01-01", ""),
    ],
)
def test_likenesses_are_left_to_matching(
    first: str,
    second: str,
    addr1: StandardAddress,
    addr2: StandardAddress,
    dob: str | None,
    tin: str | None,
) -> None:
    one = person("r1", first, addr1, dob=dob, tin=tin)
    assert _dups([one, person("r2", second, addr2)]) == {}


def test_the_date_of_birth_and_tin_are_compared_as_written_and_on_their_digits() -> None:
    rows = [
        person("r1", "JUAN | GARCIA", tin="123-45-6789", dob="1980-01-01"),
        person("r2", "JUAN | GARCIA", tin="123456789", dob=" 1980-01-01 "),
    ]
    assert _dups(rows) == {"r2": "r1"}
    assert plain_repeat_key(rows[0]) == plain_repeat_key(rows[1])


def test_same_tin_alone_does_not_make_a_duplicate() -> None:
    rows = [
        person("r1", "JUAN | GARCIA", tin="123456789"),
        person("r2", "PEDRO | MARTINEZ", tin="123456789"),
    ]
    assert _dups(rows) == {}


def test_without_a_zip_the_city_and_state_are_the_locality() -> None:
    def at(city: str) -> StandardAddress:
        return StandardAddress(AddressKind.STREET, "12", "", "MAIN", "ST", city=city, state="TX")

    assert _dups(
        [person("r1", "ANA | RUIZ", at("AUSTIN")), person("r2", "ANA | RUIZ", at("AUSTIN"))]
    )
    assert not _dups(
        [person("r1", "ANA | RUIZ", at("AUSTIN")), person("r2", "ANA | RUIZ", at("DALLAS"))]
    )


def test_every_repeat_names_the_first_request() -> None:
    rows = [person(f"r{i}", "ANA | RUIZ") for i in range(1, 5)]
    assert _dups(rows) == {"r2": "r1", "r3": "r1", "r4": "r1"}


def test_the_answered_request_is_the_first_that_passes() -> None:
    rows = [
        person("r1", "ANA | RUIZ", answerable=False),  # refused for its own defects
        person("r2", "ANA | RUIZ"),
        person("r3", "ANA | RUIZ", answerable=False),
        person("r4", "ANA | RUIZ"),
    ]
    assert _dups(rows) == {"r3": "r2", "r4": "r2"}


def test_unusable_identities_are_never_duplicates() -> None:
    rows = [
        person("r1", "ANA | RUIZ"),
        person("r2", "ANA | RUIZ", usable=False),
        person("r3", "ANA | RUIZ", UNKNOWN),
        person("r4", "ANA | RUIZ", UNKNOWN),
    ]
    assert _dups(rows) == {}


def test_po_boxes_have_delivery_keys_too() -> None:
    assert _dups([person("r1", "ANA | RUIZ", BOX), person("r2", "ANA | RUIZ", BOX)]) == {"r2": "r1"}


def test_many_people_at_one_facility_is_fast_and_exact() -> None:
    rows = [person(f"r{i}", f"PERSON | {_word(i)}") for i in range(5000)]
    rows.append(person("again", f"PERSON | {_word(42)}"))
    assert _dups(rows) == {"again": "r42"}


def _word(i: int) -> str:
    """A distinct surname for each ``i``."""
    return "".join(chr(65 + (i // 26**k) % 26) for k in range(3)) + "SON"


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return load_agreement(default_agreement_path())


def _flags(found: list[BatchFlagFinding]) -> dict[BatchFlag, int]:
    return {f.flag: f.count for f in found}


def test_no_flags_for_a_plausible_batch(agreement: Agreement) -> None:
    reasons = [f"case {i}: failed to depart after final order" for i in range(100)]
    officers = [f"officer {i % 10}" for i in range(100)]
    assert batch_flags(agreement, officers=officers, reasons=reasons, facility_count=0) == []


def test_officer_overload(agreement: Agreement) -> None:
    limit = agreement.screening.officer_max_records
    officers: list[str | None] = ["Agent Smith"] * limit + ["other"] * 5 + [None] * 400
    reasons = [f"r{i}" for i in range(len(officers))]
    assert batch_flags(agreement, officers=officers, reasons=reasons, facility_count=0) == []
    officers.append(" agent  SMITH ")  # the same officer, written differently
    found = batch_flags(agreement, officers=officers, reasons=[*reasons, "x"], facility_count=0)
    assert _flags(found) == {BatchFlag.BATCH_OFFICER_OVERLOAD: limit + 1}
    assert "SMITH" not in found[0].message.upper()


def test_boilerplate_reasons(agreement: Agreement) -> None:
    share = agreement.screening.boilerplate_reason_share
    minimum = agreement.screening.boilerplate_min_batch
    officers = [None] * 100
    same = int(100 * share)
    reasons: list[str | None] = ["Immigration enforcement."] * (same - 1) + [
        "IMMIGRATION  ENFORCEMENT"
    ]
    reasons += [f"specific reason {i}" for i in range(100 - same)]
    found = batch_flags(agreement, officers=officers, reasons=reasons, facility_count=0)
    assert _flags(found) == {BatchFlag.BATCH_BOILERPLATE_REASONS: same}
    reasons[0] = "something else"
    assert batch_flags(agreement, officers=officers, reasons=reasons, facility_count=0) == []
    small = ["same"] * (minimum - 1)
    assert (
        batch_flags(agreement, officers=[None] * len(small), reasons=small, facility_count=0) == []
    )


def test_empty_reasons_are_not_one_boilerplate_string(agreement: Agreement) -> None:
    reasons: list[str | None] = [None] * 50 + [""] * 50
    assert batch_flags(agreement, officers=[None] * 100, reasons=reasons, facility_count=0) == []


def test_facility_flag_and_order(agreement: Agreement) -> None:
    found = batch_flags(agreement, officers=["a"] * 300, reasons=["x"] * 300, facility_count=3)
    assert [f.flag for f in found] == list(BatchFlag)
    assert found[-1].count == 3
    assert all(f.message for f in found)
