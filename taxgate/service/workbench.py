"""The review workbench: server-rendered pages (Jinja2, autoescaped), keyboard driven.

No build step and nothing from the internet: one small script (``static/workbench.js``) gives
the keys (j/k next/previous, a approve, d decline, / the justification). Forms carry the
session's CSRF token; pages forbid every source but the service itself (CSP).
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from taxgate.errors import AccessDenied, InputError, TaxgateError
from taxgate.service.api_reviews import PAGE, decide, explain_item, review_queue
from taxgate.service.api_session import set_session_cookie, sign_in, sign_out
from taxgate.service.auth import require_principal
from taxgate.service.matrix import REVIEWERS, Role

router = APIRouter(include_in_schema=False)

_ENV = Environment(
    loader=PackageLoader("taxgate.service", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
_STATIC = {"workbench.js": "text/javascript", "workbench.css": "text/css"}
_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"


def item_url(batch_id: str, request_id: str) -> str:
    """The item page's path, its ids quoted."""
    return f"/workbench/reviews/{quote(batch_id, safe='')}/{quote(request_id, safe='')}"


def page(name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render a template (autoescaped) with the workbench's security headers."""
    html = _ENV.get_template(name).render(item_url=item_url, **values)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff"},
    )


def error_page(request: Request, error: TaxgateError, status: int) -> HTMLResponse:
    """An error as a page: the message and the hint, nothing else."""
    return page("error.html", status, message=error.message, hint=error.hint, status=status)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The workbench's own script and style, shipped in the package."""
    if name not in _STATIC:
        raise InputError(f"no static file {name!r}", field="name")
    text = (resources.files("taxgate.service") / "static" / name).read_text(encoding="utf-8")
    return Response(text, media_type=_STATIC[name])


@router.get("/login")
async def login_page() -> HTMLResponse:
    """The sign-in form."""
    return page("login.html", message=None)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    totp: Annotated[str, Form(max_length=8)],
) -> Response:
    """Sign in from the form; analysts land on the queue."""
    try:
        session_id, who = await sign_in(
            request.app.state.records, username=username, password=password, totp=totp
        )
    except AccessDenied as refused:
        request.state.denial = refused.message
        return page("login.html", 401, message=refused.message)
    target = "/workbench" if Role(who.role) in REVIEWERS else "/api/me"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, session_id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out and go back to the sign-in page."""
    response = RedirectResponse("/login", status_code=303)
    await sign_out(request, response)
    return response


@router.get("/workbench")
async def queue(
    request: Request,
    batch: Annotated[str | None, Query(max_length=128)] = None,
    reason: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """The review queue, filtered by batch and reason."""
    who = require_principal(request)
    worker = request.app.state.worker
    everything = await review_queue(worker, batch_id=None, reason=None)
    items = [
        i
        for i in everything
        if (batch in (None, "") or i.batch_id == batch)
        and (reason in (None, "") or i.reason == reason)
    ]
    return page(
        "queue.html",
        who=who,
        items=items[:PAGE],
        total=len(items),
        batches=sorted({i.batch_id for i in everything}),
        reasons=sorted({i.reason for i in everything}),
        batch=batch or "",
        reason=reason or "",
    )


@router.get("/workbench/reviews/{batch_id}/{request_id}")
async def item(batch_id: str, request_id: str, request: Request) -> HTMLResponse:
    """One item: the request beside each candidate, levels and weights, the address."""
    who = require_principal(request)
    worker = request.app.state.worker
    found = await explain_item(worker, batch_id, request_id)
    pending = await review_queue(worker, batch_id=None, reason=None)
    keys = [(p.batch_id, p.request_id) for p in pending]
    here = keys.index((batch_id, request_id)) if (batch_id, request_id) in keys else -1
    previous = keys[here - 1] if here > 0 else None
    following = keys[here + 1] if 0 <= here < len(keys) - 1 else None
    return page(
        "item.html",
        who=who,
        x=found,
        pending=here >= 0,
        previous=previous,
        following=following,
        position=here + 1,
        total=len(keys),
    )


@router.post("/workbench/reviews/{batch_id}/{request_id}")
async def decide_item(
    batch_id: str,
    request_id: str,
    request: Request,
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    why: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Decide from the page, then go to the next item of the queue."""
    if not why.strip():
        raise InputError("write the grounds of the decision", field="why")
    await decide(request, batch_id, request_id, approve=decision == "approve", why=why)
    pending = await review_queue(request.app.state.worker, batch_id=None, reason=None)
    if pending:
        nxt = pending[0]
        return RedirectResponse(item_url(nxt.batch_id, nxt.request_id), status_code=303)
    return RedirectResponse("/workbench", status_code=303)
