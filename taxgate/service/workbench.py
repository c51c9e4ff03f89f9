"""The review workbench: server-rendered pages (Jinja2, autoescaped), keyboard driven.

No build step and nothing from the internet: one small script (``static/workbench.js``) gives
the keys (j/k next/previous, a approve, d decline, / the justification). Forms carry the
session's CSRF token; pages forbid every source but the service itself (CSP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from taxgate.app.explain.words import mask_tin
from taxgate.app.review_queue import PendingReview, QueueFilter
from taxgate.errors import AccessDenied, InputError, TaxgateError
from taxgate.service.api_reviews import (
    MAX_AGE_HOURS,
    PAGE,
    decide,
    explain_item,
    first_pending,
    place_in_queue,
    queue_filter,
    review_queue,
)
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


def waited(received_at: str, now: datetime) -> str:
    """How long an item has waited since its batch was committed, in words ("3 h", "2 d")."""
    since = _instant(received_at)
    if since is None:
        return ""
    hours = max(0, int((now - since).total_seconds() // 3600))
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


@lru_cache(maxsize=256)
def _instant(received_at: str) -> datetime | None:
    """A batch's commit time as an instant (UTC when it names no zone); parsed once per batch,
    not once per row of a 200-row page."""
    try:
        since = datetime.fromisoformat(received_at)
    except ValueError:
        return None
    return since.replace(tzinfo=UTC) if since.tzinfo is None else since


def page(name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render a template (autoescaped) with the workbench's security headers."""
    html = _ENV.get_template(name).render(item_url=item_url, waited=waited, **values)
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


AGES = {1: "1 hour", 24: "1 day", 168: "7 days", 720: "30 days"}


@dataclass(frozen=True)
class Filters:
    """The queue's filters as the workbench carries them from page to page."""

    batch: str = ""
    reason: str = ""
    min_age_hours: int | None = None

    def only(self) -> QueueFilter:
        return queue_filter(
            batch=self.batch,
            reason=self.reason,
            min_age_hours=self.min_age_hours,
            now=datetime.now(UTC),
        )

    def query(self) -> str:
        """The filters as a query string (empty when none)."""
        pairs = {"batch": self.batch, "reason": self.reason, "min_age_hours": self.min_age_hours}
        kept = {k: v for k, v in pairs.items() if v not in (None, "")}
        return f"?{urlencode(kept)}" if kept else ""


async def filters(
    batch: Annotated[str | None, Query(max_length=128)] = None,
    reason: Annotated[str | None, Query(max_length=64)] = None,
    min_age_hours: Annotated[str | None, Query(max_length=8)] = None,
) -> Filters:
    """The filters of the query string (an empty age means any age). A coroutine only so that
    the framework calls it at once: a plain function is run on a pool thread."""
    age = None
    if min_age_hours:
        if not min_age_hours.isdigit() or int(min_age_hours) > MAX_AGE_HOURS:
            raise InputError("the age filter is a whole number of hours", field="min_age_hours")
        age = int(min_age_hours)
    return Filters(batch or "", reason or "", age)


def queue_rows(items: list[PendingReview], query: str, now: datetime) -> Markup:
    """The queue table's 200 rows as HTML, the candidate's TIN masked and every value escaped
    (``html.escape``: ``&``, ``<``, ``>``, ``"`` and ``'``, as the template's autoescape does).
    Built here in one pass: the template's per-cell calls and escapes were most of a queue
    page's time under load. A page's rows share a few batches, reasons, dates and commit
    times: each such value is escaped (or quoted, or turned into words) once per page. The
    masked TIN (``XXX-XX-`` and digits), the numbers (``%.1f``) and the wait (digits and a
    unit) hold no character that escaping changes."""
    escaped: dict[str, str] = {}
    quoted: dict[str, str] = {}
    waits: dict[str, str] = {}
    # Escaping works character by character, and a quoted path part has no character it
    # changes: the link is the fixed path, the quoted ids, and the query escaped once.
    tail = escape(query)

    def once(value: str) -> str:
        found = escaped.get(value)
        if found is None:
            found = escaped[value] = escape(value)
        return found

    rows = []
    for i in items:
        batch_path = quoted.get(i.batch_id)
        if batch_path is None:
            batch_path = quoted[i.batch_id] = quote(i.batch_id, safe="")
        url = f"/workbench/reviews/{batch_path}/{quote(i.request_id, safe='')}{tail}"
        received = str(i.received_at)
        wait = waits.get(received)
        if wait is None:
            wait = waits[received] = waited(received, now)
        weight = "" if i.match_weight is None else f"{i.match_weight:.1f}"
        margin = "" if i.margin is None else f"{i.margin:.1f}"
        rows.append(
            f'<tr data-href="{url}"><td>{once(i.batch_id)}</td>'
            f'<td><a href="{url}">{escape(i.request_id)}</a></td><td>{once(i.reason)}</td>'
            f"<td>{mask_tin(i.tin)}</td><td>{weight}</td><td>{margin}</td>"
            f"<td>{once(str(i.as_of))}</td><td>{wait}</td></tr>"
        )
    return Markup("\n".join(rows))  # every value above is escaped


@router.get("/workbench")
async def queue(
    request: Request,
    chosen: Annotated[Filters, Depends(filters)],
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The review queue, filtered by batch, reason and age, one page at a time."""
    who = require_principal(request)
    found = await review_queue(request.app.state.worker, chosen.only(), offset=offset)
    return page(
        "queue.html",
        who=who,
        items=found.items,
        rows=queue_rows(found.items, chosen.query(), datetime.now(UTC)),
        total=found.total,
        offset=offset,
        page_size=PAGE,
        batches=found.facets.batches,
        reasons=found.facets.reasons,
        ages=AGES,
        chosen=chosen,
        now=datetime.now(UTC),
    )


@router.get("/workbench/reviews/{batch_id}/{request_id}")
async def item(
    batch_id: str,
    request_id: str,
    request: Request,
    chosen: Annotated[Filters, Depends(filters)],
) -> HTMLResponse:
    """One item: the request beside each candidate, levels and weights, the address."""
    who = require_principal(request)
    worker = request.app.state.worker
    found = await explain_item(worker, batch_id, request_id)
    place = await place_in_queue(worker, chosen.only(), batch_id, request_id)
    return page(
        "item.html",
        who=who,
        x=found,
        pending=place is not None,
        place=place,
        query=chosen.query(),
    )


@router.post("/workbench/reviews/{batch_id}/{request_id}")
async def decide_item(
    batch_id: str,
    request_id: str,
    request: Request,
    chosen: Annotated[Filters, Depends(filters)],
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    why: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Decide from the page, then go to the next item of the (filtered) queue."""
    if not why.strip():
        raise InputError("write the grounds of the decision", field="why")
    worker = request.app.state.worker
    await decide(request, batch_id, request_id, approve=decision == "approve", why=why)
    following = await first_pending(worker, chosen.only())
    if following is not None:
        return RedirectResponse(item_url(*following) + chosen.query(), status_code=303)
    return RedirectResponse("/workbench" + chosen.query(), status_code=303)
