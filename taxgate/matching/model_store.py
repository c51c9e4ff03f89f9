"""The match model of a workspace: trained from its master snapshot, kept in the store.

One model per master snapshot. ``master load`` trains it; ``taxgate model train WS`` trains
it again (the same snapshot gives the same model and version); ``taxgate run`` only reads
it. The ``models`` table keeps every model ever used, so that a decision's recorded
``model_version`` can always be looked up; the JSON is also written to ``WS/models/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from taxgate.disclosure.records import runs_ddl_sql
from taxgate.errors import WorkspaceError
from taxgate.ledger.binding import model_event
from taxgate.ledger.events import LedgerEvent
from taxgate.matching.middle_rates import estimate_middle_rates
from taxgate.matching.model import TF_COLUMNS, MatchModel, train_snapshot_model
from taxgate.store import Store
from taxgate.workspace import atomic_write_bytes


@dataclass(frozen=True)
class StoredModel:
    """A model with what it was trained on."""

    model: MatchModel
    trained_on: str  # "master:<snapshot version>"
    created_at: str

    def settings_json(self) -> str:
        """The settings as the ``models`` table stores them (sorted keys)."""
        return json.dumps(self.model.settings, sort_keys=True)


def tf_table_sql(column: str) -> str:
    """Population term frequencies of a name column, over the master records."""
    return f"""
    SELECT n.{column}, count(*) / sum(count(*)) OVER () AS tf_{column}
    FROM master_records AS r JOIN master_names AS n USING (name_id)
    WHERE n.{column} IS NOT NULL
    GROUP BY n.{column}
    ORDER BY n.{column}
    """


def master_tf_tables(store: Store) -> dict[str, pa.Table]:
    """The term-frequency tables of the current master snapshot."""
    return {c: store.arrow(tf_table_sql(c)) for c in TF_COLUMNS}


def master_record_count(store: Store) -> int:
    """How many matching records the current master holds (the term frequencies' base)."""
    row = store.fetchone("SELECT count(*) FROM master_records")
    return int(row[0]) if row else 0


def current_snapshot(store: Store) -> int:
    row = store.fetchone("SELECT max(version) FROM master_snapshots")
    if row is None or row[0] is None:
        raise WorkspaceError(
            "the workspace has no master file loaded",
            hint="load one with `taxgate master load WS MASTER_DIR`",
        )
    return int(row[0])


# How many taxpayers' records the model is estimated from: enough for every level's m and
# u, and a bounded memory whatever the master's size. The sample is the same for one
# snapshot (taxpayers in the order of a hash of their TIN); term frequencies always come
# from the whole master.
TRAINING_TAXPAYERS = 200_000


def training_records_sql() -> str:
    """The matching records of a deterministic sample of taxpayers."""
    return """
    SELECT r.* FROM record_features AS r
    JOIN (
        SELECT tin FROM (SELECT DISTINCT tin FROM record_features)
        ORDER BY md5(tin), tin LIMIT ?
    ) AS sample USING (tin)
    ORDER BY r.record_id
    """


def middle_name_counts_sql() -> str:
    """Per number of filings ``n`` and number of them that wrote a second given name ``k``
    (the record's name form has a given name other than the first), how many taxpayers of
    the whole master filed so."""
    return """
    SELECT n, k, count(*) FROM (
        SELECT r.tin, sum(r.filings) AS n,
               sum(CASE WHEN len(list_filter(f.given_names, lambda x: x <> f.given_key)) > 0
                        THEN r.filings ELSE 0 END) AS k
        FROM master_records AS r JOIN record_features AS f USING (record_id)
        GROUP BY r.tin
    ) GROUP BY n, k ORDER BY n, k
    """


def train_for_master(store: Store) -> MatchModel:
    """Train the model of the current master snapshot (nothing is saved)."""
    current_snapshot(store)
    records = store.arrow(training_records_sql(), [TRAINING_TAXPAYERS])
    counts = [(int(n), int(k), int(c)) for n, k, c in store.fetchall(middle_name_counts_sql())]
    return train_snapshot_model(
        records, master_tf_tables(store), middle_rates=estimate_middle_rates(counts)
    )


def save_model(store: Store, models_dir: Path, model: MatchModel, *, now: datetime) -> StoredModel:
    """Make ``model`` the active model of the current snapshot (inside the caller's
    transaction, if any); its JSON goes to ``models_dir`` too. The caller ledgers the
    returned row (``MODEL_ADOPTED``)."""
    store.execute(runs_ddl_sql())
    saved = StoredModel(model, f"master:{current_snapshot(store)}", now.isoformat())
    atomic_write_bytes(models_dir / f"{model.version}.json", model.to_json().encode("utf-8"))
    store.execute("UPDATE models SET active = FALSE")
    store.execute("DELETE FROM models WHERE version = ?", [model.version])
    store.execute(
        "INSERT INTO models VALUES (?, ?, ?, TRUE, ?)",
        [model.version, saved.created_at, saved.trained_on, saved.settings_json()],
    )
    return saved


def saved_model_event(saved: StoredModel) -> LedgerEvent:
    """The ``MODEL_ADOPTED`` entry that binds a saved model's row to the ledger."""
    return model_event(
        model_version=saved.model.version,
        trained_on=saved.trained_on,
        created_at=saved.created_at,
        settings_json=saved.settings_json(),
    )


def active_model(store: Store) -> StoredModel | None:
    """The model trained on the current master snapshot, if there is one."""
    if store.read_only:  # `model show`: nothing is created; no table means no model
        if not store.fetchall("SELECT 1 FROM duckdb_tables() WHERE table_name = 'models'"):
            return None
    else:
        store.execute(runs_ddl_sql())
    row = store.fetchone(
        "SELECT settings, trained_on_batch, created_at FROM models WHERE active "
        "ORDER BY created_at DESC LIMIT 1"
    )
    if row is None:
        return None
    snapshot = store.fetchone("SELECT max(version) FROM master_snapshots")
    if snapshot is None or str(row[1]) != f"master:{snapshot[0]}":
        return None  # trained on an older snapshot, or on a batch (before models per snapshot)
    return StoredModel(MatchModel(settings=json.loads(row[0])), str(row[1]), str(row[2]))


def require_model(store: Store) -> MatchModel:
    """The current snapshot's model, or a refusal that says how to make one."""
    stored = active_model(store)
    if stored is None:
        raise WorkspaceError(
            "the workspace has no match model for its current master snapshot",
            hint="train it with `taxgate model train WS` (master load does this)",
        )
    return stored.model
