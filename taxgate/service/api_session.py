"""Sign-in (password + TOTP) to a session cookie, sign-out, and who the caller is."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from taxgate.records import RecordStore
from taxgate.records.users import SESSION_LIFETIME, authenticate, close_session, open_session
from taxgate.service.auth import SESSION_COOKIE, require_principal
from taxgate.service.inputs import RequestBody
from taxgate.service.refusals import ERROR_RESPONSES
from taxgate.service.session_cache import SessionCache

router = APIRouter(tags=["session"], responses=ERROR_RESPONSES)


class SessionCreate(RequestBody):
    """A sign-in: user name, password and the current TOTP code."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str = Field(min_length=6, max_length=8)


class SessionPublic(BaseModel):
    """The signed-in person, and the CSRF token to echo in ``X-CSRF-Token``."""

    username: str
    role: str
    csrf_token: str


class WhoPublic(BaseModel):
    """Who the caller is: a person (session) or a machine (token, scoped to a requester)."""

    name: str
    role: str
    via: str
    requester: str | None


async def sign_in(
    records: RecordStore, *, username: str, password: str, totp: str
) -> tuple[str, SessionPublic]:
    """Authenticate and open a session: (session id for the cookie, the public view)."""

    def work() -> tuple[str, SessionPublic]:
        now = datetime.now(UTC)
        user = authenticate(records, username=username, password=password, totp=totp, now=now)
        with records.begin() as conn:
            session_id, csrf = open_session(conn, user=user, now=now)
        return session_id, SessionPublic(username=user.username, role=user.role, csrf_token=csrf)

    return await run_in_threadpool(work)


def set_session_cookie(response: Response, session_id: str) -> None:
    """Secure, HttpOnly, SameSite=Strict, for the session's lifetime."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=True,
        samesite="strict",
        path="/",
    )


async def sign_out(request: Request, response: Response) -> None:
    """Close the caller's session and clear its cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    records: RecordStore = request.app.state.records
    sessions: SessionCache = request.app.state.sessions
    if session_id:

        def work() -> None:
            with records.begin() as conn:
                close_session(conn, session_id)

        # Forgotten before and after: no lookup that may have read the row is kept.
        sessions.forget(session_id)
        await run_in_threadpool(work)
        sessions.forget(session_id)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


@router.post("/api/session", response_model=SessionPublic)
async def create_session(
    body: SessionCreate, request: Request, response: Response
) -> SessionPublic:
    """Sign in with a password and a TOTP code; the session is a cookie."""
    session_id, public = await sign_in(
        request.app.state.records, username=body.username, password=body.password, totp=body.totp
    )
    set_session_cookie(response, session_id)
    return public


@router.delete("/api/session", status_code=204)
async def delete_session(request: Request, response: Response) -> None:
    """Sign out."""
    await sign_out(request, response)


@router.get("/api/me", response_model=WhoPublic)
async def who_am_i(request: Request) -> WhoPublic:
    """The caller."""
    who = require_principal(request)
    return WhoPublic(name=who.name, role=who.role, via=who.via, requester=who.requester)
