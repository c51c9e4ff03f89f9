"""Reading the score table's weight columns: each pair's partial weights are the values
rounded pair by pair, and pairs with the same weights share one mapping."""

from __future__ import annotations

import pyarrow as pa

from taxgate.matching.comparisons import COMPARISON_NAMES
from taxgate.matching.evidence import partial_maps


def scores(rows: list[list[float | None]]) -> pa.Table:
    columns = zip(COMPARISON_NAMES, zip(*rows, strict=True), strict=True)
    return pa.table({f"mw_{c}": pa.array(col, pa.float64()) for c, col in columns})


def pair_by_pair(rows: list[list[float | None]]) -> list[dict[str, float]]:
    return [
        {c: round(float(v or 0.0), 4) for c, v in zip(COMPARISON_NAMES, row, strict=True)}
        for row in rows
    ]


def test_pairs_with_the_same_weights_share_one_mapping_of_the_same_values() -> None:
    width = len(COMPARISON_NAMES)
    same: list[float | None] = [1.23456789, None, *([2.5] * (width - 2))]
    other: list[float | None] = [-7.00004, 0.0, *([2.5] * (width - 2))]
    rows = [same, other, same, list(same)]
    maps = partial_maps(scores(rows))
    assert maps == pair_by_pair(rows)
    assert maps[0] is maps[2] is maps[3]
    assert maps[1] is not maps[0]


def test_a_weight_rounding_to_minus_zero_keeps_its_sign() -> None:
    # round(-0.00001, 4) is -0.0, and a null reads as 0.0: equal numbers, but the stored
    # text of each pair is "-0.0" or "0.0", as it was when each pair was rounded alone.
    width = len(COMPARISON_NAMES)
    rest: list[float | None] = [1.0] * (width - 1)
    rows: list[list[float | None]] = [[-0.00001, *rest], [None, *rest]]
    maps = partial_maps(scores(rows))
    first, second = (repr(m[COMPARISON_NAMES[0]]) for m in maps)
    assert (first, second) == ("-0.0", "0.0")
