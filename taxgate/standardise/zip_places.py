"""ZIP Code facts: which cities USPS accepts for a 5-digit ZIP (domain §4 "ZIP vs ZIP+4").

A requested ZIP with one digit wrong is a locality that disagrees, although the city and state
agree with the taxpayer's filing. The facts tell a slip from another place: a ZIP whose own
cities include the written city is consistent with it. The data come from the ``zipcodes``
package (MIT licence; the USPS ZIP list embedded in the package, read offline, no network).
Cities are compared in taxgate's standard form (:func:`standard_city`: ``ST LOUIS`` =
``SAINT LOUIS``, ``FT WORTH`` = ``FORT WORTH``).

These are pure functions over the embedded data; matching may call them (see
:func:`zip_slip_same_locality`), screening does not.
"""

from __future__ import annotations

from functools import lru_cache

import zipcodes

from taxgate.standardise.address_text import standard_city

_ZIP5_DIGITS = 5


@lru_cache(maxsize=1 << 16)
def zip_places(zip5: str) -> frozenset[tuple[str, str]]:
    """The (city, state) pairs USPS accepts for a 5-digit ZIP; empty when the ZIP is unknown.

    The primary city and the acceptable ones are included (``46229``: INDIANAPOLIS and
    CUMBERLAND, IN); cities USPS marks unacceptable are not.

    Example:
        >>> sorted(zip_places("76102"))
        [('FORT WORTH', 'TX')]
        >>> zip_places("00000"), zip_places("1234")
        (frozenset(), frozenset())
    """
    if len(zip5) != _ZIP5_DIGITS or not zip5.isdigit():
        return frozenset()
    try:
        # The package's public functions carry no annotations (its compiled core does).
        records = zipcodes.matching(zip5)  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return frozenset()
    places: set[tuple[str, str]] = set()
    for record in records:
        state = str(record.get("state") or "").upper()
        cities = [record.get("city"), *(record.get("acceptable_cities") or [])]
        places.update((standard_city(str(city)), state) for city in cities if city)
    return frozenset(places)


def zip_city_consistent(zip5: str, city: str, state: str) -> bool:
    """Whether USPS accepts ``city``, ``state`` for ``zip5`` (False when any is unknown).

    ``city`` and ``state`` may be written any way :func:`standard_city` reads (the state as
    its two-letter code).

    Example:
        >>> zip_city_consistent("63101", "St. Louis", "MO")
        True
        >>> zip_city_consistent("63101", "Kansas City", "MO"), zip_city_consistent("", "X", "MO")
        (False, False)
    """
    place = (standard_city(city), state.strip().upper())
    return bool(place[0]) and place in zip_places(zip5)


def zip_slip_same_locality(zip_a: str, zip_b: str, city: str, state: str) -> bool:
    """Two 5-digit ZIPs one slip apart (one digit wrong, or two neighbours swapped), written
    with the same city and state, at least one of them that city's own ZIP: one locality.

    For matching's locality comparison (domain §4): the house number, street and unit must
    still agree for the address to corroborate anything.

    Example:
        >>> zip_slip_same_locality("46229", "46239", "Indianapolis", "IN")
        True
        >>> zip_slip_same_locality("46229", "46239", "Fort Wayne", "IN")
        False
        >>> zip_slip_same_locality("46229", "46922", "Indianapolis", "IN")  # two digits wrong
        False
    """
    if not _one_slip(zip_a, zip_b):
        return False
    return zip_city_consistent(zip_a, city, state) or zip_city_consistent(zip_b, city, state)


def _one_slip(a: str, b: str) -> bool:
    if len(a) != _ZIP5_DIGITS or len(b) != _ZIP5_DIGITS or a == b:
        return False
    differ = [i for i in range(_ZIP5_DIGITS) if a[i] != b[i]]
    if len(differ) == 1:
        return True
    first, second = differ[0], differ[-1]
    return (
        len(differ) == 2 and second == first + 1 and (a[first], a[second]) == (b[second], b[first])
    )
