"""Two slips apart: two requests or returns, each with its own slip of one word."""

from __future__ import annotations

import pytest

from taxgate.standardise.spelling import streets_alike, two_slips_alike


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("DEVN", "DEVOB", True),  # two slips of DEVON
        ("GGAHAM", "GRAHVM", True),  # Jaro-Winkler 0.8 exactly, 0.7999... as a float
        ("PARK", "PIKE", False),
        ("OAK", "ASH", False),  # too short for two slips
    ],
)
def test_two_slips_of_one_word(a: str, b: str, alike: bool) -> None:
    assert two_slips_alike(a, b) is alike
    assert two_slips_alike(b, a) is alike


def test_streets_alike_takes_one_slip_or_two() -> None:
    assert streets_alike("BIRCH", "BIICH")  # one slip
    assert streets_alike("MAIN", "MAIN")
    assert streets_alike("LAKE", "LANE") == streets_alike("LANE", "LAKE")  # symmetric
    assert not streets_alike("ELM", "OAK")
