"""Shared builders for intake tests: keys, an agreement with an enrolled signer, batches."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taxgate.agreement import Agreement, Signer, default_agreement_path, load_agreement
from taxgate.intake.keys import new_keypair
from taxgate.intake.signing import sign_batch

SIGNER = "ice-director"
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)

REQUEST_HEADER = (
    "request_id",
    "first_name",
    "last_name",
    "street",
    "unit",
    "city",
    "state",
    "zip",
    "removal_order_date",
    "statute",
    "reason",
    "taxable_periods",
)


def request_row(request_id: str, **overrides: str) -> dict[str, str]:
    """One well-formed split-address request row."""
    row = {
        "request_id": request_id,
        "first_name": "Ana",
        "last_name": "Diaz",
        "street": "12 Main St",
        "unit": "",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "removal_order_date": "2024-01-02",
        "statute": "8 U.S.C. 1253(a)(1)",
        "reason": "Subject of investigation for failure to depart",
        "taxable_periods": "2022;2023",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: Sequence[dict[str, str]], header: Sequence[str] | None = None) -> bytes:
    names = list(header or (rows[0].keys() if rows else REQUEST_HEADER))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_requests(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """Write ``rows`` in the format named by ``path``'s extension (all values text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        path.write_bytes(csv_bytes(rows))
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif path.suffix == ".parquet":
        names = list(rows[0].keys())
        table = pa.table({n: pa.array([r[n] for r in rows], pa.string()) for n in names})
        pq.write_table(table, path)
    else:
        raise AssertionError(path)
    return path


@dataclass(frozen=True)
class Keys:
    private: Path
    public: Path

    @property
    def pem(self) -> str:
        return self.public.read_text(encoding="utf-8")


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    private, public = new_keypair(tmp_path / "keys", SIGNER)
    return Keys(private, public)


def with_signer(agreement: Agreement, pem: str, **fields: object) -> Agreement:
    values: dict[str, object] = {
        "name": SIGNER,
        "public_key": pem,
        "valid_from": date(2025, 4, 7),
        "valid_to": date(2027, 4, 6),
    }
    values.update(fields)
    return agreement.with_signer(Signer.model_validate(values))


@pytest.fixture
def agreement(keys: Keys) -> Agreement:
    return with_signer(load_agreement(default_agreement_path()), keys.pem)


@pytest.fixture
def signed_batch(tmp_path: Path, keys: Keys, agreement: Agreement) -> Callable[..., Path]:
    """Write a request file and sign it; returns the manifest path."""

    def make(
        rows: Sequence[dict[str, str]] | None = None, *, name: str = "requests.csv", **kw: object
    ) -> Path:
        folder = tmp_path / "batch"
        requests = write_requests(folder / name, rows or [request_row("R1"), request_row("R2")])
        options: dict[str, object] = {"agreement": agreement, "now": NOW}
        options.update(kw)
        return sign_batch(
            requests, key_path=keys.private, signer=SIGNER, out=folder / "manifest.json", **options
        )

    return make
