"""Administrators add people and tokens and set holds over the API; the OpenAPI describes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp

from taxgate.service.matrix import MATRIX, Role

from .conftest import Service


def test_an_administrator_adds_a_person_who_can_then_sign_in(empty_service: Service) -> None:
    admin = empty_service.person("root", Role.ADMINISTRATOR)
    body = {"username": "ana", "role": "analyst", "password": "another long password"}
    made = admin.post("/api/users", json=body)
    assert made.status_code == 201, made.text
    secret = re.search(r"secret=([A-Z2-7]+)", made.json()["totp_uri"])
    assert secret is not None
    code = pyotp.TOTP(secret.group(1)).at(datetime.now(UTC))
    ana = empty_service.anonymous()
    signed = ana.post(
        "/api/session", json={**{k: body[k] for k in ("username", "password")}, "totp": code}
    )
    assert signed.status_code == 200 and signed.json()["role"] == "analyst"
    assert ana.get("/api/me").json()["name"] == "ana"
    listed = admin.get("/api/users").json()
    assert {u["username"] for u in listed} == {"root", "ana"}
    assert not any("hash" in key or "secret" in key for u in listed for key in u)
    refused = admin.post("/api/users", json={**body, "username": "bot", "role": "submitter"})
    assert refused.status_code == 422 and "token" in refused.json()["message"]


def test_a_legal_hold_set_over_the_api_is_in_the_ledger(empty_service: Service) -> None:
    admin = empty_service.person("root", Role.ADMINISTRATOR)
    held = admin.post("/api/holds", json={"requester": "USMS", "order": "Order No. 7"})
    assert held.status_code == 200, held.text
    assert [h["hold_id"] for h in admin.get("/api/holds").json()] == [held.json()["hold_id"]]
    auditor = empty_service.person("audra", Role.AUDITOR)
    verified = auditor.get("/api/ledger/verify").json()
    assert verified["ok"] and verified["entries_checked"] >= 1


def test_the_openapi_description_names_every_api_endpoint(empty_service: Service) -> None:
    described = empty_service.anonymous().get("/openapi.json").json()["paths"]
    for method, template in MATRIX:
        if template.startswith("/api/"):
            assert method.lower() in described[template], (method, template)


def test_a_body_with_a_nul_is_refused_as_invalid(empty_service: Service) -> None:
    answer = empty_service.anonymous().post(
        "/api/session", json={"username": "r\x00oot", "password": "x" * 12, "totp": "000000"}
    )
    assert answer.status_code == 422, answer.text
    # As every 422 is documented: what was wrong, never the value sent.
    assert answer.json()["error"] == "InvalidRequest" and "NUL" in answer.json()["message"]
    assert "r\x00oot" not in answer.text and "r\\u0000oot" not in answer.text
