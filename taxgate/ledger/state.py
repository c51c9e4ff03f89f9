"""The hold, withhold and recall tables, rebuilt from the ledger to check them.

``legal_holds``, ``withholds`` and ``recalls`` are working state that the pipeline reads
quickly; the ledger entries that created them are the record. A row edited or deleted behind
the ledger's back (a hold silently lifted, a withheld taxpayer dropped, §6103(i)(6)) would
change what is disclosed, so verification rebuilds each table from the entries and compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from taxgate.ledger.canonical import parse_attrs
from taxgate.ledger.events import EventKind
from taxgate.store import Store

Row = tuple[Any, ...]


def state_entries_sql() -> str:
    """Entries that change hold, withhold or recall state, with their records, in order."""
    kinds = ", ".join(
        f"'{k.value}'"
        for k in (
            EventKind.HOLD_SET,
            EventKind.HOLD_LIFTED,
            EventKind.WITHHOLD_SET,
            EventKind.WITHHOLD_LIFTED,
            EventKind.DISCLOSURE_RECALLED,
        )
    )
    return f"""SELECT e.idx, e.kind, e.logged_at, e.batch_id, e.request_id, e.attrs, r.body
               FROM ledger_entries e LEFT JOIN ledger_records r ON r.idx = e.idx
               WHERE e.kind IN ({kinds}) ORDER BY e.idx"""


def state_problems(store: Store) -> list[tuple[int, str]]:
    """``(entry index, message)`` for every state row that disagrees with the ledger.

    The caller makes sure the ledger schema exists (its tables are created together).
    """
    holds: dict[str, list[Any]] = {}
    withholds: dict[str, list[Any]] = {}
    recalls: dict[str, list[Any]] = {}
    problems: list[tuple[int, str]] = []
    for idx, kind, at, batch_id, request_id, attrs_json, body in store.fetchall(
        state_entries_sql()
    ):
        attrs = parse_attrs(attrs_json)
        record = parse_attrs(body) if body is not None else {}
        unlifted = [None, None, None]
        if kind == EventKind.HOLD_SET:
            key = attrs["hold_id"]
            holds[key] = [key, attrs["requester"], attrs["order_ref"], at, idx, *unlifted]
        elif kind == EventKind.WITHHOLD_SET:
            key = attrs["withhold_id"]
            withholds[key] = [key, record.get("tin"), record.get("why"), at, idx, *unlifted]
        elif kind in (EventKind.HOLD_LIFTED, EventKind.WITHHOLD_LIFTED):
            table, key, lift = (
                (holds, attrs.get("hold_id"), attrs.get("order_ref"))
                if kind == EventKind.HOLD_LIFTED
                else (withholds, attrs.get("withhold_id"), record.get("why"))
            )
            if key not in table:
                problems.append((idx, f"entry {idx} lifts {key}, which was never set"))
                continue
            table[key][5:8] = [lift, at, idx]
        else:
            key = attrs["recall_id"]
            recall = recalls.setdefault(
                key, [key, batch_id, attrs["requester"], record.get("why"), at, [], idx, idx]
            )
            recall[5].append(request_id)
            recall[7] = idx
    problems += _compare("legal_holds", holds, _rows(store, _holds_sql()))
    problems += _compare("withholds", withholds, _rows(store, _withholds_sql()))
    recall_rows = {
        row[0]: [*row[:5], _request_ids(row[5]), *row[6:]] for row in store.fetchall(_recalls_sql())
    }
    problems += _compare("recalls", recalls, recall_rows, entry_col=6)
    return sorted(problems)


def _request_ids(text: str | None) -> Any:
    """The recall's request ids; text that is not a JSON list is kept as it is (it then
    differs from the ledger, which is what verification reports)."""
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


def _holds_sql() -> str:
    return """SELECT hold_id, requester, order_ref, set_at, set_entry, lift_order_ref,
                     lifted_at, lifted_entry FROM legal_holds"""


def _withholds_sql() -> str:
    return """SELECT withhold_id, tin, why, set_at, set_entry, lift_why, lifted_at,
                     lifted_entry FROM withholds"""


def _recalls_sql() -> str:
    return """SELECT recall_id, batch_id, requester, why, recalled_at, request_ids,
                     first_entry, last_entry FROM recalls"""


def _rows(store: Store, sql: str) -> dict[str, list[Any]]:
    return {row[0]: list(row) for row in store.fetchall(sql)}


def _compare(
    table: str, expected: dict[str, list[Any]], actual: dict[str, list[Any]], *, entry_col: int = 4
) -> Iterable[tuple[int, str]]:
    """Rows that differ, each named by the earliest ledger entry it misrepresents."""
    for key in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(key), actual.get(key)
        if want == have:
            continue
        if want is None and have is not None:
            yield (int(have[entry_col]), f"{table} row {key} has no ledger entry behind it")
        elif want is not None and have is None:
            yield (int(want[entry_col]), f"{table} row {key} (entry {want[entry_col]}) is missing")
        elif want is not None and have is not None:
            index = want[entry_col]
            if want[: entry_col + 1] == have[: entry_col + 1] and want[-1] is not None:
                index = want[-1]  # only the lift differs
            yield (int(index), f"{table} row {key} disagrees with ledger entry {index}")
