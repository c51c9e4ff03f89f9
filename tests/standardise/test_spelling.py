"""Which slips are common: the kinds of slip the name channel counts as likely."""

from __future__ import annotations

import pytest

from taxgate.standardise.spelling import plausible_slip


@pytest.mark.parametrize(
    ("written", "intended", "plausible"),
    [
        ("JSOE", "JOSE", True),  # two neighbouring letters exchanged
        ("DNNA", "DONNA", True),  # a letter dropped
        ("JOSSE", "JOSE", True),  # a letter doubled
        ("JOSR", "JOSE", True),  # a keyboard neighbour
        ("JANA", "HANA", True),
        ("JOSQ", "JOSE", False),  # a letter far from the one meant
        ("JOSEX", "JOSE", False),  # a letter added that doubles nothing
        ("MARLENE", "DARLENE", False),
        ("JAYLEN", "JAYDEN", False),
        ("MARIA", "MARIA", False),  # no slip at all
        ("JO", "JOSE", False),  # two letters gone
    ],
)
def test_plausible_slips(written: str, intended: str, plausible: bool) -> None:
    assert plausible_slip(written, intended) is plausible
