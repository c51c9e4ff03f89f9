"""Duplicates on the standardised person and address, and batch flags (domain §2, §3)."""

from __future__ import annotations

import pytest

from taxgate.agreement import Agreement, default_agreement_path, load_agreement
from taxgate.screening.batch import BatchFlagFinding, PersonRequest, batch_flags, find_duplicates
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
        ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA"),
        ("JUAN | GARCIA LOPEZ", "JUAN | GARCIALOPEZ"),
        ("JUAN LOPEZ | GARCIA", "JUAN | GARCIA LOPEZ"),
        ("JUAN | GARCIA", "JOHN | GARCIA"),
        ("FRANCISCO | RUIZ", "PACO | RUIZ"),
        ("JOSE | DE LA CRUZ", "PEPE | CRUZ"),
        ("JOSE | GARCIA | JR", "JOSE | GARCIA"),
        ("JUAN C | GARCIA", "JUAN CARLOS | GARCIA"),
    ],
)
def test_same_person_same_address_is_a_duplicate(first: str, second: str) -> None:
    assert _dups([person("r1", first), person("r2", second)]) == {"r2": "r1"}


def test_unit_designator_does_not_matter_but_unit_number_does() -> None:
    assert _dups([person("r1", "ANA | RUIZ", HOME_APT_4), person("r2", "ANA | RUIZ", HOME_UNIT_4)])
    assert not _dups(
        [person("r1", "ANA | RUIZ", HOME_APT_4), person("r2", "ANA | RUIZ", HOME_APT_5)]
    )


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
    ],
)
def test_different_people_or_places_are_not_duplicates(
    first: str, second: str, kw1: dict[str, str], kw2: dict[str, str], addr2: StandardAddress
) -> None:
    rows = [person("r1", first, HOME, **kw1), person("r2", second, addr2, **kw2)]
    assert _dups(rows) == {}


@pytest.mark.parametrize(
    ("first", "second", "addr2"),
    [
        ("JUAN | GARCIA", "JUAN | GARICA", HOME),
        ("DONNA | GRAHAM", "DNNA | GRAHAM", HOME),
        ("ANGEL | TREJO", "TREJO | ANGEL", HOME),
        (
            "ANA | RUIZ",
            "ANA | RUIZ",
            StandardAddress(AddressKind.STREET, "12", "N", "MIAN", "ST", zip5="78701"),
        ),
    ],
)
def test_typos_and_swapped_names_at_one_point_are_duplicates(
    first: str, second: str, addr2: StandardAddress
) -> None:
    assert _dups([person("r1", first), person("r2", second, addr2)]) == {"r2": "r1"}


def test_typos_need_the_rest_to_agree() -> None:
    # One slip in each part is one person; two listed names or a birth date tell two apart.
    assert _dups([person("r1", "JUAN | GARCIA"), person("r2", "JAUN | GARICA")]) == {"r2": "r1"}
    # DINA / DIANA (or JUAN / JUANA) at one address: read as one person, the safe way.
    assert _dups([person("r1", "DINA | ALVAREZ"), person("r2", "DIANA | ALVAREZ")]) == {"r2": "r1"}
    first, second = person("r1", "JORGE | RODRIGHEZ", dob="1970-01-01"), "JOGRE | RODRIGUEZ"
    assert _dups([first, person("r2", second, dob="1980-02-02")]) == {}
    assert _dups(
        [person("r1", "ENRIQUE | HERNANEDZGARCIA"), person("r2", "ENRIQUE GARCIA | HERNANDEZ")]
    )
    assert _dups([person("r1", "ANA | RUIZ"), person("r2", "ANA | RUIZ", ELSEWHERE)]) == {}
    other_street = StandardAddress(AddressKind.STREET, "12", "N", "OAK", "ST", zip5="78701")
    assert _dups([person("r1", "ANA | RUIZ"), person("r2", "ANA | RUIZ", other_street)]) == {}


def test_same_tin_alone_does_not_make_a_duplicate() -> None:
    rows = [
        person("r1", "JUAN | GARCIA", tin="123456789"),
        person("r2", "PEDRO | MARTINEZ", tin="123456789"),
    ]
    assert _dups(rows) == {}


def test_matching_tin_and_dob_formatting_do_not_conflict() -> None:
    rows = [
        person("r1", "JUAN | GARCIA", tin="123-45-6789", dob="1980-01-01"),
        person("r2", "JUAN | GARCIA", tin="123456789", dob=" 1980-01-01 "),
    ]
    assert _dups(rows) == {"r2": "r1"}


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
    """A surname at least three edits from every other ``_word``: three copies of a
    three-letter block, held apart by fixed letters so no shift can align two blocks."""
    letters = "".join(chr(65 + (i // 26**k) % 26) for k in range(3))
    return f"{letters}X{letters}Y{letters}"


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


def test_swapped_names_with_a_typo_or_nickname_are_one_person() -> None:
    assert _dups([person("r1", "DAVIS | SAODRA"), person("r2", "SANDRA | DAVIS")]) == {"r2": "r1"}
    assert _dups([person("r1", "HOWARD | JIMMY"), person("r2", "JAMES | HOWARD")]) == {"r2": "r1"}


def test_a_misspelt_nickname_is_the_same_person() -> None:
    # Two variations at once: the nickname, then a typo in it (TOYN is TONY misspelt).
    assert _dups([person("r1", "TOYN JOSE | GOMEZ"), person("r2", "ANTHONY J | GOMEZ")]) == {
        "r2": "r1"
    }
    assert _dups([person("r1", "FRNAK A | RIVERA"), person("r2", "FRANCISCO | RIVERA")]) == {
        "r2": "r1"
    }
    # ... also with first and last names swapped.
    assert _dups([person("r1", "ROBERTS | DAVIID"), person("r2", "DAVE | ROBERTS")]) == {"r2": "r1"}


def test_a_misspelt_nickname_with_another_surname_or_birth_date_is_not() -> None:
    assert _dups([person("r1", "TOYN | GOMEZ"), person("r2", "ANTHONY | LOPEZ")]) == {}
    first = person("r1", "TOYN | GOMEZ", dob="1990-01-01")
    assert _dups([first, person("r2", "ANTHONY | GOMEZ", dob="1992-02-02")]) == {}
    # Typos on both words are two people, not one person misspelt twice.
    assert _dups([person("r1", "ROBERTS | DAVIID"), person("r2", "DAVE | ROBRETS")]) == {}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A joined compound with a particle or a typo cannot be split; its paternal part is
        # still the other request's whole surname (maternal dropped).
        ("DIANA | SOLIS", "DIANA | SOLISDELACRUZ"),
        ("ANGELICA | VARGASSSANCHEZ", "ANGÉLICA | VARGAS"),
        ("EMILIO | SOTOPREZ", "EMILIO | SOTO"),
        # A misspelt full form whose nickname the other request wrote (ALEJANDRO → ALEX).
        ("ALJEANDRO | GARCIA", "ALEX IBARRA | GARCIA"),
    ],
)
def test_compound_surname_and_nickname_variants_are_one_person(first: str, second: str) -> None:
    assert _dups([person("r1", first), person("r2", second)]) == {"r2": "r1"}


def test_joined_surname_needs_an_equivalent_given_name_and_no_conflict() -> None:
    assert _dups([person("r1", "DIANA | SOLIS"), person("r2", "ROSA | SOLISDELACRUZ")]) == {}
    assert _dups([person("r1", "ANA | SOTO", dob="1990-01-01"),
                  person("r2", "ANA | SOTOPEREZ", dob="1991-01-01")]) == {}  # fmt: skip


def test_two_slips_of_one_street_at_one_house_unit_and_zip() -> None:
    def at(street: str, unit: str = "1C") -> StandardAddress:
        return StandardAddress(
            AddressKind.STREET, "6738", "", street, "ST", unit_type="APT", unit_number=unit,
            zip5="22294",
        )  # fmt: skip

    one, other = person("r1", "JOSE JESUS | ESCOBAR", at("DEVN")), "JOSE J | ESCOBAR"
    assert _dups([one, person("r2", other, at("DEVOB"))]) == {"r2": "r1"}
    assert _dups([one, person("r2", other, at("DEVOB", "2C"))]) == {}
    assert _dups([one, person("r2", other, at("DAVIS"))]) == {}
    # One name written identically: ASWEN and ALPEN (each one slip from ASPEN) look unlike
    # (Jaro-Winkler below 0.8), yet are two slips of one street.
    aminata = person("r1", "AMINATA | JOSEPH", at("ASWEN"))
    assert _dups([aminata, person("r2", "AMINATA | JOSEPH", at("ALPEN"))]) == {"r2": "r1"}
    assert _dups([aminata, person("r2", "AMINATA | JOSPEH", at("ALPEN"))]) == {}
    assert _dups([aminata, person("r2", "AMINATA | JOSEPH", at("ALPEN", "2C"))]) == {}
    short = person("r1", "AMINATA | JOSEPH", at("OAK"))
    assert _dups([short, person("r2", "AMINATA | JOSEPH", at("ELK"))]) == {}


@pytest.mark.parametrize(
    ("first", "second", "alone"),
    [
        ("NICHOLAS | MORRFS", "NICHOLAS | MOORRIS", True),  # two typos of MORRIS
        ("ANGELICA ANA | GUZMAN", "ANGELICA ROSARIO | GUZMAN", True),  # maternal as middle
        ("CRUZ-SANCHEZ E | PATRICI", "PATRICIA ESPERANZA | CURZ", False),  # swapped, typos
        ("ISABLE MARIA | PEREZ", "ISBEL | PEREZ", True),  # two slips of ISABEL
        ("VALDEZMUNOZ | PEDO", "PEDRO | MUNOZ VALDEZ", False),  # joined, swapped, a typo
    ],
)
def test_a_shared_birth_date_allows_each_request_its_own_slips(
    first: str, second: str, alone: bool
) -> None:
    rows = [person("r1", first, dob="1979-04-16"), person("r2", second, dob="1979-04-16")]
    assert _dups(rows) == {"r2": "r1"}
    same_tin = [person("r1", first, tin="731928122"), person("r2", second, tin="731-92-8122")]
    assert _dups(same_tin) == {"r2": "r1"}
    # Without the shared date of birth or TIN, only one part two slips off is one person.
    expected = {"r2": "r1"} if alone else {}
    assert _dups([person("r1", first), person("r2", second)]) == expected


def test_a_shared_birth_date_does_not_merge_twins_or_other_names() -> None:
    twins = [
        person("r1", "MARTIN | SMITH", dob="2001-05-05"),
        person("r2", "MARTHA | SMITH", dob="2001-05-05"),
    ]
    assert _dups(twins) == {}
    strangers = [
        person("r1", "ANA | RUIZ", dob="1990-01-01"),
        person("r2", "LUIS | PENA", dob="1990-01-01"),
    ]
    assert _dups(strangers) == {}
    suffixes = [
        person("r1", "JOSE | GARCIA | JR", dob="1990-01-01"),
        person("r2", "JOSE | GARCIA | SR", dob="1990-01-01"),
    ]
    assert _dups(suffixes) == {}


def test_each_request_with_its_own_typo_of_one_name_is_one_person() -> None:
    assert _dups([person("r1", "TYLER | MORGANN"), person("r2", "TYLER | MNRGAN")]) == {"r2": "r1"}
    # Jaro–Winkler 0.8 exactly (0.7999… as a float) is still at the bound.
    graham = [person("r1", "RYAN R | GGAHAM"), person("r2", "RYAN R | GRAHVM")]
    assert _dups(graham) == {"r2": "r1"}
    assert _dups([person("r1", "ANIT | PATEL"), person("r2", "AMIIT | PATEL")]) == {"r2": "r1"}
    # ... but not two listed names, nor two slips on both parts.
    assert _dups([person("r1", "MARTIN | PATEL"), person("r2", "MARTHA | PATEL")]) == {}
    assert _dups([person("r1", "ANIT | MORGANN"), person("r2", "AMIIT | MNRGAN")]) == {}


def test_a_joined_compound_with_a_slip_in_its_first_part_and_a_shared_birth_date() -> None:
    rows = [
        person("r1", "RICARDO | ZAAMORACORONA", dob="1974-02-04"),
        person("r2", "RICARDO | ZAMORA", dob="1974-02-04"),
    ]
    assert _dups(rows) == {"r2": "r1"}
    # A slip on each side: GARRCIA begins the joined compound, GARIA is alone; both GARCIA.
    rows = [
        person("r1", "LUIS | GARÍA", dob="2007-06-26"),
        person("r2", "LUIS | GARRCIAVARGAS", dob="2007-06-26"),
    ]
    assert _dups(rows) == {"r2": "r1"}
    # Without a shared birth date two slips are too loose.
    assert _dups([person("r1", "LUIS | GARÍA"), person("r2", "LUIS | GARRCIAVARGAS")]) == {}


def test_two_nicknames_of_one_name_and_a_shared_birth_date_are_one_person() -> None:
    rows = [
        person("r1", "BILLY | ROBERTS", dob="1980-07-12"),
        person("r2", "WILL JOSEPH | ROBERTS", dob="1980-07-12"),
    ]
    assert _dups(rows) == {"r2": "r1"}
    # With one surname at one delivery point, as a nickname and its full name are.
    assert _dups([person("r1", "BILLY | ROBERTS"), person("r2", "WILL JOSEPH | ROBERTS")]) == {
        "r2": "r1"
    }
    assert _dups([person("r1", "LUPITA | ESTRADA"), person("r2", "LUPE | ESTRADA")]) == {"r2": "r1"}
    # A shared short nickname is not one name (MARTIN and MARTHA are both MARTY), and
    # another surname is another person.
    assert _dups([person("r1", "MARTIN | PATEL"), person("r2", "MARTHA | PATEL")]) == {}
    assert _dups([person("r1", "LUPITA | ESTRADA"), person("r2", "LUPE | RUIZ")]) == {}


def test_a_swapped_repeat_with_the_compound_surname_joined_is_one_person() -> None:
    rows = [person("r1", "ED | MORENOMENDEZ"), person("r2", "MORENOMENDEZ | EDUARDO")]
    assert _dups(rows) == {"r2": "r1"}


def test_two_forms_of_one_name_with_one_tin_and_birth_date_are_one_person() -> None:
    rows = [
        person("r1", "JOHNNY DAVID | FOSTER", dob="2007-04-30", tin="089394528"),
        person("r2", "JACK | FOSTER", dob="2007-04-30", tin="089394528"),
    ]
    assert _dups(rows) == {"r2": "r1"}


def test_a_swapped_repeat_with_a_compound_first_field_is_one_person() -> None:
    rows = [
        person("r1", "RAFAEL RICARDO | ARIAS"),
        person("r2", "ARIAS ESPINOSA RICARDO | RAFAEL"),
    ]
    assert _dups(rows) == {"r2": "r1"}
    brothers = [person("r1", "JUAN CARLOS | GARCIA"), person("r2", "JUAN PABLO | GARCIA")]
    assert _dups(brothers) == {}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A misspelt nickname against the misspelt full name (PATTY / PATRICIA).
        ("PKTTY | SMITH", "PAKRICIA | SMITH"),
        # A joined compound with a slip in its paternal part, the maternal dropped.
        ("JOSE | OTIZGARCIA", "PEPE | ORTIZ"),
        # Swapped, a typo, the maternal surname dropped and a middle initial.
        ("JSOE C | LARA RUIZ", "LARA CARLOS | JOSE"),
        # Swapped with the particle in the first-name field (where DE LA is dropped).
        ("ANIL | DELA CRUZ", "DELA CPUZ JUN | ANIL"),
        # Swapped, joined, and each request with its own slip; the long compound's slip
        # leaves no other name it could be.
        ("MEDINAPEREZ | CAREN", "CARMEN | MDEINAPEREZ"),
        # Swapped with a hyphenated compound and the middle name cut to its initial.
        ("ADRIANA CLAUDIA | MARTINEZ", "MARTINEZ-VAZQUEZ C | ADRIANA"),
        # Swapped, and each request with its own slip of the given name (MINH).
        ("MINHH | PATEL", "PATEL | MIHN"),
        # Swapped with a typo: MARIA must pair with MARA, not with ARIAS (two slips).
        ("MARIA | ARIAS", "ARIAS | MARA"),
        # Swapped and joined against anglicised with the maternal dropped.
        ("HERNANDEZBENITEZ | JORGE", "GEORGE | HERNANDEZ"),
        # The maternal surname as a middle name against the second given name.
        ("BLANCA SANTIAGO | CRUZ", "BLANCA ELENA | CRUZ"),
    ],
)
def test_two_variations_at_once_are_still_one_person(first: str, second: str) -> None:
    assert _dups([person("r1", first), person("r2", second)]) == {"r2": "r1"}


def test_two_variations_at_once_still_respect_other_names_and_evidence() -> None:
    # PKTTY is PATTY misspelt, MAKIA is MARIA misspelt: two people.
    assert _dups([person("r1", "PKTTY | SMITH"), person("r2", "MAKIA | SMITH")]) == {}
    # A slip in the paternal part needs an equivalent given name, and no birth-date conflict.
    assert _dups([person("r1", "ROSA | OTIZGARCIA"), person("r2", "JOSE | ORTIZ")]) == {}
    born = [
        person("r1", "JOSE | OTIZGARCIA", dob="1990-01-01"),
        person("r2", "JOSE | ORTIZ", dob="1991-02-02"),
    ]
    assert _dups(born) == {}
    # Two slips between two listed names are two names (CARLOS and CARLA are siblings).
    assert _dups([person("r1", "CARLOS | PATEL"), person("r2", "PATEL | CARLA")]) == {}
    # A middle name cut to an initial must be that name's initial.
    assert _dups([person("r1", "JUAN CARLOS | GARCIA"), person("r2", "PEDRO C | GARCIA")]) == {}
    # A swapped repeat still needs every given name to meet.
    assert _dups([person("r1", "JOSE C | LARA RUIZ"), person("r2", "LARA MIGUEL | PEDRO")]) == {}


def _by_evidence(first: str, second: str, dob: str, tin: str) -> list[dict[str, str]]:
    """Duplicates found with the same date of birth and TIN (one record sent twice), with the
    date of birth alone, and with the TIN alone."""
    return [
        _dups([person("r1", first, **given), person("r2", second, **given)])
        for given in ({"dob": dob, "tin": tin}, {"dob": dob}, {"tin": tin})
    ]


def test_one_record_sent_twice_may_carry_a_slip_of_one_surname_on_each_side() -> None:
    # LOPFZ and LIPEZ are each one slip from LOPEZ, and too unlike to pass as two slips
    # without the same record behind both requests.
    found = _by_evidence("MARIA | LIPEZ", "MARIA | LOPFZ", "1957-08-01", "033063763")
    assert found == [{"r2": "r1"}, {}, {}]
    # Short words stay apart even then: LIU and LAO are two surnames.
    assert _by_evidence("MARIA | LIU", "MARIA | LAO", "1957-08-01", "033063763")[0] == {}


def test_one_record_sent_twice_may_misspell_into_another_listed_name() -> None:
    # JUAN is JUANA with a slip (and a listed name itself); JANE is JUANA anglicised. The
    # date of birth alone, or the TIN alone, is not one record sent twice.
    found = _by_evidence("JUAN | TORRES", "JANE | TORRES", "1948-08-09", "914762829")
    assert found == [{"r2": "r1"}, {}, {}]
    both = {"dob": "1948-08-09", "tin": "914762829"}
    # Nor does one record make two unrelated first names one.
    other = [person("r1", "JUAN | TORRES", **both), person("r2", "ROSA | TORRES", **both)]
    assert _dups(other) == {}
