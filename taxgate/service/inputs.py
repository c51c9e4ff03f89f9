"""The base of every JSON request body the API accepts.

Text in a request body never holds a NUL character: PostgreSQL's text type cannot store one
(the record store refused it with a server error), no name, order, justification or key has
one, and a body that carries one is refused as invalid (422) before any handler sees it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator

_NUL = "\x00"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return _NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


class RequestBody(BaseModel):
    """A request body: its fields as declared, and no NUL character in any text."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _holds_nul(data):
            raise ValueError("text must not contain a NUL character")
        return data
