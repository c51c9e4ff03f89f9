"""Evaluate a comparison's levels on two records' features, as Splink would, in DuckDB."""

from __future__ import annotations

from typing import Any

import duckdb

from taxgate.matching.features import name_features
from taxgate.standardise.names import standardise_name


def level_of(comparison: Any, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the first level whose SQL condition holds for ``left`` × ``right``."""
    columns = {f"{k}_l": v for k, v in left.items()} | {f"{k}_r": v for k, v in right.items()}
    names = list(columns)
    select = ", ".join(f"${i + 1} AS {name}" for i, name in enumerate(names))
    con = duckdb.connect()
    try:
        for level in comparison.get_comparison("duckdb").comparison_levels:
            if level.sql_condition == "ELSE":
                return str(level.label_for_charts)
            sql = f"SELECT ({level.sql_condition}) FROM (SELECT {select})"
            row = con.execute(sql, [columns[n] for n in names]).fetchone()
            if row is not None and row[0]:
                return str(level.label_for_charts)
    finally:
        con.close()
    raise AssertionError("no ELSE level")


def given(first: str, last: str = "RUIZ") -> dict[str, Any]:
    """The name features of FIRST LAST."""
    return name_features(standardise_name(first, None, last, None))


def surname(last: str, first: str = "ELENA") -> dict[str, Any]:
    """The name features of FIRST LAST, for a surname comparison."""
    return name_features(standardise_name(first, None, last, None))


def name(text: str) -> dict[str, Any]:
    """``FIRST [MIDDLE] | LAST [| SUFFIX]`` into the name features of one side."""
    fields = [f.strip() for f in text.split("|")]
    first, _, middle = fields[0].partition(" ")
    suffix = fields[2] if len(fields) > 2 else None
    return name_features(standardise_name(first, middle or None, fields[1], suffix))
