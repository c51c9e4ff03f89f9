"""The matching stage: candidates → Splink scores → the policy, for a batch of requests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from taxgate.agreement import PolicyTerms
from taxgate.matching.blocking import BLOCKING_RULES, CandidateSet, generate_candidates
from taxgate.matching.comparisons import COMPARISON_NAMES, GIVEN, STREET
from taxgate.matching.decide import (
    CandidateEvidence,
    Decision,
    OnFile,
    ambiguous_by_other_names,
    decide,
    rivals_named_elsewhere,
)
from taxgate.matching.model import TF_COLUMNS, MatchModel, score_pairs, train_model
from taxgate.standardise.name_agreement import (
    common_other_names,
    distinct_given_names,
    misspelt_related_given_name,
    related_given_names,
    short_forms_of_one_name,
)
from taxgate.standardise.spelling import streets_alike
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


def tf_tables_sql(column: str) -> str:
    """Population term frequencies of a name column, over the master records."""
    return f"""
    SELECT n.{column}, count(*) / sum(count(*)) OVER () AS tf_{column}
    FROM master_records AS r JOIN master_names AS n USING (name_id)
    WHERE n.{column} IS NOT NULL
    GROUP BY n.{column}
    ORDER BY n.{column}
    """


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


def prior_for(store: Store) -> float:
    """One over the number of master records: two random records rarely match."""
    row = store.fetchone("SELECT count(*) FROM master_records")
    return 1.0 / max(int(row[0]) if row else 1, 2)


def run_matching(
    store: Store,
    requests: pa.Table,
    *,
    policy: PolicyTerms,
    model: MatchModel | None,
    progress: Progress | None = None,
) -> MatchResult:
    """Generate, score and decide the candidates of screened requests.

    ``requests``: ``uid``, ``tin``, ``date_of_birth`` and the feature columns. When
    ``model`` is None, one is trained on this batch and its candidates (and returned).
    """
    note = progress or (lambda _stage: None)
    note("candidates")
    candidates = generate_candidates(store, requests, BLOCKING_RULES)
    store.register("candidate_pairs", candidates.pairs)
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
    tf_tables = {c: store.arrow(tf_tables_sql(c)) for c in TF_COLUMNS}
    left = _left_side(requests)
    if model is None:
        note("training")
        model = train_model(left, right, tf_tables, prior=prior_for(store))
    note("scoring")
    scores = score_pairs(model, left, right, tf_tables)
    tins = dict(
        zip(right.column("record_id").to_pylist(), right.column("tin").to_pylist(), strict=True)
    )
    note("deciding")
    given_keys = _keys_by_side(left, right, "given_key")
    street_names = _keys_by_side(left, right, "street_name")
    names = _Names(given_keys, _keys_by_side(left, right, "surname_full", "surname_keys"))
    evidence = _evidence(scores, model, tins, box_records, names, street_names)
    evidence = common_names_are_not_typos(store, evidence, given_keys)
    uids = requests.column("uid").to_pylist()
    suffixes = _suffixes_on_file(store, {c.tin for cs in evidence.values() for c in cs})
    request_suffix = dict(zip(uids, requests.column("name_suffix").to_pylist(), strict=True))
    on_file = {uid: OnFile(request_suffix=request_suffix[uid], suffixes=suffixes) for uid in uids}
    decisions = {uid: decide(evidence.get(uid, []), policy, on_file=on_file[uid]) for uid in uids}
    rivals = {
        uid: rivals_named_elsewhere(decisions[uid], evidence.get(uid, []), on_file[uid])
        for uid in uids
    }
    fitting = rivals_fitting_by_other_names(store, requests, rivals)
    for uid, fitting_tins in fitting.items():
        decisions[uid] = ambiguous_by_other_names(decisions[uid], fitting_tins)
    return MatchResult(decisions, evidence, candidates, scores, model)


def given_name_holders_sql() -> str:
    """How many taxpayers hold each of the wanted given names in the master file."""
    return """
    SELECT n.given_key, count(DISTINCT r.tin) AS holders
    FROM master_names AS n
    JOIN wanted_given AS w ON w.given_key = n.given_key
    JOIN master_records AS r USING (name_id)
    GROUP BY n.given_key
    ORDER BY n.given_key
    """


def common_names_are_not_typos(
    store: Store,
    evidence: dict[str, list[CandidateEvidence]],
    given_keys: tuple[dict[str, str], dict[int, str]],
) -> dict[str, list[CandidateEvidence]]:
    """Mark a given-name "typo" between two names many taxpayers hold as two names
    (:func:`common_other_names`): HUNG is not HUONG misspelt."""
    request_given, record_given = given_keys
    pairs = {
        (uid, c.record_id): (request_given.get(uid) or "", record_given.get(c.record_id) or "")
        for uid, cs in evidence.items()
        for c in cs
        if c.levels.get(GIVEN) == "typo" and not c.other_given_name
    }
    wanted = sorted({k for pair in pairs.values() for k in pair if k})
    if not wanted:
        return evidence
    store.register("wanted_given", pa.table({"given_key": pa.array(wanted, pa.string())}))
    try:
        holders = {str(k): int(n) for k, n in store.fetchall(given_name_holders_sql())}
    finally:
        store.unregister("wanted_given")
    two_names = {key for key, pair in pairs.items() if common_other_names(*pair, holders)}
    if not two_names:
        return evidence
    return {
        uid: [
            dataclasses.replace(c, other_given_name=True) if (uid, c.record_id) in two_names else c
            for c in cs
        ]
        for uid, cs in evidence.items()
    }


def rivals_fitting_sql() -> str:
    """Which (request, rival) pairs have a name form on file that fits the request: the
    same or an equivalent first given name, and a surname key in common (any filing)."""
    return """
    SELECT DISTINCT p.uid, p.tin
    FROM rival_pairs AS p
    JOIN rival_requests AS q USING (uid)
    JOIN master_records AS r ON r.tin = p.tin
    JOIN master_names AS n USING (name_id)
    WHERE list_has_any(n.surname_keys, q.surname_keys)
      AND (n.given_key = q.given_key
           OR list_contains(n.given_classes, q.given_key)
           OR list_contains(q.given_classes, n.given_key))
    ORDER BY p.uid, p.tin
    """


def rivals_fitting_by_other_names(
    store: Store, requests: pa.Table, rivals: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Per request, the rivals (:func:`rivals_named_elsewhere`) whose other filings fit it."""
    pairs = [(uid, tin) for uid, tins in sorted(rivals.items()) for tin in tins]
    if not pairs:
        return {}
    wanted = pa.array(sorted({uid for uid, _ in pairs}), pa.string())
    mask = pc.is_in(requests.column("uid"), value_set=wanted)
    names = requests.filter(mask).select(["uid", "given_key", "given_classes", "surname_keys"])
    uids, tins = zip(*pairs, strict=True)
    store.register("rival_pairs", pa.table({"uid": list(uids), "tin": list(tins)}))
    store.register("rival_requests", names)
    try:
        rows = store.fetchall(rivals_fitting_sql())
    finally:
        store.unregister("rival_pairs")
        store.unregister("rival_requests")
    out: dict[str, list[str]] = {}
    for uid, tin in rows:
        out.setdefault(str(uid), []).append(str(tin))
    return out


@dataclass(frozen=True)
class _Names:
    """Per request (by uid) and per candidate record (by record id): the first given name;
    the surname as written in the request's surname field, and every surname key of the
    record (a middle name read as the maternal surname included)."""

    given: tuple[dict[str, Any], dict[int, Any]]
    surnames: tuple[dict[str, Any], dict[int, Any]]


def _keys_by_side(
    left: pa.Table, right: pa.Table, column: str, record_column: str | None = None
) -> tuple[dict[str, Any], dict[int, Any]]:
    """``column`` of each request (by uid) and of each candidate record (by record id), or
    ``record_column`` of each record when it is given."""
    uids, record_ids = left.column("unique_id").to_pylist(), right.column("record_id").to_pylist()
    requests = zip(uids, left.column(column).to_pylist(), strict=True)
    records = zip(record_ids, right.column(record_column or column).to_pylist(), strict=True)
    return dict(requests), dict(records)


def _evidence(
    scores: pa.Table,
    model: MatchModel,
    tins: dict[int, str],
    box_records: set[int],
    names: _Names,
    street_names: tuple[dict[str, str], dict[int, str]],
) -> dict[str, list[CandidateEvidence]]:
    labels = model.level_labels()
    columns: dict[str, list[Any]] = {
        name: scores.column(name).to_pylist()
        for name in ("cand_group", "record_id", "match_weight")
    }
    gammas = {c: scores.column(f"gamma_{c}").to_pylist() for c in COMPARISON_NAMES}
    partials = {c: scores.column(f"mw_{c}").to_pylist() for c in COMPARISON_NAMES}
    request_given, record_given = names.given
    request_surnames, record_surnames = names.surnames
    request_street, record_street = street_names
    out: dict[str, list[CandidateEvidence]] = {}
    for i, uid in enumerate(columns["cand_group"]):
        record_id = int(columns["record_id"][i])
        levels = {c: labels[c].get(int(gammas[c][i]), "?") for c in COMPARISON_NAMES}
        given_pair = (request_given.get(uid) or "", record_given.get(record_id) or "")
        other_name = levels.get(GIVEN) == "typo" and distinct_given_names(*given_pair)
        given_disagrees = levels.get(GIVEN) == "disagree"
        relative = given_disagrees and _misspelt_relative(*given_pair)
        one_name = given_disagrees and short_forms_of_one_name(*given_pair)
        swapped_form = levels.get(GIVEN) != "swapped" and _swapped_other_form(
            given_pair,
            tuple((request_surnames.get(uid) or "").split()),
            tuple(record_surnames.get(record_id) or ()),
        )
        slip = levels.get(STREET) == "disagree" and _street_slip(
            request_street.get(uid) or "", record_street.get(record_id) or ""
        )
        out.setdefault(uid, []).append(
            CandidateEvidence(
                tin=tins[record_id],
                record_id=record_id,
                match_weight=round(float(columns["match_weight"][i]), 6),
                levels=levels,
                is_box=record_id in box_records,
                partials={c: round(float(partials[c][i] or 0.0), 4) for c in COMPARISON_NAMES},
                other_given_name=other_name,
                misspelt_relative=relative,
                form_of_one_name=one_name,
                swapped_other_form=swapped_form,
                street_slip=slip,
            )
        )
    return out


@lru_cache(maxsize=65_536)
def _street_slip(request_street: str, record_street: str) -> bool:
    return bool(request_street and record_street) and streets_alike(request_street, record_street)


@lru_cache(maxsize=65_536)
def _swapped_other_form(
    given: tuple[str, str], request_surnames: tuple[str, ...], record_surnames: tuple[str, ...]
) -> bool:
    """The request's first and last names exchanged, the first in another form: ALLEN
    STEVEN (given ALLEN, surname STEVEN) for STEPHEN ALLEN. The request's given name is one
    of the record's surname keys, and the record's given name is a form of one of the
    request's (a swap alone is the ``swapped`` level)."""
    request_given, record_given = given
    if len(request_given) < 2 or len(record_given) < 2 or request_given not in record_surnames:
        return False
    return any(related_given_names(record_given, key) for key in request_surnames)


@lru_cache(maxsize=65_536)
def _misspelt_relative(request_given: str, record_given: str) -> bool:
    return misspelt_related_given_name(request_given, record_given)


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
