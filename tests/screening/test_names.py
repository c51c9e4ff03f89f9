"""Golden table for name screening (domain §3 "Name"; §6103(i)(2)(B)(i))."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.screening.codes import ReasonCode
from taxgate.screening.names import is_placeholder_name, placeholder_vocabulary, screen_name
from taxgate.standardise.name_tables import name_tables

# (first, middle, last, expected "CODE:field" findings)
CASES: list[tuple[str | None, str | None, str | None, list[str]]] = [
    ("Juan", None, "Garcia", []),
    ("María José", "de la", "García-López", []),
    ("Juan", "J.", "de la Cruz", []),
    ("Sean", None, "O'Brien", []),
    ("John", None, "Smith III", []),
    ("John", None, "Smith 3rd", []),
    ("Jane", None, "Doe Smith", []),
    ("Richard", None, "Doe", []),
    ("Min", None, "Na", []),
    ("Li", None, "Wu", []),
    ("李", None, "王", []),
    # missing
    (None, None, "Garcia", ["NAME_FIRST_MISSING:first_name"]),
    ("   ", None, "Garcia", ["NAME_FIRST_MISSING:first_name"]),
    ("Juan", None, "", ["NAME_LAST_MISSING:last_name"]),
    (None, None, None, ["NAME_FIRST_MISSING:first_name", "NAME_LAST_MISSING:last_name"]),
    # placeholders
    ("UNKNOWN", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("fnu", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("Juan", None, "LNU", ["NAME_PLACEHOLDER:last_name"]),
    ("NFN", None, "NLN", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("N/A", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("Juan", None, "N.A.", ["NAME_PLACEHOLDER:last_name"]),
    ("NONE", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("Test", None, "Test", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("X", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("Juan", None, "XXX", ["NAME_PLACEHOLDER:last_name"]),
    ("NULL", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("Juan", None, "-", ["NAME_PLACEHOLDER:last_name"]),
    ("Juan", None, "Not Provided", ["NAME_PLACEHOLDER:last_name"]),
    ("Unknown Unknown", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("John", None, "Doe", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("Jane", "Q", "DOE", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    # household and role words that name no one (domain §3; the Census PVS fake-name lists)
    ("Baby Girl", None, "Garcia", ["NAME_PLACEHOLDER:first_name"]),
    ("BABY BOY", None, "Lopez", ["NAME_PLACEHOLDER:first_name"]),
    ("Babygirl", None, "Lopez", ["NAME_PLACEHOLDER:first_name"]),
    ("Baby", None, "Girl", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("Juan", None, "Baby Boy", ["NAME_PLACEHOLDER:last_name"]),
    ("Juan", None, "Grandson", ["NAME_PLACEHOLDER:last_name"]),
    ("Granddaughter", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Daughter", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Son of", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Son", None, "of Ruiz", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("Hijo de", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Inmate", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Juan", None, "Inmate", ["NAME_PLACEHOLDER:last_name"]),
    ("Lady of House", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Lady", None, "of the House", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    ("Man of the House", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Occupant", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Current", None, "Resident", ["NAME_PLACEHOLDER:last_name"]),
    ("Juan", None, "Resident", ["NAME_PLACEHOLDER:last_name"]),
    ("Current Resident", None, "", ["NAME_LAST_MISSING:last_name", "NAME_PLACEHOLDER:first_name"]),
    ("Householder", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Respondent", None, "Ruiz", ["NAME_PLACEHOLDER:first_name"]),
    ("Unknown", None, "Occupant", ["NAME_PLACEHOLDER:first_name", "NAME_PLACEHOLDER:last_name"]),
    # ... while the same words that are real names pass on their own
    ("Larry", None, "Householder", ["NAME_PLACEHOLDER:last_name"]),  # domain §3: either field
    ("Larry", None, "Husband", []),  # a real surname, a role only as a first name
    ("Rick", None, "Husband", []),
    ("Min", None, "Son", []),
    ("Son", None, "Nguyen", []),
    ("Anna", None, "Ward", []),
    ("Gregory", None, "House", []),
    ("Ada", None, "Lady", []),
    ("Kwok", None, "Man", []),
    ("Julia", None, "Child", []),
    ("Baby", None, "Thomas", []),
    ("Mary", None, "Girling", []),
    ("Oscar", None, "Sonof", []),
    ("Juan", None, "Garcia Ward", []),
    # single characters
    ("J", None, "Garcia", ["NAME_SINGLE_CHARACTER:first_name"]),
    ("J.", None, "Garcia", ["NAME_SINGLE_CHARACTER:first_name"]),
    ("Juan", None, "G.", ["NAME_SINGLE_CHARACTER:last_name"]),
    ("Juan", None, "O'", ["NAME_SINGLE_CHARACTER:last_name"]),
    # digits
    ("J0hn", None, "Garcia", ["NAME_HAS_DIGITS:first_name"]),
    ("Juan", None, "12345", ["NAME_HAS_DIGITS:last_name"]),
    ("Juan", None, "1", ["NAME_HAS_DIGITS:last_name"]),
    ("Juan", "2", "Garcia", ["NAME_HAS_DIGITS:middle_name"]),
    (
        "1",
        "2",
        "3",
        ["NAME_HAS_DIGITS:first_name", "NAME_HAS_DIGITS:last_name", "NAME_HAS_DIGITS:middle_name"],
    ),
]


@pytest.mark.parametrize(("first", "middle", "last", "expected"), CASES)
def test_screen_name_golden(
    first: str | None, middle: str | None, last: str | None, expected: list[str]
) -> None:
    findings = screen_name(first, middle, last)
    assert [f"{f.code.value}:{f.field}" for f in findings] == expected
    for finding in findings:
        assert finding.category == "NAME_"
        for value in (first, middle, last):
            if value and len(value.strip()) > 3:
                assert value not in finding.message


def test_placeholder_words() -> None:
    assert is_placeholder_name("N/A")
    assert is_placeholder_name("...")
    assert not is_placeholder_name("Na")
    assert not is_placeholder_name("Doe")


def test_name_codes_are_name_codes() -> None:
    for code in ReasonCode:
        if code.value.startswith("NAME_"):
            assert code.meaning


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=20)), st.one_of(st.none(), st.text(max_size=20)))
def test_screen_name_never_raises(first: str | None, last: str | None) -> None:
    findings = screen_name(first, None, last)
    assert all(f.code.value.startswith("NAME_") for f in findings)
    assert len({f.field for f in findings}) == len(findings)


def test_placeholder_vocabulary_is_well_formed() -> None:
    vocabulary = placeholder_vocabulary()
    assert set(vocabulary.words) == {"first", "last"}
    assert vocabulary.words["last"] <= vocabulary.words["first"]
    assert all(len(phrase) >= 2 for phrase in vocabulary.phrases)
    assert ("JOHN", "DOE") in vocabulary.pairs


def test_no_placeholder_word_is_a_known_name() -> None:
    # A listed word that is also a known given name or frequent surname would refuse real
    # people; such words belong in a phrase (SON OF) or in the first-name list only.
    tables = name_tables()
    vocabulary = placeholder_vocabulary()
    words = vocabulary.words["first"] | {w for p in vocabulary.phrases for w in p}
    assert not words & tables.given_names
    assert not vocabulary.words["last"] & tables.surnames
