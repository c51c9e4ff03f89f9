"""Legal holds on a requester and the §6103(i)(6) withhold list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taxgate.errors import InputError, WorkspaceError
from taxgate.ledger.events import EventKind
from taxgate.ledger.hold import (
    active_hold,
    holds,
    lift_hold,
    lift_withhold,
    normalise_tin,
    set_hold,
    set_withhold,
    withheld_tins,
    withholds,
)
from taxgate.ledger.log import Ledger, ledger_transaction
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, verify

LATER = NOW + timedelta(days=2)


def test_a_fresh_workspace_has_no_hold_and_no_withholds(store: Store) -> None:
    assert active_hold(store, "ICE") is None
    assert withheld_tins(store) == set()


def test_a_hold_stops_one_requester_until_lifted(store: Store, workspace: Workspace) -> None:
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        hold = set_hold(ledger, requester="ICE", order_ref="D.D.C. No. 25-1234", now=NOW)
    assert active_hold(store, "ICE") == hold and active_hold(store, "USMS") is None
    assert hold.active and hold.order_ref == "D.D.C. No. 25-1234"
    entry = Ledger(store).entry(hold.set_entry)
    assert entry.kind is EventKind.HOLD_SET and entry.attrs["requester"] == "ICE"
    assert entry.attrs["order_ref"] == "D.D.C. No. 25-1234"
    with ledger_transaction(store, workspace, now=LATER) as ledger:
        lifted = lift_hold(ledger, requester="ICE", order_ref="D.C. Cir. order", now=LATER)
    assert active_hold(store, "ICE") is None and not lifted.active
    assert lifted.lift_order_ref == "D.C. Cir. order" and lifted.hold_id == hold.hold_id
    assert Ledger(store).entry(lifted.lifted_entry or 0).kind is EventKind.HOLD_LIFTED
    assert holds(store) == [lifted]
    assert verify(store, workspace).ok


def test_several_holds_need_the_hold_id_to_lift_one(store: Store, workspace: Workspace) -> None:
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        first = set_hold(ledger, requester="ICE", order_ref="order A", now=NOW)
        second = set_hold(ledger, requester="ICE", order_ref="order B", now=NOW)
    assert active_hold(store, "ICE") == first
    with (
        pytest.raises(WorkspaceError, match="--hold-id"),
        ledger_transaction(store, workspace, now=LATER) as ledger,
    ):
        lift_hold(ledger, requester="ICE", order_ref="order C", now=LATER)
    with ledger_transaction(store, workspace, now=LATER) as ledger:
        lift_hold(ledger, requester="ICE", order_ref="order C", now=LATER, hold_id=first.hold_id)
    assert active_hold(store, "ICE") == second


def test_lifting_without_a_hold_and_empty_orders_are_refused(
    store: Store, workspace: Workspace
) -> None:
    with (
        pytest.raises(WorkspaceError, match="no legal hold"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        lift_hold(ledger, requester="ICE", order_ref="x", now=NOW)
    with (
        pytest.raises(InputError, match="order"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        set_hold(ledger, requester="ICE", order_ref="  ", now=NOW)
    assert Ledger(store).size() == 0


def test_the_withhold_list_keeps_the_tin_out_of_the_leaf(
    store: Store, workspace: Workspace
) -> None:
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        record = set_withhold(ledger, tin="123-45-6789", why="confidential informant", now=NOW)
    assert withheld_tins(store) == {"123456789"} and record.tin == "123456789"
    (attrs,) = store.fetchall("SELECT attrs FROM ledger_entries WHERE idx = ?", [record.set_entry])[
        0
    ]
    assert "123456789" not in attrs and "informant" not in attrs
    entry = Ledger(store).entry(record.set_entry)
    assert entry.record == {"tin": "123456789", "why": "confidential informant"}
    with ledger_transaction(store, workspace, now=LATER) as ledger:
        lifted = lift_withhold(ledger, tin="123456789", why="investigation closed", now=LATER)
    assert withheld_tins(store) == set() and lifted.lift_why == "investigation closed"
    assert withholds(store, tin="123-45-6789") == [lifted]
    assert verify(store, workspace).ok


def test_withhold_state_errors(store: Store, workspace: Workspace) -> None:
    with ledger_transaction(store, workspace, now=NOW) as ledger:
        set_withhold(ledger, tin="123456789", why="x", now=NOW)
    with (
        pytest.raises(WorkspaceError, match="already"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        set_withhold(ledger, tin="123-45-6789", why="y", now=NOW)
    with (
        pytest.raises(WorkspaceError, match="not on"),
        ledger_transaction(store, workspace, now=NOW) as ledger,
    ):
        lift_withhold(ledger, tin="987654321", why="y", now=NOW)


@pytest.mark.parametrize("tin", ["12345678", "1234567890", "123-456-789", "abc", ""])
def test_malformed_tins_are_refused(tin: str) -> None:
    with pytest.raises(InputError):
        normalise_tin(tin)
