"""The matching stage: candidates → Splink scores → the name channel → the decision rule."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from taxgate.agreement import PolicyTerms
from taxgate.collector import cycle_collector_paused
from taxgate.matching.blocking import BLOCKING_RULES, CandidateSet, generate_candidates
from taxgate.matching.comparisons import STREET
from taxgate.matching.decide import CandidateEvidence, Decision, OnFile, decide
from taxgate.matching.evidence import Records, Sides, candidate_evidence, distinct_records
from taxgate.matching.model import MatchModel, score_pairs
from taxgate.matching.model_store import master_record_count, master_tf_tables
from taxgate.matching.name_channel import NameChannel
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


def record_filings_sql() -> str:
    """How many filings each candidate record (one name at one delivery point) stands for."""
    return """
    SELECT r.record_id, r.filings
    FROM master_records AS r JOIN (SELECT DISTINCT record_id FROM candidate_pairs) USING (record_id)
    """


def _left_side(requests: pa.Table) -> pa.Table:
    """The left-hand side for Splink: unique_id and cand_group are the request uid."""
    uid = requests.column("uid")
    table = requests.drop_columns(["uid"])
    return table.add_column(0, "cand_group", uid).add_column(0, "unique_id", uid)


def point_taxpayers_sql() -> str:
    """The other name forms of each taxpayer who has a candidate record at the requested
    house and ZIP (or street): a taxpayer at the point is judged on every name they filed
    under (domain §4), a second given name included (AARON WILLIAM is asked as WILLIAM). A
    record under the same name form adds nothing, so it is left out."""
    return """
    SELECT DISTINCT p.uid, other.record_id, 0 AS rules
    FROM candidate_pairs AS p
    JOIN record_features AS m USING (record_id)
    JOIN point_requests AS r ON r.uid = p.uid AND r.house_key = m.house_key
         AND (r.zip5 = m.zip5 OR r.street_name = m.street_name)
    JOIN record_features AS other ON other.tin = m.tin
    WHERE other.given_names IS DISTINCT FROM m.given_names
       OR other.surname_full IS DISTINCT FROM m.surname_full
    ORDER BY p.uid, other.record_id
    """


# An earlier delivery point with more filers than this is a building, not a household: its
# filers did not move together.
HOUSEHOLD_MAX_FILERS = 8


def former_coresidents_sql() -> str:
    """Taxpayers who filed at an earlier delivery point of someone found at the requested
    house (a household of at most HOUSEHOLD_MAX_FILERS filers), under a name sharing a word
    with the request: a household member who may have moved with them before filing at the
    new address (a son moving with his father)."""
    return f"""
    WITH here AS (
        SELECT DISTINCT p.uid, m.tin
        FROM candidate_pairs AS p
        JOIN record_features AS m USING (record_id)
        JOIN point_requests AS r ON r.uid = p.uid AND r.house_key = m.house_key
             AND (r.zip5 = m.zip5 OR r.street_name = m.street_name)
    ),
    earlier AS (
        SELECT DISTINCT h.uid, f.point_address_id
        FROM here AS h JOIN filings AS f ON f.tin = h.tin
    ),
    households AS (
        SELECT f.point_address_id
        FROM filings AS f
        WHERE f.point_address_id IN (SELECT point_address_id FROM earlier)
        GROUP BY f.point_address_id
        HAVING count(DISTINCT f.tin) <= {HOUSEHOLD_MAX_FILERS}
    ),
    mates AS (
        SELECT DISTINCT e.uid, f.tin
        FROM earlier AS e
        JOIN households USING (point_address_id)
        JOIN filings AS f USING (point_address_id)
        LEFT JOIN here AS h ON h.uid = e.uid AND h.tin = f.tin
        WHERE h.tin IS NULL
    )
    SELECT DISTINCT x.uid, rf.record_id, 0 AS rules, rf.tin
    FROM mates AS x
    JOIN record_features AS rf ON rf.tin = x.tin
    JOIN point_requests AS r ON r.uid = x.uid
    WHERE list_has_any(rf.name_tokens, r.name_tokens)
    ORDER BY x.uid, rf.record_id
    """


@dataclass(frozen=True)
class ExpandedPairs:
    """Candidate pairs with the other name forms of taxpayers at the point and the records
    of their former co-residents; ``mates`` lists, per request, the co-residents' TINs."""

    pairs: pa.Table
    mates: dict[str, set[str]]


def with_point_taxpayers(
    store: Store, requests: pa.Table, candidates: CandidateSet
) -> ExpandedPairs:
    """The candidate pairs plus every name form of the taxpayers found at the point
    (:func:`point_taxpayers_sql`) and their former co-residents
    (:func:`former_coresidents_sql`)."""
    schema = candidates.pairs.schema
    store.register("candidate_pairs", candidates.pairs)
    columns = ["uid", "house_key", "zip5", "street_name", "name_tokens"]
    store.register("point_requests", requests.select(columns))
    try:
        forms = store.arrow(point_taxpayers_sql()).cast(schema)
        coresidents = store.arrow(former_coresidents_sql())
    finally:
        store.unregister("candidate_pairs")
        store.unregister("point_requests")
    mates: dict[str, set[str]] = {}
    uids, mate_tins = coresidents.column("uid").to_pylist(), coresidents.column("tin").to_pylist()
    for uid, tin in zip(uids, mate_tins, strict=True):
        mates.setdefault(str(uid), set()).add(str(tin))
    extra = pa.concat_tables([forms, coresidents.drop_columns(["tin"]).cast(schema)])
    if extra.num_rows == 0:
        return ExpandedPairs(candidates.pairs, mates)
    merged = pa.concat_tables([candidates.pairs, extra])
    grouped = merged.group_by(["uid", "record_id"]).aggregate([("rules", "max")])
    table = grouped.rename_columns(["uid", "record_id", "rules"])
    ordered = table.sort_by([("uid", "ascending"), ("record_id", "ascending")])
    return ExpandedPairs(ordered, mates)


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
    expanded = with_point_taxpayers(store, requests, candidates)
    right, distinct, records = _candidate_records(store, expanded.pairs)
    tf_tables = master_tf_tables(store)
    left = _left_side(requests)
    note("scoring")
    scores = score_pairs(model, left, right, tf_tables)
    note("deciding")
    channel = NameChannel.from_model(model, tf_tables["given_key"], master_record_count(store))
    sides = Sides.of(left, distinct, channel.share)
    with cycle_collector_paused():
        evidence = candidate_evidence(scores, model, records, sides, channel, expanded.mates)
        evidence = streets_on_file_are_not_typos(
            store, requests, evidence, model, _record_streets(distinct)
        )
        decisions = _decide_all(store, requests, evidence, policy)
    return MatchResult(decisions, evidence, candidates, scores, model)


def _candidate_records(store: Store, pairs: pa.Table) -> tuple[pa.Table, pa.Table, Records]:
    """The candidate records' features, per pair (Splink's right side) and per record; and
    per record its taxpayer, whether it is a box and how many filings it stands for."""
    store.register("candidate_pairs", pairs)
    try:
        right = store.arrow(candidate_features_sql())
        filings = {int(rid): int(n or 1) for rid, n in store.fetchall(record_filings_sql())}
    finally:
        store.unregister("candidate_pairs")
    distinct = distinct_records(right)
    ids = distinct.column("record_id").to_pylist()
    boxes = {
        rid
        for rid, kind in zip(ids, distinct.column("address_kind").to_pylist(), strict=True)
        if kind not in (None, "STREET")
    }
    tins = dict(zip(ids, distinct.column("tin").to_pylist(), strict=True))
    return right, distinct, Records(tins, boxes, filings)


def _record_streets(records: pa.Table) -> dict[int, Street]:
    """Per candidate record, its street: ZIP, street name and street key."""
    columns = ("record_id", "zip5", "street_name", "street_key")
    return {
        int(rid): (zip5, name, key)
        for rid, zip5, name, key in zip(
            *(records.column(c).to_pylist() for c in columns), strict=True
        )
    }


def _decide_all(
    store: Store,
    requests: pa.Table,
    evidence: dict[str, list[CandidateEvidence]],
    policy: PolicyTerms,
) -> dict[str, Decision]:
    """The decision of every request, with what is on file about suffixes and households."""
    uids = requests.column("uid").to_pylist()
    suffixes = _suffixes_on_file(store, {c.tin for cs in evidence.values() for c in cs})
    request_suffix = dict(zip(uids, requests.column("name_suffix").to_pylist(), strict=True))
    households = _households_without_unit(store, requests)
    return {
        uid: decide(
            evidence.get(uid, []),
            policy,
            on_file=OnFile(
                request_suffix=request_suffix[uid],
                suffixes=suffixes,
                households=households.get(uid, 1),
            ),
        )
        for uid in uids
    }


# A street spelling that at least this many taxpayers write in a ZIP is a street of the ZIP;
# one that a single taxpayer writes beside it, one slip away, is a slip of it (theirs or the
# request's): the same slip is rarely made by several people. A slip may recur (one household's
# filers share its address; a common misspelling), but a street one slip from another is rarely
# written by under a tenth as many taxpayers as that other street.
ESTABLISHED_STREET_TAXPAYERS = 3
SLIP_WRITERS_SHARE = 0.1


def zip_street_names_sql() -> str:
    """How many taxpayers write each street name in the given ZIPs."""
    return """
    SELECT a.zip5, a.street_name, count(DISTINCT f.tin)
    FROM master_addresses AS a JOIN filings AS f USING (address_id)
    WHERE a.zip5 IN (SELECT zip5 FROM street_zips) AND a.street_name IS NOT NULL
    GROUP BY a.zip5, a.street_name
    """


def zip_street_keys_sql() -> str:
    """How many taxpayers write each whole street (directional, name, type) in the ZIPs."""
    return """
    SELECT a.zip5, a.street_key, count(DISTINCT f.tin)
    FROM master_addresses AS a JOIN filings AS f USING (address_id)
    WHERE a.zip5 IN (SELECT zip5 FROM street_zips) AND a.street_key IS NOT NULL
    GROUP BY a.zip5, a.street_key
    """


Street = tuple[str | None, str | None, str | None]  # zip5, street name, whole street


def streets_on_file_are_not_typos(
    store: Store,
    requests: pa.Table,
    evidence: dict[str, list[CandidateEvidence]],
    model: MatchModel,
    record_streets: dict[int, Street],
) -> dict[str, list[CandidateEvidence]]:
    """A requested street that other filers of the ZIP write is another street: one slip
    from the record's (HILL ST written where MILL ST is filed) or the record's name with
    another directional or type written whole on both sides (S MAIN ST where N MAIN ST is
    filed). The level is then ``disagree``, with the model's weight for it. It stays a slip
    when one spelling is a street of the ZIP (ESTABLISHED_STREET_TAXPAYERS write it) and
    the other is written by a single taxpayer (a slip of the request's, or one the filer
    repeated on every return) or by under SLIP_WRITERS_SHARE as many taxpayers (a slip that
    recurs); a street the ZIP does not know is a slip, and a directional
    or type left out stays a form of the same street."""
    close = {uid for uid, cs in evidence.items() if any(c.levels[STREET] in _NEAR for c in cs)}
    if not close:
        return evidence
    wanted = requests.filter(pc.is_in(requests.column("uid"), pa.array(sorted(close))))
    asked: dict[str, Street] = {
        str(uid): (zip5, name, key)
        for uid, zip5, name, key in zip(
            *(wanted.column(c).to_pylist() for c in ("uid", "zip5", "street_name", "street_key")),
            strict=True,
        )
    }
    zips = {a[0] for a in asked.values()} | {
        record_streets[c.record_id][0] for uid in close for c in evidence[uid]
    }
    writers = _street_writers(store, {z for z in zips if z})
    disagree = round(model.level_weights()[STREET].get("disagree", 0.0), 4)

    def another_street(uid: str, c: CandidateEvidence) -> bool:
        request, record = asked.get(uid, (None, None, None)), record_streets[c.record_id]
        part = 1 if c.levels[STREET] == "typo" else 2
        if part == 2 and (request[2] == request[1] or record[2] == record[1]):
            return False  # a directional or type left out: the same street
        asked_n = writers.get((request[0], request[part], part), 0)
        filed_n = writers.get((record[0], record[part], part), 0)
        most, fewest = max(asked_n, filed_n), min(asked_n, filed_n)
        one_is_a_slip = most >= ESTABLISHED_STREET_TAXPAYERS and (
            fewest <= max(1.0, most * SLIP_WRITERS_SHARE)
        )
        return asked_n > 0 and not one_is_a_slip

    return {
        uid: [
            dataclasses.replace(
                c,
                levels={**c.levels, STREET: "disagree"},
                partials={**c.partials, STREET: disagree},
            )
            if uid in close and c.levels[STREET] in _NEAR and another_street(uid, c)
            else c
            for c in cs
        ]
        for uid, cs in evidence.items()
    }


StreetCount = tuple[str | None, str | None, int]  # ZIP, spelling, 1 = name or 2 = whole street


def _street_writers(store: Store, zips: set[str]) -> dict[StreetCount, int]:
    """Per (ZIP, street name, 1) and (ZIP, whole street, 2): how many taxpayers write it. The
    two are kept apart: a street written with no type or directional (LAS PALMAS) is a whole
    street spelt like a name, and its few writers are not the name's many."""
    if not zips:
        return {}
    store.register("street_zips", pa.table({"zip5": pa.array(sorted(zips), pa.string())}))
    try:
        names = store.fetchall(zip_street_names_sql())
        keys = store.fetchall(zip_street_keys_sql())
    finally:
        store.unregister("street_zips")
    return {
        (str(z), str(v), part): int(n) for part, rows in ((1, names), (2, keys)) for z, v, n in rows
    }


_NEAR = frozenset({"typo", "name"})


def building_units_sql() -> str:
    """Per request that wrote no unit: how many units filers wrote at that building."""
    return """
    SELECT q.uid, count(DISTINCT a.unit_number) AS units
    FROM unit_requests AS q
    JOIN master_addresses AS a
      ON a.house_key = q.house_key AND a.zip5 = q.zip5 AND a.street_name = q.street_name
    WHERE a.unit_number IS NOT NULL
    GROUP BY q.uid
    """


def _households_without_unit(store: Store, requests: pa.Table) -> dict[str, int]:
    """The households a request without a unit may mean: each unit of the building."""
    wanted = requests.filter(pc.is_null(requests.column("unit_number")))
    if wanted.num_rows == 0:
        return {}
    store.register("unit_requests", wanted.select(["uid", "house_key", "zip5", "street_name"]))
    try:
        rows = store.fetchall(building_units_sql())
    finally:
        store.unregister("unit_requests")
    return {str(uid): int(units) for uid, units in rows if units}


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
