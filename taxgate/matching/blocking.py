"""Candidate generation: blocking rules that join screened requests to master records.

Each rule is an equi-join on a few standardised keys plus, for the address rules, at least
one shared name token (any given name, nickname class, surname form or phonetic code), so
that compound surnames, nicknames, swapped names and typos still meet their record while
a whole apartment building does not. A rule never requires an exact *raw* value.

The address rules need the same house number (or box): a different house number is a
different delivery point and can never be disclosed (domain §4), so a request whose house
number differs needs no candidate. The TIN rule brings in the record a TIN points to, so
that a TIN pointing to someone else is *seen* as a conflict, never used as a shortcut.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from taxgate.store import Store


@dataclass(frozen=True)
class BlockingRule:
    """A named join condition between ``r`` (requests) and ``m`` (master record features)."""

    name: str
    description: str
    join_sql: str
    filter_sql: str = "TRUE"


_SHARED_NAME = "len(list_intersect(r.name_tokens, m.name_tokens)) > 0"

BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(
        "house_zip_name",
        "same house number (or box) and ZIP, and a shared name token",
        "r.house_key = m.house_key AND r.zip5 = m.zip5",
        _SHARED_NAME,
    ),
    BlockingRule(
        "house_street_name",
        "same house number, street name and state, and a shared name token",
        "r.house_key = m.house_key AND r.street_name = m.street_name AND r.state = m.state",
        _SHARED_NAME,
    ),
    BlockingRule(
        "house_city_name",
        "same house number, city and state, and a shared name token",
        "r.house_key = m.house_key AND r.city = m.city AND r.state = m.state",
        _SHARED_NAME,
    ),
    BlockingRule("tin", "the TIN the request carries", "r.tin = m.tin"),
)


def record_features_sql() -> str:
    """Every master record with its name and address features, as one table.

    Built once per master snapshot (``master load``): blocking joins it several times per
    batch, and it only changes when the master does.
    """
    return """
    CREATE OR REPLACE TABLE record_features AS
    SELECT rec.record_id, rec.tin, rec.date_of_birth, n.* EXCLUDE (name_id),
           a.* EXCLUDE (address_id, delivery_key, usps_street, usps_unit, usps_city,
                         usps_state, usps_zip)
    FROM master_records AS rec
    JOIN master_names AS n USING (name_id)
    JOIN master_addresses AS a USING (address_id)
    """


def rule_joins_sql(rule: BlockingRule, bit: int, requests_table: str) -> str:
    """The (request uid, record id) pairs one rule's join finds, tagged with the rule's bit,
    before its filter."""
    return f"""
    SELECT r.uid, m.record_id, {bit} AS bit
    FROM {requests_table} AS r JOIN record_features AS m ON {rule.join_sql}
    """


def filtered_pairs_sql(joins: list[str], filter_sql: str, requests_table: str) -> str:
    """The pairs that the joins of rules sharing one filter find, with the bits of the rules
    that found each, kept where the filter holds. The filter (a shared name token: a list
    intersection, the costly part) is evaluated once per distinct pair, not once per rule
    that found it: the three address rules find mostly the same pairs."""
    found = f"""
    SELECT uid, record_id, bit_or(bit) AS bit
    FROM ({" UNION ALL ".join(joins)})
    GROUP BY uid, record_id
    """
    if filter_sql == "TRUE":
        return found
    return f"""
    SELECT f.uid, f.record_id, f.bit
    FROM ({found}) AS f
    JOIN {requests_table} AS r ON r.uid = f.uid
    JOIN record_features AS m ON m.record_id = f.record_id
    WHERE {filter_sql}
    """


def candidates_sql(rules: tuple[BlockingRule, ...], requests_table: str) -> str:
    """Union of every rule's pairs, with a bitmask of the rules that found each pair.

    A pair carries rule ``i``'s bit exactly when the rule's join finds it and its filter
    holds: rules that share a filter are joined first and filtered together
    (:func:`filtered_pairs_sql`).
    """
    joins: dict[str, list[str]] = {}
    for i, rule in enumerate(rules):
        joins.setdefault(rule.filter_sql, []).append(rule_joins_sql(rule, 1 << i, requests_table))
    unions = " UNION ALL ".join(
        f"SELECT uid, record_id, bit FROM ({filtered_pairs_sql(group, filter_sql, requests_table)})"
        for filter_sql, group in joins.items()
    )
    return f"""
    SELECT uid, record_id, CAST(bit_or(bit) AS INTEGER) AS rules
    FROM ({unions})
    GROUP BY uid, record_id
    ORDER BY uid, record_id
    """


@dataclass(frozen=True)
class CandidateSet:
    """Candidate pairs and per-rule counts."""

    pairs: pa.Table  # uid, record_id, rules (bitmask)
    pairs_per_rule: dict[str, int]


def generate_candidates(
    store: Store, requests: pa.Table, rules: tuple[BlockingRule, ...] = BLOCKING_RULES
) -> CandidateSet:
    """Candidate (request, master record) pairs for screened requests.

    ``requests`` needs ``uid``, ``tin`` and the feature columns of
    :mod:`taxgate.matching.features`.
    """
    store.register("blocking_requests", requests)
    try:
        pairs = store.arrow(candidates_sql(rules, "blocking_requests"))
    finally:
        store.unregister("blocking_requests")
    masks = pairs.column("rules").to_pylist()
    per_rule = {rule.name: sum(1 for m in masks if m & (1 << i)) for i, rule in enumerate(rules)}
    return CandidateSet(pairs=pairs, pairs_per_rule=per_rule)
