"""The authorisation matrix: every role, and no role, against every endpoint of the app.

Each call is allowed or denied as :data:`taxgate.service.matrix.MATRIX` documents; every denial
answers 401 (nobody signed in) or 403, and is in the access log with its route and reason.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taxgate.records.schema import access_log
from taxgate.service.matrix import MATRIX, Role, may_call

from .conftest import Service

FILL = {"year": "2026", "name": "workbench.js"}


def _routes(service: Service) -> list[tuple[str, str]]:
    """Every (method, template) the app answers, through its included routers."""
    pending = list(service.client.app.routes)  # type: ignore[attr-defined]
    found = []
    while pending:
        route = pending.pop()
        included = getattr(route, "original_router", None)
        if included is not None:
            pending.extend(included.routes)
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.append((method, str(getattr(route, "path", ""))))
    return found


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: FILL.get(m.group(1), f"x-{m.group(1)}"), template)


def test_every_route_of_the_app_has_a_row_and_every_row_a_route(empty_service: Service) -> None:
    routes = set(_routes(empty_service))
    assert routes - set(MATRIX) == set(), "routes missing from the matrix"
    assert set(MATRIX) - routes == set(), "matrix rows naming no route"


def _clients(service: Service) -> dict[Role | None, TestClient]:
    clients: dict[Role | None, TestClient] = {None: service.anonymous()}
    for role in Role:
        if role is Role.SUBMITTER:
            clients[role] = service.machine("ice-system", "ICE")
        else:
            clients[role] = service.person(f"user-{role.value}", role)
    return clients


def test_every_role_against_every_endpoint(empty_service: Service) -> None:
    clients = _clients(empty_service)
    checked = 0
    for method, template in sorted(MATRIX):
        if (method, template) in {("DELETE", "/api/session"), ("POST", "/logout")}:
            continue  # signing out ends the session the next calls use; tested below
        for role, client in clients.items():
            answer = client.request(method, _path(template), follow_redirects=False)
            last = _last_log(empty_service)
            assert last["route"] == template and last["status"] == answer.status_code
            if may_call(method, template, role):
                assert answer.status_code not in (401, 403), (method, template, role, answer.text)
                assert answer.status_code < 500, (method, template, role, answer.text)
                assert not last["denied"]
            else:
                expected = 401 if role is None else 403
                if role is None and method == "GET" and not template.startswith("/api"):
                    expected = 303  # the workbench sends a stranger to the sign-in page
                    assert answer.headers["location"] == "/login"
                assert answer.status_code == expected, (method, template, role, answer.text)
                assert last["denied"] and last["reason"]
                assert last["role"] == (None if role is None else role.value)
            checked += 1
    assert checked >= 6 * (len(MATRIX) - 2)


@pytest.mark.parametrize("route", [("DELETE", "/api/session"), ("POST", "/logout")])
def test_sign_out_per_role(empty_service: Service, route: tuple[str, str]) -> None:
    method, template = route
    for role, client in _clients(empty_service).items():
        answer = client.request(method, template, follow_redirects=False)
        allowed = may_call(method, template, role)
        assert (answer.status_code not in (401, 403)) == allowed, (role, answer.status_code)
        if allowed:
            assert client.get("/api/me").status_code == 401


def test_a_session_without_its_csrf_token_is_refused(empty_service: Service) -> None:
    admin = empty_service.person("root", Role.ADMINISTRATOR)
    del admin.headers["X-CSRF-Token"]
    body = {"name": "cbp-system", "requester": "CBP"}
    answer = admin.post("/api/tokens", json=body)
    assert answer.status_code == 403 and "CSRF" in answer.json()["message"]
    admin.headers["X-CSRF-Token"] = "forged"
    assert admin.post("/api/tokens", json=body).status_code == 403
    assert _last_log(empty_service)["reason"] == "the CSRF token is missing or wrong"


def test_denials_are_counted_for_the_auditor(empty_service: Service) -> None:
    anonymous = empty_service.anonymous()
    for _ in range(3):
        assert anonymous.get("/api/accounting").status_code == 401
    auditor = empty_service.person("audra", Role.AUDITOR)
    log = auditor.get("/api/access-log", params={"denied": True}).json()
    assert log["denials_by_route"]["/api/accounting"] == 3
    assert {e["route"] for e in log["entries"]} == {"/api/accounting"}


def _last_log(service: Service) -> dict[str, object]:
    service.flush_access_log()
    with service.records.begin() as conn:
        row = conn.execute(select(access_log).order_by(access_log.c.entry_id.desc())).first()
    assert row is not None
    return dict(row._mapping)
