"""Last known addresses for chosen taxpayers, from the store (domain §5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from taxgate.master.last_known_address import lka_sql
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
        store.execute(
            "CREATE OR REPLACE TEMP VIEW lka_filings AS "
            "SELECT f.* FROM filings AS f JOIN lka_tins USING (tin)"
        )
        rows = store.fetchall(
            f"""
            SELECT l.tin, a.usps_street, a.usps_unit, a.usps_city, a.usps_state, a.usps_zip,
                   l.lka_since, l.doc_type, l.received_date
            FROM ({lka_sql("lka_filings", address_col="point_address_id")}) AS l
            JOIN master_addresses AS a ON a.address_id = l.point_address_id
            ORDER BY l.tin
            """,
            {"as_of": as_of},
        )
    finally:
        store.unregister("lka_tins")
    return {
        str(tin): LastKnownAddress(
            street=street or "",
            unit=unit or "",
            city=city or "",
            state=state or "",
            zip=zip_code or "",
            as_of=effective,
            doc_type=str(doc_type),
            received_date=received,
        )
        for tin, street, unit, city, state, zip_code, effective, doc_type, received in rows
    }
