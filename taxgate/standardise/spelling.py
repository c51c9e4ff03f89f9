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


# Letters next to each other on a QWERTY keyboard, and letter shapes that scanners and
# handwriting confuse or that sound alike: a substitution between these is a common slip.
_KEYBOARD_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
_LOOK_OR_SOUND_ALIKE = ("MN", "IL", "IJ", "OQ", "CK", "SZ", "VB", "UV", "EA", "IY", "CG", "DT")


def _neighbours() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for i, letter in enumerate(row):
            around = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
            for other_index in (row_index - 1, row_index + 1):
                if 0 <= other_index < len(_KEYBOARD_ROWS):
                    other = _KEYBOARD_ROWS[other_index]
                    around |= {other[j] for j in (i - 1, i, i + 1) if 0 <= j < len(other)}
            near.setdefault(letter, set()).update(around)
    for pair in _LOOK_OR_SOUND_ALIKE:
        a, b = pair[0], pair[1]
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in near.items()}


_NEIGHBOURS = _neighbours()


def plausible_slip(written: str, intended: str) -> bool:
    """Whether ``written`` is one *common* slip of ``intended``: two neighbouring letters
    exchanged, a letter dropped or doubled, or one letter replaced by a keyboard neighbour
    or a look- or sound-alike. Another replaced or added letter is a rarer slip, and more
    often another word.

    Example:
        >>> plausible_slip("DNNA", "DONNA"), plausible_slip("JANA", "HANA")
        (True, True)
        >>> plausible_slip("MARLENE", "DARLENE"), plausible_slip("JAYLEN", "JAYDEN")
        (False, False)
    """
    if len(written) == len(intended):
        diffs = [i for i, (a, b) in enumerate(zip(written, intended, strict=True)) if a != b]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i = diffs[0]
            return written[i] == intended[i + 1] and written[i + 1] == intended[i]
        if len(diffs) == 1:
            a, b = written[diffs[0]], intended[diffs[0]]
            return b in _NEIGHBOURS.get(a, frozenset())
        return False
    shorter, longer = sorted((written, intended), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            dropped = longer[i]
            doubled = (i > 0 and longer[i - 1] == dropped) or (
                i + 1 < len(longer) and longer[i + 1] == dropped
            )
            # A letter left out of the intended word is a common slip; one added is common
            # only when it doubles a neighbour.
            return len(written) < len(intended) or doubled
    return False
