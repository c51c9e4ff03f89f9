"""ZIP Code facts for telling a mistyped ZIP from another locality (domain §4)."""

from __future__ import annotations

import pytest

from taxgate.standardise.zip_places import zip_city_consistent, zip_places, zip_slip_same_locality


@pytest.mark.parametrize(
    ("zip5", "city", "state", "expected"),
    [
        ("46229", "Indianapolis", "IN", True),
        ("46229", "INDIANAPOLIS", "in", True),
        ("46229", "Cumberland", "IN", True),  # an acceptable city of the ZIP
        ("63101", "St. Louis", "MO", True),
        ("63101", "Saint Louis", "MO", True),
        ("76102", "Ft Worth", "TX", True),
        ("10001", "New York", "NY", True),
        ("46229", "Indianapolis", "OH", False),
        ("46229", "Fort Wayne", "IN", False),
        ("00000", "Indianapolis", "IN", False),
        ("4622", "Indianapolis", "IN", False),
        ("ABCDE", "Indianapolis", "IN", False),
        ("", "", "", False),
        ("46229", "", "IN", False),
    ],
)
def test_zip_city_consistent(zip5: str, city: str, state: str, expected: bool) -> None:
    assert zip_city_consistent(zip5, city, state) is expected


@pytest.mark.parametrize(
    ("zip_a", "zip_b", "city", "state", "expected"),
    [
        ("46229", "46239", "Indianapolis", "IN", True),  # one digit wrong
        ("46239", "46229", "Indianapolis", "IN", True),  # either side may carry the slip
        ("63101", "36101", "St Louis", "MO", True),  # two neighbours swapped
        ("63101", "63171", "Saint Louis", "MO", True),
        ("46229", "46922", "Indianapolis", "IN", False),  # two digits wrong
        ("46229", "46229", "Indianapolis", "IN", False),  # no slip: the ZIPs agree
        ("46229", "46239", "Fort Wayne", "IN", False),  # neither ZIP is that city's
        ("46229", "46239", "Indianapolis", "OH", False),
        ("46229", "", "Indianapolis", "IN", False),
        ("4622", "46229", "Indianapolis", "IN", False),
    ],
)
def test_zip_slip_same_locality(
    zip_a: str, zip_b: str, city: str, state: str, expected: bool
) -> None:
    assert zip_slip_same_locality(zip_a, zip_b, city, state) is expected


def test_zip_places_are_standard_and_remembered() -> None:
    places = zip_places("46229")
    assert ("INDIANAPOLIS", "IN") in places
    assert all(city == city.upper() and len(state) == 2 for city, state in places)
    assert zip_places("46229") is places  # memoised
