"""The record store opens and migrates on both backends, and refuses URLs it cannot use."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from taxgate.errors import ConfigError, StoreError
from taxgate.records import RecordStore, default_database_url
from taxgate.records.access import log_access, recent_access

TABLES = {"users", "api_tokens", "sessions", "access_log", "jobs", "releases", "review_actions"}


def test_open_migrates_to_every_table(records_url: str) -> None:
    records = RecordStore.open(records_url)
    try:
        names = set(inspect(records.engine).get_table_names())
        assert names >= TABLES | {"alembic_version"}
    finally:
        records.close()


def test_opening_twice_keeps_the_rows(records_url: str) -> None:
    first = RecordStore.open(records_url)
    with first.begin() as conn:
        log_access(
            conn,
            at=_now(),
            method="GET",
            route="/x",
            status=200,
            principal=None,
            role=None,
            denied=False,
        )
    first.close()
    second = RecordStore.open(records_url)
    try:
        with second.begin() as conn:
            assert [e.route for e in recent_access(conn)] == ["/x"]
    finally:
        second.close()


def test_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    records = RecordStore.open(default_database_url(tmp_path))
    records.close()
    mode = stat.S_IMODE((tmp_path / "records.sqlite").stat().st_mode)
    assert mode == 0o600


@pytest.mark.parametrize(
    "url", ["not a url", "mysql://u@h/db", "sqlite:////no/such/folder/records.sqlite"]
)
def test_unusable_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        RecordStore.open(url)


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot be opened"):
        RecordStore.open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def _now() -> datetime:
    return datetime.now(UTC)
