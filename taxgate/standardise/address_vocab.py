"""Words that make an address not an address: placeholders, facilities, empty units.

Domain §3 rejects an address that is a placeholder ("Failed to Provide", "NA NA",
"Don't Care 12345", N/A, NONE, NULL, REFUSED, HOMELESS, TBD, "-") or a detention facility named
without a street location (§6103(i)(2)(B)(i): the request must give the taxpayer's address).
Phrases match whole words only, after ``placeholder_words`` (``N/A`` and ``N.A.`` read as
``NA``, apostrophes vanish), so ``123 NAPA ST`` is not ``NA``, but ``123 NONE ST`` is rejected:
when in doubt, taxgate does not disclose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from taxgate.standardise.address_text import ascii_upper

_INITIAL_JOIN = re.compile(r"\b([A-Z])[./](?=[A-Z]\b)")
_NON_WORD = re.compile(r"[^A-Z0-9]+")


def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.split()) for p in text.split(";") if p.strip())


PLACEHOLDER_PHRASES = _phrases(
    "FAILED TO PROVIDE; FAILED; NOT PROVIDED; NONE PROVIDED; NO ADDRESS; ADDRESS UNKNOWN;"
    "UNKNOWN; UNK; UNKN; UNKWN; UNKNWN; NA; NONE; NULL; NIL; REFUSED; DECLINED; HOMELESS;"
    "UNHOUSED; TRANSIENT; NO FIXED ADDRESS; NO FIXED ABODE; NFA; TBD; TBA; TEST; TESTING;"
    "DONT CARE; DO NOT CARE; DONTCARE; NOT AVAILABLE; NOT APPLICABLE; NOT GIVEN; NOT KNOWN;"
    "NOT STATED; NOT ON FILE; SAME AS ABOVE; SEE ABOVE; ON FILE; UNDELIVERABLE; BAD ADDRESS;"
    "WHEREABOUTS; DUMMY; FAKE; PLACEHOLDER; ASDF; QWERTY; NOWHERE; NO MAIL; RETURNED MAIL;"
    "NO STREET; NO HOUSE; UNAVAILABLE"
)
"""Placeholders rejected wherever they stand in a street line (case and punctuation ignored)."""

WHOLE_FIELD_PLACEHOLDERS = _phrases(
    "X; XX; N; NO; SAME; BLANK; EMPTY; MISSING; VARIOUS; ANY; STREET; ADDRESS; GENERAL; CITY;"
    "PENDING; DECEASED; OTHER"
)
"""Words that are placeholders only when they are the whole field (``BLANK``, not ``BLANK RD``)."""

FACILITY_PHRASES = _phrases(
    "DETENTION; DETAINED; DETAINEE; JAIL; PRISON; PENITENTIARY; CORRECTIONAL; CORRECTIONS;"
    "CORRECTION CENTER; CORRECTION FACILITY; PROCESSING CENTER; PROCESSING CTR; CUSTODY;"
    "INCARCERATED; INMATE; STOCKADE; HOLDING FACILITY; HOLDING CENTER; JUVENILE HALL;"
    "REENTRY CENTER; FCI; FDC; MDC; USP; ICE FACILITY; ICE PROCESSING; SALLY PORT"
)
"""A jail, prison or detention or processing centre (§3: rejected when it has no street)."""

UNIT_NULLS = frozenset({"NA", "N A", "NONE", "NULL", "NIL", "UNKNOWN", "UNK", "0", "00", "#"})
"""Unit columns that mean "no unit": they are dropped, not read as unit ``NA``."""


def placeholder_words(text: str | None) -> list[str]:
    """Words of ``text`` for phrase matching: ``N/A`` → ``NA``, ``Don't`` → ``DONT``.

    Example:
        >>> placeholder_words("Don't Care 12345")
        ['DONT', 'CARE', '12345']
    """
    upper = ascii_upper(text).replace("'", "").replace("`", "")
    upper = _INITIAL_JOIN.sub(r"\1", upper)
    return _NON_WORD.sub(" ", upper).split()


def phrase_pattern(phrases: Iterable[tuple[str, ...]], *extra: str) -> re.Pattern[str]:
    """One regex finding any of ``phrases`` (or ``extra`` regexes) as whole words."""
    alternatives = [re.escape(" ".join(p)) for p in sorted(phrases, key=len, reverse=True)]
    return re.compile(rf"(?<!\S)(?:{'|'.join([*alternatives, *extra])})(?!\S)")


_PLACEHOLDER_RE = phrase_pattern(PLACEHOLDER_PHRASES, "X{3,}")
_FACILITY_RE = phrase_pattern(FACILITY_PHRASES)


def _joined_words(text: str) -> str:
    return " ".join(placeholder_words(text))


@lru_cache(maxsize=16_384)  # city columns repeat: one city, many requests
def is_placeholder(text: str | None) -> bool:
    """Whether ``text`` holds a placeholder, or is only punctuation (``-``, ``?``).

    Example:
        >>> is_placeholder("N/A"), is_placeholder("123 NAPA ST")
        (True, False)
    """
    if text is None or not text.strip():
        return False
    joined = _joined_words(text)
    if not joined or tuple(joined.split()) in WHOLE_FIELD_PLACEHOLDERS:
        return True
    return _PLACEHOLDER_RE.search(joined) is not None


def names_facility(text: str | None) -> bool:
    """Whether ``text`` names a jail, prison, detention or processing centre."""
    if not text:
        return False
    return _FACILITY_RE.search(_joined_words(text)) is not None
