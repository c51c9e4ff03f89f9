"""Legal holds on a requester and the §6103(i)(6) withhold list, recorded in the ledger.

A **legal hold** (a court order halting disclosures) stops every disclosure to one requesting
agency until a further order lifts it. The **withhold list** names taxpayers whose disclosure
would identify a confidential informant or seriously impair a tax investigation
(§6103(i)(6)); they are never disclosed, and the response does not say so (domain brief §6).

The run pipeline asks :func:`active_hold` and :func:`withheld_tins`. Setting and lifting go
through the ledger (``HOLD_SET``/``HOLD_LIFTED``, ``WITHHOLD_SET``/``WITHHOLD_LIFTED``) in
the same transaction as the ``legal_holds`` and ``withholds`` rows, and ``verify`` checks
that the tables still agree with those entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from taxgate.errors import InputError, WorkspaceError
from taxgate.ledger.canonical import format_time
from taxgate.ledger.events import EventKind, LedgerEvent
from taxgate.ledger.log import Ledger
from taxgate.store import Store

_TIN_RE = re.compile(r"^\d{3}-?\d{2}-?\d{4}$")


@dataclass(frozen=True)
class HoldRecord:
    """A legal hold on every disclosure to ``requester``; active until ``lifted_entry``."""

    hold_id: str
    requester: str
    order_ref: str
    set_at: str
    set_entry: int
    lift_order_ref: str | None = None
    lifted_at: str | None = None
    lifted_entry: int | None = None

    @property
    def active(self) -> bool:
        """Not lifted yet."""
        return self.lifted_entry is None


@dataclass(frozen=True)
class WithholdRecord:
    """A taxpayer on the §6103(i)(6) withhold list; active until ``lifted_entry``."""

    withhold_id: str
    tin: str
    why: str
    set_at: str
    set_entry: int
    lift_why: str | None = None
    lifted_at: str | None = None
    lifted_entry: int | None = None

    @property
    def active(self) -> bool:
        """Not lifted yet."""
        return self.lifted_entry is None


def normalise_tin(tin: str) -> str:
    """The nine digits of a TIN written ``123-45-6789`` or ``123456789``.

    Raises:
        InputError: it is not a TIN.
    """
    value = tin.strip()
    if not _TIN_RE.match(value):
        raise InputError("a TIN is nine digits, optionally as 123-45-6789", field="tin")
    return value.replace("-", "")


def holds_sql(*, only_active: bool, by_requester: bool) -> str:
    """Select hold rows, oldest first (param: requester, when ``by_requester``)."""
    where = []
    if only_active:
        where.append("lifted_entry IS NULL")
    if by_requester:
        where.append("requester = ?")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return f"""SELECT hold_id, requester, order_ref, set_at, set_entry, lift_order_ref,
                      lifted_at, lifted_entry
               FROM legal_holds {clause} ORDER BY set_entry"""


def withholds_sql(*, only_active: bool, by_tin: bool) -> str:
    """Select withhold rows, oldest first (param: tin, when ``by_tin``)."""
    where = []
    if only_active:
        where.append("lifted_entry IS NULL")
    if by_tin:
        where.append("tin = ?")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return f"""SELECT withhold_id, tin, why, set_at, set_entry, lift_why, lifted_at, lifted_entry
               FROM withholds {clause} ORDER BY set_entry"""


def has_table(store: Store, name: str) -> bool:
    """Whether the store holds table ``name`` (a fixed identifier, bound as a value)."""
    rows = store.fetchall("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])
    return bool(rows[0][0])


def holds(
    store: Store, *, requester: str | None = None, only_active: bool = False
) -> list[HoldRecord]:
    """Legal holds, oldest first, optionally of one requester or only those in force."""
    if not has_table(store, "legal_holds"):
        return []
    params: list[Any] = [] if requester is None else [requester]
    sql = holds_sql(only_active=only_active, by_requester=requester is not None)
    return [HoldRecord(*row) for row in store.fetchall(sql, params)]


def active_hold(store: Store, requester: str) -> HoldRecord | None:
    """The legal hold in force on ``requester`` (the oldest, if several), or None.

    The run pipeline calls this before any disclosure: while it returns a hold, nothing is
    disclosed to that requester.
    """
    active = holds(store, requester=requester, only_active=True)
    return active[0] if active else None


def withholds(
    store: Store, *, tin: str | None = None, only_active: bool = False
) -> list[WithholdRecord]:
    """Withhold-list rows, oldest first, optionally of one TIN or only those in force."""
    if not has_table(store, "withholds"):
        return []
    params: list[Any] = [] if tin is None else [normalise_tin(tin)]
    sql = withholds_sql(only_active=only_active, by_tin=tin is not None)
    return [WithholdRecord(*row) for row in store.fetchall(sql, params)]


def withheld_tins(store: Store) -> set[str]:
    """TINs (nine digits, no dashes) that must not be disclosed under §6103(i)(6)."""
    return {w.tin for w in withholds(store, only_active=True)}


def set_hold(ledger: Ledger, *, requester: str, order_ref: str, now: datetime) -> HoldRecord:
    """Put ``requester`` under a legal hold by court order ``order_ref``.

    Run inside :func:`taxgate.ledger.log.ledger_transaction`, which signs the checkpoint.
    """
    requester, order_ref = _required(requester, "requester"), _required(order_ref, "order")
    store = ledger.store
    with store.transaction():
        hold_id = f"hold-{ledger.size()}"
        attrs = {"hold_id": hold_id, "requester": requester, "order_ref": order_ref}
        entries = ledger.append([LedgerEvent(EventKind.HOLD_SET, attrs=attrs)], now=now)
        record = HoldRecord(hold_id, requester, order_ref, format_time(now), entries[0])
        store.execute(
            """INSERT INTO legal_holds (hold_id, requester, order_ref, set_at, set_entry)
               VALUES (?, ?, ?, ?, ?)""",
            [hold_id, requester, order_ref, record.set_at, record.set_entry],
        )
    return record


def lift_hold(
    ledger: Ledger, *, requester: str, order_ref: str, now: datetime, hold_id: str | None = None
) -> HoldRecord:
    """Lift the hold on ``requester`` by order ``order_ref`` (name ``hold_id`` if several).

    Raises:
        WorkspaceError: no hold is in force, or several are and ``hold_id`` is not given.
    """
    order_ref = _required(order_ref, "order")
    store = ledger.store
    with store.transaction():
        active = holds(store, requester=requester, only_active=True)
        if hold_id is not None:
            active = [h for h in active if h.hold_id == hold_id]
        if not active:
            raise WorkspaceError(f"no legal hold is in force on {requester!r}")
        if len(active) > 1:
            ids = ", ".join(h.hold_id for h in active)
            raise WorkspaceError(
                f"{len(active)} holds are in force on {requester!r}: {ids}",
                hint="name the one the order lifts with --hold-id",
            )
        hold = active[0]
        attrs = {"hold_id": hold.hold_id, "requester": requester, "order_ref": order_ref}
        entries = ledger.append([LedgerEvent(EventKind.HOLD_LIFTED, attrs=attrs)], now=now)
        lifted_at = format_time(now)
        store.execute(
            """UPDATE legal_holds SET lift_order_ref = ?, lifted_at = ?, lifted_entry = ?
               WHERE hold_id = ?""",
            [order_ref, lifted_at, entries[0], hold.hold_id],
        )
    return replace(hold, lift_order_ref=order_ref, lifted_at=lifted_at, lifted_entry=entries[0])


def set_withhold(ledger: Ledger, *, tin: str, why: str, now: datetime) -> WithholdRecord:
    """Put a taxpayer on the §6103(i)(6) withhold list.

    The TIN and the reason go to the entry's record, never into the leaf.

    Raises:
        WorkspaceError: the taxpayer is already withheld.
    """
    tin, why = normalise_tin(tin), _required(why, "why")
    store = ledger.store
    with store.transaction():
        if withholds(store, tin=tin, only_active=True):
            raise WorkspaceError("this TIN is already on the withhold list")
        withhold_id = f"withhold-{ledger.size()}"
        event = LedgerEvent(
            EventKind.WITHHOLD_SET,
            attrs={"withhold_id": withhold_id},
            record={"tin": tin, "why": why},
        )
        entries = ledger.append([event], now=now)
        record = WithholdRecord(withhold_id, tin, why, format_time(now), entries[0])
        store.execute(
            """INSERT INTO withholds (withhold_id, tin, why, set_at, set_entry)
               VALUES (?, ?, ?, ?, ?)""",
            [withhold_id, tin, why, record.set_at, record.set_entry],
        )
    return record


def lift_withhold(ledger: Ledger, *, tin: str, why: str, now: datetime) -> WithholdRecord:
    """Take a taxpayer off the withhold list.

    Raises:
        WorkspaceError: the taxpayer is not withheld.
    """
    tin, why = normalise_tin(tin), _required(why, "why")
    store = ledger.store
    with store.transaction():
        active = withholds(store, tin=tin, only_active=True)
        if not active:
            raise WorkspaceError("this TIN is not on the withhold list")
        current = active[0]
        event = LedgerEvent(
            EventKind.WITHHOLD_LIFTED,
            attrs={"withhold_id": current.withhold_id},
            record={"tin": tin, "why": why},
        )
        entries = ledger.append([event], now=now)
        lifted_at = format_time(now)
        store.execute(
            """UPDATE withholds SET lift_why = ?, lifted_at = ?, lifted_entry = ?
               WHERE withhold_id = ?""",
            [why, lifted_at, entries[0], current.withhold_id],
        )
    return replace(current, lift_why=why, lifted_at=lifted_at, lifted_entry=entries[0])


def _required(value: str, name: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"--{name} must not be empty", field=name)
    return value
