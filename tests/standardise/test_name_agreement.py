"""Given-name relations of taxgate.standardise.name_agreement, and the modules' examples."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from taxgate.standardise import name_agreement, name_tables, names, spelling
from taxgate.standardise.name_agreement import (
    forms_of_one_name,
    related_given_names,
    short_forms_of_one_name,
)


@pytest.mark.parametrize(
    "module", [name_agreement, name_tables, names, spelling], ids=lambda m: m.__name__
)
def test_module_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [("LIZ", "BETTY"), ("JOHNNY", "JACK"), ("LUPITA", "LUPE"), ("BILLY", "WILL")],
)
def test_short_forms_of_one_fuller_name(a: str, b: str) -> None:
    assert short_forms_of_one_name(a, b) and short_forms_of_one_name(b, a)
    # Neither is listed as a form of the other: only the third name joins them.
    assert not related_given_names(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ROSA", "MARIA"),  # both list ROSEMARY, a nickname, not a fuller name of both
        ("JOSE", "JUANA"),  # both list JODY
        ("PAUL", "MARY"),  # both list POLLY
        ("RONALD", "AARON"),  # both list RON
        ("LIZ", "ELIZABETH"),  # one is the other's form: related, not two short forms
        ("MARIA", "MARIA"),
    ],
)
def test_a_shared_nickname_is_not_a_fuller_name(a: str, b: str) -> None:
    assert not short_forms_of_one_name(a, b)


def test_forms_of_one_name_is_the_looser_relation_screening_uses() -> None:
    # Screening's duplicate rule needs a shared form at least as long as the shorter name.
    assert forms_of_one_name("LIZ", "BETTY") and forms_of_one_name("ROSA", "MARIA")
    assert not forms_of_one_name("MARTIN", "MARTHA")
