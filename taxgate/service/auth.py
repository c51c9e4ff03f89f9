"""Who is calling, and may they: sessions, tokens, CSRF, the matrix check and the access log.

Every route of the application depends on :func:`authorise`, which finds the matched route's
template, looks it up in :data:`~taxgate.service.matrix.MATRIX`, and refuses (401 or 403) what
the table does not allow. :class:`AccessLogMiddleware` hands one access-log row per request to the
log's writer, denials marked with their reason; the row holds the route template, never the
path or query.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taxgate.errors import AccessDenied
from taxgate.records import RecordStore
from taxgate.records.access import AccessRow
from taxgate.records.users import Principal, live_session, token_principal
from taxgate.service.access_writer import AccessLogWriter
from taxgate.service.matrix import Role, rule_for
from taxgate.service.session_cache import SessionCache

SESSION_COOKIE = "taxgate_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_ROUTE = "(no route)"

log = logging.getLogger(__name__)


def route_template(scope: Scope) -> str:
    """The matched route's template (``/api/jobs/{job_id}``), never the path itself."""
    route = scope.get("route")
    if route is not None:
        return str(getattr(route, "path", NO_ROUTE))
    # The framework's own routes (``/openapi.json``) do not say which matched: a fixed path
    # that is a row of the matrix is its own template.
    path = str(scope.get("path", ""))
    return path if rule_for(str(scope.get("method", "")), path) is not None else NO_ROUTE


async def authorise(request: Request) -> Principal | None:
    """The caller, if the matrix lets them call this route; otherwise raise AccessDenied."""
    method, route = request.method, route_template(request.scope)
    principal = await _caller(request)
    request.state.principal = principal
    rule = rule_for(method, route)
    if rule is None:
        _deny(request, f"{method} {route} is not in the authorisation matrix", 403)
    assert rule is not None
    if rule.public:
        return principal
    if principal is None:
        _deny(request, "sign-in required", 401)
    assert principal is not None
    if Role(principal.role) not in rule.roles:
        _deny(request, f"role {principal.role} may not: {rule.purpose}", 403)
    if principal.via == "session" and method not in SAFE_METHODS:
        await _check_csrf(request, principal)
    return principal


def require_principal(request: Request) -> Principal:
    """The authorised caller (for routes the matrix keeps from the public)."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        _deny(request, "sign-in required", 401)
    assert isinstance(principal, Principal)
    return principal


def deny(request: Request, reason: str, status: int = 403) -> None:
    """Refuse in a handler (a submitter's batch of another requester); logged like the rest."""
    _deny(request, reason, status)


def _deny(request: Request, reason: str, status: int) -> None:
    request.state.denial = reason
    raise AccessDenied(f"access denied: {reason}", status=status)


async def _caller(request: Request) -> Principal | None:
    """Who the request acts as: a token's machine, or a session's person (remembered for a
    moment, :mod:`taxgate.service.session_cache`), or nobody; looked up in the record store
    on a pool thread when not remembered."""
    records: RecordStore = request.app.state.records
    sessions: SessionCache = request.app.state.sessions
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
        return await run_in_threadpool(_token_principal, records, token)
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    now = datetime.now(UTC)
    kept = sessions.get(session_id, now=now)
    if kept is not None:
        return kept
    return await run_in_threadpool(_session_principal, records, sessions, session_id, now)


def _token_principal(records: RecordStore, token: str) -> Principal | None:
    with records.begin() as conn:
        return token_principal(conn, token)


def _session_principal(
    records: RecordStore, sessions: SessionCache, session_id: str, now: datetime
) -> Principal | None:
    asked_at = sessions.clock()
    with records.begin() as conn:
        live = live_session(conn, session_id, now=now)
    if live is None:
        return None
    principal, expires_at = live
    sessions.keep(session_id, principal, expires_at=expires_at, asked_at=asked_at)
    return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    """A cookie-borne request must echo the session's CSRF token (header or form field)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    expected = principal.csrf_token or ""
    if not sent or not secrets.compare_digest(sent, expected):
        _deny(request, "the CSRF token is missing or wrong", 403)


class AccessLogMiddleware:
    """One access-log row per HTTP request, after the response: who, route, status. The row
    is handed to the writer (:mod:`taxgate.service.access_writer`), which commits it soon,
    in order; the request does not wait for the commit."""

    def __init__(self, app: ASGIApp, writer: AccessLogWriter) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.writer.append(access_row(scope, status))


def access_row(scope: Scope, status: int) -> AccessRow:
    """The access-log row of a request answered with ``status`` (a denial also logged as a
    WARNING line: route and role only)."""
    state: dict[str, Any] = scope.get("state") or {}
    principal = state.get("principal")
    reason = state.get("denial")
    # A refusal the workbench answers with a redirect to the sign-in page is still one.
    denied = reason is not None or status in (401, 403)
    route = route_template(scope)
    name = principal.name if isinstance(principal, Principal) else None
    role = principal.role if isinstance(principal, Principal) else None
    if denied:
        log.warning("denied %s %s (%s): %s", scope["method"], route, role or "no role", reason)
    return AccessRow(
        at=datetime.now(UTC),
        method=scope["method"],
        route=route,
        status=status,
        principal=name,
        role=role,
        denied=denied,
        reason=reason,
    )
