"""Name shares and the sex of names, from the population's birth records."""

from __future__ import annotations

import pytest

from taxgate.standardise.name_frequency import given_name_share, of_other_sex


@pytest.mark.parametrize(
    ("a", "b"),
    [("JUAN", "JUANA"), ("PAUL", "PAULA"), ("ALEJANDRO", "ALEJANDRA"), ("AMIT", "AMITA")],
)
def test_names_of_the_other_sex(a: str, b: str) -> None:
    assert of_other_sex(a, b) and of_other_sex(b, a)


@pytest.mark.parametrize(
    ("a", "b"), [("JAYDEN", "JAYLEN"), ("HANA", "JANA"), ("DONNA", "DNNA"), ("JUAN", "JUAN")]
)
def test_names_of_one_sex_or_of_no_one(a: str, b: str) -> None:
    assert not of_other_sex(a, b)


def test_shares_order_common_rare_and_unseen() -> None:
    assert given_name_share("MARY") > given_name_share("JUANA") > given_name_share("DNNA") > 0
