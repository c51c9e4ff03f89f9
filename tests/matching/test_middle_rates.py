"""The second-given-name rates estimated from a master's filings (taxgate.matching.middle_rates)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.matching.middle_rates import (
    MAX_FILINGS,
    STATED_RATES,
    MiddleRates,
    estimate_middle_rates,
)
from taxgate.matching.model_store import middle_name_counts_sql
from taxgate.matching.name_channel import never_written_bits

from .conftest import MasterStore


def _filed(has: float, omitted: float, taxpayers: int, seed: int) -> list[tuple[int, int, int]]:
    """Counts (filings, filings with a second given name, taxpayers) of a simulated master:
    one to five filings each."""
    rng = np.random.default_rng(seed)
    cells: Counter[tuple[int, int]] = Counter()
    for _ in range(taxpayers):
        n = int(rng.integers(1, 6))
        k = int((rng.random(n) >= omitted).sum()) if rng.random() < has else 0
        cells[(n, k)] += 1
    return [(n, k, c) for (n, k), c in cells.items()]


@settings(max_examples=12, deadline=None)
@given(
    has=st.floats(min_value=0.2, max_value=0.9),
    omitted=st.floats(min_value=0.1, max_value=0.8),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_a_large_master_speaks_for_itself(has: float, omitted: float, seed: int) -> None:
    rates = estimate_middle_rates(_filed(has, omitted, 20_000, seed))
    assert abs(rates.has_middle - has) < 0.06
    assert abs(rates.omitted_per_filing - omitted) < 0.06


def test_an_empty_master_keeps_the_stated_rates() -> None:
    assert estimate_middle_rates([]) == STATED_RATES
    assert estimate_middle_rates([(0, 0, 10), (3, 1, 0)]) == STATED_RATES


def test_single_filers_move_only_what_they_tell() -> None:
    # One filing each tells only has × (1 − omitted): the split between the two stays near
    # the prior, the product moves to the data.
    counts = [(1, 1, 900), (1, 0, 100)]
    rates = estimate_middle_rates(counts)
    assert rates.has_middle * (1 - rates.omitted_per_filing) > STATED_RATES.has_middle * (
        1 - STATED_RATES.omitted_per_filing
    )


def test_the_estimate_is_deterministic_and_order_free() -> None:
    counts = _filed(0.6, 0.3, 5_000, 7)
    assert estimate_middle_rates(counts) == estimate_middle_rates(list(reversed(counts)))


def test_many_filings_count_as_the_most_that_tell() -> None:
    # A taxpayer with 400 filings is counted as MAX_FILINGS, keeping whether any wrote it.
    few = estimate_middle_rates([(MAX_FILINGS, 0, 50), (MAX_FILINGS, 20, 50)])
    many = estimate_middle_rates([(400, 0, 50), (400, 200, 50)])
    assert few == many


def test_rates_survive_the_model_file() -> None:
    rates = MiddleRates(0.41, 0.17)
    assert MiddleRates.from_dict(rates.as_dict()) == rates
    assert MiddleRates.from_dict(None) == STATED_RATES


def test_a_master_that_never_omits_makes_an_unwritten_middle_weigh_more() -> None:
    # Where people who have a second given name write it on every return, a filer whose
    # three returns show none most likely has none: the request's middle name is then more
    # likely someone else's than under the stated rates.
    diligent = MiddleRates(0.75, 0.05)
    assert never_written_bits(3, diligent) < never_written_bits(3, STATED_RATES) < 0


def test_the_master_counts_filings_that_wrote_a_second_given_name(
    master_store: MasterStore,
) -> None:
    # 111: three returns, two with a middle name (one name form with it, one without);
    # 222: two returns, none; 333: one return with an initial.
    taxpayers = "tin,tin_type,date_of_birth\n111111111,SSN,1970-01-02\n"
    taxpayers += "222222222,SSN,1980-05-06\n333333333,SSN,1985-07-08\n"
    rows = [
        ("111111111", 2021, "ANA", "LUCIA"),
        ("111111111", 2022, "ANA", "LUCIA"),
        ("111111111", 2023, "ANA", ""),
        ("222222222", 2022, "JOSE", ""),
        ("222222222", 2023, "JOSE", ""),
        ("333333333", 2023, "MARK", "T"),
    ]
    filings = (
        "tin,doc_type,tax_year,received_date,first_name,middle_name,last_name,suffix,street,"
        "unit,city,state,zip\n"
    )
    filings += "".join(
        f"{tin},RETURN,{year},{year + 1}-03-01,{first},{middle},REYES,,12 OAK ST,,AUSTIN,TX,78701\n"
        for tin, year, first, middle in rows
    )
    store = master_store(taxpayers, filings)
    counts = sorted(
        (int(n), int(k), int(c)) for n, k, c in store.fetchall(middle_name_counts_sql())
    )
    assert counts == [(1, 1, 1), (2, 0, 1), (3, 2, 1)]
