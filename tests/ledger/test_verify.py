"""Verification: every tampering of entries, records, checkpoints and state is named.

The tamper suite builds one small ledger, then applies each tampering inside a store
transaction that is rolled back afterwards, so every tampering meets a pristine copy. The
expected index is computed independently: the first position at which the stored entries or
records differ from the pristine ones.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from taxgate.ledger.canonical import StringQuoter, canonical_json, quoted_leaf_bytes
from taxgate.ledger.checkpoint import CheckpointKey, read_export
from taxgate.ledger.events import EventKind
from taxgate.ledger.hold import lift_hold, set_hold, set_withhold
from taxgate.ledger.log import Ledger, export_path, ledger_transaction
from taxgate.ledger.merkle import MerkleTree
from taxgate.ledger.recall import recall_disclosures
from taxgate.ledger.verify import verify_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import NOW, build_ledger, signing_key, verify

ENTRY_COLUMNS = ("kind", "logged_at", "batch_id", "request_id", "attrs", "record_hash")
ALL_COLUMNS = ("idx", *ENTRY_COLUMNS, "leaf_hash")
TAMPERINGS = 1_000


class _RollbackError(Exception):
    """Raised to undo a tampering."""


@pytest.fixture
def store(workspace: Workspace) -> Iterator[Store]:
    # One thread: these tests run thousands of tiny queries, where thread hand-offs dominate.
    with Store.open(workspace.store_path, threads=1) as opened:
        yield opened


def _full_ledger(store: Store, workspace: Workspace) -> None:
    """Four batches, a hold set and lifted, a withhold and a recall: 8 checkpoints."""
    build_ledger(store, workspace, batches=4, requests=4)
    later = NOW + timedelta(days=1)
    with ledger_transaction(store, workspace, now=later) as ledger:
        set_hold(ledger, requester="ICE", order_ref="Order 1", now=later)
    with ledger_transaction(store, workspace, now=later) as ledger:
        set_withhold(ledger, tin="900-00-0001", why="informant", now=later)
    with ledger_transaction(store, workspace, now=later) as ledger:
        recall_disclosures(ledger, batch_id="B1", request_ids=None, why="no address", now=later)
    with ledger_transaction(store, workspace, now=later) as ledger:
        lift_hold(ledger, requester="ICE", order_ref="Order 2", now=later)


def _snapshot(store: Store) -> dict[int, tuple[Any, Any]]:
    entries = {
        r[0]: r[1:] for r in store.fetchall(f"SELECT {', '.join(ALL_COLUMNS)} FROM ledger_entries")
    }
    records = {r[0]: r[1] for r in store.fetchall("SELECT idx, body FROM ledger_records")}
    return {k: (entries.get(k), records.get(k)) for k in entries.keys() | records.keys()}


def _first_difference(before: dict[int, Any], after: dict[int, Any]) -> int | None:
    return next(
        (k for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k)), None
    )


def _row(store: Store, idx: int) -> list[Any]:
    return list(
        store.fetchall(f"SELECT {', '.join(ALL_COLUMNS)} FROM ledger_entries WHERE idx = ?", [idx])[
            0
        ]
    )


def _insert_row(store: Store, row: list[Any]) -> None:
    marks = ", ".join("?" * len(ALL_COLUMNS))
    store.execute(f"INSERT INTO ledger_entries ({', '.join(ALL_COLUMNS)}) VALUES ({marks})", row)


def _flip_bit(value: bytes, rng: random.Random) -> bytes:
    data = bytearray(value)
    position = rng.randrange(len(data) * 8)
    data[position // 8] ^= 1 << (position % 8)
    return bytes(data)


def _changed_text(value: str | None, rng: random.Random) -> str:
    if not value:
        return "forged"
    position = rng.randrange(len(value))
    replacement = rng.choice([c for c in "0123456789abcdefXYZ :,{}" if c != value[position]])
    return value[:position] + replacement + value[position + 1 :]


def edit_column(store: Store, rng: random.Random, size: int) -> None:
    idx = rng.randrange(size)
    column = rng.choice([*ENTRY_COLUMNS, "leaf_hash"])
    old = _row(store, idx)[ALL_COLUMNS.index(column)]
    if column == "leaf_hash":
        new: Any = _flip_bit(bytes(old), rng)
    elif column == "kind":
        new = rng.choice([k.value for k in EventKind if k.value != old])
    elif column in ("batch_id", "request_id") and old is not None and rng.random() < 0.3:
        new = None
    else:
        new = _changed_text(old, rng)
    store.execute(f"UPDATE ledger_entries SET {column} = ? WHERE idx = ?", [new, idx])


def edit_record(store: Store, rng: random.Random, size: int) -> None:
    idx, body = rng.choice(store.fetchall("SELECT idx, body FROM ledger_records"))
    store.execute(
        "UPDATE ledger_records SET body = ? WHERE idx = ?", [_changed_text(body, rng), idx]
    )


def delete_entry(store: Store, rng: random.Random, size: int) -> None:
    idx = rng.randrange(size)
    store.execute("DELETE FROM ledger_entries WHERE idx = ?", [idx])
    if rng.random() < 0.5:
        store.execute("DELETE FROM ledger_records WHERE idx = ?", [idx])


def delete_record(store: Store, rng: random.Random, size: int) -> None:
    (idx,) = rng.choice(store.fetchall("SELECT idx FROM ledger_records"))
    store.execute("DELETE FROM ledger_records WHERE idx = ?", [idx])


def swap_entries(store: Store, rng: random.Random, size: int) -> None:
    first, second = sorted(rng.sample(range(size), 2))
    a, b = _row(store, first), _row(store, second)
    sets = ", ".join(f"{c} = ?" for c in ALL_COLUMNS[1:])
    store.execute(f"UPDATE ledger_entries SET {sets} WHERE idx = ?", [*b[1:], first])
    store.execute(f"UPDATE ledger_entries SET {sets} WHERE idx = ?", [*a[1:], second])


def swap_records(store: Store, rng: random.Random, size: int) -> None:
    rows = store.fetchall("SELECT idx, body FROM ledger_records")
    (a, body_a), (b, body_b) = rng.sample(rows, 2)
    store.execute("UPDATE ledger_records SET body = ? WHERE idx = ?", [body_b, a])
    store.execute("UPDATE ledger_records SET body = ? WHERE idx = ?", [body_a, b])


def move_record(store: Store, rng: random.Random, size: int) -> None:
    bare = [
        r[0] for r in store.fetchall("SELECT idx FROM ledger_entries WHERE record_hash IS NULL")
    ]
    (idx,) = rng.choice(store.fetchall("SELECT idx FROM ledger_records"))
    target = rng.choice([*bare, size + rng.randrange(5)])
    store.execute("UPDATE ledger_records SET idx = ? WHERE idx = ?", [target, idx])


def insert_entry(store: Store, rng: random.Random, size: int) -> None:
    position = rng.randrange(size + 1)
    copied = _row(store, rng.randrange(size))
    for table in ("ledger_entries", "ledger_records"):  # shift every later row up by one
        store.execute(
            f"CREATE TEMP TABLE shifted AS SELECT * FROM {table} WHERE idx >= ?", [position]
        )
        store.execute(f"DELETE FROM {table} WHERE idx >= ?", [position])
        store.execute(f"INSERT INTO {table} SELECT * REPLACE (idx + 1 AS idx) FROM shifted")
        store.execute("DROP TABLE shifted")
    _insert_row(store, [position, *copied[1:]])


def truncate(store: Store, rng: random.Random, size: int) -> None:
    position = rng.randrange(1, size)
    store.execute("DELETE FROM ledger_entries WHERE idx >= ?", [position])
    store.execute("DELETE FROM ledger_records WHERE idx >= ?", [position])
    if rng.random() < 0.5:  # hide it from the store's own checkpoints too
        store.execute("DELETE FROM ledger_checkpoints WHERE size > ?", [position])


TAMPERS: list[Callable[[Store, random.Random, int], None]] = [
    edit_column,
    edit_record,
    delete_entry,
    delete_record,
    swap_entries,
    swap_records,
    move_record,
    insert_entry,
    truncate,
]


def test_a_clean_ledger_verifies(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    report = verify(store, workspace)
    assert report.ok, report.message
    assert report.entries_checked == Ledger(store).size()
    assert report.checkpoints_checked == report.exported_checked == 8


def test_every_random_tampering_is_detected_at_the_first_bad_entry(
    store: Store, workspace: Workspace
) -> None:
    _full_ledger(store, workspace)
    pristine = _snapshot(store)
    size = Ledger(store).size()
    rng = random.Random(7213)
    detected: dict[str, int] = {}
    while sum(detected.values()) < TAMPERINGS:
        tamper = TAMPERS[sum(detected.values()) % len(TAMPERS)]
        with pytest.raises(_RollbackError), store.transaction():
            tamper(store, rng, size)
            expected = _first_difference(pristine, _snapshot(store))
            if expected is not None:
                report = verify(store, workspace)
                assert not report.ok, (tamper.__name__, expected)
                assert report.first_bad_index == expected, (tamper.__name__, report.message)
                detected[tamper.__name__] = detected.get(tamper.__name__, 0) + 1
            raise _RollbackError
    assert sum(detected.values()) >= 1_000 and set(detected) == {t.__name__ for t in TAMPERS}
    assert verify(store, workspace).ok


def test_tampering_is_detected_without_the_export_too(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    pristine = _snapshot(store)
    size = Ledger(store).size()
    rng = random.Random(7431)
    for number in range(100):
        tamper = TAMPERS[number % (len(TAMPERS) - 1)]  # all but truncate-with-checkpoints
        with pytest.raises(_RollbackError), store.transaction():
            tamper(store, rng, size)
            expected = _first_difference(pristine, _snapshot(store))
            report = verify(store, workspace, exported=False)
            assert expected is None or report.first_bad_index == expected, tamper.__name__
            raise _RollbackError


def _forge(store: Store, idx: int) -> None:
    """Rewrite entry ``idx`` and give it a correct leaf hash, as an insider would."""
    row = _row(store, idx)
    attrs = json.loads(row[5])
    attrs["forged"] = True
    attrs_json = canonical_json(attrs)
    quote = StringQuoter()
    data = quoted_leaf_bytes(
        idx, quote(row[1]), quote(row[2]), quote(row[3]), quote(row[4]), attrs_json, quote(row[6])
    )
    leaf = hashlib.sha256(b"\x00" + data).digest()
    store.execute(
        "UPDATE ledger_entries SET attrs = ?, leaf_hash = ? WHERE idx = ?", [attrs_json, leaf, idx]
    )


def test_a_rewrite_with_recomputed_hashes_is_located_to_its_checkpoint_window(
    store: Store, workspace: Workspace
) -> None:
    _full_ledger(store, workspace)
    sizes = [c.size for c in Ledger(store).checkpoints()]
    size = Ledger(store).size()
    for idx in range(size):
        with pytest.raises(_RollbackError), store.transaction():
            _forge(store, idx)
            report = verify(store, workspace)
            window_start = max([s for s in sizes if s <= idx], default=0)
            assert report.first_bad_index == window_start, report.message
            assert "rewritten with a recomputed hash" in report.message
            raise _RollbackError


def test_an_operator_who_re_signs_is_caught_by_the_export(
    store: Store, workspace: Workspace
) -> None:
    _full_ledger(store, workspace)
    ledger = Ledger(store)
    original = ledger.checkpoints()
    key = signing_key(workspace)
    _forge(store, 20)
    leaves = [
        bytes(r[0]) for r in store.fetchall("SELECT leaf_hash FROM ledger_entries ORDER BY idx")
    ]
    tree = MerkleTree(leaves)
    store.execute("DELETE FROM ledger_checkpoints")
    for cp in original:
        again = key.sign(seq=cp.seq, size=cp.size, root=tree.root(cp.size), time=cp.time)
        store.execute(
            "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                *(again.seq, again.size, again.root, again.time),
                *(again.key_id, again.signature, again.origin),
            ],
        )
    store.execute("UPDATE ledger_frontier SET hashes = ?", [tree.frontier().to_bytes()])
    without_export = verify(store, workspace, exported=False)
    assert without_export.ok  # the store agrees with itself: only an outside copy can tell
    report = verify(store, workspace)
    window_start = max(c.size for c in original if c.size <= 20)
    assert not report.ok and report.first_bad_index == window_start
    assert report.first_bad_checkpoint is not None


@pytest.mark.parametrize("column", ["size", "root_hash", "key_id", "signature", "origin"])
def test_an_altered_checkpoint_is_named(store: Store, workspace: Workspace, column: str) -> None:
    _full_ledger(store, workspace)
    value = {
        "size": 3,
        "root_hash": b"\x00" * 32,
        "key_id": "0" * 8,
        "signature": b"\x30\x00",
        "origin": "taxgate/another-log",
    }[column]
    store.execute(f"UPDATE ledger_checkpoints SET {column} = ? WHERE seq = 3", [value])
    report = verify(store, workspace, exported=False)
    assert not report.ok and report.first_bad_checkpoint == 3 and report.first_bad_index is None
    assert "checkpoint 3" in report.message


def test_an_altered_checkpoint_time_is_named_by_the_export(
    store: Store, workspace: Workspace
) -> None:
    # A C2SP checkpoint signs origin, size and root; the store's signing time is the
    # operator's statement, held to the copy exported when it was signed.
    _full_ledger(store, workspace)
    store.execute(
        "UPDATE ledger_checkpoints SET signed_at = ? WHERE seq = 3", ["2030-01-01T00:00:00.000000Z"]
    )
    report = verify(store, workspace)
    assert not report.ok and report.first_bad_checkpoint == 3
    assert "differs from the exported one" in report.message


def test_a_deleted_checkpoint_is_named(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    store.execute("DELETE FROM ledger_checkpoints WHERE seq = 4")
    report = verify(store, workspace)
    assert not report.ok and report.first_bad_checkpoint == 4


def test_a_copy_of_the_last_checkpoint_under_the_next_number_is_named(
    store: Store, workspace: Workspace
) -> None:
    # A checkpoint row copied under a new number carries a valid signature (the note signs
    # origin, size and root); it is told apart because a checkpoint is made only when the
    # log grows (found by the tamper suite, which copies random rows).
    _full_ledger(store, workspace)
    [(last,)] = store.fetchall("SELECT max(seq) FROM ledger_checkpoints")
    store.execute(
        "INSERT INTO ledger_checkpoints SELECT seq + 1, size, root_hash, signed_at, key_id, "
        "signature, origin FROM ledger_checkpoints WHERE seq = ?",
        [last],
    )
    report = verify(store, workspace)
    assert not report.ok and report.first_bad_checkpoint == last + 1
    assert "signs no entry" in report.message


def test_a_transaction_that_appends_nothing_signs_no_new_checkpoint(
    store: Store, workspace: Workspace
) -> None:
    _full_ledger(store, workspace)
    before = Ledger(store).checkpoints()
    with ledger_transaction(store, workspace, now=NOW):
        pass
    assert Ledger(store).checkpoints() == before
    assert verify(store, workspace).ok


def test_an_altered_export_line_is_named(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    path = export_path(workspace)
    lines = path.read_text().splitlines()
    line = json.loads(lines[5])
    origin, size, rest = line["note"].split("\n", 2)
    line["note"] = f"{origin}\n{int(size) + 1}\n{rest}"
    lines[5] = json.dumps(line)
    path.write_text("\n".join(lines) + "\n")
    report = verify(store, workspace)
    assert not report.ok and report.first_bad_checkpoint == 6


def test_checkpoints_signed_by_another_key_fail(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    report = verify_ledger(
        store,
        public_key=CheckpointKey.generate().public_key,
        exported_checkpoints=read_export(export_path(workspace)),
    )
    assert not report.ok and report.first_bad_checkpoint == 1


@pytest.mark.parametrize(
    ("sql", "entry_of"),
    [
        ("DELETE FROM withholds", "SELECT set_entry FROM withholds"),
        ("UPDATE withholds SET tin = '900000002'", "SELECT set_entry FROM withholds"),
        (
            "UPDATE legal_holds SET lifted_entry = NULL, lifted_at = NULL, lift_order_ref = NULL",
            "SELECT lifted_entry FROM legal_holds",
        ),
        ("DELETE FROM legal_holds", "SELECT set_entry FROM legal_holds"),
        ("UPDATE recalls SET request_ids = '[]'", "SELECT first_entry FROM recalls"),
    ],
)
def test_state_tables_that_disagree_with_the_ledger_are_named(
    store: Store, workspace: Workspace, sql: str, entry_of: str
) -> None:
    _full_ledger(store, workspace)
    (entry,) = store.fetchall(entry_of)[0]
    store.execute(sql)
    report = verify(store, workspace)
    assert not report.ok and report.first_bad_index == entry, report.message


def test_a_damaged_tree_edge_is_reported(store: Store, workspace: Workspace) -> None:
    _full_ledger(store, workspace)
    store.execute(
        "UPDATE ledger_frontier SET hashes = ?", [b"\x00" * 32 * Ledger(store).size().bit_count()]
    )
    report = verify(store, workspace)
    assert not report.ok and "ledger_frontier" in report.message


def test_a_workspace_without_a_ledger_verifies_empty(store: Store, workspace: Workspace) -> None:
    report = verify_ledger(store, public_key=CheckpointKey.generate().public_key)
    assert report.ok and report.entries_checked == 0
