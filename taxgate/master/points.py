"""Delivery points of each taxpayer: the same mailbox written several ways in their filings.

A taxpayer's returns carry one address in many forms: ``APT 13`` / ``UNIT 13`` / ``#13``,
ZIP or ZIP+4, and now and then a typo (``7310 BRAODWAY``). Standardisation removes the first
kinds; a typo survives it. Within *one taxpayer's own filings*, two addresses are the same
delivery point when the house number (or box), the ZIP (or, a ZIP missing, city and state)
and the unit are equal and the street names are equal or one slip apart. Each point is
represented by the taxpayer's most frequent form (ties: the latest filed).

The last known address rule then follows points, not spellings: a re-confirming return with
a typo neither changes when the address became the LKA nor puts the typo in the response.
Addresses of *different* taxpayers are never merged.
"""

from __future__ import annotations

import pyarrow as pa

from taxgate.store import Store


def point_edges_sql() -> str:
    """Pairs of one taxpayer's address forms that name the same delivery point."""
    return """
    WITH ta AS (
        SELECT tin, address_id, count(*) AS n, max(received_date) AS last
        FROM filings GROUP BY tin, address_id
    )
    SELECT a.tin, a.address_id AS a_id, b.address_id AS b_id
    FROM ta AS a
    JOIN ta AS b ON a.tin = b.tin AND a.address_id < b.address_id
    JOIN master_addresses AS x ON x.address_id = a.address_id
    JOIN master_addresses AS y ON y.address_id = b.address_id
    WHERE x.house_key = y.house_key
      AND (x.zip5 = y.zip5
           OR ((x.zip5 IS NULL OR y.zip5 IS NULL) AND x.city = y.city AND x.state = y.state))
      AND x.unit_number IS NOT DISTINCT FROM y.unit_number
      AND (x.street_name IS NOT DISTINCT FROM y.street_name
           OR jaro_winkler_similarity(x.street_name, y.street_name) >= 0.9
           OR damerau_levenshtein(x.street_name, y.street_name) <= 1)
    """


def representative_order_sql() -> str:
    """Every (tin, address form) in the order that picks a point's representative.

    The street spelling most used in that ZIP across the whole master file wins (a reference
    of street names, built from the agency's own records, in the way USPS's CASS reference
    corrects a misspelt street), so a typo filed once never represents a point; then the
    delivery line this taxpayer filed most often, the form most often filed, one with a ZIP,
    the latest.
    """
    return """
    WITH street_use AS (
        SELECT a.zip5, a.street_key, count(*) AS street_n
        FROM filings AS f JOIN master_addresses AS a USING (address_id)
        GROUP BY a.zip5, a.street_key
    ),
    forms AS (
        SELECT f.tin, f.address_id, count(*) AS n, max(f.received_date) AS last,
               concat_ws('|', a.house_key, a.street_key, a.unit_number) AS spelling,
               a.zip5 IS NOT NULL AS has_zip, any_value(s.street_n) AS street_n
        FROM filings AS f JOIN master_addresses AS a USING (address_id)
        LEFT JOIN street_use AS s
          ON s.zip5 IS NOT DISTINCT FROM a.zip5 AND s.street_key IS NOT DISTINCT FROM a.street_key
        GROUP BY f.tin, f.address_id, spelling, has_zip
    )
    SELECT tin, address_id, street_n,
           sum(n) OVER (PARTITION BY tin, spelling) AS spelling_n,
           max(last) OVER (PARTITION BY tin, spelling) AS spelling_last,
           n, has_zip, last
    FROM forms
    ORDER BY tin, street_n DESC, spelling_n DESC, spelling_last DESC, n DESC, has_zip DESC,
             last DESC, address_id
    """


def assign_points(store: Store) -> int:
    """Set ``filings.point_address_id`` to the representative form of each delivery point.

    Returns the number of address forms folded into another form.
    """
    edges = store.fetchall(point_edges_sql())
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    members: set[tuple[str, int]] = set()
    for tin, a_id, b_id in edges:
        members.update(((tin, int(a_id)), (tin, int(b_id))))
        ra, rb = find((tin, int(a_id))), find((tin, int(b_id)))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    if not parent:
        store.execute("UPDATE filings SET point_address_id = address_id")
        return 0
    # The first form of each cluster in (frequency, recency) order represents it.
    representative: dict[tuple[str, int], int] = {}
    mapping: list[tuple[str, int, int]] = []
    for tin, address_id, *_order in store.fetchall(representative_order_sql()):
        node = (str(tin), int(address_id))
        if node not in members:
            continue  # a form in no edge is its own point
        root = find(node)
        chosen = representative.setdefault(root, int(address_id))
        if chosen != int(address_id):
            mapping.append((str(tin), int(address_id), chosen))
    store.execute("UPDATE filings SET point_address_id = address_id")
    if mapping:
        store.register(
            "point_mapping",
            pa.table(
                {
                    "tin": pa.array([m[0] for m in mapping], pa.string()),
                    "address_id": pa.array([m[1] for m in mapping], pa.int64()),
                    "point_id": pa.array([m[2] for m in mapping], pa.int64()),
                }
            ),
        )
        try:
            store.execute(
                "UPDATE filings SET point_address_id = m.point_id FROM point_mapping AS m "
                "WHERE filings.tin = m.tin AND filings.address_id = m.address_id"
            )
        finally:
            store.unregister("point_mapping")
    return len(mapping)
