"""Last known addresses for chosen taxpayers, from the store (domain §5).

The LKA is a delivery point (:mod:`taxgate.master.points`): the taxpayer's filings may
write that one mailbox in several forms (``APT 5`` / ``# 5`` / ``UNIT 5``, ``12345`` /
``12345-6789``). The answer is the point's representative form, completed from the
taxpayer's own other forms of that point, as USPS address standardisation would complete it
(:func:`completed_unit`, :func:`completed_zip`): the designator written most often, when
the representative gives only ``#``, and the ZIP+4 written most often, when it gives only
the ZIP. Only filings effective by the as-of day count, so an answer as of a past day never
uses a later filing. Nothing is taken from another taxpayer's filings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from taxgate.master.last_known_address import effective_date_sql, lka_sql
from taxgate.store import Store


@dataclass(frozen=True, slots=True)
class LastKnownAddress:
    """The LKA in USPS form, the day it became the LKA, and the filing it came from."""

    street: str
    unit: str
    city: str
    state: str
    zip: str
    as_of: date
    doc_type: str
    received_date: date

    def address_fields(self) -> dict[str, str]:
        """The disclosed address as the ledger's DISCLOSURE record holds it."""
        return {
            "street": self.street,
            "unit": self.unit,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
        }


def lka_columns(lka: LastKnownAddress | None) -> dict[str, str | None]:
    """The ``lka_*`` columns of a decisions or reviews row (all None without an LKA)."""
    if lka is None:
        return dict.fromkeys(
            (
                "lka_street",
                "lka_unit",
                "lka_city",
                "lka_state",
                "lka_zip",
                "lka_as_of",
                "lka_source",
            )
        )
    return {
        "lka_street": lka.street,
        "lka_unit": lka.unit,
        "lka_city": lka.city,
        "lka_state": lka.state,
        "lka_zip": lka.zip,
        "lka_as_of": lka.as_of.isoformat(),
        "lka_source": f"{lka.doc_type}:{lka.received_date.isoformat()}",
    }


def last_known_addresses(
    store: Store, tins: Iterable[str], as_of: date
) -> dict[str, LastKnownAddress]:
    """The LKA of each TIN as of ``as_of``; TINs with no effective filing are absent."""
    wanted = sorted(set(tins))
    if not wanted:
        return {}
    store.register("lka_tins", pa.table({"tin": pa.array(wanted, pa.string())}))
    try:
        store.execute(_lka_filings_view_sql())
        rows = store.fetchall(_lka_with_forms_sql(), {"as_of": as_of})
    finally:
        store.unregister("lka_tins")
    out = {}
    for tin, street, unit, city, state, zip_code, effective, doc_type, received, structs in rows:
        forms = _forms(structs)
        out[str(tin)] = LastKnownAddress(
            street=street or "",
            unit=completed_unit(unit or "", forms),
            city=city or "",
            state=state or "",
            zip=completed_zip(zip_code or "", forms),
            as_of=effective,
            doc_type=str(doc_type),
            received_date=received,
        )
    return out


def _lka_filings_view_sql() -> str:
    """The wanted taxpayers' filings, each with the building its form names (house number,
    street name, ZIP or else city and state) and whether the form left out the unit."""
    return """
    CREATE OR REPLACE TEMP VIEW lka_filings AS
    SELECT f.*,
           coalesce(a.house_key, '') || '|' || coalesce(a.street_name, '') || '|'
               || coalesce(a.zip5, coalesce(a.city, '') || ' ' || coalesce(a.state, ''))
               AS lka_building,
           a.unit_number IS NULL AS lka_unitless
    FROM filings AS f JOIN lka_tins USING (tin)
    JOIN master_addresses AS a USING (address_id)
    """


def _lka_with_forms_sql() -> str:
    """Each LKA with the unit and ZIP of every form of its point the taxpayer filed by the
    as-of day (``forms``: a list of (unit, zip, filings, last received) structs)."""
    effective = effective_date_sql("f.doc_type", "f.received_date")
    return f"""
    WITH l AS ({
        lka_sql(
            "lka_filings",
            address_col="point_address_id",
            building_cols=("lka_building", "lka_unitless"),
        )
    }),
    forms AS (
        SELECT f.tin, a.usps_unit AS unit, a.usps_zip AS zip, count(*) AS n,
               max(f.received_date) AS last
        FROM lka_filings AS f
        JOIN l ON l.tin = f.tin AND l.point_address_id = f.point_address_id
        JOIN master_addresses AS a ON a.address_id = f.address_id
        WHERE CAST({effective} AS DATE) <= CAST($as_of AS DATE)
        GROUP BY f.tin, a.usps_unit, a.usps_zip
    ),
    grouped AS (
        SELECT tin,
               list({{'unit': unit, 'zip': zip, 'n': n, 'last': last}} ORDER BY unit, zip)
                   AS forms
        FROM forms GROUP BY tin
    )
    SELECT l.tin, a.usps_street, a.usps_unit, a.usps_city, a.usps_state, a.usps_zip,
           l.lka_since, l.doc_type, l.received_date, g.forms
    FROM l
    JOIN master_addresses AS a ON a.address_id = l.point_address_id
    JOIN grouped AS g ON g.tin = l.tin
    ORDER BY l.tin
    """


Form = tuple[str | None, str | None, int, date]  # unit, ZIP, filings, last received


def completed_unit(unit: str, forms: Sequence[Form]) -> str:
    """The unit with the designator the taxpayer wrote most often for this unit number.

    ``#`` is USPS's sign for a unit whose designator is not known; a form that names it
    (``APT``, ``STE``) says more. The representative's own designator stays unless it is
    ``#``. Ties go to the designator written last, then alphabetically.

    Example:
        >>> d = date(2024, 1, 1)
        >>> forms = [("# 5", None, 3, d), ("APT 5", None, 2, d), ("UNIT 5", None, 1, d)]
        >>> completed_unit("# 5", forms)
        'APT 5'
        >>> completed_unit("UNIT 5", [("APT 5", None, 4, d)]), completed_unit("", [])
        ('UNIT 5', '')
    """
    designator, _, number = unit.partition(" ")
    if designator != "#" or not number:
        return unit
    named = []
    for other, _zip, n, last in forms:
        other_designator, _, other_number = (other or "").partition(" ")
        if other_number == number and other_designator not in ("", "#"):
            named.append((other_designator, n, last))
    best = _most_written(named)
    return unit if best is None else f"{best} {number}"


def completed_zip(zip_code: str, forms: Sequence[Form]) -> str:
    """The ZIP with the ZIP+4 the taxpayer wrote most often for this ZIP at this point.

    Example:
        >>> d = date(2024, 1, 1)
        >>> completed_zip("90210", [("", "90210", 5, d), ("", "90210-1234", 2, d)])
        '90210-1234'
        >>> completed_zip("90210-1234", [("", "90210-9999", 9, d)])
        '90210-1234'
    """
    if len(zip_code) != _ZIP5_LENGTH:
        return zip_code
    plus4 = [
        (other, n, last)
        for _unit, other, n, last in forms
        if other and len(other) > _ZIP5_LENGTH and other.startswith(zip_code)
    ]
    best = _most_written(plus4)
    return zip_code if best is None else best


_ZIP5_LENGTH = 5


def _most_written(values: Iterable[tuple[str, int, date]]) -> str | None:
    """The value on the most filings; ties to the one written last, then the greatest."""
    counts: Counter[str] = Counter()
    latest: dict[str, date] = {}
    for value, n, last in values:
        counts[value] += n
        latest[value] = max(last, latest.get(value, last))
    return max(counts, key=lambda v: (counts[v], latest[v], v), default=None)


def _forms(structs: Sequence[dict[str, object]]) -> list[Form]:
    """The forms as tuples (DuckDB returns the named structs as dicts)."""
    out: list[Form] = []
    for struct in structs:
        unit, zip_code, n, last = (struct[k] for k in ("unit", "zip", "n", "last"))
        out.append(
            (
                None if unit is None else str(unit),
                None if zip_code is None else str(zip_code),
                int(str(n)),
                last if isinstance(last, date) else date.fromisoformat(str(last)),
            )
        )
    return out
