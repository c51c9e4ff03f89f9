"""Row checks for the master file (data contract §1), as SQL over staged tables.

Bad rows are reported (table, row, field, problem) and left out of the load; they never fail
it. Problems never quote the offending value: the master file is return information.
"""

from __future__ import annotations

TAXPAYER_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("tin", "tin IS NULL OR NOT regexp_full_match(tin, '[0-9]{9}')", "not 9 digits"),
    ("tin_type", "tin_type IS NULL OR tin_type NOT IN ('SSN', 'ITIN')", "not SSN or ITIN"),
    (
        "date_of_birth",
        "date_of_birth IS NOT NULL AND TRY_CAST(date_of_birth AS DATE) IS NULL",
        "not an ISO date",
    ),
    ("tin", "count(*) OVER (PARTITION BY tin) > 1", "TIN appears on more than one row"),
)

FILING_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("tin", "tin IS NULL OR NOT regexp_full_match(tin, '[0-9]{9}')", "not 9 digits"),
    ("tin", "tin NOT IN (SELECT tin FROM good_taxpayers)", "no such taxpayer"),
    (
        "doc_type",
        "doc_type IS NULL OR doc_type NOT IN ('RETURN', 'FORM_8822', 'NCOA')",
        "not RETURN, FORM_8822 or NCOA",
    ),
    ("received_date", "TRY_CAST(received_date AS DATE) IS NULL", "missing or not an ISO date"),
    (
        "tax_year",
        "doc_type = 'RETURN' AND (tax_year IS NULL OR NOT regexp_full_match(tax_year, '[0-9]{4}'))",
        "a RETURN needs a 4-digit tax year",
    ),
)


def problems_sql(table: str, checks: tuple[tuple[str, str, str], ...]) -> str:
    """One row per (row, field) problem of ``table`` (a staged table with a ``row`` column)."""
    parts = [
        f"SELECT '{field}' AS field, row, '{problem}' AS problem "
        f"FROM (SELECT *, ({condition}) AS bad FROM {table}) WHERE bad"
        for field, condition, problem in checks
    ]
    return " UNION ALL ".join(parts)
