"""The data contract's column names (``/work/shared/spec/data-contract.md`` §2, §3), the synth
package's own copy.

The generator and the scorer read and write files by the contract, never through the system's
readers: an independent measurement imports nothing of what it measures. A test checks that
these tuples equal the readers' (``taxgate.intake.readers``, ``taxgate.disclosure.response``).
"""

from __future__ import annotations

from typing import Final

SPLIT_ADDRESS_COLUMNS: Final = ("street", "unit", "city", "state", "zip")
"""The split address columns of a request (contract §2)."""

LINE_ADDRESS_COLUMN: Final = "address"
"""The one-line address column of a request (contract §2)."""

REQUEST_COLUMNS: Final = (
    "request_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    *SPLIT_ADDRESS_COLUMNS,
    LINE_ADDRESS_COLUMN,
    "tin",
    "date_of_birth",
    "alien_number",
    "officer",
    "removal_order_date",
    "statute",
    "reason",
    "taxable_periods",
)
"""Every request column, in contract order."""

RESPONSE_COLUMNS: Final = (
    "request_id",
    "outcome",
    "reason_codes",
    "street",
    "unit",
    "city",
    "state",
    "zip",
    "address_as_of",
)
"""The columns of ``response.csv`` (contract §3)."""


FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""A response cell beginning with one of these is written with a leading apostrophe
(contract §3: every CSV is spreadsheet-safe)."""


def restore_cell(cell: str) -> str:
    """A response cell as the system meant it: the spreadsheet-safe apostrophe taken off."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
