"""The HTTP face of taxgate: a submission API and a review workbench (``taxgate serve``).

``create_app`` builds the FastAPI application from settings passed in (nothing read from the
environment). Who may call what is one table, :mod:`taxgate.service.matrix`. The workspace's
DuckDB store is owned by one worker thread (:mod:`taxgate.service.worker`); the service's own
state is in the record store (:mod:`taxgate.records`).
"""

from __future__ import annotations

from taxgate.service.app import ServiceSettings, create_app

__all__ = ["ServiceSettings", "create_app"]
