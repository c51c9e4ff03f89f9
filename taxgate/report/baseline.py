"""The 2025 process as documented, as a library function, to set beside taxgate in a report.

The court and TIGTA described the 2025 matching: a request with a TIN matched a filing with
that TIN and the same IRS *name control* (the first four letters of the last name), with a
"ZIP proxy" (the first five-digit run of the requested ZIP or address) as the only address
check, and none when the request had no ZIP. A request without a TIN matched a filing with
exactly the same first name, last name and street line in the same ZIP. Nothing was screened:
placeholder addresses went through. Where several taxpayers matched, the lowest TIN won. The
answer was the last known address by the same rule taxgate uses (domain §5: effective
dates, ties, and the as-of date when that address began), so that only screening and
matching differ between the two.

``bench/baseline_2025.py`` is the command-line form of the same matching rules.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import InputError, StoreError
from taxgate.master.last_known_address import doc_priority_sql, effective_date_sql
from taxgate.store import Store
from taxgate.synth.score import delivery_point_key, same_delivery_point

# Columns the 2025 rules read; a request file in the single-line address style lacks some.
_REQUEST_COLUMNS = ("street", "unit", "city", "state", "zip", "address", "tin", "last_name")


def _name_control_sql(column: str) -> str:
    """The IRS name control: the first four letters of the last name, upper case."""
    return f"upper(left(regexp_replace(coalesce({column}, ''), '[^A-Za-z]', '', 'g'), 4))"


def _exact_sql(column: str) -> str:
    return f"upper(trim(coalesce({column}, '')))"


def baseline_matches_sql() -> str:
    """``(request_id, tin)``: each request's 2025 match, at most one (the lowest TIN)."""
    return f"""
        WITH asked AS (
            SELECT request_id, tin,
                   regexp_extract(coalesce(zip, address, ''), '([0-9]{{5}})', 1) AS zip_proxy,
                   {_name_control_sql("last_name")} AS name_control,
                   {_exact_sql("first_name")} AS first_exact,
                   {_exact_sql("last_name")} AS last_exact,
                   {_exact_sql("street")} AS street_exact
            FROM requests
        ),
        filed AS (
            SELECT tin,
                   left(regexp_replace(coalesce(zip, ''), '[^0-9]', '', 'g'), 5) AS zip5,
                   {_name_control_sql("last_name")} AS name_control,
                   {_exact_sql("first_name")} AS first_exact,
                   {_exact_sql("last_name")} AS last_exact,
                   {_exact_sql("street")} AS street_exact
            FROM filings
        ),
        tin_hits AS (
            SELECT a.request_id, f.tin
            FROM asked AS a JOIN filed AS f
              ON a.tin = f.tin AND a.name_control = f.name_control
             AND (a.zip_proxy = '' OR a.zip_proxy = f.zip5)
        ),
        name_address_hits AS (
            SELECT a.request_id, f.tin
            FROM asked AS a JOIN filed AS f
              ON a.first_exact = f.first_exact AND a.last_exact = f.last_exact
             AND a.street_exact = f.street_exact AND a.zip_proxy = f.zip5
            WHERE coalesce(a.tin, '') = '' AND a.street_exact <> ''
        )
        SELECT request_id, min(tin) AS tin
        FROM (SELECT * FROM tin_hits UNION SELECT * FROM name_address_hits)
        GROUP BY request_id"""


def answer_filings_sql() -> str:
    """Filings of the matched taxpayers in effect on ``$as_of``, each taxpayer's best first.

    The order is the last-known-address rank (domain §5): later effective date, then later
    receipt, then FORM_8822 over RETURN over NCOA; the first row of a taxpayer is its LKA.
    """
    effective = effective_date_sql("doc_type", "received_date")
    return f"""
        SELECT tin, street, unit, city, state, zip, CAST({effective} AS DATE) AS effective
        FROM filings
        WHERE tin IN (SELECT tin FROM matched)
          AND CAST({effective} AS DATE) <= CAST($as_of AS DATE)
        ORDER BY tin, effective DESC, received_date DESC, {doc_priority_sql("doc_type")} DESC"""


def baseline_2025_response(world: Path, *, as_of: date) -> list[dict[str, str]]:
    """The response the 2025 process would have given to a synthetic world's requests.

    The address's as-of date is the day the last known address began (as taxgate answers),
    with filings at one delivery point (:func:`taxgate.synth.score.delivery_point_key`)
    counting as one address.

    Args:
        world: A ``taxgate synth world`` folder (``requests.csv``, ``master/filings.parquet``).
        as_of: The day the last known addresses are taken as of (the batch's as-of date).

    Returns:
        Response rows (data contract §3 columns, as strings), in request-file order.

    Raises:
        InputError: The world folder lacks the request file or the filings, or they cannot
            be read.
    """
    requests, filings = world / "requests.csv", world / "master" / "filings.parquet"
    for path in (requests, filings):
        if not path.is_file():
            raise InputError(
                "the 2025 baseline needs the synthetic world's requests and filings",
                path=path,
                hint="pass --baseline RESPONSE.csv, or keep truth.parquet in its world folder",
            )
    store = Store.memory()
    try:
        return _run(store, requests, filings, as_of)
    except StoreError as e:
        raise InputError(f"cannot compute the 2025 baseline: {e}", path=world) from e
    finally:
        store.close()


def _run(store: Store, requests: Path, filings: Path, as_of: date) -> list[dict[str, str]]:
    store.execute(
        "CREATE TABLE requests AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
        [str(requests)],
    )
    store.execute(
        "CREATE TABLE filings AS SELECT * REPLACE (CAST(received_date AS DATE) AS received_date) "
        "FROM read_parquet(?)",
        [str(filings)],
    )
    for column in _REQUEST_COLUMNS:
        # Fixed names from this module, never input.
        store.execute(f"ALTER TABLE requests ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    store.execute(f"CREATE TABLE matched AS {baseline_matches_sql()}")
    answers = _last_known(store.fetchall(answer_filings_sql(), {"as_of": as_of}))
    empty = dict.fromkeys(RESPONSE_COLUMNS, "")
    out = []
    # rowid is the insertion order: the order of the request file.
    for request_id, tin in store.fetchall(
        "SELECT r.request_id, m.tin FROM requests AS r LEFT JOIN matched AS m USING (request_id) "
        "ORDER BY r.rowid"
    ):
        answer = answers.get(tin or "")
        out.append({**empty, "request_id": request_id, "outcome": "NOT_DISCLOSED"})
        if answer is not None:
            out[-1].update(answer)
    return out


def _last_known(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, str]]:
    """Per taxpayer, the LKA as a disclosure and since when it holds.

    ``rows`` come best first per taxpayer (:func:`answer_filings_sql`). The since-date walks
    back while the filings name the same delivery point, a typo allowed
    (:func:`taxgate.synth.score.same_delivery_point`), as taxgate's own answer does.
    """
    keys: dict[tuple[str, str, str], str] = {}

    def point(street: str | None, unit: str | None, zip_code: str | None) -> str:
        slot = (street or "", unit or "", zip_code or "")
        if slot not in keys:
            keys[slot] = delivery_point_key(*slot)
        return keys[slot]

    answers: dict[str, dict[str, str]] = {}
    current = ""
    walking = False
    for tin, street, unit, city, state, zip_code, effective in rows:
        if tin not in answers:
            current, walking = point(street, unit, zip_code), True
            answers[tin] = {
                "outcome": "DISCLOSED",
                "street": (street or "").upper(),
                "unit": (unit or "").upper(),
                "city": (city or "").upper(),
                "state": (state or "").upper(),
                "zip": zip_code or "",
                "address_as_of": effective.isoformat(),
            }
        elif walking and same_delivery_point(current, point(street, unit, zip_code)):
            answers[tin]["address_as_of"] = effective.isoformat()
        else:
            walking = False
    return answers
