"""Golden table for the name standardiser (domain §4 "Variation").

Each row is (first, middle, last, suffix) and the expected standard parts. How two
standardised names agree is the SQL levels' to say: ``tests/matching/test_comparisons_names.py``.
"""

from __future__ import annotations

import pytest

from taxgate.standardise.names import standardise_name

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


@pytest.mark.parametrize(
    ("a", "b"),
    [("JUAN", "JOSE"), ("MARIA", "MARTA"), ("FRANCIS", "FRANKLIN"), ("ROBERT", "ALBERT")],
)
def test_given_classes_are_not_transitive(a: str, b: str) -> None:
    name_a = standardise_name(a, None, "X", None)
    name_b = standardise_name(b, None, "X", None)
    assert not name_a.given_classes & name_b.given_classes
