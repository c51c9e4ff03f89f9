"""The last known address rule (Treas. Reg. §301.6212-2; Rev. Proc. 2010-16).

The LKA is the address on the most recently filed and properly processed return, unless the
agency has since received clear and concise notification of a different address (Form 8822)
or applied a USPS NCOA change. taxgate's rule over the master file (domain brief §5):

* each filing has an **effective date**: ``RETURN`` and ``FORM_8822`` take effect
  ``received_date + 45 days`` (the processing period, Rev. Proc. 2010-16 §5.02); ``NCOA``
  takes effect on ``received_date`` (when the update was applied);
* as of day D, the LKA is the address of the filing with the latest effective date on or
  before D; ties go to the later ``received_date``, then FORM_8822 over RETURN over NCOA,
  then (a full tie, such as two NCOA updates applied on one day) to the filing recorded
  later in the master file: the file is kept in the order the agency recorded its filings,
  so the later row is the later update. Without this last step a full tie would be decided
  by whatever order a query engine happens to produce, and the same master could give two
  answers.

The same rule exists twice, on purpose and tested against each other: :func:`last_known_address`
over Python values (for explanation and tests), and :func:`lka_sql` for the store, which
applies it to millions of taxpayers at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class DocType(StrEnum):
    """Documents in the master file that carry a name and an address."""

    RETURN = "RETURN"  # an income tax return
    FORM_8822 = "FORM_8822"  # change-of-address notice
    NCOA = "NCOA"  # a USPS National Change of Address update applied by the agency


PROCESSING_DAYS = 45  # Rev. Proc. 2010-16 §5.02: a return is "properly processed" after 45 days

# Tie-break rank: higher wins (FORM_8822 > RETURN > NCOA).
DOC_PRIORITY: dict[DocType, int] = {DocType.FORM_8822: 3, DocType.RETURN: 2, DocType.NCOA: 1}


def effective_date(doc_type: DocType, received: date) -> date:
    """The day a filing's address becomes eligible to be the last known address."""
    if doc_type is DocType.NCOA:
        return received
    return received + timedelta(days=PROCESSING_DAYS)


@dataclass(frozen=True, slots=True)
class FilingRef:
    """A filing as the LKA rule sees it: its kind, receipt date and an opaque address id."""

    doc_type: DocType
    received: date
    address_id: str
    seq: int = 0  # position in the master file (``filings.filing_id``): later rows win ties
    building: str = ""  # the building the form names (house, street, ZIP); "" unknown
    unitless: bool = False  # the form names the building without a unit

    def continues(self, current: FilingRef) -> bool:
        """Whether this filing, at another form than ``current``'s, only left out the unit
        of ``current``'s building (domain §5: a filing that left out the unit does not
        replace the complete form): it neither confirms nor ends ``current``'s run."""
        return (
            self.unitless
            and not current.unitless
            and self.building != ""
            and self.building == current.building
        )

    @property
    def effective(self) -> date:
        return effective_date(self.doc_type, self.received)

    def rank(self) -> tuple[date, date, int, int]:
        """Sort key: later effective date, later receipt, document priority, later row."""
        return (self.effective, self.received, DOC_PRIORITY[self.doc_type], self.seq)


def last_known_address(filings: Iterable[FilingRef], as_of: date) -> FilingRef | None:
    """The filing whose address is the LKA on ``as_of``, or None if none is effective yet.

    Example:
        >>> r = FilingRef(DocType.RETURN, date(2024, 4, 1), "A")
        >>> n = FilingRef(DocType.NCOA, date(2024, 6, 1), "B")
        >>> last_known_address([r, n], date(2024, 5, 1)) is None  # return effective 16 May
        True
        >>> last_known_address([r, n], date(2024, 5, 20)).address_id
        'A'
        >>> last_known_address([r, n], date(2024, 6, 1)).address_id
        'B'
    """
    eligible = [f for f in filings if f.effective <= as_of]
    if not eligible:
        return None
    return max(eligible, key=FilingRef.rank)


def lka_since(filings: Iterable[FilingRef], as_of: date) -> date | None:
    """The day the current LKA's address *became* the LKA (the response's ``address_as_of``).

    Later filings at the same address re-confirm the LKA without changing when it began:
    walk back through the LKA's succession (filings in rank order) while the address stays
    the same, and return the effective date of the first filing of that run. A filing that
    only left out the unit of the LKA's building (:meth:`FilingRef.continues`) is passed
    over: it neither confirms the run nor ends it.
    """
    eligible = sorted((f for f in filings if f.effective <= as_of), key=FilingRef.rank)
    if not eligible:
        return None
    current = eligible[-1]
    since = current.effective
    for filing in reversed(eligible):
        if filing.address_id != current.address_id:
            if filing.continues(current):
                continue
            break
        since = filing.effective
    return since


def effective_date_sql(doc_type_col: str, received_col: str) -> str:
    """SQL expression of :func:`effective_date` over fixed column names (never input)."""
    return (
        f"CASE WHEN {doc_type_col} = 'NCOA' THEN {received_col} "
        f"ELSE {received_col} + INTERVAL {PROCESSING_DAYS} DAY END"
    )


def doc_priority_sql(doc_type_col: str) -> str:
    """SQL expression of :data:`DOC_PRIORITY`."""
    cases = " ".join(f"WHEN '{d.value}' THEN {p}" for d, p in DOC_PRIORITY.items())
    return f"CASE {doc_type_col} {cases} ELSE 0 END"


def lka_sql(
    filings_table: str,
    *,
    key_col: str = "tin",
    address_col: str = "address_id",
    seq_col: str = "filing_id",
    building_cols: tuple[str, str] | None = None,
) -> str:
    """SQL selecting, per ``key_col``, the LKA filing row as of the bound parameter ``$as_of``.

    ``filings_table`` must have ``doc_type`` (VARCHAR), ``received_date`` (DATE),
    ``address_col`` and ``seq_col`` (the row's position in the master file) columns, and,
    where ``building_cols`` names them, a building key (VARCHAR, "" unknown) and whether the
    form left out the unit (BOOLEAN) (:meth:`FilingRef.continues`). The result has every
    column of the table plus ``effective_date`` and ``lka_since`` (see :func:`lka_since`).
    """
    eff = effective_date_sql("doc_type", "received_date")
    prio = doc_priority_sql("doc_type")
    continues = "FALSE"
    if building_cols is not None:
        building, unitless = building_cols
        continues = (
            f"(r.{unitless} AND NOT c.{unitless} AND r.{building} <> '' "
            f"AND r.{building} = c.{building})"
        )
    return f"""
        WITH ranked AS (
            SELECT f.*, CAST({eff} AS DATE) AS effective_date,
                   row_number() OVER (
                       PARTITION BY {key_col}
                       ORDER BY CAST({eff} AS DATE) DESC, received_date DESC, {prio} DESC,
                                {seq_col} DESC
                   ) AS _rank
            FROM {filings_table} AS f
            WHERE CAST({eff} AS DATE) <= CAST($as_of AS DATE)
        ),
        current AS (SELECT * FROM ranked WHERE _rank = 1),
        first_change AS (
            SELECT r.{key_col}, min(r._rank) AS _break
            FROM ranked AS r JOIN current AS c USING ({key_col})
            WHERE r.{address_col} IS DISTINCT FROM c.{address_col} AND NOT {continues}
            GROUP BY r.{key_col}
        ),
        since AS (
            SELECT r.{key_col}, min(r.effective_date) AS lka_since
            FROM ranked AS r JOIN current AS c USING ({key_col})
            LEFT JOIN first_change AS b USING ({key_col})
            WHERE (b._break IS NULL OR r._rank < b._break)
              AND r.{address_col} IS NOT DISTINCT FROM c.{address_col}
            GROUP BY r.{key_col}
        )
        SELECT c.* EXCLUDE (_rank), s.lka_since
        FROM current AS c JOIN since AS s USING ({key_col})
    """
