"""The last known address that was, or would be, disclosed for a request, and its filing.

A disclosed address is read as it was recorded (the decisions row, or the approved review's
row); an address not disclosed is looked up now, as of the batch's as-of day, in the master
file loaded now. The filing it comes from is named in plain words, with why that filing
(:func:`taxgate.app.explain.words.lka_words`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from taxgate.app.explain.model import AddressView
from taxgate.app.explain.words import effective_day, lka_words
from taxgate.ledger.hold import has_table
from taxgate.master.last_known_address import effective_date_sql
from taxgate.master.lookup import LastKnownAddress, last_known_addresses
from taxgate.store import Store

DISCLOSED = "disclosed"
DISCLOSED_AFTER_REVIEW = "disclosed after review"
WOULD_BE_DISCLOSED = "would be disclosed"


def stored_lka(columns: Sequence[str | None]) -> LastKnownAddress | None:
    """An LKA from the ``lka_*`` columns of a decisions or reviews row (street, unit, city,
    state, zip, as_of, source), or None when the row holds none."""
    street, unit, city, state, zip_code, since, source = columns
    if not since or not source:
        return None
    doc_type, _, received = source.partition(":")
    return LastKnownAddress(
        street=street or "",
        unit=unit or "",
        city=city or "",
        state=state or "",
        zip=zip_code or "",
        as_of=date.fromisoformat(since),
        doc_type=doc_type,
        received_date=date.fromisoformat(received),
    )


def current_lka(store: Store, tin: str, as_of: date) -> LastKnownAddress | None:
    """The taxpayer's LKA as of ``as_of`` in the master file loaded now, if any."""
    if not has_table(store, "filings"):
        return None
    return last_known_addresses(store, [tin], as_of).get(tin)


def filing_year_sql() -> str:
    """The tax year of one filing (params: tin, doc type, day received)."""
    return """SELECT tax_year FROM filings WHERE tin = ? AND doc_type = ? AND received_date = ?
              ORDER BY filing_id DESC LIMIT 1"""


def pending_filings_sql() -> str:
    """A taxpayer's filings received by the as-of day but not in effect on it (params: tin,
    as-of day, as-of day)."""
    effective = effective_date_sql("doc_type", "received_date")
    return f"""SELECT doc_type, received_date FROM filings
               WHERE tin = ? AND received_date <= CAST(? AS DATE)
                 AND CAST({effective} AS DATE) > CAST(? AS DATE)
               ORDER BY received_date, filing_id"""


def address_view(
    store: Store, lka: LastKnownAddress, *, status: str, tin: str | None, as_of: date
) -> AddressView:
    """The address, where it comes from and why that filing."""
    tax_year: str | None = None
    later: tuple[tuple[str, date], ...] = ()
    if tin and has_table(store, "filings"):
        row = store.fetchone(filing_year_sql(), [tin, lka.doc_type, lka.received_date])
        tax_year = None if row is None or row[0] is None else str(row[0])
        pending = store.fetchall(pending_filings_sql(), [tin, as_of, as_of])
        later = tuple((str(kind), received) for kind, received in pending)
    words = lka_words(
        status=status,
        doc_type=lka.doc_type,
        tax_year=tax_year,
        received=lka.received_date,
        since=lka.as_of,
        as_of=as_of,
        later=later,
    )
    return AddressView(
        status=status,
        street=lka.street,
        unit=lka.unit,
        city=lka.city,
        state=lka.state,
        zip=lka.zip,
        since=lka.as_of.isoformat(),
        filing=lka.doc_type,
        tax_year=tax_year,
        received=lka.received_date.isoformat(),
        effective=effective_day(lka.doc_type, lka.received_date).isoformat(),
        words=words,
    )
