"""Spellings one or two slips apart, for names and streets alike.

:func:`taxgate.standardise.name_agreement.is_typo` is one slip; here are two: two requests
(or two returns) may each carry their own slip of one word. Screening uses these for
duplicates, matching for a rival whose own filing misspells the street.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from taxgate.standardise.name_agreement import is_typo


def streets_alike(a: str, b: str) -> bool:
    """Whether two street names at one house number, unit and ZIP are one street misspelt.

    One slip (:func:`is_typo`), or two slips in names of four letters or more that still
    look alike (Jaro–Winkler ≥ 0.8): two requests may each carry their own typo of one street
    (``DEVN`` and ``DEVOB`` for DEVON), as two returns may (``master.points``).

    Example:
        >>> streets_alike("DEVN", "DEVOB"), streets_alike("PARK", "PIKE")
        (True, False)
    """
    return a == b or is_typo(a, b) or two_slips_alike(a, b)


def two_slips(a: str, b: str, *, min_length: int = 4) -> bool:
    """At most two edits apart (each one slip from a third word), ``min_length`` letters or
    more each, however unlike they then look (LOPFZ / LIPEZ, both one slip from LOPEZ).

    Example:
        >>> two_slips("LOPFZ", "LIPEZ"), two_slips("OAK", "ELK")
        (True, False)
        >>> two_slips("OAK", "ELK", min_length=3)
        True
    """
    if min(len(a), len(b)) < min_length:
        return False
    return DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 2


def two_slips_alike(a: str, b: str) -> bool:
    """:func:`two_slips` in words of four letters or more that still look alike (JW ≥ 0.8)."""
    close = two_slips(a, b, min_length=_TWO_SLIP_MIN_LENGTH)
    # Jaro–Winkler is a float: GGAHAM / GRAHVM (two slips of GRAHAM) scores 0.8 exactly in
    # decimals and 0.7999… in binary, so the bound carries a tolerance.
    similarity = JaroWinkler.similarity(a, b)
    return close and similarity >= _TWO_SLIP_MIN_JARO_WINKLER - _FLOAT_TOLERANCE


_TWO_SLIP_MIN_LENGTH = 4
_TWO_SLIP_MIN_JARO_WINKLER = 0.8
_FLOAT_TOLERANCE = 1e-9
