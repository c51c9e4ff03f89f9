"""The Splink adapter: train, save and apply the Fellegi–Sunter model on DuckDB.

The model is trained once per master snapshot (``taxgate master load`` or ``taxgate model
train WS``), never on a batch being answered, so a request's evidence does not depend on the
other requests of its batch, and a batch of one request runs. u comes from random pairs of
master records, m from the pairs of records one TIN wrote (how a person's own filings vary)
mixed with the request channel (:mod:`taxgate.matching.channel`). Parameters never come from
the generator's truth. Term frequencies come from the master file (the population).

At scoring time Splink runs on its own in-memory DuckDB connection, so that its working
tables never enter the workspace store. Candidate pairs come from taxgate's blocking: every
candidate record carries the ``cand_group`` of its request, and Splink's prediction rule is
``block_on("cand_group")``, so Splink scores exactly the blocked pairs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from taxgate.errors import ConfigError
from taxgate.matching.channel import channel_m, smoothed_u
from taxgate.matching.comparisons import COMPARISON_NAMES, all_comparisons
from taxgate.matching.middle_rates import MiddleRates

MODEL_FORMAT = 1
# The settings key holding the rates estimated beside Splink's parameters (not Splink's).
NAME_RATES_KEY = "taxgate_name_rates"
TF_COLUMNS = ("given_key", "surname_full")
_QUIET = logging.ERROR  # Splink reports untrained levels as warnings; checked by check_model

# Levels that must carry positive evidence, and levels that must carry negative evidence,
# for a trained model to make sense (checked after training).
_MUST_BE_POSITIVE = {"given_name": "exact", "surname": "exact", "house": "exact"}
_MUST_BE_NEGATIVE = {"given_name": "disagree", "surname": "disagree", "house": "disagree"}


@dataclass(frozen=True)
class MatchModel:
    """A trained model: the Splink settings JSON and its content version."""

    settings: dict[str, Any]

    @cached_property
    def version(self) -> str:
        """``fs-`` + the first 16 hex digits of the SHA-256 of the canonical JSON."""
        canonical = json.dumps(self.settings, sort_keys=True, separators=(",", ":"))
        return "fs-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(
            {"format": MODEL_FORMAT, "settings": self.settings}, indent=1, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ConfigError(f"the model file is not JSON: {e}") from e
        if data.get("format") != MODEL_FORMAT or "settings" not in data:
            raise ConfigError("the model file is not a taxgate model of a supported format")
        return cls(settings=data["settings"])

    @property
    def splink_settings(self) -> dict[str, Any]:
        """The settings Splink is given: everything but taxgate's own rates."""
        return {k: v for k, v in self.settings.items() if k != NAME_RATES_KEY}

    @property
    def middle_rates(self) -> MiddleRates:
        """The second-given-name rates estimated from the master (the prior if absent)."""
        return MiddleRates.from_dict(self.settings.get(NAME_RATES_KEY))

    def level_labels(self) -> dict[str, dict[int, str]]:
        """Per comparison, the label of each comparison-vector value (gamma)."""
        labels: dict[str, dict[int, str]] = {}
        for comparison in self.settings["comparisons"]:
            levels = comparison["comparison_levels"]
            values: dict[int, str] = {}
            non_null = [lv for lv in levels if not lv.get("is_null_level")]
            for lv in levels:
                if lv.get("is_null_level"):
                    values[-1] = "null"
            for i, lv in enumerate(non_null):
                values[len(non_null) - 1 - i] = lv.get("label_for_charts", str(i))
            labels[comparison["output_column_name"]] = values
        return labels

    def level_weights(self) -> dict[str, dict[str, float]]:
        """Per comparison, log2(m/u) of each labelled level (no term-frequency adjustment)."""
        weights: dict[str, dict[str, float]] = {}
        for comparison in self.settings["comparisons"]:
            per_level: dict[str, float] = {}
            for lv in comparison["comparison_levels"]:
                if lv.get("is_null_level"):
                    continue
                m, u = lv.get("m_probability"), lv.get("u_probability")
                label = lv.get("label_for_charts", "")
                if m and u:
                    per_level[label] = math.log2(m / u)
            weights[comparison["output_column_name"]] = per_level
        return weights


class _Session:
    """One private DuckDB connection holding the two sides and the tf tables."""

    def __init__(self, requests: pa.Table, candidates: pa.Table, tf_tables: dict[str, pa.Table]):
        self.con = duckdb.connect(":memory:")
        self.db = DuckDBAPI(self.con)
        left = requests.append_column("record_id", pa.nulls(requests.num_rows, pa.int64()))
        self.left = self.db.register(left, table_name="requests")
        self.right = self.db.register(candidates, table_name="candidates")
        self.tf_tables = tf_tables

    def linker(self, settings: SettingsCreator | dict[str, Any]) -> Linker:
        linker = Linker([self.left, self.right], settings, log_level=_QUIET)
        for column, table in self.tf_tables.items():
            frame = self.db.register(table, table_name=f"tf_lookup_{column}")
            linker.table_management.register_term_frequency_lookup(frame, column)
        return linker

    def close(self) -> None:
        self.con.close()


def train_snapshot_model(
    records: pa.Table,
    tf_tables: dict[str, pa.Table],
    *,
    seed: int = 6103,
    middle_rates: MiddleRates | None = None,
) -> MatchModel:
    """Estimate the model from one master snapshot, before any request is seen.

    ``records`` are the master's matching records (``record_id``, ``tin`` and the feature
    columns). u comes from random pairs of records (Splink's random sampling, seeded);
    m from the pairs of records that one TIN wrote (Splink's label-column estimate: how one
    person's name varies between their own filings), mixed with the request channel
    (:mod:`taxgate.matching.channel`). The same snapshot always gives the same model.
    """
    if records.num_rows < 2:
        raise ConfigError(
            "the master file has fewer than two matching records: nothing to learn from",
            hint="load a master file with `taxgate master load WS MASTER_DIR`",
        )
    table = records.sort_by("record_id").rename_columns(
        ["unique_id" if c == "record_id" else c for c in records.column_names]
    )
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads = 1")  # sampling and sums in one order: one model per snapshot
        db = DuckDBAPI(con)
        frame = db.register(table, table_name="master_records_for_training")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=all_comparisons(),
            blocking_rules_to_generate_predictions=[block_on("tin")],
            probability_two_random_records_match=0.5,
        )
        linker = Linker(frame, settings, log_level=_QUIET)
        for column, tf in tf_tables.items():
            lookup = db.register(tf, table_name=f"tf_lookup_{column}")
            linker.table_management.register_term_frequency_lookup(lookup, column)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
        if _has_repeat_filers(table):
            linker.training.estimate_m_from_label_column("tin")
        trained = _normalise(linker.misc.save_model_to_json())
    finally:
        con.close()
    pairs = min(1e6, records.num_rows * (records.num_rows - 1) / 2)
    counts = pc.value_counts(records.column("tin")).field("counts").to_pylist()
    label_pairs = float(sum(k * (k - 1) / 2 for k in counts))
    scoring = regularise(with_channel(for_scoring(trained), pairs, label_pairs))
    scoring[NAME_RATES_KEY] = (middle_rates or MiddleRates()).as_dict()
    model = MatchModel(settings=scoring)
    check_model(model)
    return model


def for_scoring(settings: dict[str, Any]) -> dict[str, Any]:
    """The trained parameters with the settings that score requests against candidates:
    link requests to records, one prediction block per request (``cand_group``)."""
    out: dict[str, Any] = json.loads(json.dumps(settings))
    out.update(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            {"blocking_rule": 'l."cand_group" = r."cand_group"', "sql_dialect": "duckdb"}
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["cand_group", "record_id"],
    )
    return out


def _has_repeat_filers(records: pa.Table) -> bool:
    tins = records.column("tin")
    return len(tins) > len(tins.unique())


def with_channel(settings: dict[str, Any], pairs: float, label_pairs: float) -> dict[str, Any]:
    """Replace each level's m by the filings' m (from ``label_pairs`` within-taxpayer pairs)
    mixed with the request channel, and its u by the ``pairs`` sampled random pairs smoothed
    toward the population prior."""
    out: dict[str, Any] = json.loads(json.dumps(settings))
    for comparison in out["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        labels = [str(lv.get("label_for_charts")) for lv in levels]
        filings = {
            str(lv.get("label_for_charts")): float(lv["m_probability"])
            for lv in levels
            if isinstance(lv.get("m_probability"), float)
        }
        sampled = {
            str(lv.get("label_for_charts")): float(lv["u_probability"])
            for lv in levels
            if isinstance(lv.get("u_probability"), float)
        }
        name = comparison["output_column_name"]
        mixed = channel_m(name, labels, filings, label_pairs)
        u = smoothed_u(name, labels, sampled, pairs)
        for lv, label in zip(levels, labels, strict=True):
            lv["m_probability"] = mixed[label] if mixed[label] > 0 else None
            lv["u_probability"] = u[label] if u[label] > 0 else None
    return out


# Levels too rare in the data to estimate, and the level whose evidence each carries.
_BORROWS = {"swapped": "exact", "swapped_form": "equivalent", "swapped_typo": "typo"}


def regularise(settings: dict[str, Any]) -> dict[str, Any]:
    """Make a trained model usable for a decision that must err toward non-disclosure.

    * ``swapped`` levels (first and last names exchanged) carry the evidence of the ``exact``
      level: once the exchange is recognised, the names agree exactly; ``swapped_form`` (the
      exchange goes through another form of the given name) carries the ``equivalent``
      level's, and ``swapped_typo`` (a slip in an exchanged word) the ``typo`` level's. The
      data rarely shows enough swapped pairs to estimate them on their own.
    * A level the data could not estimate (no m or no u) carries no evidence either way
      (m = u, weight 0), instead of Splink's generic default.
    * No agreement level may weigh less than the comparison's disagreement level.
    * m and u are rounded to 9 significant digits: DuckDB sums in parallel, so the last bits
      of an EM estimate depend on thread scheduling; rounding keeps one workspace's data
      giving one model (and one model version).
    * The prior is set to 1/2, so ``match_weight`` is the log2 Bayes factor of the evidence
      alone. Candidates are already restricted to the same house number and a shared name,
      so a population prior (one over the master size) would make the thresholds drift with
      the size of the master file. The agreement's thresholds are in these bits.
    """
    out: dict[str, Any] = json.loads(json.dumps(settings))
    for comparison in out["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        by_label = {lv.get("label_for_charts"): lv for lv in levels}
        floor = _weight(by_label.get("disagree"))
        for lv in levels:
            source = by_label.get(_BORROWS.get(str(lv.get("label_for_charts")), ""))
            if source is not None:
                lv["m_probability"], lv["u_probability"] = (
                    source.get("m_probability"),
                    source.get("u_probability"),
                )
            weight = _weight(lv)
            if weight is None:
                probability = lv.get("u_probability") or lv.get("m_probability") or 1e-6
                lv["m_probability"] = lv["u_probability"] = probability
            elif floor is not None and lv.get("label_for_charts") != "disagree" and weight < floor:
                lv["m_probability"] = lv["u_probability"] * 2.0**floor
    out["probability_two_random_records_match"] = 0.5
    for comparison in out["comparisons"]:
        for lv in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if isinstance(lv.get(key), float):
                    lv[key] = float(f"{lv[key]:.9g}")
    return out


def _weight(level: dict[str, Any] | None) -> float | None:
    if level is None:
        return None
    m, u = level.get("m_probability"), level.get("u_probability")
    if not m or not u:
        return None
    return math.log2(m / u)


def _normalise(settings: dict[str, Any]) -> dict[str, Any]:
    """Drop run-specific keys (ids, timings) so equal training gives equal JSON."""
    clean = {k: v for k, v in settings.items() if k not in {"linker_uid"}}
    normalised: dict[str, Any] = json.loads(json.dumps(clean, sort_keys=True))
    return normalised


def check_model(model: MatchModel) -> None:
    """Refuse a model whose learned weights contradict common sense."""
    weights = model.level_weights()
    problems = [
        f"{c} '{lv}' weight {weights[c].get(lv, 0.0):+.1f} should be positive"
        for c, lv in _MUST_BE_POSITIVE.items()
        if weights.get(c, {}).get(lv, 0.0) <= 0
    ] + [
        f"{c} '{lv}' weight {weights[c].get(lv, 0.0):+.1f} should be negative"
        for c, lv in _MUST_BE_NEGATIVE.items()
        if weights.get(c, {}).get(lv, 0.0) >= 0
    ]
    if problems:
        raise ConfigError(
            "the trained match model does not make sense: " + "; ".join(problems),
            hint="inspect it with `taxgate model show WS`; the master file may be too small",
        )


def score_pairs(
    model: MatchModel,
    requests: pa.Table,
    candidates: pa.Table,
    tf_tables: dict[str, pa.Table],
) -> pa.Table:
    """Score every (request, candidate record) pair of the same ``cand_group``.

    Returns ``cand_group``, ``record_id``, ``match_weight`` and, per comparison, ``gamma_*``
    and ``mw_*`` (partial match weight in bits, term frequency included) columns, ordered
    deterministically.
    """
    if candidates.num_rows == 0:
        return _empty_scores()
    session = _Session(requests, candidates, tf_tables)
    try:
        linker = session.linker(model.splink_settings)
        predictions = linker.inference.predict()
        gamma = ", ".join(f"gamma_{c}" for c in COMPARISON_NAMES)
        names = {c.name if hasattr(c, "name") else str(c) for c in predictions.columns}
        partial = ", ".join(_partial_sql(c, names) for c in COMPARISON_NAMES)
        table = session.con.sql(
            "SELECT cand_group_l AS cand_group, coalesce(record_id_l, record_id_r) AS record_id, "
            f"match_weight, "
            f"{gamma}, {partial} FROM {predictions.physical_name} "
            "ORDER BY cand_group, record_id"
        ).to_arrow_table()
    finally:
        session.close()
    return table


def _partial_sql(comparison: str, columns: set[str]) -> str:
    """The comparison's partial match weight in bits, term-frequency adjustment included."""
    tf = f"mw_tf_adj_{comparison}"
    if tf in columns:
        return f"mw_{comparison} + coalesce({tf}, 0) AS mw_{comparison}"
    return f"mw_{comparison}"


def _empty_scores() -> pa.Table:
    fields = [
        ("cand_group", pa.string()),
        ("record_id", pa.int64()),
        ("match_weight", pa.float64()),
    ]
    fields += [(f"gamma_{c}", pa.int32()) for c in COMPARISON_NAMES]
    fields += [(f"mw_{c}", pa.float64()) for c in COMPARISON_NAMES]
    return pa.schema(fields).empty_table()
