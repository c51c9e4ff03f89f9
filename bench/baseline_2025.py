"""The 2025 process, as documented, for comparison with taxgate on the same world.

What the court and TIGTA described: requests were matched by TIN and the IRS "name control"
(the first four letters of the last name), with only a "ZIP proxy" standing in for an address
check; requests without a TIN were matched on exact name and exact address. No screening:
placeholder addresses such as "Failed to Provide" went through. The answer was the address
of the latest filing (the same effective-date rule as taxgate, so that only matching and
screening differ).

Usage:
    python bench/baseline_2025.py WORLD_DIR --out RESPONSE.csv [--as-of YYYY-MM-DD]

then ``taxgate score RESPONSE.csv WORLD_DIR/truth.parquet``. WORLD_DIR is a ``taxgate synth``
output (``master/``, ``requests.csv``).
"""

from __future__ import annotations

import argparse
import csv
import resource
import time
from datetime import date
from pathlib import Path

import duckdb

from taxgate.disclosure.response import RESPONSE_COLUMNS as RESPONSE_HEADER
from taxgate.master.last_known_address import lka_sql


def baseline_sql() -> str:
    """Matches of the 2025 rules, one row per request at most (the first TIN hit wins)."""
    return """
    WITH req AS (
        SELECT *,
               regexp_extract(coalesce(zip, address, ''), '([0-9]{5})', 1) AS zip_proxy,
               upper(left(regexp_replace(coalesce(last_name, ''), '[^A-Za-z]', '', 'g'), 4))
                   AS name_control,
               upper(trim(coalesce(first_name, ''))) AS fn,
               upper(trim(coalesce(last_name, ''))) AS ln,
               upper(trim(coalesce(street, ''))) AS st
        FROM requests
    ),
    fil AS (
        SELECT *,
               left(regexp_replace(coalesce(zip, ''), '[^0-9]', '', 'g'), 5) AS zip5,
               upper(left(regexp_replace(coalesce(last_name, ''), '[^A-Za-z]', '', 'g'), 4))
                   AS name_control,
               upper(trim(coalesce(first_name, ''))) AS fn,
               upper(trim(coalesce(last_name, ''))) AS ln,
               upper(trim(coalesce(street, ''))) AS st
        FROM filings
    ),
    by_tin AS (
        SELECT DISTINCT r.request_id, f.tin
        FROM req AS r JOIN fil AS f
          ON r.tin = f.tin AND r.name_control = f.name_control
         AND (r.zip_proxy = '' OR r.zip_proxy = f.zip5)
    ),
    by_name_address AS (
        SELECT DISTINCT r.request_id, f.tin
        FROM req AS r JOIN fil AS f
          ON r.fn = f.fn AND r.ln = f.ln AND r.st = f.st AND r.zip_proxy = f.zip5
        WHERE coalesce(r.tin, '') = '' AND r.st <> ''
    ),
    hits AS (SELECT * FROM by_tin UNION SELECT * FROM by_name_address)
    SELECT request_id, min(tin) AS tin FROM hits GROUP BY request_id
    """


def run(world: Path, out: Path, as_of: date) -> dict[str, float]:
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE requests AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
        [str(world / "requests.csv")],
    )
    con.execute(
        "CREATE TABLE filings AS SELECT * REPLACE (CAST(received_date AS DATE) AS received_date) "
        "FROM read_parquet(?)",
        [str(world / "master" / "filings.parquet")],
    )
    for column in ("street", "unit", "city", "state", "zip", "address", "tin", "last_name"):
        con.execute(f"ALTER TABLE requests ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    con.execute(f"CREATE TABLE matched AS {baseline_sql()}")
    con.execute(f"CREATE TABLE lka AS {lka_sql('filings')}", {"as_of": as_of})
    rows = con.execute(
        """
        SELECT r.request_id, l.tin IS NOT NULL, upper(l.street), upper(coalesce(l.unit, '')),
               upper(l.city), upper(l.state), l.zip, CAST(l.effective_date AS VARCHAR)
        FROM requests AS r
        LEFT JOIN matched AS m USING (request_id)
        LEFT JOIN lka AS l ON l.tin = m.tin
        """
    ).fetchall()
    order = {
        rid: i for i, (rid,) in enumerate(con.execute("SELECT request_id FROM requests").fetchall())
    }
    rows.sort(key=lambda r: order[r[0]])
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RESPONSE_HEADER)
        for rid, hit, street, unit, city, state, zip_code, as_of_text in rows:
            if hit:
                writer.writerow(
                    [rid, "DISCLOSED", "", street, unit, city, state, zip_code, as_of_text]
                )
            else:
                writer.writerow([rid, "NOT_DISCLOSED", "", "", "", "", "", "", ""])
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "requests": len(rows),
        "disclosed": sum(1 for r in rows if r[1]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    as_of = args.as_of
    if as_of is None:
        import pyarrow.parquet as pq

        truth = pq.read_table(args.world / "truth.parquet", columns=["as_of"])
        as_of = date.fromisoformat(str(truth.column("as_of")[0].as_py()))
    print(run(args.world, args.out, as_of))


if __name__ == "__main__":
    main()
