"""The response file (data contract §3) and the internal decisions table.

``DISCLOSED`` gives the last known address and nothing else (§6103(i)(2)(C)). ``REJECTED``
carries reason codes about the request itself. ``NOT_DISCLOSED`` is uniform: no match,
ambiguity, pending review, a §6103(i)(6) withhold and a legal hold all look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from taxgate.spreadsheet_csv import rows_to_csv

RESPONSE_COLUMNS = (
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


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """One row of the response, exactly the contract's columns."""

    request_id: str
    outcome: str
    reason_codes: str = ""
    street: str = ""
    unit: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    address_as_of: str = ""

    def as_tuple(self) -> tuple[str, ...]:
        return (
            self.request_id,
            self.outcome,
            self.reason_codes,
            self.street,
            self.unit,
            self.city,
            self.state,
            self.zip,
            self.address_as_of,
        )


def not_disclosed(request_id: str) -> ResponseRow:
    """The uniform non-disclosure: nothing but the id and the outcome."""
    return ResponseRow(request_id, "NOT_DISCLOSED")


def rejected(request_id: str, codes: Sequence[str]) -> ResponseRow:
    """A defective request, with its codes in a stable order."""
    return ResponseRow(request_id, "REJECTED", ";".join(codes))


def response_csv(rows: Sequence[ResponseRow]) -> bytes:
    """The response file's bytes: header, then one row per request in request order.

    Spreadsheet-safe (data contract §4): a cell that would begin with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return, such as a requester's id ``=HYPERLINK(...)``, is
    written with a leading apostrophe.
    """
    return rows_to_csv(RESPONSE_COLUMNS, (row.as_tuple() for row in rows)).encode("utf-8")
