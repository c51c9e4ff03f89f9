"""The tamper suite: random semantic edits of a workspace, each caught by ``ledger verify``
at the place it was made (issue 16, acceptance).

One small world is built per session (``reviewed_world``: a batch run, a review approved
and one declined), given a legal hold, a withhold and a recall, and opened once. Each
tampering (an update, delete or insert of a row holding a batch, decision, response,
review, model, hold, withhold, recall, ledger entry, record or checkpoint; or an edit of one
field of ``agreement.toml``) is made inside a transaction, verified, and rolled back. Each
tampering of the exported checkpoints (``WS/ledger/checkpoints.jsonl``: the file deleted,
truncated, a line deleted, repeated, moved, edited or forged) is written to the file,
verified the way ``taxgate ledger verify`` does, and undone.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from taxgate.cli.main import run_cli
from taxgate.errors import LedgerVerificationError, StoreError
from taxgate.ledger.checkpoint import load_public_key, read_export
from taxgate.ledger.log import export_path, staged_export_path
from taxgate.ledger.verify import OwnExport, VerifyReport, verify_ledger, verify_workspace_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

SEED = 16
ROW_TAMPERINGS = 900  # updates, deletes and inserts of stored rows
AGREEMENT_TAMPERINGS = 150  # one field of agreement.toml changed each time
EXPORT_TAMPERINGS = 150  # the exported checkpoints deleted, truncated or edited

# Every table whose rows an auditor, the requester or the report relies on, and the column
# that says which row it is (what the report must name).
TABLES = {
    "batches": "batch_id",
    "decisions": "row",
    "responses": "row",
    "reviews": "review_id",
    "models": "version",
    "legal_holds": "hold_id",
    "withholds": "withhold_id",
    "recalls": "recall_id",
    "ledger_entries": "idx",
    "ledger_records": "idx",
    "ledger_checkpoints": "seq",
    "ledger_frontier": "id",
}


class _Rollback(Exception):
    """Raised to undo a tampering once it has been verified."""


@dataclass
class Tampered:
    """A workspace opened for tampering, with what verification needs."""

    ws: Workspace
    store: Store
    verify: Callable[[Path | None], VerifyReport]
    # Every tampering is rolled back, so each table's rows and columns stay as they were:
    # read once (two queries fewer per tampering, in a suite of over a thousand).
    rowids: dict[str, list[int]] = field(default_factory=dict)
    columns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def attempt(
        self, change: Callable[[Store], None], agreement: Path | None = None
    ) -> VerifyReport | None:
        """Make ``change``, verify, undo it; returns the verification report, or None when
        the store's own constraints refuse the change (nothing to detect)."""
        report: VerifyReport | None = None
        try:
            with self.store.transaction():
                change(self.store)
                report = self.verify(agreement)
                raise _Rollback
        except _Rollback:
            pass
        except StoreError:
            return None
        return report


@pytest.fixture(scope="module")
def tampered(reviewed_world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tampered]:
    world = reviewed_world.copy(tmp_path_factory.mktemp("tamper") / "w")
    ws = str(world.ws)
    steps = [
        ["hold", ws, "--requester", "ICE", "--order", "D.D.C. No. 25-1234"],
        ["withhold", ws, "--tin", "123-45-6789", "--why", "victim of identity theft"],
        ["recall", ws, "--batch", world.batch_id, "--request", world.approved, "--why", "wrong"],
    ]
    for argv in steps:
        assert run_cli(argv) == 0, f"taxgate {' '.join(argv)} failed"
    workspace = Workspace.open(world.ws)
    key = load_public_key(workspace.keys_dir)
    export = export_path(workspace)
    own = OwnExport(str(export), tuple(read_export(export)))
    with Store.open(workspace.store_path) as store:
        # One thread: each verification is a few small queries, and thread hand-offs would
        # cost more than they save (the suite makes over a thousand of them).
        store.execute("SET threads = 1")

        def verify(agreement: Path | None) -> VerifyReport:
            return verify_ledger(
                store,
                public_key=key,
                own_export=own,
                agreement_file=agreement or workspace.agreement_path,
            )

        yield Tampered(workspace, store, verify)


def _columns(tampered: Tampered, table: str) -> list[tuple[str, str]]:
    if table in tampered.columns:
        return tampered.columns[table]
    rows = tampered.store.fetchall(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "ORDER BY column_index",
        [table],
    )
    tampered.columns[table] = [(str(name), str(kind)) for name, kind in rows]
    return tampered.columns[table]


def _changed(value: Any, kind: str, rng: random.Random) -> Any:
    """A different value of the same type (the change a careful insider would make)."""
    if value is None:
        return {"BOOLEAN": True, "DATE": date(2025, 1, 1), "BLOB": b"\x01" * 32}.get(
            kind, 1 if kind in ("BIGINT", "INTEGER", "DOUBLE") else ["X"] if "[]" in kind else "X"
        )
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + rng.choice((1, -1, 7))
    if isinstance(value, date):
        return value + timedelta(days=rng.choice((1, -1, 30)))
    if isinstance(value, bytes):
        flip = rng.randrange(len(value)) if value else 0
        return value[:flip] + bytes([(value[flip] if value else 0) ^ 0xFF]) + value[flip + 1 :]
    if isinstance(value, list):
        return [*value, "X"] if not value or rng.random() < 0.5 else value[:-1]
    text = str(value)
    choices = [text + "X", text.replace("DISCLOSED", "NOT_DISCLOSED"), "FBI", text[::-1]]
    return next(c for c in rng.sample(choices, len(choices)) if c != text)


def _pick(tampered: Tampered, table: str, rng: random.Random) -> tuple[int, dict[str, Any]]:
    store = tampered.store
    if table not in tampered.rowids:
        rowids = store.fetchall(f"SELECT rowid FROM {table} ORDER BY rowid")
        tampered.rowids[table] = [r for (r,) in rowids]
    rowid = rng.choice(tampered.rowids[table])
    row = store.arrow(f"SELECT * FROM {table} WHERE rowid = ?", [rowid]).to_pylist()[0]
    return rowid, row


def _where(table: str, row: dict[str, Any]) -> str:
    """What the report must name for a row of ``table``."""
    if table in ("decisions", "responses"):
        return f"{table} row {row['row']} of batch {row['batch_id']}"
    if table in ("batches", "reviews", "models"):
        return f"{table} row of"
    if table in ("legal_holds", "withholds", "recalls"):
        return f"{table} row {row[TABLES[table]]}"
    if table == "ledger_frontier":
        return "ledger_frontier"
    return ""


def _named(report: VerifyReport | None, table: str, row: dict[str, Any], *, moved: bool) -> bool:
    """The report names the tampered row: its table and key, or its entry or checkpoint."""
    if report is None:
        return True  # refused by the store itself; the caller draws another
    if report.ok:
        return False
    if table in ("ledger_entries", "ledger_records"):
        index = report.first_bad_index
        return index is not None and (index == row["idx"] or (moved and index <= row["idx"]))
    if table == "ledger_checkpoints":
        return report.first_bad_checkpoint is not None or "checkpoint" in report.message
    where = _where(table, row)
    return any(where in problem for problem in report.problems)


Outcome = tuple[VerifyReport | None, bool, str]


def _update(tampered: Tampered, table: str, rng: random.Random) -> Outcome:
    rowid, row = _pick(tampered, table, rng)
    column, kind = rng.choice(_columns(tampered, table))
    new = _changed(row[column], kind, rng)

    def change(store: Store) -> None:
        store.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [new, rowid])

    report = tampered.attempt(change)
    moved = column in ("idx", "batch_id", "row", TABLES[table])
    # A row given a new key is named by its old key (missing) or its new one (inserted).
    named = _named(report, table, row, moved=moved) or (
        moved and _named(report, table, {**row, column: new}, moved=moved)
    )
    return report, named, f"update {table}.{column} of {row}"


def _delete(tampered: Tampered, table: str, rng: random.Random) -> Outcome:
    rowid, row = _pick(tampered, table, rng)
    report = tampered.attempt(
        lambda store: store.execute(f"DELETE FROM {table} WHERE rowid = ?", [rowid])
    )
    return report, _named(report, table, row, moved=False), f"delete from {table}: {row}"


def _insert(tampered: Tampered, table: str, rng: random.Random) -> Outcome:
    """A copy of a row under a new key (or, where the key is free, the same one)."""
    _, row = _pick(tampered, table, rng)
    key = TABLES[table]
    top = tampered.store.fetchone(f"SELECT max({key}) FROM {table}")
    copy = dict(row)
    if isinstance(row[key], int):
        copy[key] = int(top[0] if top else 0) + 1
    elif rng.random() < 0.5 or table in ("batches", "reviews", "models"):
        copy[key] = f"{row[key]}-X"
    columns = ", ".join(copy)
    marks = ", ".join("?" for _ in copy)

    def change(store: Store) -> None:
        store.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(copy.values()))

    report = tampered.attempt(change)
    if report is not None and table in ("ledger_entries", "ledger_records"):
        named = report.first_bad_index is not None and report.first_bad_index <= copy["idx"]
    else:
        named = _named(report, table, copy, moved=False)
    return report, named, f"insert into {table}: {copy}"


def test_every_row_tampering_is_caught_where_it_was_made(tampered: Tampered) -> None:
    baseline = tampered.verify(None)
    assert baseline.ok, baseline.message
    rng = random.Random(SEED)
    missed = []
    made = 0
    while made < ROW_TAMPERINGS:
        table = rng.choice(list(TABLES))
        edit = rng.choice((_update, _update, _delete, _insert))
        report, named, what = edit(tampered, table, rng)
        made += report is not None
        if not named:
            missed.append(what)
    kinds = Counter(what.split(" of ")[0].split(":")[0] for what in missed)
    assert not missed, f"{len(missed)} of {ROW_TAMPERINGS} passed: {kinds}; {missed[:3]}"
    assert tampered.verify(None).ok  # every tampering was rolled back


def _leaves(doc: dict[str, Any], prefix: str = "") -> Iterator[tuple[tuple[Any, ...], Any]]:
    for key, value in doc.items():
        if isinstance(value, dict):
            yield from ((((key, *p), v) for p, v in _leaves(value)))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for position, item in enumerate(value):
                yield from (((key, position, *p), v) for p, v in _leaves(item))
        else:
            yield (key,), value


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _label(doc: dict[str, Any], path: tuple[Any, ...]) -> str:
    """The field as the report names it (``signers[ice-director].valid_to``)."""
    parts: list[str] = []
    node: Any = doc
    for step in path:
        if isinstance(step, int):
            item = node[step]
            parts[-1] += f"[{item.get('name', step)}]"
        else:
            parts.append(str(step))
        node = node[step]
    return ".".join(parts)


def test_every_agreement_edit_is_caught_and_named(tampered: Tampered, tmp_path: Path) -> None:
    text = tampered.ws.agreement_path.read_text(encoding="utf-8")
    original = tomllib.loads(text)
    leaves = list(_leaves(original))
    rng = random.Random(SEED)
    missed = []
    for attempt in range(AGREEMENT_TAMPERINGS):
        doc = tomllib.loads(text)
        path, value = rng.choice(leaves)
        new = _changed(value, "", rng)
        if isinstance(value, tuple | list) and not isinstance(new, list):
            new = [*value, "X"]
        _set(doc, path, new)
        edited = tmp_path / f"agreement-{attempt}.toml"
        edited.write_text(tomli_w.dumps(doc), encoding="utf-8")
        report = tampered.attempt(lambda store: None, agreement=edited)
        field = _label(original, path)
        if (
            report is None
            or report.ok
            or "agreement.toml" not in report.message
            or field not in report.message
        ):
            missed.append((field, report.message))
    assert not missed, f"{len(missed)} agreement edits passed or were misnamed: {missed[:5]}"


# --- the exported checkpoints ------------------------------------------------------------

ExportEdit = tuple[str | None, str | None, set[int], str]  # text, staged line, places, what


def _edit_export_line(line: str, rng: random.Random) -> tuple[str, int | None]:
    """One field of an export line changed: its number, time, or a byte of its note.

    Returns the line and the checkpoint number it now claims, if it still parses as JSON.
    """
    doc = json.loads(line)
    field = rng.choice(("seq", "time", "note", "note"))
    if field == "seq":
        doc["seq"] += rng.choice((1, -1, 7))
    elif field == "time":
        doc["time"] = doc["time"].replace(doc["time"][:4], str(int(doc["time"][:4]) + 1))
    else:
        note = doc["note"]
        at = rng.randrange(len(note) - 1)
        swapped = "A" if note[at] != "A" else "B"
        doc["note"] = note[:at] + (swapped if note[at] != "\n" else note[at]) + note[at + 1 :]
        if doc["note"] == note:
            doc["note"] = note.replace("\n", "\n1", 1)
    return json.dumps(doc, sort_keys=True, separators=(",", ":")), int(doc["seq"])


def _export_tampering(lines: list[str], rng: random.Random) -> ExportEdit:
    """A random tampering of the export: the new text (None: deleted), a staged line left
    beside it, the checkpoint numbers the report may name, and what was done."""
    n = len(lines)
    kind = rng.choice(
        ("delete file", "truncate", "delete line", "repeat", "move", "edit", "staged")
    )
    if kind == "delete file":
        return None, None, {1}, kind
    if kind == "truncate":
        keep = rng.randrange(n)
        return "".join(f"{x}\n" for x in lines[:keep]), None, {keep + 1}, f"truncate to {keep}"
    if kind == "staged":
        # The last line deleted, with a staged line that is not that checkpoint's.
        other = rng.randrange(n - 1)
        text = "".join(f"{x}\n" for x in lines[:-1])
        return text, lines[other] + "\n", {n}, f"last line deleted, line {other + 1} staged"
    at = rng.randrange(n)
    edited = list(lines)
    if kind == "delete line":
        del edited[at]
        places = {at + 1}
    elif kind == "repeat":
        to = rng.randrange(n + 1)
        edited.insert(to, lines[at])
        # The first line out of place: the copy (a later number), or the one after it.
        places = {to + 1} if to <= at else {at + 1}
    elif kind == "move":
        to = rng.choice([i for i in range(n) if i != at])
        edited.insert(to, edited.pop(at))
        places = {min(at, to) + 1}
    else:
        edited[at], claimed = _edit_export_line(lines[at], rng)
        places = {at + 1} | ({claimed} if claimed is not None else set())
    what = f"{kind} line {at + 1}"
    return "".join(f"{x}\n" for x in edited), None, places, what


def _export_named(tampered: Tampered, edit: ExportEdit) -> bool:
    """Verify as ``taxgate ledger verify`` does; the report names the export and a place."""
    text, staged, places, _ = edit
    export, stage = export_path(tampered.ws), staged_export_path(tampered.ws)
    original = export.read_bytes()
    try:
        if text is None:
            export.unlink()
        else:
            export.write_text(text, encoding="utf-8")
        if staged is not None:
            stage.write_text(staged, encoding="utf-8")
        try:
            report = verify_workspace_ledger(tampered.ws, tampered.store)
        except LedgerVerificationError as e:  # a line that is no checkpoint, named
            return any(f"line {p} is not a checkpoint" in e.message for p in places)
    finally:
        export.write_bytes(original)
        stage.unlink(missing_ok=True)
    assert report is not None
    return (
        not report.ok
        and report.first_bad_checkpoint in places
        and any("export" in problem for problem in report.problems)
    )


def test_every_tampering_of_the_exported_checkpoints_is_caught_where_it_was_made(
    tampered: Tampered,
) -> None:
    lines = export_path(tampered.ws).read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 5, "the world should have several checkpoints"
    clean = verify_workspace_ledger(tampered.ws, tampered.store)
    assert clean is not None and clean.ok, clean
    rng = random.Random(SEED)
    edits = [_export_tampering(lines, rng) for _ in range(EXPORT_TAMPERINGS)]
    missed = [what for *_, what in (e for e in edits if not _export_named(tampered, e))]
    kinds = Counter(e[3].split(" ")[0] for e in edits)
    assert set(kinds) >= {"delete", "truncate", "repeat", "move", "edit", "last"}, kinds
    assert not missed, f"{len(missed)} of {EXPORT_TAMPERINGS} export tamperings passed: {missed}"
    after = verify_workspace_ledger(tampered.ws, tampered.store)
    assert after is not None and after.ok  # every tampering was undone


def test_an_export_left_one_line_short_by_a_stopped_command_verifies(
    tampered: Tampered,
) -> None:
    """The one state the check must allow: the newest checkpoint committed, its line staged,
    the command stopped before appending it (the next command catches up)."""
    export, stage = export_path(tampered.ws), staged_export_path(tampered.ws)
    original = export.read_bytes()
    lines = original.decode("utf-8").splitlines()
    try:
        export.write_text("".join(f"{x}\n" for x in lines[:-1]), encoding="utf-8")
        stage.write_text(lines[-1] + "\n", encoding="utf-8")
        report = verify_workspace_ledger(tampered.ws, tampered.store)
        assert report is not None and report.ok, report
        stage.unlink()
        report = verify_workspace_ledger(tampered.ws, tampered.store)
        assert report is not None and not report.ok
        assert report.first_bad_checkpoint == len(lines) and "export" in report.message
    finally:
        export.write_bytes(original)
        stage.unlink(missing_ok=True)
