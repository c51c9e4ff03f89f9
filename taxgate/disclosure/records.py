"""Store tables for batches, decisions, responses and models (pure DDL builders), and the
JSON columns of a decisions row that keep what an explanation needs (``taxgate explain``).

The decisions row keeps, beside the decision: every candidate record's comparison levels and
weights (``candidates``), every candidate taxpayer's evidence as the policy weighed it
(``hypotheses``), the request as standardised (``request_standardised``) and each finding's
message and offending value (``finding_details``). They are written once, as the run decides,
so that an explanation shows what the decision rested on without deciding again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

import pyarrow as pa

from taxgate.matching.decide import CandidateEvidence, Decision
from taxgate.screening.findings import Finding
from taxgate.standardise.address_parts import StandardAddress
from taxgate.standardise.names import StandardName
from taxgate.store import Store

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
        ("hypotheses", pa.string()),
        ("request_standardised", pa.string()),
        ("finding_details", pa.string()),
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
    # A workspace made by an earlier taxgate gains the columns added since (empty for its
    # batches): every column is added if it is missing.
    added_columns = "\n".join(
        f"    ALTER TABLE decisions ADD COLUMN IF NOT EXISTS {f.name} {_SQL_TYPES[f.type]};"
        for f in DECISION_SCHEMA
    )
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
        timings VARCHAR NOT NULL,
        as_of_override BOOLEAN
    );
    ALTER TABLE batches ADD COLUMN IF NOT EXISTS as_of_override BOOLEAN;
    CREATE TABLE IF NOT EXISTS decisions (
{decision_columns}
    );
{added_columns}
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


def present_columns(store: Store, table: str) -> frozenset[str]:
    """The columns ``table`` has in ``store`` (none when it does not exist). A workspace of an
    earlier taxgate, opened read-only, lacks the columns added since: readers select them
    only where they are present."""
    rows = store.fetchall("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table])
    return frozenset(str(name) for (name,) in rows)


def insert_batch_sql(columns: tuple[str, ...]) -> str:
    """Insert one ``batches`` row, naming its columns (fixed identifiers, never input)."""
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO batches ({', '.join(columns)}) VALUES ({marks})"


def candidates_json(
    evidence: Sequence[CandidateEvidence], encoder: CandidatesEncoder | None = None
) -> str:
    """Every scored candidate record, best first: its taxpayer, weight, comparison levels and
    bits, and the name channel's and household's terms the policy added.

    The text is ``json.dumps`` of a list of objects with sorted keys; an ``encoder`` kept
    for a whole batch writes it without building them (see :class:`CandidatesEncoder`).
    """
    return (encoder or CandidatesEncoder())(evidence)


class CandidatesEncoder:
    """Writes :func:`candidates_json`'s text: each candidate's object with its keys in
    sorted order, and each levels or partials mapping as ``json.dumps(..., sort_keys=True)``,
    once per mapping. A batch's candidates share a few thousand mappings (the evidence
    shares one per distinct comparison vector and per distinct weights), so one encoder
    kept for the batch encodes each once; it holds the mappings it encoded, so their ids
    are not reused while it lives."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Mapping[str, Any], str]] = {}

    def __call__(self, evidence: Sequence[CandidateEvidence]) -> str:
        scalar, mapping = _json_scalar, self.mapping
        parts = [
            f'{{"former_coresident": {scalar(c.former_coresident)}, '
            f'"given_bits": {scalar(c.given_bits)}, "is_box": {scalar(c.is_box)}, '
            f'"junior_bits": {scalar(c.junior_bits)}, "levels": {mapping(c.levels)}, '
            f'"middle_bits": {scalar(c.middle_bits)}, "partials": {mapping(c.partials)}, '
            f'"record_id": {scalar(c.record_id)}, "tin": {scalar(c.tin)}, '
            f'"weight": {scalar(c.match_weight)}}}'
            for c in sorted(evidence, key=lambda c: (-c.match_weight, c.record_id))
        ]
        return "[" + ", ".join(parts) + "]"

    def mapping(self, values: Mapping[str, Any]) -> str:
        """``json.dumps(dict(values), sort_keys=True)``, once per mapping."""
        known = self._texts.get(id(values))
        if known is not None:
            return known[1]
        text = json.dumps(dict(values), sort_keys=True)
        self._texts[id(values)] = (values, text)
        return text


def _json_scalar(value: Any) -> str:
    """``json.dumps(value)`` of one value, the common kinds without the encoder's setup."""
    kind = type(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return json.dumps(value)


def hypotheses_json(decision: Decision) -> str | None:
    """Each candidate taxpayer's evidence (bits), strongest first, and the not-on-file
    hypothesis's; None when the policy weighed no taxpayer."""
    if not decision.hypotheses:
        return None
    taxpayers = [{"tin": tin, "bits": bits} for tin, bits in decision.hypotheses]
    return json.dumps({"taxpayers": taxpayers, "not_on_file": decision.not_on_file})


def standardised_json(name: StandardName, address: StandardAddress) -> str:
    """The request's name and address as the standardiser read them (USPS Pub 28 parts)."""
    return json.dumps(
        {
            "given_names": list(name.given_names),
            "surname": list(name.surname_parts),
            "suffix": name.suffix,
            "address_kind": address.kind.value,
            "street": address.street_line(),
            "unit": address.unit_line(),
            "city": address.city,
            "state": address.state,
            "zip": address.zip_code(),
        },
        sort_keys=True,
    )


# A finding's value is kept up to this many characters (a free-text reason can be long).
VALUE_CHARS = 200
_ADDRESS_PARTS = ("street", "unit", "city", "state", "zip")


def finding_details_json(findings: Sequence[Finding], request: Mapping[str, Any]) -> str | None:
    """Each finding's code, field, message and the value it judged; None without findings.

    The value of ``address`` in a file of split address columns is the parts, joined.
    """
    if not findings:
        return None
    details = []
    for f in findings:
        value = request.get(f.field)
        if value is None and f.field == "address":
            parts = [str(request[p]) for p in _ADDRESS_PARTS if request.get(p)]
            value = ", ".join(parts) or None
        text = None if value is None else str(value)
        if text is not None and len(text) > VALUE_CHARS:
            text = text[:VALUE_CHARS] + "…"
        details.append(
            {"code": f.code.value, "field": f.field, "message": f.message, "value": text}
        )
    return json.dumps(details, sort_keys=True)
