"""Delivery points of each taxpayer: the same mailbox written several ways in their filings.

A taxpayer's returns carry one address in many forms: ``APT 13`` / ``UNIT 13`` / ``#13``,
ZIP or ZIP+4, and now and then a typo (``7310 BRAODWAY``). Standardisation removes the first
kinds; a typo survives it. Within *one taxpayer's own filings*, two address forms are the
same delivery point when the house number (or box), the ZIP (or, a ZIP missing, city and
state) and the unit are equal and the street names are equal or one slip apart; or, for names
of five letters or more, two slips apart and still alike (Jaro–Winkler ≥ 0.85): two returns
may each carry their own typo of one street (``CEADR RD`` and ``CEDRA RD``); or one form has no
street name left at all (``2904 MTIN``, a typo of MAIN that reads as the street type MTN),
or only the other's directional is left as its name (``5984 S MTIN`` reads as a street named
S, against ``5984 S MAIN``); or the two are each one slip from a street spelling that the
master file uses often in that ZIP (``4820 RSOE RD`` and ``4820 RUSE RD``, where many file
``ROSE RD``), however far apart the two typos are from each other.
A form without a unit is the same point as the taxpayer's form with one at that house when
the taxpayer wrote only that one unit there (a return that left the unit out, domain §5).
Addresses of *different* taxpayers are never merged.

Each point is represented by its most complete form (domain §5: a form with a street name
over a house number alone, then one with the unit, then one with its street type or
directional, so that ``5250 MAIN`` never replaces ``5250 MAIN AVE``), then the street
spelling most used in that ZIP across the whole master file (a reference of street names
built from the agency's own records, in the way USPS's CASS reference corrects a misspelt
street), then the delivery line this taxpayer filed most often, the form most often filed,
one with a ZIP, the latest.
The last known address rule then follows points, not spellings: a re-confirming return with
a typo neither changes when the address became the LKA nor puts the typo in the response.

Everything runs in SQL: the pairs of forms, connected components by label propagation (a
few rounds: a taxpayer's forms of one point are few), and the representatives.
"""

from __future__ import annotations

from taxgate.store import Store

_MAX_ROUNDS = 50
# A street spelling that at least this many filings in a ZIP use is a reference spelling of
# that ZIP: two typos of it (RSOE RD, RUSE RD against ROSE RD) are one street.
_REFERENCE_MIN_FILINGS = 3
_REFERENCE_MIN_LENGTH = 4


def point_edges_sql() -> str:
    """Pairs of one taxpayer's address forms that name the same delivery point."""
    return f"""
    CREATE OR REPLACE TEMP TABLE point_edges AS
    WITH ta AS (SELECT DISTINCT tin, address_id FROM filings),
    own AS MATERIALIZED (
        -- One taxpayer's pairs of address forms first: joining the forms on the house number
        -- before the taxpayer would pair every house of that number in the country.
        SELECT a.tin, a.address_id AS a_id, b.address_id AS b_id
        FROM ta AS a JOIN ta AS b ON a.tin = b.tin AND a.address_id < b.address_id
    ),
    pairs AS MATERIALIZED (
        SELECT o.tin, o.a_id, o.b_id, x.zip5,
               x.street_name AS x_name, y.street_name AS y_name,
               (x.street_name IS NOT DISTINCT FROM y.street_name
                OR ((x.street_name IS NULL) <> (y.street_name IS NULL))
                OR (length(x.street_name) = 1 AND length(y.street_name) > 1
                    AND starts_with(y.street_key, x.street_name || ' '))
                OR (length(y.street_name) = 1 AND length(x.street_name) > 1
                    AND starts_with(x.street_key, y.street_name || ' '))
                OR jaro_winkler_similarity(x.street_name, y.street_name) >= 0.9
                OR damerau_levenshtein(x.street_name, y.street_name) <= 1
                OR (length(x.street_name) >= 5 AND length(y.street_name) >= 5
                    AND damerau_levenshtein(x.street_name, y.street_name) <= 2
                    AND jaro_winkler_similarity(x.street_name, y.street_name) >= 0.85))
               AS alike,
               x.house_key, x.unit_number IS DISTINCT FROM y.unit_number AS unit_left_out
        FROM own AS o
        JOIN master_addresses AS x ON x.address_id = o.a_id
        JOIN master_addresses AS y ON y.address_id = o.b_id
        WHERE x.house_key = y.house_key
          AND (x.zip5 = y.zip5
               OR ((x.zip5 IS NULL OR y.zip5 IS NULL) AND x.city = y.city AND x.state = y.state))
          AND (x.unit_number IS NOT DISTINCT FROM y.unit_number
               OR (x.unit_number IS NULL) <> (y.unit_number IS NULL))
    ),
    units AS (
        -- The units one taxpayer wrote at one building (house number and ZIP): the same
        -- number on another street of another ZIP is another building.
        SELECT f.tin, a.house_key, a.zip5, count(DISTINCT a.unit_number) AS units
        FROM filings AS f JOIN master_addresses AS a USING (address_id)
        WHERE f.tin IN (SELECT tin FROM pairs WHERE unit_left_out)
        GROUP BY f.tin, a.house_key, a.zip5
    ),
    kept AS MATERIALIZED (
        SELECT p.* FROM pairs AS p
        LEFT JOIN units AS u ON u.tin = p.tin AND u.house_key = p.house_key
             AND u.zip5 IS NOT DISTINCT FROM p.zip5
        WHERE NOT p.unit_left_out OR u.units = 1
    ),
    street_reference AS (
        SELECT a.zip5, a.street_name
        FROM filings AS f JOIN master_addresses AS a USING (address_id)
        WHERE a.zip5 IS NOT NULL AND length(a.street_name) >= {_REFERENCE_MIN_LENGTH}
        GROUP BY a.zip5, a.street_name
        HAVING count(*) >= {_REFERENCE_MIN_FILINGS}
    )
    SELECT tin, a_id, b_id FROM kept WHERE alike
    UNION
    SELECT p.tin, p.a_id, p.b_id
    FROM kept AS p JOIN street_reference AS r ON r.zip5 = p.zip5
    WHERE NOT p.alike
      AND damerau_levenshtein(r.street_name, p.x_name) <= 1
      AND damerau_levenshtein(r.street_name, p.y_name) <= 1
    """


def _labels_init_sql() -> str:
    return """
    CREATE OR REPLACE TEMP TABLE point_labels AS
    SELECT tin, node AS address_id, node AS label
    FROM (SELECT tin, a_id AS node FROM point_edges UNION SELECT tin, b_id FROM point_edges)
    """


def _labels_round_sql() -> str:
    """One round of min-label propagation over the edges (both directions)."""
    return """
    CREATE OR REPLACE TEMP TABLE point_labels_next AS
    SELECT l.tin, l.address_id, least(l.label, coalesce(min(n.label), l.label)) AS label
    FROM point_labels AS l
    LEFT JOIN (
        SELECT e.tin, e.a_id AS node, lb.label
        FROM point_edges AS e JOIN point_labels AS lb ON lb.tin = e.tin AND lb.address_id = e.b_id
        UNION ALL
        SELECT e.tin, e.b_id AS node, la.label
        FROM point_edges AS e JOIN point_labels AS la ON la.tin = e.tin AND la.address_id = e.a_id
    ) AS n ON n.tin = l.tin AND n.node = l.address_id
    GROUP BY l.tin, l.address_id, l.label
    """


def representatives_sql() -> str:
    """Each clustered form → the representative form of its point (see module docstring)."""
    return """
    CREATE OR REPLACE TEMP TABLE point_map AS
    WITH street_use AS (
        SELECT a.zip5, a.street_key, count(*) AS street_n
        FROM filings AS f JOIN master_addresses AS a USING (address_id)
        GROUP BY a.zip5, a.street_key
    ),
    forms AS (
        SELECT f.tin, f.address_id, any_value(l.label) AS label, count(*) AS n,
               max(f.received_date) AS last,
               any_value(concat_ws('|', a.house_key, a.street_key, a.unit_number)) AS spelling,
               any_value(a.zip5 IS NOT NULL) AS has_zip, any_value(s.street_n) AS street_n,
               any_value(a.street_name IS NOT NULL) AS has_street,
               any_value(a.unit_number IS NOT NULL) AS has_unit,
               any_value(a.street_key IS DISTINCT FROM a.street_name) AS has_type
        FROM filings AS f
        JOIN point_labels AS l ON l.tin = f.tin AND l.address_id = f.address_id
        JOIN master_addresses AS a ON a.address_id = f.address_id
        LEFT JOIN street_use AS s
          ON s.zip5 IS NOT DISTINCT FROM a.zip5 AND s.street_key IS NOT DISTINCT FROM a.street_key
        GROUP BY f.tin, f.address_id
    ),
    ranked AS (
        SELECT *, sum(n) OVER (PARTITION BY tin, label, spelling) AS spelling_n,
               max(last) OVER (PARTITION BY tin, label, spelling) AS spelling_last
        FROM forms
    )
    SELECT tin, address_id,
           first_value(address_id) OVER (
               PARTITION BY tin, label
               ORDER BY has_street DESC, has_unit DESC, has_type DESC, street_n DESC,
                        spelling_n DESC,
                        spelling_last DESC, n DESC, has_zip DESC, last DESC, address_id
           ) AS point_id
    FROM ranked
    """


def assign_points(store: Store) -> int:
    """Set ``filings.point_address_id`` to the representative form of each delivery point.

    Returns the number of address forms folded into another form.
    """
    store.execute("UPDATE filings SET point_address_id = address_id")
    store.execute(point_edges_sql())
    store.execute(_labels_init_sql())
    for _ in range(_MAX_ROUNDS):
        store.execute(_labels_round_sql())
        changed = store.fetchone(
            "SELECT count(*) FROM point_labels_next AS n JOIN point_labels AS o "
            "USING (tin, address_id) WHERE n.label <> o.label"
        )
        store.execute(
            "CREATE OR REPLACE TEMP TABLE point_labels AS SELECT * FROM point_labels_next"
        )
        if not changed or not changed[0]:
            break
    store.execute(representatives_sql())
    store.execute(
        "UPDATE filings SET point_address_id = m.point_id FROM point_map AS m "
        "WHERE filings.tin = m.tin AND filings.address_id = m.address_id "
        "AND m.point_id <> m.address_id"
    )
    folded = store.fetchone("SELECT count(*) FROM point_map WHERE point_id <> address_id")
    for table in ("point_edges", "point_labels", "point_labels_next", "point_map"):
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return int(folded[0]) if folded else 0
