"""``taxgate serve``, ``user add|list`` and ``token add`` through the CLI entry point."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from taxgate.cli.main import run_cli
from taxgate.errors import ConfigError, InputError
from taxgate.records import RecordStore
from taxgate.records.users import token_principal

PASSWORD = "a long enough password"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    assert run_cli(["init", str(tmp_path / "ws")]) == 0
    return tmp_path / "ws"


def test_first_administrator_gets_a_totp_uri_once(
    ws: Path, records_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["user", "add", str(ws), "--name", "root", "--role", "administrator"]
    assert run_cli([*add, "--password", PASSWORD, "--database", records_url]) == 0
    out = capsys.readouterr().out
    assert re.search(r"otpauth://totp/taxgate:root\?secret=[A-Z2-7]+", out)
    assert (
        run_cli([*add, "--password", PASSWORD, "--database", records_url]) == InputError.exit_code
    )
    assert "exists already" in capsys.readouterr().err
    assert run_cli(["user", "list", str(ws), "--database", records_url]) == 0
    listed = capsys.readouterr().out
    assert "root\tadministrator" in listed and "otpauth" not in listed


def test_submitters_are_tokens_not_users(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add = ["user", "add", str(ws), "--name", "ice", "--role", "submitter", "--password", PASSWORD]
    assert run_cli(add) != 0
    assert run_cli(["token", "add", str(ws), "--name", "ice-system", "--requester", "ICE"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    records = RecordStore.open(f"sqlite:///{ws / 'records.sqlite'}")
    try:
        with records.begin() as conn:
            who = token_principal(conn, token)
    finally:
        records.close()
    assert who is not None and (who.role, who.requester) == ("submitter", "ICE")


def test_short_password_is_refused(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add = ["user", "add", str(ws), "--name", "al", "--role", "analyst", "--password", "short"]
    assert run_cli(add) == InputError.exit_code
    assert "12 characters" in capsys.readouterr().err


def test_serve_builds_the_app_and_runs_it(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, **options: Any) -> None:
        seen["app"], seen["options"] = app, options
        app.state.worker.stop()  # what the app's lifespan does when Uvicorn stops
        app.state.records.close()

    monkeypatch.setattr(uvicorn, "run", fake_run)
    assert run_cli(["serve", str(ws), "--port", "8123"]) == 0
    assert isinstance(seen["app"], FastAPI)
    assert seen["options"]["port"] == 8123 and seen["options"]["access_log"] is False
    assert (ws / "records.sqlite").exists()


def test_serve_refuses_a_database_it_cannot_use(ws: Path) -> None:
    assert run_cli(["serve", str(ws), "--database", "mysql://u@h/db"]) == ConfigError.exit_code
