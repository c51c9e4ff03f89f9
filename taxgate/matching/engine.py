"""The matching stage: candidates → Splink scores → the name channel → the decision rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from taxgate.agreement import PolicyTerms
from taxgate.matching.blocking import BLOCKING_RULES, CandidateSet, generate_candidates
from taxgate.matching.comparisons import COMPARISON_NAMES, GIVEN
from taxgate.matching.decide import CandidateEvidence, Decision, OnFile, decide
from taxgate.matching.model import MatchModel, score_pairs
from taxgate.matching.model_store import master_tf_tables
from taxgate.matching.name_channel import NameChannel, NameKey, name_key
from taxgate.store import Store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MatchResult:
    """Per request uid: the decision and the scored evidence it rested on."""

    decisions: dict[str, Decision]
    evidence: dict[str, list[CandidateEvidence]]
    candidates: CandidateSet
    scores: pa.Table
    model: MatchModel


def candidate_features_sql() -> str:
    """The right-hand side for Splink: each candidate record, tagged with its request."""
    return """
    SELECT p.uid || ':' || CAST(p.record_id AS VARCHAR) AS unique_id,
           p.uid AS cand_group, p.record_id, m.* EXCLUDE (record_id)
    FROM candidate_pairs AS p JOIN record_features AS m USING (record_id)
    ORDER BY p.uid, p.record_id
    """


def _left_side(requests: pa.Table) -> pa.Table:
    """The left-hand side for Splink: unique_id and cand_group are the request uid."""
    uid = requests.column("uid")
    table = requests.drop_columns(["uid"])
    return table.add_column(0, "cand_group", uid).add_column(0, "unique_id", uid)


def point_taxpayers_sql() -> str:
    """The other name forms of each taxpayer who has a candidate record at the requested
    house and ZIP (or street): a taxpayer at the point is judged on every name they filed
    under (domain §4). A record under the same name form adds nothing, so it is left out."""
    return """
    SELECT DISTINCT p.uid, other.record_id, 0 AS rules
    FROM candidate_pairs AS p
    JOIN record_features AS m USING (record_id)
    JOIN point_requests AS r ON r.uid = p.uid AND r.house_key = m.house_key
         AND (r.zip5 = m.zip5 OR r.street_name = m.street_name)
    JOIN record_features AS other ON other.tin = m.tin
    WHERE other.given_key IS DISTINCT FROM m.given_key
       OR other.surname_full IS DISTINCT FROM m.surname_full
    ORDER BY p.uid, other.record_id
    """


def with_point_taxpayers(store: Store, requests: pa.Table, candidates: CandidateSet) -> pa.Table:
    """The candidate pairs plus every name form of the taxpayers found at the point."""
    store.register("candidate_pairs", candidates.pairs)
    store.register("point_requests", requests.select(["uid", "house_key", "zip5", "street_name"]))
    try:
        extra = store.arrow(point_taxpayers_sql())
    finally:
        store.unregister("candidate_pairs")
        store.unregister("point_requests")
    if extra.num_rows == 0:
        return candidates.pairs
    merged = pa.concat_tables([candidates.pairs, extra.cast(candidates.pairs.schema)])
    grouped = merged.group_by(["uid", "record_id"]).aggregate([("rules", "max")])
    table = grouped.rename_columns(["uid", "record_id", "rules"])
    return table.sort_by([("uid", "ascending"), ("record_id", "ascending")])


def run_matching(
    store: Store,
    requests: pa.Table,
    *,
    policy: PolicyTerms,
    model: MatchModel,
    progress: Progress | None = None,
) -> MatchResult:
    """Generate, score and decide the candidates of screened requests.

    ``requests``: ``uid``, ``tin``, ``date_of_birth`` and the feature columns. The model is
    the master snapshot's (:mod:`taxgate.matching.model_store`): nothing is learned from the
    batch, so a request's decision does not depend on the other requests of its batch.
    """
    note = progress or (lambda _stage: None)
    note("candidates")
    candidates = generate_candidates(store, requests, BLOCKING_RULES)
    pairs = with_point_taxpayers(store, requests, candidates)
    store.register("candidate_pairs", pairs)
    try:
        right = store.arrow(candidate_features_sql())
    finally:
        store.unregister("candidate_pairs")
    box_records = {
        rid
        for rid, kind in zip(
            right.column("record_id").to_pylist(),
            right.column("address_kind").to_pylist(),
            strict=True,
        )
        if kind not in (None, "STREET")
    }
    tf_tables = master_tf_tables(store)
    left = _left_side(requests)
    note("scoring")
    scores = score_pairs(model, left, right, tf_tables)
    tins = dict(
        zip(right.column("record_id").to_pylist(), right.column("tin").to_pylist(), strict=True)
    )
    note("deciding")
    channel = NameChannel.from_model(model, tf_tables["given_key"])
    sides = _Sides.of(left, right)
    evidence = _evidence(scores, model, tins, box_records, sides, channel)
    uids = requests.column("uid").to_pylist()
    suffixes = _suffixes_on_file(store, {c.tin for cs in evidence.values() for c in cs})
    request_suffix = dict(zip(uids, requests.column("name_suffix").to_pylist(), strict=True))
    decisions = {
        uid: decide(
            evidence.get(uid, []),
            policy,
            on_file=OnFile(request_suffix=request_suffix[uid], suffixes=suffixes),
        )
        for uid in uids
    }
    return MatchResult(decisions, evidence, candidates, scores, model)


@dataclass(frozen=True)
class _Sides:
    """Per request (by uid) and per candidate record (by record id): the name-channel key."""

    request: dict[str, NameKey]
    record: dict[int, NameKey]

    @classmethod
    def of(cls, left: pa.Table, right: pa.Table) -> _Sides:
        columns = ("given_key", "given_names", "name_suffix")
        req = zip(*(left.column(c).to_pylist() for c in ("unique_id", *columns)), strict=True)
        rec = zip(*(right.column(c).to_pylist() for c in ("record_id", *columns)), strict=True)
        return cls(
            {r[0]: name_key(*r[1:]) for r in req}, {int(r[0]): name_key(*r[1:]) for r in rec}
        )


def _evidence(
    scores: pa.Table,
    model: MatchModel,
    tins: dict[int, str],
    box_records: set[int],
    sides: _Sides,
    channel: NameChannel,
) -> dict[str, list[CandidateEvidence]]:
    labels = model.level_labels()
    columns: dict[str, list[Any]] = {
        name: scores.column(name).to_pylist()
        for name in ("cand_group", "record_id", "match_weight")
    }
    gammas = {c: scores.column(f"gamma_{c}").to_pylist() for c in COMPARISON_NAMES}
    partials = {c: scores.column(f"mw_{c}").to_pylist() for c in COMPARISON_NAMES}
    out: dict[str, list[CandidateEvidence]] = {}
    for i, uid in enumerate(columns["cand_group"]):
        record_id = int(columns["record_id"][i])
        levels = {c: labels[c].get(int(gammas[c][i]), "?") for c in COMPARISON_NAMES}
        judged = channel.judge(levels[GIVEN], sides.request[uid], sides.record[record_id])
        out.setdefault(uid, []).append(
            CandidateEvidence(
                tin=tins[record_id],
                record_id=record_id,
                match_weight=round(float(columns["match_weight"][i]), 6),
                levels=levels,
                is_box=record_id in box_records,
                partials={c: round(float(partials[c][i] or 0.0), 4) for c in COMPARISON_NAMES},
                given_bits=judged.given_bits,
                middle_bits=judged.middle_bits,
                junior_bits=judged.junior_bits,
            )
        )
    return out


def suffixes_sql() -> str:
    """Every explicit suffix each chosen taxpayer ever filed under."""
    return """
    SELECT r.tin, list(DISTINCT n.name_suffix ORDER BY n.name_suffix) AS suffixes
    FROM master_records AS r JOIN master_names AS n USING (name_id)
    JOIN suffix_tins USING (tin)
    WHERE n.name_suffix IS NOT NULL
    GROUP BY r.tin
    """


def _suffixes_on_file(store: Store, tins: set[str]) -> dict[str, frozenset[str]]:
    if not tins:
        return {}
    store.register("suffix_tins", pa.table({"tin": pa.array(sorted(tins), pa.string())}))
    try:
        rows = store.fetchall(suffixes_sql())
    finally:
        store.unregister("suffix_tins")
    return {str(tin): frozenset(values) for tin, values in rows}
