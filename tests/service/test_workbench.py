"""The workbench as an analyst uses it: sign in on the page, filter the queue, read an item,
decide it with the form, and land on the next; everything escaped, TINs masked, CSRF checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from taxgate.app.review import pending_reviews
from taxgate.app.review_queue import PendingReview
from taxgate.records.credentials import totp_now
from taxgate.records.users import add_user
from taxgate.service.matrix import Role
from taxgate.service.workbench import queue_rows
from taxgate.store import Store
from taxgate.workspace import Workspace

from .conftest import PASSWORD, LoadedWorld, Service


def _sign_in(service: Service, name: str) -> TestClient:
    with service.records.begin() as conn:
        new = add_user(
            conn, username=name, role="analyst", password=PASSWORD, now=datetime.now(UTC)
        )
    client = service.anonymous()
    wrong = client.post("/login", data={"username": name, "password": "x" * 12, "totp": "000000"})
    assert wrong.status_code == 401 and "sign-in refused" in wrong.text
    code = totp_now(new.totp_secret, at=datetime.now(UTC))
    answer = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "totp": code},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/workbench"
    cookie = answer.headers["set-cookie"].lower()
    assert all(flag in cookie for flag in ("httponly", "secure", "samesite=strict"))
    return client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.slow
def test_analyst_clears_items_from_the_pages(
    answered: LoadedWorld, start_service: Callable[[Path], Service]
) -> None:
    service = start_service(answered.ws)
    assert service.anonymous().get("/workbench", follow_redirects=False).status_code == 303
    analyst = _sign_in(service, "ana")
    with Store.open(Workspace.open(answered.ws).store_path, read_only=True) as store:
        tins = {p.tin for p in pending_reviews(store) if p.tin}
    queue = analyst.get("/workbench")
    assert (
        queue.status_code == 200
        and "default-src 'self'" in queue.headers["content-security-policy"]
    )
    assert "XXX-XX-" in queue.text and not any(tin in queue.text for tin in tins)
    links = re.findall(r'data-href="([^"]+)"', queue.text)
    assert len(links) >= 2

    reason = re.findall(r"<td>([A-Z_]+)</td>\s*<td>XXX-XX-", queue.text)[0]
    filtered = analyst.get("/workbench", params={"reason": reason}).text
    assert set(re.findall(r"<td>([A-Z_]+)</td>\s*<td>XXX-XX-", filtered)) == {reason}

    item = analyst.get(links[0])
    assert item.status_code == 200
    for part in ("The request", "Candidate XXX-XX-", 'class="waterfall"', "As of", 'id="why"'):
        assert part in item.text, part
    assert 'id="next"' in item.text and not any(tin in item.text for tin in tins)
    form = {"decision": "decline", "why": "<script>alert(1)</script> not the same person"}
    assert analyst.post(links[0], data=form, follow_redirects=False).status_code == 403
    done = analyst.post(
        links[0], data={**form, "csrf_token": _csrf(item.text)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == links[1]

    decided = analyst.get(links[0]).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in decided and "<script>alert" not in decided
    assert len(re.findall(r'data-href="', analyst.get("/workbench").text)) == len(links) - 1


def test_the_keys_are_in_the_shipped_script(empty_service: Service) -> None:
    script = empty_service.anonymous().get("/static/workbench.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    for key in ('"j"', '"k"', '"a"', '"d"', '"/"'):
        assert f"event.key === {key}" in script.text
    assert empty_service.anonymous().get("/static/other.js").status_code == 422


@pytest.mark.slow
def test_the_queue_filters_by_age_and_pages_in_the_store(
    answered: LoadedWorld, start_service: Callable[[Path], Service]
) -> None:
    service = start_service(answered.ws)
    analyst = service.person("ana", Role.ANALYST)
    everything = analyst.get("/api/reviews")
    assert everything.status_code == 200 and len(everything.json()) >= 3
    items = everything.json()
    assert all(i["received_at"] == items[0]["received_at"] for i in items)  # one batch
    # The batch was committed moments ago: it has waited more than 0 hours, less than 1.
    assert analyst.get("/api/reviews", params={"min_age_hours": 0}).json() == items
    assert analyst.get("/api/reviews", params={"min_age_hours": 1}).json() == []
    assert analyst.get("/api/reviews", params={"min_age_hours": -1}).status_code == 422
    page = analyst.get("/api/reviews", params={"offset": 1, "limit": 2}).json()
    assert page == items[1:3]

    young = analyst.get("/workbench", params={"min_age_hours": "0"}).text
    assert len(re.findall(r'data-href="', young)) == len(items) and "0 h</td>" in young
    old = analyst.get("/workbench", params={"min_age_hours": "24"}).text
    assert "Nothing to review." in old and '<option value="24" selected>' in old
    assert analyst.get("/workbench", params={"min_age_hours": "a day"}).status_code == 422
    # The item page keeps the filter on its links, and places the item within it.
    reason = items[1]["reason"]
    same = [i for i in items if i["reason"] == reason]
    link = f"/workbench/reviews/{same[0]['batch_id']}/{same[0]['request_id']}"
    page_of_item = analyst.get(link, params={"reason": reason}).text
    assert f"item 1 of {len(same)}" in page_of_item
    assert f"/workbench?reason={reason}" in page_of_item


def test_the_queue_rows_escape_every_value() -> None:
    hostile = '<script>alert("x")</script>&\''
    item = PendingReview(
        batch_id=hostile,
        request_id=hostile,
        row=1,
        reason=hostile,
        tin="123451234",
        match_weight=12.345,
        margin=None,
        as_of=hostile,
        requester="ICE",
        received_at="2026-12-07T10:00:00+00:00",
    )
    now = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    html = str(queue_rows([item], "?reason=A%26B", now))
    assert "<script>" not in html and "'" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;"
    assert html.count(escaped) == 4  # batch, request, reason, as of
    assert 'data-href="/workbench/reviews/%3Cscript%3E' in html and "?reason=A%26B" in html
    assert "<td>XXX-XX-1234</td><td>12.3</td><td></td>" in html and "<td>3 h</td>" in html
    assert "123451234" not in html


def test_rows_that_share_values_are_each_written_in_full() -> None:
    """Values a page's rows share (batch, reason, date, commit time) are escaped once per page:
    every row still reads as if each of its cells were escaped on its own."""
    now = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    shared = ("B&1", "<R>", "2026-11-30'")
    items = [
        PendingReview(
            batch_id=shared[0],
            request_id=f'R"{n}',
            row=n,
            reason=shared[1] if n % 2 else "DOB_SLIP",
            tin=None if n == 3 else f"98765{n:04d}",
            match_weight=None if n == 2 else n + 0.04,
            margin=float("nan") if n == 1 else -n / 3,
            as_of=shared[2],
            requester="ICE",
            received_at="2026-12-07T10:00:00+00:00" if n % 3 else "2026-11-01T00:00:00",
        )
        for n in range(6)
    ]
    html = str(queue_rows(items, "?batch=B%261&x=<", now))
    rows = html.split("\n")
    assert len(rows) == len(items)
    for item, row in zip(items, rows, strict=True):
        url = (
            f"/workbench/reviews/{quote(item.batch_id, safe='')}/"
            f"{quote(item.request_id, safe='')}?batch=B%261&x=<"
        )
        weight = "" if item.match_weight is None else f"{item.match_weight:.1f}"
        margin = "" if item.margin is None else f"{item.margin:.1f}"
        wait = "3 h" if item.row % 3 else "36 d"
        cells = [
            escape(item.batch_id),
            f'<a href="{escape(url)}">{escape(item.request_id)}</a>',
            escape(item.reason),
            "XXX-XX-XXXX" if item.tin is None else f"XXX-XX-{item.tin[-4:]}",
            weight,
            margin,
            escape(item.as_of),
            wait,
        ]
        assert (
            row
            == f'<tr data-href="{escape(url)}">'
            + "".join(f"<td>{cell}</td>" for cell in cells)
            + "</tr>"
        )
