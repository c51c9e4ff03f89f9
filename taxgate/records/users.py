"""People and machines: users (password + TOTP, lockout), API tokens and sessions.

Every function takes an open connection (one transaction); the caller decides the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from taxgate.errors import AccessDenied, InputError
from taxgate.ledger.canonical import format_time, parse_time
from taxgate.records import credentials as cred
from taxgate.records.schema import api_tokens, sessions, users
from taxgate.records.store import RecordStore

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class UserPublic:
    """A user as anyone may see it: no hash, no secret."""

    user_id: int
    username: str
    role: str
    active: bool
    locked_until: str | None
    created_at: str


@dataclass(frozen=True)
class NewUser:
    """A created user, with the TOTP secret shown once to its owner."""

    user: UserPublic
    totp_secret: str


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a signed-in person or a token (``requester`` scopes a token)."""

    name: str
    role: str
    via: str  # "session" or "token"
    requester: str | None = None
    csrf_token: str | None = None


def add_user(
    conn: Connection, *, username: str, role: str, password: str, now: datetime
) -> NewUser:
    """Create a user with an argon2id password hash and a fresh TOTP secret.

    Raises:
        InputError: the name is empty or taken, or the password is shorter than 12 characters.
    """
    username = username.strip()
    if not username:
        raise InputError("the user name must not be empty", field="username")
    if len(password) < 12:
        raise InputError("a password has at least 12 characters", field="password")
    secret = cred.new_totp_secret()
    values = {
        "username": username,
        "role": role,
        "password_hash": cred.hash_password(password),
        "totp_secret": secret,
        "failed_attempts": 0,
        "active": True,
        "created_at": format_time(now),
    }
    try:
        conn.execute(insert(users).values(**values))
    except IntegrityError as e:
        raise InputError(f"a user named {username!r} exists already", field="username") from e
    return NewUser(_public_by_name(conn, username), secret)


def list_users(conn: Connection) -> list[UserPublic]:
    """Every user, by name."""
    rows = conn.execute(select(*_PUBLIC).order_by(users.c.username)).all()
    return [UserPublic(*row) for row in rows]


def count_users(conn: Connection, *, role: str | None = None) -> int:
    """How many users there are (of ``role``)."""
    query = select(users.c.user_id)
    if role is not None:
        query = query.where(users.c.role == role)
    return len(conn.execute(query).all())


def authenticate(
    records: RecordStore, *, username: str, password: str, totp: str, now: datetime
) -> UserPublic:
    """Check a password and a TOTP code; count failures and lock after too many.

    Runs its own transaction, so that a failure is counted even though the caller is refused.

    Raises:
        AccessDenied: unknown user, wrong password or code, or the account is locked. The
            message never says which of the first three it was.
    """
    with records.begin() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        if row is None or not row["active"]:
            good, locked = False, False
        elif row["locked_until"] is not None and row["locked_until"] > format_time(now):
            good, locked = False, True
        else:
            locked = False
            good = cred.password_matches(row["password_hash"], password) and cred.totp_matches(
                row["totp_secret"], totp, at=now
            )
            _count_attempt(conn, row["user_id"], row["failed_attempts"], good=good, now=now)
        user = _public_by_name(conn, username) if good else None
    if locked:
        raise AccessDenied(
            "sign-in refused: the account is locked after repeated failures",
            status=401,
            hint="wait until the lock ends or ask an administrator",
        )
    if user is None:
        raise AccessDenied("sign-in refused: wrong user name, password or code", status=401)
    return user


def _count_attempt(
    conn: Connection, user_id: int, failed_before: int, *, good: bool, now: datetime
) -> None:
    """Reset the count on success; lock for :data:`LOCKOUT` at the last allowed failure."""
    failures = 0 if good else failed_before + 1
    locked = format_time(now + LOCKOUT) if failures >= MAX_FAILED_ATTEMPTS else None
    conn.execute(
        update(users)
        .where(users.c.user_id == user_id)
        .values(failed_attempts=0 if locked else failures, locked_until=locked)
    )


def open_session(conn: Connection, *, user: UserPublic, now: datetime) -> tuple[str, str]:
    """A new session for ``user``: returns (session id for the cookie, CSRF token)."""
    session_id, csrf = cred.new_secret_token(), cred.new_secret_token()
    conn.execute(
        insert(sessions).values(
            session_hash=cred.token_digest(session_id),
            user_id=user.user_id,
            csrf_token=csrf,
            created_at=format_time(now),
            expires_at=format_time(now + SESSION_LIFETIME),
        )
    )
    return session_id, csrf


def session_principal(conn: Connection, session_id: str, *, now: datetime) -> Principal | None:
    """The person a live session belongs to, or None (unknown, expired, or user disabled)."""
    live = live_session(conn, session_id, now=now)
    return None if live is None else live[0]


def live_session(
    conn: Connection, session_id: str, *, now: datetime
) -> tuple[Principal, datetime] | None:
    """The person a live session belongs to and when the session ends, or None (unknown,
    expired, or user disabled)."""
    query = (
        select(
            users.c.username,
            users.c.role,
            users.c.active,
            sessions.c.csrf_token,
            sessions.c.expires_at,
        )
        .join(users, users.c.user_id == sessions.c.user_id)
        .where(sessions.c.session_hash == cred.token_digest(session_id))
        .where(sessions.c.expires_at > format_time(now))
    )
    row = conn.execute(query).first()
    if row is None or not row.active:
        return None
    who = Principal(row.username, row.role, "session", csrf_token=row.csrf_token)
    return who, parse_time(row.expires_at)


def close_session(conn: Connection, session_id: str) -> None:
    """End a session (sign-out)."""
    conn.execute(sessions.delete().where(sessions.c.session_hash == cred.token_digest(session_id)))


def add_token(
    conn: Connection, *, name: str, role: str, requester: str, created_by: str, now: datetime
) -> str:
    """Create an API token for a requesting agency's system; returns it (shown once).

    Raises:
        InputError: the name is empty or taken, or no requester is named.
    """
    if not name.strip() or not requester.strip():
        raise InputError("a token needs a name and the requester it is scoped to", field="name")
    token = cred.new_secret_token()
    try:
        conn.execute(
            insert(api_tokens).values(
                token_hash=cred.token_digest(token),
                name=name.strip(),
                role=role,
                requester=requester.strip(),
                created_by=created_by,
                created_at=format_time(now),
            )
        )
    except IntegrityError as e:
        raise InputError(f"a token named {name!r} exists already", field="name") from e
    return token


def token_principal(conn: Connection, token: str) -> Principal | None:
    """The machine a live (unrevoked) token belongs to, or None."""
    query = select(api_tokens.c.name, api_tokens.c.role, api_tokens.c.requester).where(
        api_tokens.c.token_hash == cred.token_digest(token), api_tokens.c.revoked_at.is_(None)
    )
    row = conn.execute(query).first()
    return None if row is None else Principal(row.name, row.role, "token", requester=row.requester)


_PUBLIC = (
    users.c.user_id,
    users.c.username,
    users.c.role,
    users.c.active,
    users.c.locked_until,
    users.c.created_at,
)


def _public_by_name(conn: Connection, username: str) -> UserPublic:
    row = conn.execute(select(*_PUBLIC).where(users.c.username == username)).one()
    return UserPublic(*row)
