"""Address histories and the filings they leave in the master file (vectorised).

Each household lives at a sequence of delivery points; a move happens on a day. Each member
files a ``RETURN`` for most tax years, written with the address where the household lives on
the day the return is *received* (a late return carries the later address). Some moves also
leave a ``FORM_8822`` or an ``NCOA`` row. Nothing is received after the request date (the
master file is a snapshot taken that day), but returns received in the last 45 days are not
yet effective.

The last known address follows domain §5 (Treas. Reg. §301.6212-2; Rev. Proc. 2010-16):
effective date = received + 45 days for RETURN and FORM_8822, received for NCOA; the LKA as
of D is the address of the filing with the latest effective date on or before D; ties go to
the later received date, then FORM_8822 over RETURN over NCOA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from taxgate.synth.population import Population, day_number
from taxgate.synth.spec import WorldSpec
from taxgate.synth.vocab import IntArray

DOC_RETURN, DOC_8822, DOC_NCOA = 0, 1, 2
DOC_TYPES = ("RETURN", "FORM_8822", "NCOA")
DOC_PRIORITY = np.asarray([2, 3, 1], dtype=np.int64)
"""Tie-break rank by doc code: FORM_8822 (3) over RETURN (2) over NCOA (1)."""
PROCESSING_DAYS = 45


@dataclass(frozen=True)
class Timeline:
    """Household address timelines: rows sorted by (household, start day)."""

    household: IntArray
    start: IntArray
    dp: IntArray
    hh_row0: IntArray


@dataclass(frozen=True)
class Filings:
    """Every filing, sorted by (taxpayer, received day, doc code)."""

    taxpayer: IntArray
    doc: IntArray
    tax_year: IntArray
    received: IntArray
    dp: IntArray
    tp_offset: IntArray

    @property
    def effective(self) -> IntArray:
        """Effective day of each filing (domain §5)."""
        result: IntArray = self.received + np.where(self.doc == DOC_NCOA, 0, PROCESSING_DAYS)
        return result

    def rows_of(self, taxpayer: int) -> slice:
        """The slice of rows belonging to ``taxpayer``."""
        return slice(int(self.tp_offset[taxpayer]), int(self.tp_offset[taxpayer + 1]))


@dataclass(frozen=True)
class LastKnown:
    """Per taxpayer: LKA delivery point (-1: none effective), its as-of day and the LKA
    filing's own effective day."""

    dp: IntArray
    as_of: IntArray
    filing_effective: IntArray


def plan_moves(
    rng: np.random.Generator, spec: WorldSpec, n_households: int, request: date
) -> tuple[IntArray, IntArray]:
    """Moves per household and the household of each timeline row (before dps exist)."""
    span_days = day_number(request) - day_number(date(request.year - spec.history_years, 1, 1))
    moves = rng.poisson(spec.moves_per_year * span_days / 365.25, size=n_households)
    rows_household = np.repeat(np.arange(n_households, dtype=np.int64), moves + 1)
    return moves.astype(np.int64), rows_household


def build_timeline(
    rng: np.random.Generator,
    spec: WorldSpec,
    moves: IntArray,
    rows_household: IntArray,
    dps: IntArray,
    request: date,
) -> Timeline:
    """Assign move days and delivery points (``dps``, one per row, all distinct)."""
    start_window = day_number(date(request.year - spec.history_years, 1, 1))
    end = day_number(request)
    n_rows = len(rows_household)
    hh_row0 = np.r_[0, np.cumsum(moves + 1)[:-1]].astype(np.int64)
    first = np.zeros(n_rows, dtype=bool)
    first[hh_row0] = True
    day = np.where(first, start_window - 3650, rng.integers(start_window, end, size=n_rows))
    order = np.lexsort((day, rows_household))
    return Timeline(rows_household[order], day[order].astype(np.int64), dps, hh_row0)


def _address_at(timeline: Timeline, household: IntArray, day: IntArray) -> IntArray:
    """Delivery point where ``household`` lives on ``day``."""
    big = np.int64(1 << 24)
    keys = timeline.household * big + (timeline.start - timeline.start.min())
    probe = household * big + (day - timeline.start.min())
    pos = np.searchsorted(keys, probe, side="right") - 1
    result: IntArray = timeline.dp[np.maximum(pos, timeline.hh_row0[household])]
    return result


def build_filings(
    rng: np.random.Generator, spec: WorldSpec, pop: Population, timeline: Timeline, request: date
) -> Filings:
    """Returns, FORM_8822 notices and NCOA updates of every taxpayer."""
    end = day_number(request)
    years = np.arange(request.year - spec.history_years, request.year, dtype=np.int64)
    n, n_years = pop.n, len(years)
    first_year = np.where(rng.random(n) < spec.late_start_rate, rng.integers(0, n_years, size=n), 0)
    files = (rng.random((n, n_years)) < spec.return_filing_rate) & (
        np.arange(n_years)[None, :] >= first_year[:, None]
    )
    # Everyone files at least once: the year they start.
    files[np.arange(n), first_year] |= ~files.any(axis=1)
    tp, year_idx = np.nonzero(files)
    tp = tp.astype(np.int64)
    year = years[year_idx]
    jan1 = np.asarray([day_number(date(int(y) + 1, 1, 1)) for y in years])[year_idx]
    received = jan1 + rng.integers(20, 105, size=len(tp))
    extension = rng.random(len(tp)) < 0.07
    received = np.where(extension, jan1 + rng.integers(200, 290, size=len(tp)), received)
    late_filer = rng.random(n) < spec.late_filer_rate
    late = late_filer[tp] & (rng.random(len(tp)) < spec.late_return_rate)
    received = np.where(late, received + rng.integers(365, 3 * 365, size=len(tp)), received)
    keep = received <= end
    # A taxpayer whose only returns arrive after the snapshot keeps one, received earlier.
    lost = np.ones(n, dtype=bool)
    lost[tp[keep]] = False
    rescue = lost[tp] & (np.r_[True, tp[1:] != tp[:-1]])
    received = np.where(
        rescue, np.minimum(received, end - rng.integers(1, 400, size=len(tp))), received
    )
    keep |= rescue
    tp, year, received = tp[keep], year[keep], received[keep]

    move_rows = np.flatnonzero(np.r_[False, timeline.household[1:] == timeline.household[:-1]])
    move_hh = timeline.household[move_rows]
    members = pop.hh_size[move_hh]
    notice_tp = np.repeat(pop.hh_first[move_hh], members) + _ranks(members)
    notice_day = np.repeat(timeline.start[move_rows], members)
    notice_dp = np.repeat(timeline.dp[move_rows], members)
    k = len(notice_tp)
    f8822 = rng.random(k) < spec.form_8822_rate
    ncoa = rng.random(k) < spec.ncoa_rate
    f_day = notice_day + rng.integers(5, 60, size=k)
    n_day = notice_day + rng.integers(20, 120, size=k)
    f8822 &= f_day <= end
    ncoa &= n_day <= end

    all_tp = np.concatenate([tp, notice_tp[f8822], notice_tp[ncoa]])
    doc = np.concatenate(
        [
            np.full(len(tp), DOC_RETURN),
            np.full(int(f8822.sum()), DOC_8822),
            np.full(int(ncoa.sum()), DOC_NCOA),
        ]
    ).astype(np.int64)
    tax_year = np.concatenate([year, np.full(int(f8822.sum() + ncoa.sum()), -1)]).astype(np.int64)
    all_received = np.concatenate([received, f_day[f8822], n_day[ncoa]]).astype(np.int64)
    dp = np.concatenate(
        [
            _address_at(timeline, pop.household[tp], received),
            notice_dp[f8822],
            notice_dp[ncoa],
        ]
    )
    order = np.lexsort((tax_year, doc, all_received, all_tp))
    all_tp = all_tp[order]
    offsets = np.searchsorted(all_tp, np.arange(n + 1)).astype(np.int64)
    return Filings(all_tp, doc[order], tax_year[order], all_received[order], dp[order], offsets)


def _ranks(sizes: IntArray) -> IntArray:
    """``0..size-1`` for each size, concatenated."""
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    result: IntArray = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(starts, sizes)
    return result


def last_known(filings: Filings, n_taxpayers: int, as_of: date) -> LastKnown:
    """The LKA of every taxpayer as of ``as_of`` (domain §5), and since when it holds.

    The as-of day is when the address *became* the LKA: the effective day of the first
    filing of the unbroken run of LKA filings at that delivery point.
    """
    day = day_number(as_of)
    eff = filings.effective
    eligible = np.flatnonzero(eff <= day)
    tp = filings.taxpayer[eligible]
    order = np.lexsort(
        (DOC_PRIORITY[filings.doc[eligible]], filings.received[eligible], eff[eligible], tp)
    )
    rows = eligible[order]
    tp, dp, e = filings.taxpayer[rows], filings.dp[rows], eff[rows]
    new_run = np.r_[True, (tp[1:] != tp[:-1]) | (dp[1:] != dp[:-1])]
    run_start = e[np.flatnonzero(new_run)][np.cumsum(new_run) - 1]
    last = np.r_[tp[1:] != tp[:-1], True]
    result_dp = np.full(n_taxpayers, -1, dtype=np.int64)
    result_as_of = np.full(n_taxpayers, -1, dtype=np.int64)
    result_eff = np.full(n_taxpayers, -1, dtype=np.int64)
    result_dp[tp[last]] = dp[last]
    result_as_of[tp[last]] = run_start[last]
    result_eff[tp[last]] = e[last]
    return LastKnown(result_dp, result_as_of, result_eff)
