"""How often taxpayers have a second given name, and how often one who has it leaves it off a
return: estimated from the master's own filings when the model is trained.

The name channel weighs a second given name that the request wrote and the taxpayer left out
of every filing (:func:`taxgate.matching.name_channel.never_written_bits`). That weight rests
on two population rates, which differ between filing populations (forms that ask for a middle
initial, cultures with two given names, a register that drops them). Each taxpayer's filings
are a labelled sample of both: of ``n`` filings, ``k`` wrote a second given name. With
``h`` the share of people who have one and ``o`` the chance that a filing leaves it out:

* ``k = 0``: ``(1 - h) + h * o**n`` (no second name, or left out every time);
* ``k >= 1``: ``h * C(n, k) * (1 - o)**k * o**(n - k)``.

Taxpayers with one filing tell only ``h * (1 - o)``; repeat filers separate the two. The
estimate is the maximum of the likelihood times a prior (Beta pseudo-counts centred on the
stated population rates), so a master of single filers, or an empty one, keeps the stated
rates, and a large master speaks for itself. Nothing here reads a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

# The stated population rates (the prior's centre): three in four people have a second
# given name; one who has it leaves it off a return half the time (Form 1040 asks only for a
# middle initial, and many leave it blank).
PRIOR_MIDDLE_NAME_SHARE = 0.75
PRIOR_MIDDLE_OMITTED_PER_FILING = 0.5
# How many taxpayers' worth of evidence the prior counts as, for each rate.
PRIOR_WEIGHT = 200.0
# The grid the estimate is searched on (both rates stay inside (0, 1)).
_GRID = np.linspace(0.01, 0.99, 99)
# Filings beyond this many tell nothing more about either rate (o**n is ~0 already).
MAX_FILINGS = 40


@dataclass(frozen=True)
class MiddleRates:
    """The share of people with a second given name, and the chance a filing omits it."""

    has_middle: float = PRIOR_MIDDLE_NAME_SHARE
    omitted_per_filing: float = PRIOR_MIDDLE_OMITTED_PER_FILING

    def as_dict(self) -> dict[str, float]:
        return {
            "middle_name_share": round(self.has_middle, 4),
            "middle_omitted_per_filing": round(self.omitted_per_filing, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, float] | None) -> MiddleRates:
        """The rates a saved model carries; a model saved before they existed has the prior."""
        if not data:
            return cls()
        return cls(float(data["middle_name_share"]), float(data["middle_omitted_per_filing"]))


# The prior's centre as rates: what a model carries when the master tells nothing.
STATED_RATES = MiddleRates()


def estimate_middle_rates(counts: Iterable[tuple[int, int, int]]) -> MiddleRates:
    """The rates that best explain ``counts``: (filings ``n``, filings with a second given name
    ``k``, how many taxpayers filed so), with the prior. Deterministic for given counts."""
    cells: dict[tuple[int, int], float] = {}
    for n, k, taxpayers in counts:
        if n < 1 or taxpayers < 1:
            continue
        key = _capped(int(n), min(max(int(k), 0), int(n)))
        cells[key] = cells.get(key, 0.0) + float(taxpayers)
    h = _GRID[:, None]
    o = _GRID[None, :]
    log_post = _log_prior(h, PRIOR_MIDDLE_NAME_SHARE) + _log_prior(
        o, PRIOR_MIDDLE_OMITTED_PER_FILING
    )
    for (n, k), weight in sorted(cells.items()):
        if k == 0:
            log_post = log_post + weight * np.log((1 - h) + h * o**n)
        else:
            log_post = log_post + weight * (np.log(h) + k * np.log(1 - o) + (n - k) * np.log(o))
    i, j = np.unravel_index(int(np.argmax(log_post)), log_post.shape)
    return MiddleRates(round(float(_GRID[i]), 4), round(float(_GRID[j]), 4))


def _capped(n: int, k: int) -> tuple[int, int]:
    """(n, k) scaled down to MAX_FILINGS filings, keeping whether any wrote the name."""
    if n <= MAX_FILINGS:
        return n, k
    scaled = round(k * MAX_FILINGS / n)
    return MAX_FILINGS, max(scaled, 1) if k else 0


def _log_prior(x: np.ndarray, centre: float) -> np.ndarray:
    """Beta(PRIOR_WEIGHT * centre, PRIOR_WEIGHT * (1 - centre)), up to a constant."""
    result: np.ndarray = PRIOR_WEIGHT * (centre * np.log(x) + (1 - centre) * np.log(1 - x))
    return result
