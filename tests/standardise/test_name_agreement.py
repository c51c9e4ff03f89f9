"""The given-name relation of taxgate.standardise.name_agreement, and the modules' examples.

The SQL ``equivalent`` level is held to :func:`related_given_names` in
``tests/matching/test_comparisons.py``.
"""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from taxgate.standardise import name_agreement, name_tables, names, spelling
from taxgate.standardise.name_agreement import related_given_names


@pytest.mark.parametrize(
    "module", [name_agreement, name_tables, names, spelling], ids=lambda m: m.__name__
)
def test_module_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


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
        ("LIZ", "BETTY", False),  # two short forms of ELIZABETH: neither is the other's form
    ],
)
def test_given_names_relate_directly_or_through_one_translation(
    a: str, b: str, related: bool
) -> None:
    assert related_given_names(a, b) is related
    assert related_given_names(b, a) is related
