"""Administrators: users, submitter tokens, legal holds, (i)(6) withholds, signers."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from taxgate.errors import InputError
from taxgate.intake.enrolment import add_signer
from taxgate.ledger.hold import holds, lift_hold, lift_withhold, set_hold, set_withhold
from taxgate.ledger.log import ledger_transaction
from taxgate.records import RecordStore
from taxgate.records.credentials import provisioning_uri
from taxgate.records.users import add_token, add_user, list_users
from taxgate.service.api_batches import service_dir
from taxgate.service.auth import require_principal
from taxgate.service.inputs import RequestBody
from taxgate.service.matrix import PERSON_ROLES, Role
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.worker import WorkspaceWorker
from taxgate.store import Store
from taxgate.workspace import Workspace

router = APIRouter(tags=["administration"], responses=ERROR_RESPONSES)


class UserCreate(RequestBody):
    """A new person: name, role (not ``submitter``: machines get tokens) and password."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    role: Role
    password: str = Field(min_length=12, max_length=1024)


class UserCreatedPublic(BaseModel):
    """The new user and, this once, the TOTP provisioning URI for their authenticator."""

    username: str
    role: str
    totp_uri: str


class TokenCreate(RequestBody):
    """A submitter token for a requesting agency's system, scoped to that requester."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    requester: str = Field(min_length=1, max_length=128)


class TokenCreatedPublic(BaseModel):
    """The token, shown this once (only its hash is kept)."""

    name: str
    requester: str
    token: str


class HoldCreate(RequestBody):
    """Set (or lift) a legal hold on every disclosure to a requester, by court order."""

    requester: str = Field(min_length=1, max_length=128)
    order: str = Field(min_length=1, max_length=200)
    lift: bool = False
    hold_id: str | None = None


class WithholdCreate(RequestBody):
    """Put a taxpayer on (or take off) the (i)(6) withhold list."""

    tin: str = Field(min_length=9, max_length=11)
    why: str = Field(min_length=1, max_length=2000)
    lift: bool = False


class SignerCreate(RequestBody):
    """Enrol a signer of the requesting agency, with its public key (PEM)."""

    name: str = Field(min_length=1, max_length=64)
    public_key_pem: str = Field(min_length=1, max_length=10_000)
    valid_from: date
    valid_to: date | None = None
    role: str | None = None


@router.get("/api/users")
async def get_users(request: Request) -> list[dict[str, Any]]:
    """Every user (no hashes, no secrets)."""
    records: RecordStore = request.app.state.records

    def work() -> list[dict[str, Any]]:
        with records.begin() as conn:
            return [asdict(u) for u in list_users(conn)]

    return await run_in_threadpool(work)


@router.post("/api/users", status_code=201, response_model=UserCreatedPublic)
async def post_user(body: UserCreate, request: Request) -> UserCreatedPublic:
    """Add a person; the answer carries their TOTP provisioning URI, once."""
    if body.role not in PERSON_ROLES:
        raise InputError("submitters are machines: issue a token (POST /api/tokens)", field="role")
    records: RecordStore = request.app.state.records

    def work() -> UserCreatedPublic:
        with records.begin() as conn:
            new = add_user(
                conn,
                username=body.username,
                role=body.role.value,
                password=body.password,
                now=datetime.now(UTC),
            )
        return UserCreatedPublic(
            username=new.user.username,
            role=new.user.role,
            totp_uri=provisioning_uri(new.totp_secret, new.user.username),
        )

    return await run_in_threadpool(work)


@router.post("/api/tokens", status_code=201, response_model=TokenCreatedPublic)
async def post_token(body: TokenCreate, request: Request) -> TokenCreatedPublic:
    """Issue a submitter token scoped to one requester."""
    who = require_principal(request)
    records: RecordStore = request.app.state.records

    def work() -> str:
        with records.begin() as conn:
            return add_token(
                conn,
                name=body.name,
                role=Role.SUBMITTER.value,
                requester=body.requester,
                created_by=who.name,
                now=datetime.now(UTC),
            )

    token = await run_in_threadpool(work)
    return TokenCreatedPublic(name=body.name, requester=body.requester, token=token)


@router.get("/api/holds")
async def get_holds(request: Request) -> list[dict[str, Any]]:
    """Every legal hold, oldest first."""

    def work(ws: Workspace) -> list[dict[str, Any]]:
        with Store.open(ws.store_path, read_only=True) as store:
            return [asdict(h) for h in holds(store)]

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)


@router.post("/api/holds")
async def post_hold(body: HoldCreate, request: Request) -> dict[str, Any]:
    """Set or lift a legal hold (a ledger entry)."""

    def work(ws: Workspace) -> dict[str, Any]:
        now = datetime.now(UTC)
        with Store.open(ws.store_path) as store, ledger_transaction(store, ws, now=now) as led:
            if body.lift:
                done = lift_hold(
                    led,
                    requester=body.requester,
                    order_ref=body.order,
                    now=now,
                    hold_id=body.hold_id,
                )
            else:
                done = set_hold(led, requester=body.requester, order_ref=body.order, now=now)
        return asdict(done)

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)


@router.post("/api/withholds")
async def post_withhold(body: WithholdCreate, request: Request) -> dict[str, str | int | None]:
    """Set or lift an (i)(6) withhold (a ledger entry); the answer names it, not the TIN."""

    def work(ws: Workspace) -> dict[str, str | int | None]:
        now = datetime.now(UTC)
        with Store.open(ws.store_path) as store, ledger_transaction(store, ws, now=now) as led:
            if body.lift:
                done = lift_withhold(led, tin=body.tin, why=body.why, now=now)
            else:
                done = set_withhold(led, tin=body.tin, why=body.why, now=now)
        return {
            "withhold_id": done.withhold_id,
            "set_entry": done.set_entry,
            "lifted_entry": done.lifted_entry,
        }

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)


@router.post("/api/signers", status_code=201)
async def post_signer(body: SignerCreate, request: Request) -> dict[str, str | None]:
    """Enrol (or replace) a signer in the workspace's agreement."""

    def work(ws: Workspace) -> dict[str, str | None]:
        with tempfile.TemporaryDirectory(dir=service_dir(ws, "scratch")) as scratch:
            pem = Path(scratch) / "signer.pub.pem"
            pem.write_text(body.public_key_pem, encoding="utf-8")
            signer = add_signer(
                ws,
                name=body.name,
                public_key_path=pem,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                role=body.role,
            )
        return {
            "name": signer.name,
            "valid_from": str(signer.valid_from),
            "valid_to": None if signer.valid_to is None else str(signer.valid_to),
        }

    worker: WorkspaceWorker = request.app.state.worker
    return await worker.call(work)
