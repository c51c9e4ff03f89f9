"""The log: one writer, leaves bound to content, records bound by hash, crash safety, export."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxgate.errors import LedgerError, LedgerVerificationError
from taxgate.fault_points import ENOSPC_SUFFIX, FAULT_POINT_VARIABLE
from taxgate.ledger import events as ev
from taxgate.ledger.canonical import canonical_json, format_time, leaf_bytes, parse_time
from taxgate.ledger.checkpoint import (
    PUBLIC_KEY_FILE,
    load_public_key,
    read_export,
)
from taxgate.ledger.log import (
    Ledger,
    entry_leaf_hash,
    export_path,
    ledger_transaction,
    read_staged_export,
    staged_export_path,
)
from taxgate.ledger.merkle import MerkleTree, root, verify_consistency, verify_inclusion
from taxgate.ledger.verify import verify_workspace_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import (
    NOW,
    batch_events,
    build_ledger,
    record_batch,
    signing_key,
    tin_for,
    verify,
)


def test_append_returns_the_indices_and_checkpoint_signs_the_root(
    store: Store, workspace: Workspace
) -> None:
    first = record_batch(store, workspace, "B1", 3)
    second = record_batch(store, workspace, "B2", 2)
    ledger = Ledger(store)
    assert first == range(0, 15) and second == range(15, 26) and ledger.size() == 26
    stored = [
        bytes(r[0]) for r in store.fetchall("SELECT leaf_hash FROM ledger_entries ORDER BY idx")
    ]
    checkpoints = ledger.checkpoints()
    assert [c.size for c in checkpoints] == [15, 26]
    assert checkpoints[-1].root == root(stored)
    assert checkpoints[0].root == root(stored[:15])
    public = load_public_key(workspace.keys_dir)
    assert all(public.verify(c) for c in checkpoints)


def test_each_leaf_is_the_canonical_json_of_its_entry(store: Store, workspace: Workspace) -> None:
    record_batch(store, workspace, "B1", 1)
    ledger = Ledger(store)
    for index in range(ledger.size()):
        entry = ledger.entry(index)
        body = {
            "attrs": entry.attrs,
            "batch_id": entry.batch_id,
            "index": index,
            "kind": entry.kind.value,
            "record_hash": entry.record_hash,
            "request_id": entry.request_id,
            "time": entry.at,
            "v": 1,
        }
        expected = hashlib.sha256(b"\x00" + canonical_json(body).encode()).digest()
        assert entry.leaf_hash == expected == entry_leaf_hash(entry)
        if entry.record is not None:
            digest = hashlib.sha256(canonical_json(entry.record).encode()).hexdigest()
            assert entry.record_hash == digest


names = st.one_of(st.none(), st.text(max_size=12))


@given(
    index=st.integers(0, 2**53),
    kind=st.sampled_from(list(ev.EventKind)),
    batch_id=names,
    request_id=names,
    attrs=st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(), st.none())),
    record_hash=st.one_of(
        st.none(), st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
    ),
)
def test_leaf_bytes_equal_canonical_json_for_any_values(
    index: int,
    kind: ev.EventKind,
    batch_id: str | None,
    request_id: str | None,
    attrs: dict[str, object],
    record_hash: str | None,
) -> None:
    at = format_time(NOW)
    built = leaf_bytes(
        index=index,
        kind=kind.value,
        at=at,
        batch_id=batch_id,
        request_id=request_id,
        attrs_json=canonical_json(attrs),
        record_hash=record_hash,
    )
    body = {
        "attrs": attrs,
        "batch_id": batch_id,
        "index": index,
        "kind": kind.value,
        "record_hash": record_hash,
        "request_id": request_id,
        "time": at,
        "v": 1,
    }
    assert built == canonical_json(body).encode("utf-8")
    assert json.loads(built) == body


def test_leaves_hold_no_taxpayer_data(store: Store, workspace: Workspace) -> None:
    record_batch(store, workspace, "B1", 4)
    leaves = " ".join(
        f"{kind} {attrs}"
        for kind, attrs in store.fetchall("SELECT kind, attrs FROM ledger_entries")
    )
    for number in range(4):
        assert tin_for("B1", number) not in leaves
        assert f"{number} ELM AVE" not in leaves and f"{number} OAK ST" not in leaves
    bodies = " ".join(r[0] for r in store.fetchall("SELECT body FROM ledger_records"))
    assert tin_for("B1", 3) in bodies and "3 ELM AVE" in bodies


@pytest.mark.parametrize("key", ["tin", "TIN", "street", "last_name", "dob"])
def test_taxpayer_data_in_attrs_is_refused(store: Store, key: str) -> None:
    ledger = Ledger(store)
    ledger.ensure_schema()
    event = ev.LedgerEvent(ev.EventKind.REQUEST_MATCHED, "B", "R", attrs={key: "123456789"})
    with pytest.raises(LedgerError, match="taxpayer data"):
        ledger.append([event], now=NOW)
    assert ledger.size() == 0


def test_nested_attrs_and_disclosures_without_tin_are_refused(store: Store) -> None:
    ledger = Ledger(store)
    ledger.ensure_schema()
    nested = ev.LedgerEvent(ev.EventKind.BATCH_RELEASED, "B", attrs={"x": {"tin": "1"}})  # type: ignore[dict-item]
    with pytest.raises(LedgerError, match="scalar"):
        ledger.append([nested], now=NOW)
    with pytest.raises(LedgerError, match="TIN"):
        ledger.append([ev.LedgerEvent(ev.EventKind.DISCLOSURE, "B", "R")], now=NOW)
    with pytest.raises(LedgerError, match="ledger event kind"):
        ledger.append([ev.LedgerEvent("DISCLOSURE", "B", "R")], now=NOW)  # type: ignore[arg-type]


def test_naive_times_are_refused(store: Store) -> None:
    ledger = Ledger(store)
    ledger.ensure_schema()
    with pytest.raises(LedgerError, match="timezone-aware"):
        ledger.append(batch_events("B", 1), now=datetime(2025, 1, 1))
    assert parse_time(format_time(NOW)) == NOW


def test_a_failed_batch_leaves_no_trace(store: Store, workspace: Workspace) -> None:
    record_batch(store, workspace, "B1", 2)
    store.execute("CREATE TABLE batch_rows (batch_id VARCHAR)")
    export_before = export_path(workspace).read_text()
    with pytest.raises(RuntimeError), ledger_transaction(store, workspace, now=NOW) as ledger:
        store.execute("INSERT INTO batch_rows VALUES ('B2')")
        ledger.append(batch_events("B2", 3), now=NOW)
        raise RuntimeError("crash in the middle of the batch")
    assert store.fetchall("SELECT count(*) FROM batch_rows") == [(0,)]
    assert Ledger(store).size() == 11 and len(Ledger(store).checkpoints()) == 1
    assert export_path(workspace).read_text() == export_before
    assert verify(store, workspace).ok
    record_batch(store, workspace, "B2", 3)
    assert verify(store, workspace).ok


def test_appends_join_the_caller_transaction(store: Store, workspace: Workspace) -> None:
    key = signing_key(workspace)
    ledger = Ledger(store)
    ledger.ensure_schema()
    with store.transaction():
        ledger.append(batch_events("B1", 1), now=NOW)
        ledger.append(batch_events("B2", 1), now=NOW)
        checkpoint = ledger.checkpoint(key=key, now=NOW)
    assert checkpoint.size == ledger.size() == 14 and checkpoint.seq == 1


def test_the_export_catches_up_and_drops_a_torn_line(store: Store, workspace: Workspace) -> None:
    build_ledger(store, workspace, batches=3, requests=1)
    path = export_path(workspace)
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    path.write_text(lines[0] + "\n" + lines[1][:40])  # crash while writing the second line
    record_batch(store, workspace, "B9", 1)
    assert [c.seq for c in read_export(path)] == [1, 2, 3, 4]
    assert read_export(path) == Ledger(store).checkpoints()


def test_a_fault_between_commit_and_export_is_told_from_a_deleted_export_line(
    store: Store, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_ledger(store, workspace, batches=2, requests=1)
    monkeypatch.setenv(FAULT_POINT_VARIABLE, "ledger:committed" + ENOSPC_SUFFIX)
    with pytest.raises(OSError, match="No space"):
        record_batch(store, workspace, "B9", 1)
    monkeypatch.delenv(FAULT_POINT_VARIABLE)
    # Committed, not exported: the staged line says so, and the workspace verifies.
    assert len(Ledger(store).checkpoints()) == 3 and len(read_export(export_path(workspace))) == 2
    assert read_staged_export(workspace) == Ledger(store).checkpoints()[-1]
    report = verify_workspace_ledger(workspace, store)
    assert report is not None and report.ok, report.message
    # Without the staged line the same export is one deleted line short, and named.
    staged = staged_export_path(workspace).read_bytes()
    staged_export_path(workspace).unlink()
    report = verify_workspace_ledger(workspace, store)
    assert report is not None and not report.ok and report.first_bad_checkpoint == 3
    assert "checkpoint 3 is missing from the export" in report.message
    # The next command catches the export up before it signs its own checkpoint.
    staged_export_path(workspace).write_bytes(staged)
    record_batch(store, workspace, "B10", 1)
    assert read_export(export_path(workspace)) == Ledger(store).checkpoints()
    assert not staged_export_path(workspace).exists()
    report = verify_workspace_ledger(workspace, store)
    assert report is not None and report.ok, report.message


def test_the_key_loads_the_same_each_time(workspace: Workspace) -> None:
    first = signing_key(workspace)
    again = signing_key(workspace)
    assert first.key_id == again.key_id and len(first.key_id) == 8
    assert load_public_key(workspace.keys_dir).public == first.public_key.public
    assert (workspace.keys_dir / PUBLIC_KEY_FILE).read_bytes().startswith(b"-----BEGIN PUBLIC")


def test_inclusion_and_consistency_proofs_from_the_store(
    store: Store, workspace: Workspace
) -> None:
    build_ledger(store, workspace, batches=3, requests=3)
    ledger = Ledger(store)
    checkpoints = ledger.checkpoints()
    for index in (0, 7, ledger.size() - 1):
        proof = ledger.proof_for(index)
        assert proof.checkpoint == checkpoints[-1]
        assert verify_inclusion(proof.leaf_hash, index, proof.size, proof.path, proof.root)
        assert json.loads(json.dumps(proof.to_json_dict()))["index"] == index
    tree = ledger.tree(ledger.size())
    old, new = checkpoints[0], checkpoints[-1]
    assert verify_consistency(
        old.size, new.size, old.root, new.root, tree.consistency_proof(old.size)
    )
    assert isinstance(tree, MerkleTree)


def test_proofs_need_a_checkpoint_and_an_intact_entry(store: Store, workspace: Workspace) -> None:
    ledger = Ledger(store)
    ledger.ensure_schema()
    with pytest.raises(LedgerError, match="no signed checkpoint"):
        ledger.proof_for(0)
    record_batch(store, workspace, "B1", 1)
    store.execute("UPDATE ledger_entries SET batch_id = 'B0' WHERE idx = 2")
    with pytest.raises(LedgerVerificationError, match="entry 2"):
        ledger.proof_for(2)
    with pytest.raises(LedgerError, match="no entry"):
        ledger.entry(99)


def test_appending_to_a_damaged_log_is_refused(store: Store, workspace: Workspace) -> None:
    record_batch(store, workspace, "B1", 1)
    store.execute("DELETE FROM ledger_entries WHERE idx = 5")
    with pytest.raises(LedgerError, match="run `taxgate ledger verify"):
        record_batch(store, workspace, "B2", 1)


def test_a_checkpoint_refuses_a_tree_that_does_not_extend_the_last(
    store: Store, workspace: Workspace
) -> None:
    record_batch(store, workspace, "B1", 1)
    store.execute("UPDATE ledger_frontier SET hashes = ? WHERE id = 1", [b"\x01" * 96])
    with pytest.raises(LedgerError, match="does not extend"):
        ledger_key = signing_key(workspace)
        Ledger(store).checkpoint(key=ledger_key, now=NOW + timedelta(hours=1))


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_is_sorted_compact_utf8_json(value: object) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected
    assert canonical_json({"v": value}) == json.dumps(
        {"v": value}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_values_that_are_not_json_are_refused() -> None:
    with pytest.raises(LedgerError, match="cannot be written"):
        canonical_json({"x": float("nan")})
    with pytest.raises(LedgerError, match="cannot be written"):
        canonical_json({"x": object()})
    assert canonical_json({"d": NOW.date(), "t": NOW}) == (
        '{"d":"2025-08-07","t":"2025-08-07T12:00:00.000000Z"}'
    )
