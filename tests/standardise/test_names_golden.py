"""Golden table for the name standardiser and the agreement levels (domain §4 "Variation").

Each row is (first, middle, last, suffix) and the expected standard parts; each pair row is
two names and the expected (given, surname) agreement levels.
"""

from __future__ import annotations

import pytest

from taxgate.standardise.name_agreement import (
    GivenNameLevel,
    SurnameLevel,
    distinct_given_names,
    given_name_agreement,
    names_equivalent,
    surname_agreement,
)
from taxgate.standardise.names import StandardName, standardise_name

Raw = tuple[str | None, str | None, str | None, str | None]

# (raw, given_names, surname_parts, middle_as_surname, suffix)
STANDARD_CASES: list[tuple[Raw, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]] = [
    # accents, case, hyphenated given names
    (("María José", None, "García López", None), ("MARIA", "JOSE"), ("GARCIA", "LOPEZ"), (), ""),
    (("MARIA-JOSE", None, "GARCIA", None), ("MARIA", "JOSE"), ("GARCIA",), (), ""),
    (("josé", None, "rodríguez", None), ("JOSE",), ("RODRIGUEZ",), (), ""),
    (("Zoë", None, "Núñez", None), ("ZOE",), ("NUNEZ",), (), ""),
    # compound surnames in every form
    (("Juan", None, "Garcia-Lopez", None), ("JUAN",), ("GARCIA", "LOPEZ"), (), ""),
    (("Juan", None, "GarciaLopez", None), ("JUAN",), ("GARCIA", "LOPEZ"), (), ""),
    (("Juan", None, "Garcia y Lopez", None), ("JUAN",), ("GARCIA", "LOPEZ"), (), ""),
    (("Juan", None, "Lopez Garcia", None), ("JUAN",), ("LOPEZ", "GARCIA"), (), ""),
    (("Juan", "Lopez", "Garcia", None), ("JUAN",), ("GARCIA",), ("LOPEZ",), ""),
    (("Juan", "Carlos", "Garcia", None), ("JUAN", "CARLOS"), ("GARCIA",), (), ""),
    (("Juan", "Ibañez", "Garcia", None), ("JUAN",), ("GARCIA",), ("IBANEZ",), ""),
    # particles
    (("Juan", None, "de la Cruz", None), ("JUAN",), ("DELACRUZ",), (), ""),
    (("Juan", None, "De La Cruz-Ramos", None), ("JUAN",), ("DELACRUZ", "RAMOS"), (), ""),
    (("Ana", None, "del Rio", None), ("ANA",), ("DELRIO",), (), ""),
    (("Anna", None, "van der Berg", None), ("ANNA",), ("VANDERBERG",), (), ""),
    (
        ("Maria", "de los Angeles", "Perez", None),
        ("MARIA", "ANGELES"),
        ("PEREZ",),
        ("DELOSANGELES",),
        "",
    ),
    (("Maria del Carmen", None, "Perez", None), ("MARIA", "CARMEN"), ("PEREZ",), (), ""),
    (("Juan", "de la Cruz", "Perez", None), ("JUAN",), ("PEREZ",), ("DELACRUZ",), ""),
    # Vietnamese and Chinese surnames that look like particles are kept
    (("Thi", None, "Le", None), ("THI",), ("LE",), (), ""),
    (("Van", None, "Do", None), ("VAN",), ("DO",), (), ""),
    # apostrophes and periods vanish, other punctuation separates
    (("Sean", None, "O'Brien", None), ("SEAN",), ("OBRIEN",), (), ""),
    (("J.", "R.", "Smith", None), ("J", "R"), ("SMITH",), (), ""),
    (("J.R.", None, "St. John", None), ("J", "R"), ("STJOHN",), (), ""),
    (("Ma.Guadalupe", None, "Ruiz", "Jr."), ("MA", "GUADALUPE"), ("RUIZ",), (), "JR"),
    # suffixes: column, trailing the last name, in the middle; credentials dropped
    (("John", None, "Smith", "Jr."), ("JOHN",), ("SMITH",), (), "JR"),
    (("John", None, "Smith", "Junior"), ("JOHN",), ("SMITH",), (), "JR"),
    (("John", None, "Smith Jr", None), ("JOHN",), ("SMITH",), (), "JR"),
    (("John", None, "Smith, Sr.", None), ("JOHN",), ("SMITH",), (), "SR"),
    (("John", None, "Smith III", None), ("JOHN",), ("SMITH",), (), "III"),
    (("John", None, "Smith", "2nd"), ("JOHN",), ("SMITH",), (), "II"),
    (("John", "Jr", "Smith", None), ("JOHN",), ("SMITH",), (), "JR"),
    (("John", None, "Smith Esq", None), ("JOHN",), ("SMITH",), (), ""),
    (("John", None, "Jr", None), ("JOHN",), ("JR",), (), ""),
    # titles and fillers
    (("Mr. John", None, "Smith", None), ("JOHN",), ("SMITH",), (), ""),
    (("John", "NMN", "Smith", None), ("JOHN",), ("SMITH",), (), ""),
    # empty and odd input
    ((None, None, None, None), (), (), (), ""),
    (("  ", "", "-", None), (), (), (), ""),
]


@pytest.mark.parametrize(("raw", "given", "parts", "middle_surname", "suffix"), STANDARD_CASES)
def test_standardise_name_golden(
    raw: Raw,
    given: tuple[str, ...],
    parts: tuple[str, ...],
    middle_surname: tuple[str, ...],
    suffix: str,
) -> None:
    name = standardise_name(*raw)
    assert name.given_names == given
    assert name.surname_parts == parts
    assert name.middle_as_surname == middle_surname
    assert name.suffix == suffix
    assert name.initials == "".join(g[0] for g in given)
    assert name.given_key == (given[0] if given else "")


def test_compound_forms_share_keys() -> None:
    forms = [
        ("Juan", None, "Garcia Lopez", None),
        ("Juan", None, "Garcia-Lopez", None),
        ("Juan", None, "GARCIALOPEZ", None),
        ("Juan", None, "Garcia", None),
        ("Juan", "Lopez", "Garcia", None),
    ]
    names = [standardise_name(*f) for f in forms]
    for name in names:
        assert "GARCIA" in name.surname_keys
    assert names[0].surname_keys == names[1].surname_keys == names[2].surname_keys
    assert set(names[0].surname_keys) == {"GARCIA", "LOPEZ", "GARCIALOPEZ", "LOPEZGARCIA"}
    assert "GARCIALOPEZ" in names[4].surname_keys_with_middle
    assert "GARCIALOPEZ" not in names[4].surname_keys


def test_particle_surname_keeps_its_core_as_a_key() -> None:
    name = standardise_name("Juan", None, "de la Cruz", None)
    assert set(name.surname_keys) == {"DELACRUZ", "CRUZ"}


def test_full_key_and_phonetics() -> None:
    name = standardise_name("Maria", None, "Garcia Lopez", "Jr")
    assert name.full_key == "MARIA|GARCIA LOPEZ|JR"
    assert name.given_phonetic == "MR"
    assert len(name.surname_phonetic) == 2
    assert standardise_name("J", None, "Li", None).given_phonetic == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("JUAN", "JOHN"),
        ("FRANCISCO", "FRANK"),
        ("PACO", "FRANK"),
        ("PANCHO", "FRANCISCO"),
        ("JOSE", "JOE"),
        ("PEPE", "JOSEPH"),
        ("GUILLERMO", "WILLIAM"),
        ("GUILLERMO", "BILL"),
        ("WILL", "WILLIAM"),
        ("ROBERT", "BOB"),
        ("ELIZABETH", "LIZ"),
        ("ELIZABETH", "BETH"),
        ("MARIA", "MARY"),
        ("ALEJANDRO", "ALEX"),
        ("ALEJANDRO", "ALEXANDER"),
        ("JUANITO", "JOHNNY"),
        ("CHUY", "JESUS"),
        ("LUPE", "GUADALUPE"),
    ],
)
def test_given_classes_intersect(a: str, b: str) -> None:
    name_a = standardise_name(a, None, "X", None)
    name_b = standardise_name(b, None, "X", None)
    assert name_a.given_classes & name_b.given_classes
    assert given_name_agreement(name_a, name_b) is GivenNameLevel.EQUIVALENT


@pytest.mark.parametrize(
    ("a", "b"),
    [("JUAN", "JOSE"), ("MARIA", "MARTA"), ("FRANCIS", "FRANKLIN"), ("ROBERT", "ALBERT")],
)
def test_given_classes_are_not_transitive(a: str, b: str) -> None:
    name_a = standardise_name(a, None, "X", None)
    name_b = standardise_name(b, None, "X", None)
    assert not name_a.given_classes & name_b.given_classes


def _n(text: str) -> StandardName:
    """``FIRST [MIDDLE] | LAST [| SUFFIX]`` into a standard name."""
    fields = [f.strip() for f in text.split("|")]
    given = fields[0].split(" ", 1)
    first, middle = given[0], given[1] if len(given) > 1 else None
    suffix = fields[2] if len(fields) > 2 else None
    return standardise_name(first, middle, fields[1], suffix)


# (name a, name b, given level, surname level)
AGREEMENT_CASES = [
    ("JOSE | GARCIA", "José | García", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA-LOPEZ", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIALOPEZ", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA", "exact", "compound_overlap"),
    ("JUAN | GARCIA LOPEZ", "JUAN | LOPEZ GARCIA", "exact", "compound_overlap"),
    ("JUAN LOPEZ | GARCIA", "JUAN | GARCIA LOPEZ", "exact", "compound_overlap"),
    ("JUAN LOPEZ | GARCIA", "JUAN | LOPEZ", "exact", "compound_overlap"),
    ("JUAN | DE LA CRUZ", "JUAN | CRUZ", "exact", "compound_overlap"),
    ("JUAN | DE LA CRUZ", "JUAN | DELACRUZ", "exact", "exact"),
    ("JUAN | GARCIA", "JOHN | GARCIA", "equivalent", "exact"),
    ("FRANCISCO | RUIZ", "FRANK | RUIZ", "equivalent", "exact"),
    ("J | RUIZ", "JOSE | RUIZ", "initial", "exact"),
    ("J | RUIZ", "J | RUIZ", "initial", "exact"),
    ("JOSE | RUIZ", "JSOE | RUIZ", "typo", "exact"),
    ("JOSE | GARCIA", "JOSE | GARICA", "exact", "typo"),
    ("JOSE | HERNANDEZ", "JOSE | HERNANDES", "exact", "typo"),
    ("MARIA JOSE | RUIZ", "JOSE | RUIZ", "second_given", "exact"),
    ("J ROBERT | SMITH", "ROBERT | SMITH", "second_given", "exact"),
    ("GARCIA | JUAN", "JUAN | GARCIA", "disagree", "swapped"),
    ("ROSARIO REYES | MERCEDES", "MERCEDES | ROSARIO REYES", "disagree", "swapped"),
    ("LOPEZ CONTRERAS | PEDRO", "PEDRO | LOPEZ", "disagree", "swapped"),
    ("MARTINEZGONZALEZ | MIGUEL", "MIGUEL | MARTINEZ", "disagree", "swapped"),
    ("ANA | ANA", "ANA | ANA LOPEZ", "exact", "compound_overlap"),
    ("JUAN | GARCIA", "PEDRO | MARTINEZ", "disagree", "disagree"),
    ("LI | WU", "LU | WU", "disagree", "exact"),
    ("JUAN | LI", "JUAN | LU", "exact", "disagree"),
    ("JUAN | ", "JUAN | GARCIA", "exact", "missing"),
    (" | GARCIA", "JUAN | GARCIA", "missing", "exact"),
]


@pytest.mark.parametrize(("a", "b", "given", "surname"), AGREEMENT_CASES)
def test_agreement_golden(a: str, b: str, given: str, surname: str) -> None:
    name_a, name_b = _n(a), _n(b)
    assert given_name_agreement(name_a, name_b) == given
    assert given_name_agreement(name_b, name_a) == given
    assert surname_agreement(name_a, name_b) == surname
    assert surname_agreement(name_b, name_a) == surname
    assert isinstance(given_name_agreement(name_a, name_b), GivenNameLevel)
    assert isinstance(surname_agreement(name_a, name_b), SurnameLevel)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("PEPE | GARCIA LOPEZ", "JOSE | GARCIA", True),
        ("JUAN LOPEZ | GARCIA", "JOHN | GARCIA-LOPEZ", True),
        ("JOSE | GARCIA | JR", "JOSE | GARCIA | SR", False),
        ("JOSE | GARCIA | JR", "JOSE | GARCIA", True),
        ("JUAN CARLOS | GARCIA", "JUAN PABLO | GARCIA", False),
        ("JUAN C | GARCIA", "JUAN CARLOS | GARCIA", True),
        ("J | GARCIA", "JUAN | GARCIA", False),
        ("JUAN | GARCIA", "JUAN | GARICA", False),
        ("GARCIA | JUAN", "JUAN | GARCIA", False),
    ],
)
def test_names_equivalent(a: str, b: str, same: bool) -> None:
    assert names_equivalent(_n(a), _n(b)) is same
    assert names_equivalent(_n(b), _n(a)) is same


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ("JOSE", "JOE", True),
        ("PEPE", "JOSE", True),
        ("GUILLERMO", "BILL", True),
        ("ALEJANDRO", "ALEX", True),
        ("PACO", "FRANK", True),
        ("ISABEL", "ELIZABETH", True),
        ("ROBERT", "WILLIAM", False),  # both list BILL: two names, not one
        ("LINDA", "ROSE", False),  # both nicknames of ROSALINDA: two names
        ("MARIA", "MARIO", False),
    ],
)
def test_given_names_relate_directly_or_through_one_translation(
    a: str, b: str, related: bool
) -> None:
    from taxgate.standardise.name_agreement import related_given_names

    assert related_given_names(a, b) is related
    assert related_given_names(b, a) is related


@pytest.mark.parametrize(
    ("a", "b", "distinct"),
    [
        ("JUAN", "JUANA", True),
        ("MARIO", "MARIA", True),  # one Spanish name, two genders: MARIO is not listed
        ("DANIEL", "DANIELA", True),
        ("MARTIN", "MARTHA", True),
        ("DONNA", "DNNA", False),  # a slip
        ("BILL", "WILLIAM", False),  # one name
        ("ANA", "ANN", False),
    ],
)
def test_distinct_given_names(a: str, b: str, distinct: bool) -> None:
    assert distinct_given_names(a, b) is distinct
    assert distinct_given_names(b, a) is distinct
