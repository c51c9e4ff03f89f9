"""Counted nouns in messages: "1 checkpoint", "2 checkpoints", "1 entry", "3 entries"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless ``count`` is 1 (thousands separated).

    Args:
        count: How many.
        noun: The singular form.
        plural: The plural form, when it is not ``noun + "s"``.

    Example:
        >>> counted(1, "checkpoint"), counted(2, "entry", "entries"), counted(1_000, "row")
        ('1 checkpoint', '2 entries', '1,000 rows')
    """
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
