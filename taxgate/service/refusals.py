"""How errors answer over HTTP: one status per error class, one body, documented in OpenAPI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from taxgate.errors import (
    AccessDenied,
    ConfigError,
    DisclosureRefused,
    InputError,
    IntakeRefused,
    PathError,
    TaxgateError,
    WorkspaceError,
)
from taxgate.service.worker import WorkspaceBusy


class ErrorPublic(BaseModel):
    """A refusal or a fault: the error's class, its message, and how to fix it."""

    error: str
    message: str
    hint: str | None


def status_of(error: TaxgateError) -> int:
    """The HTTP status of an error (one place)."""
    if isinstance(error, AccessDenied):
        return error.status
    if isinstance(error, WorkspaceBusy):
        return 503
    # A setting refused over the API (a signer's key) came in the request: the caller's to fix.
    if isinstance(error, InputError | IntakeRefused | PathError | ConfigError):
        return 422
    if isinstance(error, DisclosureRefused | WorkspaceError):
        return 409
    return 500


def error_body(error: TaxgateError) -> dict[str, Any]:
    """The JSON body of an error."""
    return ErrorPublic(
        error=type(error).__name__, message=error.message, hint=error.hint
    ).model_dump()


_WHY = {
    401: "nobody signed in, or the sign-in was refused",
    403: "the caller's role may not, or the CSRF token is missing",
    409: "refused in this state (already decided, not released, a legal hold, ...)",
    422: "a value or an uploaded file is invalid",
    503: "the workspace is busy running a batch",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorPublic, "description": why} for status, why in _WHY.items()
}
