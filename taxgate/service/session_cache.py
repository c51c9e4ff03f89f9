"""Sessions looked up in the record store, remembered for a second.

Every request of a signed-in person names its session; looking it up (a query joining the
session to its user, on a pool thread) was a fixed part of every page's cost. A live session's
answer (who, which role, its CSRF token) is kept here for :data:`REMEMBER_SECONDS` and never
past the session's own expiry:

* Signing out through this service forgets the session before its row is deleted and again
  after; a lookup that began before the second time is not kept (it may have read the row
  just deleted). The next request with that cookie is looked up again and refused.
* Nothing else in taxgate ends a session or changes a signed-in user's role or state; a change
  made outside this process (by hand in the database, or a second service on the same
  PostgreSQL database) takes effect within :data:`REMEMBER_SECONDS`, as it would for a
  request that had begun that much earlier.
* Only sessions found live are kept: an unknown or expired cookie is looked up every time.
* Kept under the SHA-256 of the session id (as the record store keeps it), never the id.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from taxgate.records import credentials as cred
from taxgate.records.users import Principal

REMEMBER_SECONDS = 1.0
"""How long a live session's lookup is used without asking the record store again."""

_PRUNE_AT = 4096


@dataclass(frozen=True)
class _Kept:
    principal: Principal
    until: float  # monotonic time after which the record store is asked again
    expires_at: datetime  # the session's own end


class SessionCache:
    """Live sessions' principals, each for at most ``seconds`` and never past its expiry."""

    def __init__(self, seconds: float = REMEMBER_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._kept: dict[str, _Kept] = {}
        self._forgotten: dict[str, float] = {}  # when each session was last forgotten

    @staticmethod
    def clock() -> float:
        """Now, as :meth:`keep` takes ``asked_at`` (read it before asking the record store)."""
        return time.monotonic()

    def get(self, session_id: str, *, now: datetime) -> Principal | None:
        """The session's principal if it was found live less than ``seconds`` ago and has
        not expired since; None means: ask the record store."""
        key = cred.token_digest(session_id)
        with self._lock:
            kept = self._kept.get(key)
        if kept is None or time.monotonic() >= kept.until or now >= kept.expires_at:
            return None
        return kept.principal

    def keep(
        self, session_id: str, principal: Principal, *, expires_at: datetime, asked_at: float
    ) -> None:
        """Remember a session the record store found live when asked at ``asked_at``
        (:meth:`clock`), unless it was forgotten since."""
        key = cred.token_digest(session_id)
        with self._lock:
            if self._forgotten.get(key, float("-inf")) >= asked_at:
                return
            if len(self._kept) >= _PRUNE_AT:
                clock = time.monotonic()
                self._kept = {k: v for k, v in self._kept.items() if v.until > clock}
            self._kept[key] = _Kept(principal, asked_at + self.seconds, expires_at)

    def forget(self, session_id: str) -> None:
        """Forget a session (signing out), and keep no lookup of it that began before now."""
        key = cred.token_digest(session_id)
        with self._lock:
            self._kept.pop(key, None)
            clock = time.monotonic()
            if len(self._forgotten) >= _PRUNE_AT:
                # A lookup takes far less than a minute (the record store's waits are seconds).
                self._forgotten = {k: t for k, t in self._forgotten.items() if t > clock - 60}
            self._forgotten[key] = clock
