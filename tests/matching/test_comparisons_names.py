"""The given-name and surname levels' SQL on domain §4's variation of names (issue 14 item 4).

These cases once tested a second, Python copy of the name levels; the SQL levels are the only
ones now, and the name channel (``test_name_channel.py``) weighs what a level leaves open.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given as given_example
from hypothesis import settings
from hypothesis import strategies as st

from taxgate.matching.comparisons import (
    SUFFIX,
    exact_comparison,
    given_name_comparison,
    surname_comparison,
)
from taxgate.matching.features import name_features
from taxgate.standardise.names import standardise_name

from .levels import given, level_of, name


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        # The other sex's form of one name is two names, never one: a slip apart at most. The
        # name channel weighs whether the written form is a slip or a relative's own name.
        ("JUAN", "JUANA", "typo"),
        ("MARIO", "MARIA", "typo"),
        ("DANIEL", "DANIELA", "typo"),
        ("MARTIN", "MARTHA", "disagree"),
        ("DONNA", "DNNA", "typo"),  # a slip that makes no name
        ("ANA", "ANN", "equivalent"),  # one name
    ],
)
def test_names_of_the_other_sex_are_two_names(a: str, b: str, level: str) -> None:
    assert level_of(given_name_comparison(), given(a), given(b)) == level
    assert level_of(given_name_comparison(), given(b), given(a)) == level


# (name a, name b, given-name level, surname level), the same read either way round: domain
# §4's variation of one person's name, and two people's names.
NAME_LEVEL_CASES = [
    ("JOSE | GARCIA", "José | García", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA-LOPEZ", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIALOPEZ", "exact", "exact"),
    ("JUAN | GARCIA LOPEZ", "JUAN | GARCIA", "exact", "compound"),  # the maternal dropped
    ("JUAN | GARCIA LOPEZ", "JUAN | LOPEZ GARCIA", "exact", "compound"),  # the other order
    ("JUAN LOPEZ | GARCIA", "JUAN | GARCIA LOPEZ", "exact", "compound"),  # maternal as middle
    ("JUAN LOPEZ | GARCIA", "JUAN | LOPEZ", "exact", "compound"),
    ("JUAN | DE LA CRUZ", "JUAN | CRUZ", "exact", "compound"),  # a particle dropped
    ("JUAN | DE LA CRUZ", "JUAN | DELACRUZ", "exact", "exact"),
    ("JUAN | GARCIA", "JOHN | GARCIA", "equivalent", "exact"),
    ("FRANCISCO | RUIZ", "FRANK | RUIZ", "equivalent", "exact"),
    ("J | RUIZ", "JOSE | RUIZ", "initial", "exact"),
    ("JOSE | RUIZ", "JSOE | RUIZ", "typo", "exact"),
    ("JOSE | GARCIA", "JOSE | GARICA", "exact", "typo"),
    ("JOSE | HERNANDEZ", "JOSE | HERNANDES", "exact", "typo"),
    ("MARIA | HERNANCLEZ", "MARIA | HERNANDEZ SANDOVAL", "exact", "typo"),  # CL read for D
    ("MARIA JOSE | RUIZ", "JOSE | RUIZ", "second_given", "exact"),
    ("J ROBERT | SMITH", "ROBERT | SMITH", "second_given", "exact"),  # middle used as first
    ("GARCIA | JUAN", "JUAN | GARCIA", "swapped", "swapped"),  # family name written first
    ("LOPEZ CONTRERAS | PEDRO", "PEDRO | LOPEZ", "swapped", "swapped"),
    ("MARTINEZGONZALEZ | MIGUEL", "MIGUEL | MARTINEZ", "swapped", "swapped"),
    ("MOOR | THOMAS", "THOMAS | MOORE", "swapped_typo", "swapped"),  # exchanged, with a slip
    ("VERVANTES | ADRIANA", "ADRIANA | CERVANTES", "swapped_typo", "swapped"),
    ("GARCIA | JAUN", "JUAN | GARCIA", "swapped_typo", "swapped"),
    ("ANA | ANA", "ANA | ANA LOPEZ", "exact", "compound"),
    ("JUAN | GARCIA", "PEDRO | MARTINEZ", "disagree", "disagree"),
    ("LI | WU", "LU | WU", "disagree", "exact"),  # two letters are too few for a slip
    ("JUAN | LI", "JUAN | LU", "exact", "disagree"),
    ("JUAN | ", "JUAN | GARCIA", "exact", "null"),
    (" | GARCIA", "JUAN | GARCIA", "null", "exact"),
]


@pytest.mark.parametrize(("a", "b", "given_level", "surname_level"), NAME_LEVEL_CASES)
def test_name_levels_golden(a: str, b: str, given_level: str, surname_level: str) -> None:
    for left, right in ((name(a), name(b)), (name(b), name(a))):
        assert level_of(given_name_comparison(), left, right) == given_level
        assert level_of(surname_comparison(), left, right) == surname_level


@pytest.mark.parametrize(
    ("a", "b", "comparison", "level"),
    [
        pytest.param(
            "J | RUIZ",
            "J | RUIZ",
            given_name_comparison,
            "initial",
            marks=pytest.mark.xfail(
                strict=True,
                reason="two equal initials read 'exact' (the name channel weighs them as an "
                "initial: test_two_equal_initials_weigh_as_an_initial)",
            ),
        ),
        pytest.param(
            "ROSARIO REYES | MERCEDES",
            "MERCEDES | ROSARIO REYES",
            surname_comparison,
            "swapped",
            marks=pytest.mark.xfail(
                strict=True,
                reason="the shared key REYES reads 'compound' before 'swapped' is tried "
                "(the given-name level does read 'swapped')",
            ),
        ),
    ],
)
def test_where_the_sql_reads_otherwise_than_the_python_levels_did(
    a: str, b: str, comparison: Any, level: str
) -> None:
    # The Python copy of the name levels (issue 14 item 3, removed) read these pairs so;
    # the SQL levels do not, and are left as they are until the difference is settled.
    for left, right in ((name(a), name(b)), (name(b), name(a))):
        assert level_of(comparison(), left, right) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("JOSE | GARCIA | JR", "JOSE | GARCIA | SR", "disagree"),
        ("JOSE | GARCIA | JR", "JOSE | GARCIA", "null"),
    ],
)
def test_suffix_levels(a: str, b: str, level: str) -> None:
    suffix = exact_comparison(SUFFIX, "name_suffix")
    assert level_of(suffix, name(a), name(b)) == level == level_of(suffix, name(b), name(a))


# Any name text, and name-like text with the separators, particles and suffixes the
# standardiser treats specially.
_NAME_WORDS = ["GARCIA", "LOPEZ", "DE", "LA", "Y", "JR", "JUAN", "JOHN", "PACO", "J", "ONG", "-"]
_FIELD = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.lists(st.sampled_from(_NAME_WORDS), max_size=4).map(" ".join),
    st.text(alphabet="ABCDEGIJLNORSUYZ -.'Ñ", max_size=16),
)
_NAMES = st.builds(standardise_name, _FIELD, _FIELD, _FIELD, _FIELD).map(name_features)


@settings(max_examples=60, deadline=None)
@given_example(_NAMES, _NAMES)
def test_name_levels_never_fail_and_the_given_level_is_symmetric(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert level_of(given_name_comparison(), a, b) == level_of(given_name_comparison(), b, a)
    level_of(surname_comparison(), a, b)


@settings(max_examples=60, deadline=None)
@given_example(_NAMES)
def test_a_name_agrees_with_itself(a: dict[str, Any]) -> None:
    if a["given_key"] is not None and len(a["given_key"]) > 1:
        assert level_of(given_name_comparison(), a, a) == "exact"
    if a["surname_full"] is not None:
        assert level_of(surname_comparison(), a, a) == "exact"


def test_a_slip_in_a_short_surname_is_no_typo_either_way() -> None:
    # The one-slip test asks four letters of both surnames (it asked the left one's only):
    # ONG and YONG, KIM and KIN are two families whichever side writes which.
    for a, b in (("ELENA | ONG", "ELENA | YONG"), ("JI | KIM", "JI | KIN")):
        assert level_of(surname_comparison(), name(a), name(b)) == "disagree"
        assert level_of(surname_comparison(), name(b), name(a)) == "disagree"
