"""Tables of the ledger commands, laid out to be read at 80 columns.

A batch id (36 characters), a timestamp and an address cannot share one line of 80 with
five other columns: Rich would squeeze every column to a few letters. So what is the same
for many rows (the batch, its requester, the statute) goes into a table's title, days are
shown without their time, and only the address wraps. On a wide terminal the same tables
simply have room to spare.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table

from taxgate.ledger.accounting import AgencyStatistics, DisclosureRecord
from taxgate.ledger.hold import HoldRecord
from taxgate.plural import counted


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")


def disclosure_tables(records: Sequence[DisclosureRecord]) -> list[Table]:
    """One table per batch and requester: entry, day, request, TIN, address, as of."""
    groups: dict[tuple[str, str], list[DisclosureRecord]] = {}
    for r in records:
        groups.setdefault((r.batch_id, r.requester), []).append(r)
    tables = []
    for (batch_id, requester), rows in groups.items():
        statutes = sorted({r.statute for r in rows})
        one_statute = len(statutes) == 1
        under = f" under {statutes[0]}" if one_statute and statutes[0] else ""
        table = _table(
            f"batch {batch_id}: {counted(len(rows), 'disclosure')} to {requester}{under}"
        )
        table.add_column("entry", justify="right", no_wrap=True)
        table.add_column("logged", no_wrap=True)
        table.add_column("request", overflow="fold")
        if not one_statute:
            table.add_column("statute", overflow="fold")
        table.add_column("TIN", no_wrap=True)
        table.add_column("address", overflow="fold", ratio=1, min_width=16)
        table.add_column("as of", no_wrap=True)
        recalls = any(r.recall_id for r in rows)
        if recalls:
            table.add_column("recalled", overflow="fold")
        for r in rows:
            a = {k: str(r.address.get(k) or "") for k in ("street", "unit", "city", "state", "zip")}
            parts = [a["street"], a["unit"], a["city"], f"{a['state']} {a['zip']}".strip()]
            cells = [str(r.index), r.logged_at[:10], r.request_id]
            if not one_statute:
                cells.append(r.statute)
            cells += [r.tin, ", ".join(p for p in parts if p), r.as_of]
            if recalls:
                cells.append(r.recall_id or "")
            table.add_row(*cells)
        tables.append(table)
    return tables


def statistics_tables(stats: Sequence[AgencyStatistics]) -> list[Table]:
    """One two-column table per requesting agency (§6103(p)(3)(C) figures)."""
    tables = []
    for s in stats:
        table = _table(f"6103(p)(3)(C) statistics, {s.year}: {s.requester}")
        table.add_column("figure", no_wrap=True)
        table.add_column("value", overflow="fold", ratio=1)
        for label, value in (
            ("requests", f"{s.requests:,}"),
            ("instances of disclosure", f"{s.instances_disclosed:,}"),
            ("taxpayers affected", f"{s.taxpayers_affected:,}"),
            ("batches received", f"{s.batches:,}"),
            ("batches refused", f"{s.batches_refused:,}"),
            ("disclosures recalled", f"{s.recalled:,}"),
            ("purposes (statutes)", "; ".join(s.purposes) or "none"),
        ):
            table.add_row(label, value)
        tables.append(table)
    return tables


def holds_table(holds: Sequence[HoldRecord]) -> Table:
    """Every legal hold: its id, requester, order, when set, and whether still in force."""
    table = _table(f"legal holds ({len(holds):,})")
    table.add_column("hold", no_wrap=True)
    table.add_column("requester", overflow="fold")
    table.add_column("order", overflow="fold", ratio=1)
    table.add_column("set", no_wrap=True)
    table.add_column("state", overflow="fold", ratio=1)
    for h in holds:
        state = (
            "in force"
            if h.active
            else f"lifted {str(h.lifted_at or '')[:10]} by {h.lift_order_ref or '?'} "
            f"(entry {h.lifted_entry})"
        )
        table.add_row(
            h.hold_id, h.requester, h.order_ref, f"{h.set_at[:10]} (entry {h.set_entry})", state
        )
    return table
