"""Users (argon2id, TOTP, lockout), tokens and sessions on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from taxgate.errors import AccessDenied, InputError
from taxgate.records import RecordStore
from taxgate.records import credentials as cred
from taxgate.records import users as u

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _alice(records: RecordStore) -> u.NewUser:
    with records.begin() as conn:
        return u.add_user(conn, username="alice", role="analyst", password=PASSWORD, now=NOW)


def test_password_is_stored_as_argon2id_never_plain(records: RecordStore) -> None:
    _alice(records)
    with records.begin() as conn:
        stored = conn.execute(u.users.select()).mappings().one()
    assert stored["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in stored["password_hash"]


def test_sign_in_needs_password_and_current_totp(records: RecordStore) -> None:
    new = _alice(records)
    code = cred.totp_now(new.totp_secret, at=NOW)
    user = u.authenticate(records, username="alice", password=PASSWORD, totp=code, now=NOW)
    assert (user.username, user.role) == ("alice", "analyst")
    stale = cred.totp_now(new.totp_secret, at=NOW - timedelta(minutes=5))
    for password, totp in ((PASSWORD, stale), ("wrong password!", code)):
        with pytest.raises(AccessDenied) as refused:
            u.authenticate(records, username="alice", password=password, totp=totp, now=NOW)
        assert refused.value.status == 401


def test_repeated_failures_lock_the_account(records: RecordStore) -> None:
    new = _alice(records)
    for _ in range(u.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AccessDenied, match="wrong"):
            u.authenticate(records, username="alice", password="nope" * 4, totp="0", now=NOW)
    code = cred.totp_now(new.totp_secret, at=NOW)
    with pytest.raises(AccessDenied, match="locked"):
        u.authenticate(records, username="alice", password=PASSWORD, totp=code, now=NOW)
    later = NOW + u.LOCKOUT + timedelta(seconds=1)
    code = cred.totp_now(new.totp_secret, at=later)
    assert u.authenticate(records, username="alice", password=PASSWORD, totp=code, now=later)


def test_names_are_unique_and_passwords_long(records: RecordStore) -> None:
    _alice(records)
    with pytest.raises(InputError, match="exists already"), records.begin() as conn:
        u.add_user(conn, username="alice", role="auditor", password=PASSWORD, now=NOW)
    with pytest.raises(InputError, match="12 characters"), records.begin() as conn:
        u.add_user(conn, username="bob", role="auditor", password="short", now=NOW)
    with records.begin() as conn:
        assert [x.username for x in u.list_users(conn)] == ["alice"]


def test_session_lives_until_it_expires_or_is_closed(records: RecordStore) -> None:
    new = _alice(records)
    with records.begin() as conn:
        session_id, csrf = u.open_session(conn, user=new.user, now=NOW)
        who = u.session_principal(conn, session_id, now=NOW + timedelta(minutes=1))
        assert who is not None and (who.name, who.csrf_token) == ("alice", csrf)
        expired = NOW + u.SESSION_LIFETIME + timedelta(seconds=1)
        assert u.session_principal(conn, session_id, now=expired) is None
        u.close_session(conn, session_id)
        assert u.session_principal(conn, session_id, now=NOW) is None


def test_token_is_stored_hashed_and_scoped(records: RecordStore) -> None:
    with records.begin() as conn:
        token = u.add_token(
            conn, name="ice-system", role="submitter", requester="ICE", created_by="root", now=NOW
        )
        stored = conn.execute(u.api_tokens.select()).mappings().one()
        assert stored["token_hash"] == cred.token_digest(token) != token
        who = u.token_principal(conn, token)
        assert who is not None and (who.role, who.requester) == ("submitter", "ICE")
        assert u.token_principal(conn, token + "x") is None


def test_text_with_a_nul_is_refused_as_input_on_both_backends(records: RecordStore) -> None:
    # PostgreSQL's text type cannot hold a NUL: it failed as a server error (schemathesis
    # signed in as a user name carrying one). The store refuses it as the caller's input.
    _alice(records)
    with pytest.raises(InputError, match="NUL"):
        u.authenticate(records, username="ali\x00ce", password=PASSWORD, totp="000000", now=NOW)
