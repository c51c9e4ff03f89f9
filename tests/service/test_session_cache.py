"""A live session's lookup is remembered for a second at most, never past the session's end,
and never after signing out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from taxgate.records.schema import sessions
from taxgate.records.users import Principal
from taxgate.service.auth import SESSION_COOKIE
from taxgate.service.matrix import Role
from taxgate.service.session_cache import REMEMBER_SECONDS, SessionCache

from .conftest import Service

WHO = Principal("ana", "analyst", "session", csrf_token="c")
NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_a_session_is_remembered_for_its_seconds_only() -> None:
    cache = SessionCache(seconds=0.2)
    assert cache.get("s1", now=NOW) is None
    cache.keep("s1", WHO, expires_at=NOW + timedelta(hours=8), asked_at=cache.clock())
    assert cache.get("s1", now=NOW) == WHO
    assert cache.get("s2", now=NOW) is None
    time.sleep(0.25)
    assert cache.get("s1", now=NOW) is None


def test_never_past_the_sessions_end() -> None:
    cache = SessionCache(seconds=60)
    cache.keep("s1", WHO, expires_at=NOW + timedelta(seconds=1), asked_at=cache.clock())
    assert cache.get("s1", now=NOW) == WHO
    assert cache.get("s1", now=NOW + timedelta(seconds=1)) is None


def test_a_lookup_begun_before_a_sign_out_is_not_kept() -> None:
    cache = SessionCache(seconds=60)
    asked_before = cache.clock()
    cache.forget("s1")
    cache.keep("s1", WHO, expires_at=NOW + timedelta(hours=8), asked_at=asked_before)
    assert cache.get("s1", now=NOW) is None
    cache.keep("s1", WHO, expires_at=NOW + timedelta(hours=8), asked_at=cache.clock())
    assert cache.get("s1", now=NOW) == WHO
    cache.forget("s1")
    assert cache.get("s1", now=NOW) is None


def test_a_session_ended_outside_the_service_is_refused_within_the_second(
    empty_service: Service,
) -> None:
    analyst = empty_service.person("ana", Role.ANALYST)
    assert analyst.get("/api/me").status_code == 200
    with empty_service.records.begin() as conn:
        conn.execute(delete(sessions))  # by hand in the database, not by signing out
    time.sleep(REMEMBER_SECONDS + 0.1)
    assert analyst.get("/api/me").status_code == 401


def test_signing_out_ends_the_session_at_once(empty_service: Service) -> None:
    analyst = empty_service.person("ana", Role.ANALYST)
    assert analyst.get("/api/me").status_code == 200  # now remembered
    cookie = {"Cookie": f"{SESSION_COOKIE}={analyst.cookies[SESSION_COOKIE]}"}
    assert analyst.delete("/api/session").status_code == 204
    # The cookie sent again (a browser would have dropped it): the session itself is over.
    stranger = empty_service.anonymous()
    assert stranger.get("/api/me", headers=cookie).status_code == 401
