"""Findings: what a screening check returns. Validators return findings; callers decide."""

from __future__ import annotations

from dataclasses import dataclass

from taxgate.screening.codes import ReasonCode


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect of a request: a stable code, the field it concerns, and a readable message.

    The message never repeats the taxpayer data it judged (logs and reports carry findings).
    """

    code: ReasonCode
    field: str
    message: str

    @property
    def category(self) -> str:
        return self.code.category
