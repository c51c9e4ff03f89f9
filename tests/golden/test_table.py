"""The golden table itself: coverage of issue 14 item 4, and data that cannot collide.

These run without taxgate: they check that the hand-built households are what they claim
(every class in both directions, households that never touch each other, expected as-of dates
that follow domain §5 over the hand-labelled delivery points) and that the harness reads a
response the way the data contract writes it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from .table import (
    DIRECTIONS,
    DOC_TYPES,
    ITEM4_CLASSES,
    OTHER_CLASSES,
    OUTCOMES,
    REQUEST_DATE,
    Census,
    Household,
    _parse_household,
    lka_as_of,
    load_households,
)
from .test_households import mismatches

HOUSEHOLDS = load_households()


def test_at_least_seventy_households() -> None:
    assert len(HOUSEHOLDS) >= 70, len(HOUSEHOLDS)


def test_every_class_has_a_case_in_each_direction() -> None:
    census = Census()
    for household in HOUSEHOLDS:
        census.add(household)
    missing = [
        f"{cls}: {direction}"
        for cls in (*ITEM4_CLASSES, *OTHER_CLASSES)
        for direction in DIRECTIONS
        if census.counts.get(cls, {}).get(direction, 0) == 0
    ]
    assert not missing, "classes without a case in a direction:\n" + "\n".join(missing)
    assert set(census.counts) == {*ITEM4_CLASSES, *OTHER_CLASSES}


def test_direction_agrees_with_the_outcomes() -> None:
    """match: every request is answered (DISCLOSED); no_match: at least one must not be."""
    wrong = []
    for h in HOUSEHOLDS:
        outcomes = {r.expected.outcome for r in h.requests}
        if h.direction == "match" and outcomes != {"DISCLOSED"}:
            wrong.append(h.id)
        if h.direction == "no_match" and outcomes <= {"DISCLOSED"}:
            wrong.append(h.id)
    assert not wrong


def test_ids_are_unique_and_fields_known() -> None:
    ids = Counter(h.id for h in HOUSEHOLDS)
    assert [i for i, n in ids.items() if n > 1] == []
    request_ids = Counter(r.request_id for h in HOUSEHOLDS for r in h.requests)
    assert [i for i, n in request_ids.items() if n > 1] == []
    for h in HOUSEHOLDS:
        assert h.direction in DIRECTIONS, h.id
        assert h.why and h.requests, h.id
        for f in h.filings:
            assert f.doc_type in DOC_TYPES, h.id
            assert f.received_date <= REQUEST_DATE, h.id
            assert (f.doc_type == "RETURN") == bool(f.tax_year), h.id
        for r in h.requests:
            e = r.expected
            assert e.outcome in OUTCOMES, r.request_id
            assert (e.outcome == "REJECTED") == bool(e.code), r.request_id
            assert (e.outcome == "DISCLOSED") == (e.address is not None), r.request_id


def test_households_never_share_a_taxpayer_or_an_address() -> None:
    """Distinct TINs and delivery points per household, so no request resolves across."""
    tins: dict[str, str] = {}
    places: dict[tuple[str, str], str] = {}
    for h in HOUSEHOLDS:
        own = {tin for tin, _ in h.taxpayers}
        assert {f.tin for f in h.filings} <= own, h.id
        for r in h.requests:
            assert r.fields["tin"] in own | {""}, r.request_id
        for tin in own:
            assert tins.setdefault(tin, h.id) == h.id, f"{tin} in {tins[tin]} and {h.id}"
        streets = {(f.address[0].split(" ")[0], f.address[4][:5]) for f in h.filings}
        for place in streets:
            assert places.setdefault(place, h.id) == h.id, f"{place} in {places[place]}, {h.id}"


def test_expected_as_of_follows_domain_5() -> None:
    """Each expected answer is the LKA point of its taxpayer, and became so on ``as_of``."""
    for h in HOUSEHOLDS:
        for r in h.requests:
            e = r.expected
            if e.outcome != "DISCLOSED":
                continue
            point, since = lka_as_of(h, e.tin)
            assert e.as_of == since.isoformat(), f"{r.request_id}: {e.as_of} != {since}"
            complete = [
                f for f in h.filings_of(e.tin) if f.point == point and f.address[0].count(" ")
            ]
            assert complete, r.request_id
            assert e.address is not None
            assert e.address[4] in {f.address[4] for f in complete}, r.request_id


def _filing(doc: str, received: str, street: str, zip5: str, point: str) -> list[str]:
    year = str(int(received[:4]) - 1) if doc == "RETURN" else ""
    name = ["ANA", "", "BELL", ""]
    return ["100000001", doc, year, received, *name, street, "", "TOWN", "XX", zip5, point]


def test_the_lka_rule_over_points() -> None:
    """The oracle itself: RETURN +45 days, NCOA on receipt, a run of one point keeps its start."""
    data = {
        "id": "x-1",
        "class": "ocr",
        "direction": "match",
        "why": "oracle check",
        "taxpayers": [{"tin": "100000001"}],
        "filings": [
            _filing("RETURN", "2023-02-01", "1 A ST", "00001", "A"),
            _filing("NCOA", "2024-05-01", "2 B ST", "00002", "B"),
            _filing("RETURN", "2025-02-01", "2 B ST", "00002", "B"),
            _filing("RETURN", "2026-05-01", "1 A ST", "00001", "A"),
        ],
        "request": [],
    }
    household = _parse_household(data, "inline", 0)
    assert lka_as_of(household, "100000001") == ("B", date(2024, 5, 1))
    assert lka_as_of(household, "100000001", date(2026, 6, 15)) == ("A", date(2026, 6, 15))
    assert lka_as_of(household, "100000001", date(2024, 4, 1)) == ("A", date(2023, 3, 18))


def _one(household_id: str) -> Household:
    return next(h for h in HOUSEHOLDS if h.id == household_id)


@pytest.mark.parametrize(
    ("row", "wrong"),
    [
        ({"outcome": "DISCLOSED", "reason_codes": ""}, False),
        ({"outcome": "NOT_DISCLOSED", "reason_codes": ""}, True),
        ({"outcome": "REJECTED", "reason_codes": "NAME_PLACEHOLDER"}, True),
    ],
)
def test_the_harness_reads_a_disclosure(row: dict[str, str], wrong: bool) -> None:
    household = _one("sgn-m1")
    request = household.requests[0]
    assert request.expected.address is not None
    address = dict(
        zip(("street", "unit", "city", "state", "zip"), request.expected.address, strict=True)
    )
    full = {**address, "request_id": request.request_id, **row}
    full["address_as_of"] = request.expected.as_of
    if row["outcome"] != "DISCLOSED":
        full.update(dict.fromkeys(address, ""), address_as_of="")
    found = mismatches(household, {request.request_id: full})
    assert bool(found) is wrong, found
    if wrong:
        assert "sgn-m1-a" in found[0] and "expected DISCLOSED 1412 N ALVERNON WAY" in found[0]


def test_the_harness_checks_address_date_and_codes() -> None:
    household = _one("sgn-m1")
    request = household.requests[0]
    assert request.expected.address is not None
    row = dict(
        zip(("street", "unit", "city", "state", "zip"), request.expected.address, strict=True)
    )
    row.update(request_id=request.request_id, outcome="DISCLOSED", reason_codes="")
    row["address_as_of"] = "2025-01-01"  # the wrong day
    assert mismatches(household, {request.request_id: row})
    placeholder = _one("ph-n1")
    rows = {
        r.request_id: {"request_id": r.request_id, "outcome": "REJECTED", "reason_codes": code}
        for r, code in zip(
            placeholder.requests, ("ADDRESS_MISSING;NAME_PLACEHOLDER", "X_Y"), strict=True
        )
    }
    found = mismatches(placeholder, rows)
    assert len(found) == 1 and "ph-n1-b" in found[0]
    assert mismatches(placeholder, {}) and "no response row" in mismatches(placeholder, {})[0]
