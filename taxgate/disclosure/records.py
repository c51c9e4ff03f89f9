"""Store tables for batches, decisions, responses and models (pure DDL builders)."""

from __future__ import annotations

import pyarrow as pa

DECISION_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("row", pa.int64()),
        ("request_id", pa.string()),
        ("decision", pa.string()),
        ("outcome", pa.string()),
        ("reason", pa.string()),
        ("reason_codes", pa.string()),
        ("findings", pa.list_(pa.string())),
        ("batch_flags", pa.list_(pa.string())),
        ("candidate_records", pa.int32()),
        ("candidate_taxpayers", pa.int32()),
        ("tin", pa.string()),
        ("record_id", pa.int64()),
        ("match_weight", pa.float64()),
        ("margin", pa.float64()),
        ("runner_up_tin", pa.string()),
        ("levels", pa.string()),
        ("candidates", pa.string()),
        ("notes", pa.list_(pa.string())),
        ("lka_street", pa.string()),
        ("lka_unit", pa.string()),
        ("lka_city", pa.string()),
        ("lka_state", pa.string()),
        ("lka_zip", pa.string()),
        ("lka_as_of", pa.string()),
        ("lka_source", pa.string()),
        ("as_of", pa.string()),
        ("model_version", pa.string()),
        ("policy_version", pa.string()),
        ("agreement_version", pa.string()),
    ]
)

_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.float64(): "DOUBLE",
    pa.list_(pa.string()): "VARCHAR[]",
}


def runs_ddl_sql() -> str:
    """Tables of the run stage; created once per workspace."""
    decision_columns = ",\n".join(f"    {f.name} {_SQL_TYPES[f.type]}" for f in DECISION_SCHEMA)
    return f"""
    CREATE TABLE IF NOT EXISTS batches (
        batch_id VARCHAR PRIMARY KEY,
        requester VARCHAR NOT NULL,
        signer VARCHAR NOT NULL,
        manifest_sha256 VARCHAR NOT NULL,
        request_sha256 VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        request_date DATE NOT NULL,
        as_of DATE NOT NULL,
        received_at VARCHAR NOT NULL,
        state VARCHAR NOT NULL,
        batch_flags VARCHAR[],
        model_version VARCHAR NOT NULL,
        policy_version VARCHAR NOT NULL,
        agreement_id VARCHAR NOT NULL,
        agreement_version VARCHAR NOT NULL,
        timings VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS decisions (
{decision_columns}
    );
    CREATE TABLE IF NOT EXISTS responses (
        batch_id VARCHAR NOT NULL,
        row BIGINT NOT NULL,
        request_id VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        reason_codes VARCHAR,
        street VARCHAR,
        unit VARCHAR,
        city VARCHAR,
        state VARCHAR,
        zip VARCHAR,
        address_as_of VARCHAR
    );
    CREATE TABLE IF NOT EXISTS models (
        version VARCHAR PRIMARY KEY,
        created_at VARCHAR NOT NULL,
        trained_on_batch VARCHAR NOT NULL,
        active BOOLEAN NOT NULL,
        settings VARCHAR NOT NULL
    );
    """
