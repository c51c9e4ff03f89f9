"""DDL of the master-file tables in the workspace store (pure SQL builders)."""

from __future__ import annotations

from taxgate.matching.features import ADDRESS_COLUMNS, NAME_COLUMNS

MASTER_TABLES = (
    "taxpayers",
    "filings",
    "master_names",
    "master_addresses",
    "master_records",
    "record_features",
)

_LIST_COLUMNS = {"given_names", "given_classes", "surname_keys", "surname_phonetic", "name_tokens"}


def _feature_columns(columns: tuple[str, ...]) -> str:
    return ",\n".join(
        f"    {c} {'VARCHAR[]' if c in _LIST_COLUMNS else 'VARCHAR'}" for c in columns
    )


def snapshots_ddl_sql() -> str:
    """The permanent list of loaded master snapshots and their load problems."""
    return """
    CREATE TABLE IF NOT EXISTS master_snapshots (
        version INTEGER PRIMARY KEY,
        loaded_at VARCHAR NOT NULL,
        taxpayers_sha256 VARCHAR NOT NULL,
        filings_sha256 VARCHAR NOT NULL,
        taxpayer_rows BIGINT NOT NULL,
        filing_rows BIGINT NOT NULL,
        rejected_rows BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS master_problems (
        version INTEGER NOT NULL,
        table_name VARCHAR NOT NULL,
        row_number BIGINT NOT NULL,
        field VARCHAR NOT NULL,
        problem VARCHAR NOT NULL
    );
    """


def master_ddl_sql() -> str:
    """(Re)create the current master tables; run inside the load transaction."""
    drops = "\n".join(f"DROP TABLE IF EXISTS {t};" for t in reversed(MASTER_TABLES))
    return f"""
    {drops}
    CREATE TABLE taxpayers (
        tin VARCHAR NOT NULL,
        tin_type VARCHAR NOT NULL,
        date_of_birth DATE
    );
    CREATE TABLE filings (
        filing_id BIGINT NOT NULL,
        tin VARCHAR NOT NULL,
        doc_type VARCHAR NOT NULL,
        tax_year VARCHAR,
        received_date DATE NOT NULL,
        name_id BIGINT NOT NULL,
        address_id BIGINT NOT NULL,
        point_address_id BIGINT
    );
    CREATE TABLE master_names (
        name_id BIGINT NOT NULL,
{_feature_columns(NAME_COLUMNS)},
        name_tokens VARCHAR[]
    );
    CREATE TABLE master_addresses (
        address_id BIGINT NOT NULL,
{_feature_columns(ADDRESS_COLUMNS)},
        delivery_key VARCHAR,
        usps_street VARCHAR,
        usps_unit VARCHAR,
        usps_city VARCHAR,
        usps_state VARCHAR,
        usps_zip VARCHAR
    );
    CREATE TABLE master_records (
        record_id BIGINT NOT NULL,
        tin VARCHAR NOT NULL,
        name_id BIGINT NOT NULL,
        address_id BIGINT NOT NULL,
        date_of_birth VARCHAR,
        first_received DATE,
        last_received DATE,
        filings INTEGER
    );
    """


def master_records_sql() -> str:
    """Distinct (taxpayer, standardised name, delivery point) rows: the matching records."""
    return """
    INSERT INTO master_records
    SELECT row_number() OVER (ORDER BY f.tin, f.name_id, f.address_id) AS record_id,
           f.tin, f.name_id, f.address_id,
           CAST(any_value(t.date_of_birth) AS VARCHAR),
           min(f.received_date), max(f.received_date), count(*)
    FROM filings AS f JOIN taxpayers AS t USING (tin)
    GROUP BY f.tin, f.name_id, f.address_id
    """
