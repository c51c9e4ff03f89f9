"""Shared builders for ledger tests: a fresh workspace, its store, and synthetic batches."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.ledger import events as ev
from taxgate.ledger.checkpoint import CheckpointKey, load_public_key, read_export
from taxgate.ledger.keys import load_signing_key
from taxgate.ledger.log import export_path, ledger_transaction
from taxgate.ledger.verify import VerifyReport, verify_ledger
from taxgate.store import Store
from taxgate.workspace import Workspace

NOW = datetime(2025, 8, 7, 12, 0, tzinfo=UTC)
STATUTE = "8-1253-(a)(1)"
# The RFC 9162 vectors ship with the tests (tests/data/README.md says where they come from).
VECTORS = Path(__file__).resolve().parents[1] / "data" / "rfc9162-merkle"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws", load_agreement(default_agreement_path()))


@pytest.fixture
def store(workspace: Workspace) -> Iterator[Store]:
    with Store.open(workspace.store_path) as opened:
        yield opened


def tin_for(batch_id: str, number: int) -> str:
    """A distinct synthetic TIN per batch and request."""
    return f"9{zlib.crc32(batch_id.encode()) % 100:02d}{number:06d}"


def batch_events(
    batch_id: str,
    requests: int,
    *,
    requester: str = "ICE",
    disclose: bool = True,
    tins: list[str] | None = None,
) -> list[ev.LedgerEvent]:
    """The events of one batch: received, verified, then per request screened/matched/decided
    and (when ``disclose``) one DISCLOSURE, then released."""
    events = [
        ev.batch_received(
            batch_id=batch_id,
            requester=requester,
            agreement_id="irs-ice-2025",
            agreement_version="2025.04.07-1",
            file_sha256="ab" * 32,
            rows=requests,
        ),
        ev.signature_verified(batch_id=batch_id, signer="ice-director", manifest_sha256="cd" * 32),
    ]
    for number in range(requests):
        request_id = f"{batch_id}-R{number:04d}"
        tin = tins[number] if tins else tin_for(batch_id, number)
        events.append(
            ev.request_screened(
                batch_id=batch_id,
                request_id=request_id,
                codes=[],
                statute=STATUTE,
                request={"first_name": "ANA", "last_name": "ROE", "street": f"{number} OAK ST"},
            )
        )
        events.append(
            ev.LedgerEvent(
                ev.EventKind.REQUEST_MATCHED,
                batch_id,
                request_id,
                attrs={"candidate_records": 2, "best_weight": 14.5},
            )
        )
        events.append(
            ev.request_decided(
                batch_id=batch_id,
                request_id=request_id,
                decision="DISCLOSE" if disclose else "NOT_DISCLOSED",
                codes=[],
                model_version="m1",
                policy_version="p1",
                score=14.5,
            )
        )
        if disclose:
            events.append(
                ev.disclosure(
                    batch_id=batch_id,
                    request_id=request_id,
                    requester=requester,
                    agreement_id="irs-ice-2025",
                    agreement_version="2025.04.07-1",
                    statute=STATUTE,
                    tin=tin,
                    address={
                        "street": f"{number} ELM AVE",
                        "unit": None,
                        "city": "SPRINGFIELD",
                        "state": "IL",
                        "zip": "62701",
                    },
                    as_of=date(2025, 3, 1),
                )
            )
    events.append(ev.LedgerEvent(ev.EventKind.BATCH_RELEASED, batch_id, attrs={"rows": requests}))
    return events


def record_batch(
    store: Store,
    workspace: Workspace,
    batch_id: str,
    requests: int,
    *,
    now: datetime = NOW,
    requester: str = "ICE",
    disclose: bool = True,
    tins: list[str] | None = None,
) -> range:
    """Append one batch and its checkpoint in one transaction, as the pipeline does."""
    events = batch_events(batch_id, requests, requester=requester, disclose=disclose, tins=tins)
    with ledger_transaction(store, workspace, now=now) as ledger:
        return ledger.append(events, now=now)


def build_ledger(store: Store, workspace: Workspace, batches: int = 3, requests: int = 5) -> None:
    for number in range(batches):
        record_batch(store, workspace, f"B{number}", requests, now=NOW + timedelta(hours=number))


def signing_key(workspace: Workspace) -> CheckpointKey:
    """The workspace's signing key, from where ``workspace.json`` says it is."""
    settings = workspace.ledger_settings()
    assert settings is not None
    return load_signing_key(Path(settings["key"]), settings["origin"])


def verify(store: Store, workspace: Workspace, *, exported: bool = True) -> VerifyReport:
    return verify_ledger(
        store,
        public_key=load_public_key(workspace.keys_dir),
        exported_checkpoints=read_export(export_path(workspace)) if exported else None,
    )
