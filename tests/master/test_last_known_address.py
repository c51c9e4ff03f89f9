"""The LKA rule of domain §5, case by case, and the SQL form against the Python form."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.master.last_known_address import (
    DocType,
    FilingRef,
    effective_date,
    last_known_address,
    lka_since,
    lka_sql,
)
from taxgate.store import Store

R, F, N = DocType.RETURN, DocType.FORM_8822, DocType.NCOA


def lka(filings: list[FilingRef], as_of: date) -> str | None:
    found = last_known_address(filings, as_of)
    return None if found is None else found.address_id


def test_effective_dates() -> None:
    assert effective_date(R, date(2024, 1, 1)) == date(2024, 2, 15)
    assert effective_date(F, date(2024, 1, 1)) == date(2024, 2, 15)
    assert effective_date(N, date(2024, 1, 1)) == date(2024, 1, 1)


def test_return_then_later_form_8822() -> None:
    filings = [FilingRef(R, date(2023, 4, 10), "old"), FilingRef(F, date(2023, 9, 1), "new")]
    assert lka(filings, date(2023, 10, 16)) == "new"  # 1 Sep + 45 days
    assert lka(filings, date(2023, 10, 16) - timedelta(days=1)) == "old"


def test_ncoa_update_applies_on_receipt() -> None:
    filings = [FilingRef(R, date(2023, 4, 10), "ret"), FilingRef(N, date(2023, 8, 1), "ncoa")]
    assert lka(filings, date(2023, 8, 1)) == "ncoa"
    assert lka(filings, date(2023, 7, 31)) == "ret"


def test_later_return_overrides_ncoa_after_processing() -> None:
    filings = [FilingRef(N, date(2024, 1, 5), "ncoa"), FilingRef(R, date(2024, 3, 1), "ret")]
    assert lka(filings, date(2024, 4, 14)) == "ncoa"
    assert lka(filings, date(2024, 4, 15)) == "ret"


def test_45_day_boundary() -> None:
    filings = [FilingRef(R, date(2024, 3, 1), "a")]
    assert lka(filings, date(2024, 4, 14)) is None  # day 44
    assert lka(filings, date(2024, 4, 15)) == "a"  # day 45


def test_ties_later_received_then_priority() -> None:
    # Same effective date: a RETURN received 1 Mar (eff 15 Apr) vs NCOA received 15 Apr.
    tie_eff = [FilingRef(R, date(2024, 3, 1), "ret"), FilingRef(N, date(2024, 4, 15), "ncoa")]
    assert lka(tie_eff, date(2024, 5, 1)) == "ncoa"  # later received_date wins
    # Same effective and received date: FORM_8822 over RETURN.
    same_day = [FilingRef(R, date(2024, 3, 1), "ret"), FilingRef(F, date(2024, 3, 1), "8822")]
    assert lka(same_day, date(2024, 5, 1)) == "8822"
    assert lka(list(reversed(same_day)), date(2024, 5, 1)) == "8822"


def test_no_effective_filing_yet() -> None:
    assert lka([], date(2024, 1, 1)) is None
    assert lka([FilingRef(R, date(2024, 1, 1), "a")], date(2024, 1, 10)) is None


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2020, 1, 1), None),  # before any filing
        (date(2021, 6, 1), "a"),  # between first and second
        (date(2022, 6, 1), "b"),  # between second and third
        (date(2030, 1, 1), "c"),  # after all
    ],
)
def test_as_of_before_between_after(as_of: date, expected: str | None) -> None:
    filings = [
        FilingRef(R, date(2021, 3, 1), "a"),
        FilingRef(R, date(2022, 3, 1), "b"),
        FilingRef(F, date(2023, 3, 1), "c"),
    ]
    assert lka(filings, as_of) == expected


def test_since_is_when_the_address_became_the_lka() -> None:
    filings = [
        FilingRef(R, date(2020, 3, 1), "a"),
        FilingRef(R, date(2021, 3, 1), "b"),
        FilingRef(R, date(2022, 3, 1), "b"),
        FilingRef(N, date(2022, 9, 1), "b"),
    ]
    assert lka_since(filings, date(2023, 1, 1)) == date(2021, 4, 15)
    assert lka_since(filings, date(2021, 1, 1)) == date(2020, 4, 15)
    assert lka_since(filings, date(2020, 1, 1)) is None
    # A move back to an earlier address starts a new run.
    back = [*filings, FilingRef(F, date(2023, 1, 2), "a")]
    assert lka_since(back, date(2023, 6, 1)) == date(2023, 2, 16)


# Forms a and b name building x (b without its unit), c and d building y (d without), e
# names no building the rule knows.
BUILDINGS = {"a": ("x", False), "b": ("x", True), "c": ("y", False), "d": ("y", True)}
filing_strategy = st.builds(
    lambda doc, day, form: FilingRef(doc, day, form, 0, *BUILDINGS.get(form, ("", True))),
    st.sampled_from(list(DocType)),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)),
    st.sampled_from(["a", "b", "c", "d", "e"]),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(filing_strategy, max_size=8), st.dates(date(2015, 1, 1), date(2026, 6, 30)))
def test_sql_agrees_with_python(drawn: list[FilingRef], as_of: date) -> None:
    # Full ties (same kind, same day, other address) are kept: the master-file row decides.
    rows = [dataclasses.replace(f, seq=i + 1) for i, f in enumerate(drawn)]
    store = Store.memory()
    table = pa.table(
        {
            "tin": pa.array(["1"] * len(rows), pa.string()),
            "doc_type": pa.array([f.doc_type.value for f in rows], pa.string()),
            "received_date": pa.array([f.received for f in rows], pa.date32()),
            "address_id": pa.array([f.address_id for f in rows], pa.string()),
            "filing_id": pa.array([f.seq for f in rows], pa.int64()),
            "building": pa.array([f.building for f in rows], pa.string()),
            "unitless": pa.array([f.unitless for f in rows], pa.bool_()),
        }
    )
    store.register("filings_t", table)
    sql = (
        "SELECT address_id, doc_type, received_date, filing_id, lka_since "
        f"FROM ({lka_sql('filings_t', building_cols=('building', 'unitless'))})"
    )
    got = store.fetchall(sql, {"as_of": as_of})
    best = last_known_address(rows, as_of)
    if best is None:
        assert got == []
    else:
        since = lka_since(rows, as_of)
        assert got == [(best.address_id, best.doc_type.value, best.received, best.seq, since)]


def test_a_full_tie_goes_to_the_later_row_and_keeps_the_run() -> None:
    # Two NCOA updates applied on one day, to two addresses; the later row is the later
    # update. Returns at that address since then re-confirm it, so it has been the LKA
    # since the tie day, not since the first return.
    filings = [
        FilingRef(R, date(2019, 1, 29), "old", seq=1),
        FilingRef(N, date(2019, 4, 16), "elsewhere", seq=2),
        FilingRef(N, date(2019, 4, 16), "home", seq=3),
        FilingRef(R, date(2020, 4, 9), "home", seq=4),
    ]
    assert lka(filings, date(2019, 5, 1)) == "home"
    assert lka_since(filings, date(2025, 7, 15)) == date(2019, 4, 16)
    swapped = [dataclasses.replace(f, seq=5 - f.seq) for f in filings]
    assert lka(swapped, date(2019, 5, 1)) == "elsewhere"
    assert lka_since(swapped, date(2025, 7, 15)) == date(2020, 5, 24)


def test_a_filing_that_left_out_the_unit_neither_confirms_nor_ends_the_run() -> None:
    # Domain §5: STE 1A since 2017, a return in 2019 that wrote the house without the suite
    # (the taxpayer had lived in 2E there before, so the form is not merged with 1A), then
    # STE 1A again: 1A has been the LKA since 2017.
    def at(form: str, day: date, building: str = "x", unitless: bool = False) -> FilingRef:
        return FilingRef(R, day, form, 0, building, unitless)

    filings = [
        at("2e", date(2016, 9, 8)),
        at("1a", date(2017, 12, 24)),
        at("bare", date(2019, 4, 1), unitless=True),
        at("1a", date(2020, 1, 29)),
    ]
    assert lka_since(filings, date(2025, 7, 15)) == date(2018, 2, 7)
    # The bare form is the LKA itself while it is the latest, and a bare form of another
    # building, or one whose building is unknown, ends the run as before.
    assert lka(filings, date(2019, 6, 1)) == "bare"
    other = [*filings[:2], at("bare", date(2019, 4, 1), "z", True), filings[3]]
    assert lka_since(other, date(2025, 7, 15)) == date(2020, 3, 14)
    unknown = [*filings[:2], at("bare", date(2019, 4, 1), "", True), filings[3]]
    assert lka_since(unknown, date(2025, 7, 15)) == date(2020, 3, 14)
    # Before the first suite the bare form does not count for it.
    early = [at("bare", date(2016, 1, 5), unitless=True), *filings[1:2]]
    assert lka_since(early, date(2025, 7, 15)) == date(2018, 2, 7)
