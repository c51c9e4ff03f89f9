"""The comparison levels' SQL, evaluated in DuckDB on the features of real name pairs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given as given_example
from hypothesis import settings
from hypothesis import strategies as st

from taxgate.matching.comparisons import (
    all_comparisons,
    dob_comparison,
    given_name_comparison,
    locality_comparison,
    street_comparison,
    surname_comparison,
)
from taxgate.matching.features import name_features
from taxgate.standardise.name_agreement import related_given_names
from taxgate.standardise.names import standardise_name

from .levels import given, level_of, surname


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("BILL", "WILLIAM"),
        ("PEPE", "JOSE"),
        ("JOSE", "JOE"),
        ("PACO", "FRANK"),
        ("MARY", "MARIA"),
        ("STEPHEN", "STEVEN"),  # two spellings of one name
        ("CATHERINE", "KATHERINE"),
        ("JUAN", "JOHN"),  # a translation
        ("FRANCISCO", "FRANK"),
        ("PANCHO", "FRANCISCO"),
        ("PEPE", "JOSEPH"),  # a Spanish nickname, then its English form
        ("GUILLERMO", "WILLIAM"),
        ("GUILLERMO", "BILL"),
        ("WILL", "WILLIAM"),
        ("ROBERT", "BOB"),
        ("ELIZABETH", "LIZ"),
        ("ELIZABETH", "BETH"),
        ("ALEJANDRO", "ALEX"),
        ("ALEJANDRO", "ALEXANDER"),
        ("JUANITO", "JOHNNY"),
        ("CHUY", "JESUS"),
        ("LUPE", "GUADALUPE"),
    ],
)
def test_equivalent_needs_a_direct_relation(a: str, b: str) -> None:
    assert related_given_names(a, b)
    assert level_of(given_name_comparison(), given(a), given(b)) == "equivalent"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ROBERT", "WILLIAM"),  # both list BILL
        ("CAROL", "LINDA"),  # both list LYNN
        ("ALEXANDER", "ALFREDO"),  # both list AL
        ("ELIZABETH", "ALICIA"),  # both list LISA
        ("ALBERTO", "ROBERTO"),  # both list BETO
        ("MARIO", "MARIA"),  # one sound, no shared form
        ("ROSA", "MARIA"),  # both list ROSEMARY
        ("JOSE", "JUANA"),  # both list JODY
        ("PAUL", "MARY"),  # both list POLLY
        ("RONALD", "AARON"),  # both list RON
        # Two short forms of one fuller name: neither is the other's form, and the model
        # weighs a short form shared by several full names (PAT, ALEX) by its own level.
        ("LIZ", "BETTY"),  # both ELIZABETH
        ("JOHNNY", "JACK"),  # both JOHN
        ("LUPITA", "LUPE"),  # both GUADALUPE
        ("BILLY", "WILL"),  # both WILLIAM
    ],
)
def test_names_sharing_only_a_third_are_not_equivalent(a: str, b: str) -> None:
    assert not related_given_names(a, b)
    # A slip of a form (BILLY against WILLY, a form of WILL) is a level of its own, which the
    # name channel weighs by how many people carry the written name.
    assert level_of(given_name_comparison(), given(a), given(b)) in (
        "disagree",
        "typo",
        "form_typo",
    )


NAMES = [
    "ROBERT",
    "ROBERTO",
    "BOB",
    "WILLIAM",
    "BILL",
    "GUILLERMO",
    "STEPHEN",
    "STEVEN",
    "STEVE",
    "ESTEBAN",
    "CATHERINE",
    "KATHERINE",
    "KATE",
    "ALBERTO",
    "BETO",
    "JOSE",
    "JOSEPH",
    "JOE",
    "PEPE",
    "MARIA",
    "MARY",
    "MARIO",
    "ANA",
    "ANN",
    "ANNA",
    "CAROL",
    "LINDA",
    "LYNN",
    "FRANCIS",
    "FRANCES",
    "FRANCISCO",
    "PACO",
    "FRANK",
    "JOHN",
    "JON",
    "JUAN",
    "IAN",
    "IVAN",
    "ALEXANDER",
    "ALEX",
    "ALFREDO",
    "AL",
]


@settings(max_examples=150, deadline=None)
@given_example(st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_sql_equivalent_is_the_python_relation(a: str, b: str) -> None:
    level = level_of(given_name_comparison(), given(a), given(b))
    if a == b:
        assert level == "exact"
    else:
        assert (level == "equivalent") == related_given_names(a, b), level


def test_given_levels_in_order() -> None:
    assert level_of(given_name_comparison(), given("ANA"), given("ANA")) == "exact"
    assert level_of(given_name_comparison(), given("DONNA"), given("DNNA")) == "typo"
    # Short names slip too (ABA for ANA, LUS for LUZ); whether the written name is a slip or
    # someone's own name (ANN) is the name channel's to weigh.
    assert level_of(given_name_comparison(), given("LUZ"), given("LUS")) == "typo"
    assert level_of(given_name_comparison(), given("LU"), given("LI")) == "disagree"
    # A respelling may change the first letter (PH for F; CATHY and KATHY share a form too).
    assert level_of(given_name_comparison(), given("PHRANK"), given("FRANK")) == "sounds_alike"
    assert level_of(given_name_comparison(), given("CATHY"), given("KATHY")) == "equivalent"
    # A first letter changed is a typo level too; the name channel weighs whether the written
    # name is someone else's own (DUNG / SUNG) or a slip (HANA / JANA, keys side by side).
    assert level_of(given_name_comparison(), given("DUNG"), given("SUNG")) == "typo"
    assert level_of(given_name_comparison(), given("MUHAMMAD"), given("MOHAMMED")) == (
        "sounds_alike"
    )
    assert level_of(given_name_comparison(), given("YUSUF"), given("YOUSSEF")) == "sounds_alike"
    assert level_of(given_name_comparison(), given("JAYLEN"), given("JAYDEN")) == "typo"
    # MARIA is one letter from MARTA, a form of MARTHA: a slip of a form, which the name
    # channel weighs against (MARIA is a common name of its own, and not a common slip).
    assert level_of(given_name_comparison(), given("MARIA"), given("MARTHA")) == "form_typo"
    assert level_of(given_name_comparison(), given("PEGY"), given("MARGARET")) == "form_typo"
    assert level_of(given_name_comparison(), given("MARIO"), given("MARTHA")) == "disagree"
    assert level_of(given_name_comparison(), given("ERNESTO"), given("RNESTO")) == "typo"
    assert level_of(given_name_comparison(), given("J"), given("JOSE")) == "initial"
    # One given name joined or hyphenated is the same name; another second name is not.
    joined = name_features(standardise_name("JI-YOUNG", None, "PARK", None))
    spaced = name_features(standardise_name("JI YOUNG", None, "PARK", None))
    for record in (joined, spaced):
        assert level_of(given_name_comparison(), given("JIYOUNG", "PARK"), record) == "joined"
        assert level_of(given_name_comparison(), record, given("JIYOUNG", "PARK")) == "joined"
    other = name_features(standardise_name("JI-HOON", None, "PARK", None))
    assert level_of(given_name_comparison(), given("JIYOUNG", "PARK"), other) == "disagree"
    # A middle initial joined to the first name makes no name: JUAN A is no JUANA.
    initial = name_features(standardise_name("JUAN", "A", "PARK", None))
    assert level_of(given_name_comparison(), given("JUANA", "PARK"), initial) != "joined"
    both = name_features(standardise_name("MARIA JOSE", None, "RUIZ", None))
    assert level_of(given_name_comparison(), given("JOSE"), both) == "second_given"


def test_every_comparison_ends_in_an_else_level() -> None:
    for creator in all_comparisons():
        levels = creator.get_comparison("duckdb").comparison_levels
        assert levels[-1].sql_condition == "ELSE"
        labels = [level.label_for_charts for level in levels]
        assert len(labels) == len(set(labels)), labels


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("MOMINGSTAR", "MORNINGSTAR", "typo"),  # rn read as m
        ("HERNANDEZ RIVERA", "HERNANDEZ RIVERA", "exact"),
        ("HERNANDEZ RIVERA", "HERNANDEZ", "compound"),
        ("HERNANDEZRIVERA", "HERNANDEZ-RIVERA", "exact"),  # the joined form is split
        ("GARICA", "GARCIA", "typo"),
        ("HERNANDE RIVERA", "HERNANDEZ", "typo"),  # a slip in one part, the other dropped
        ("JIMMENEZ RAMIREZ", "JIMENEZ", "typo"),
        ("LOPEZ", "LOPES GARCIA", "typo"),
        ("RUIZ", "DIAZ", "disagree"),
        ("HERNANDEZ RIVERA", "GONZALEZ", "disagree"),
    ],
)
def test_surname_levels(a: str, b: str, level: str) -> None:
    assert level_of(surname_comparison(), surname(a), surname(b)) == level


def test_a_swapped_joined_compound_fits_a_taxpayer_with_its_first_part() -> None:
    # DIAZESTRADA ANA (swapped and joined) is written for ANA DIAZ ESTRADA, and fits an ANA
    # DIAZ at the same address as well: the decision must see both, so both read "swapped".
    request = name_features(standardise_name("Diazestrada", None, "Ana", None))
    full = name_features(standardise_name("Ana", None, "Diaz Estrada", None))
    short = name_features(standardise_name("Ana", None, "Diaz", None))
    for record in (full, short):
        assert level_of(surname_comparison(), request, record) == "swapped"
        assert level_of(given_name_comparison(), request, record) == "swapped"
    # A first word merely starting like a surname is no swap when the rest does not fit.
    other = name_features(standardise_name("Diazestrada", None, "Maria", None))
    assert level_of(surname_comparison(), other, short) == "disagree"


def test_a_swapped_name_meets_a_nickname_written_as_the_first_name() -> None:
    # LOPEZ C MARIA (swapped) fits MARIA LOPEZ as written and MARY LOPEZ by way of a form,
    # which weighs as the form itself does (equivalent), not as the name written whole.
    request = name_features(standardise_name("Lopez", "C", "Maria", None))
    for first, level in (("Maria", "swapped"), ("Mary", "swapped_form")):
        record = name_features(standardise_name(first, None, "Lopez", None))
        assert level_of(surname_comparison(), request, record) == "swapped"
        assert level_of(given_name_comparison(), request, record) == level


def test_a_joined_compound_beginning_with_the_other_surname_is_compound() -> None:
    # GONZALEZOLVERA cannot be split from the word list, yet begins with GONZALEZ.
    assert level_of(surname_comparison(), surname("GONZALEZ"), surname("GONZALEZOLVERA")) == (
        "compound"
    )
    assert level_of(surname_comparison(), surname("CRUZ"), surname("CRUZADO")) == "disagree"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1975-06-07", "1975-06-07", "exact"),
        ("1975-06-07", "1975-06-08", "typo"),  # one digit
        ("1975-06-07", "1975-07-06", "typo"),  # day and month swapped
        ("1975-06-07", "1975-01-01", "default_day"),  # a default of January 1
        ("1975-01-01", "1975-06-07", "default_day"),
        ("1975-06-07", "1975-09-21", "near"),  # the same year, another month and day
        ("1975-06-07", "1976-06-07", "typo"),  # the year one off (one digit)
        ("1979-06-07", "1980-06-07", "near"),  # the year one off (two digits)
        ("1975-06-07", "1948-11-23", "disagree"),
    ],
)
def test_date_of_birth_levels(a: str, b: str, level: str) -> None:
    comparison = dob_comparison()
    assert level_of(comparison, {"date_of_birth": a}, {"date_of_birth": b}) == level


def _address(street_name: str, zip5: str | None, city: str = "AUSTIN") -> dict[str, Any]:
    return {
        "street_name": street_name,
        "street_key": f"{street_name} ST",
        "zip5": zip5,
        "city": city,
        "state": "TX",
    }


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("ELM", "ELM", "exact"),
        ("EML", "ELM", "typo"),  # letters exchanged
        ("BIRHC", "BIRCH", "typo"),
        ("ACLAMS", "ADAMS", "typo"),  # a scanner's CL for D
        ("VVILLOW", "WILLOW", "typo"),  # VV for W
        ("EUDID", "EUCLID", "typo"),  # and the other way
        ("OAK", "ELM", "disagree"),
    ],
)
def test_street_levels(a: str, b: str, level: str) -> None:
    comparison = street_comparison()
    assert level_of(comparison, _address(a, "78701"), _address(b, "78701")) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (_address("ELM", "78701"), _address("ELM", "78701"), "zip"),
        (_address("ELM", "78710"), _address("ELM", "78701"), "city"),  # one digit off, one city
        (_address("ELM", None), _address("ELM", "78701"), "city"),
        (_address("ELM", "78710", "DALLAS"), _address("ELM", "78701"), "disagree"),
        (_address("ELM", "75201"), _address("ELM", "78701"), "disagree"),
    ],
)
def test_locality_levels(a: dict[str, Any], b: dict[str, Any], level: str) -> None:
    comparison = locality_comparison()
    assert level_of(comparison, a, b) == level


def test_a_middle_name_both_sides_carry_is_no_shared_surname() -> None:
    # Class: a second given name both sides wrote, which the standardiser keeps as a
    # possible maternal surname too. JING HOA CHANG against JING HOA HO shares HOA only as a
    # middle name: the surnames disagree (it was "compound", and a taxpayer whose filings
    # never show CHANG was disclosed). A maternal surname carried as a middle name still meets
    # the other side's surname field (JUAN LOPEZ GARCIA against JUAN GARCIA LOPEZ).
    def full(first: str, middle: str | None, last: str) -> dict[str, object]:
        return name_features(standardise_name(first, middle, last, None))

    level = level_of(surname_comparison(), full("JING", "HOA", "CHANG"), full("JING", "HOA", "HO"))
    assert level == "disagree"
    shared = level_of(
        surname_comparison(), full("JUAN", "LOPEZ", "GARCIA"), full("JUAN", None, "GARCIA LOPEZ")
    )
    assert shared == "compound"
    maternal = level_of(
        surname_comparison(), full("MARIA", "LOPEZ", "RUIZ"), full("MARIA", None, "LOPEZ")
    )
    assert maternal == "compound"
