"""Which slips are common: a letter exchanged, dropped, doubled, or replaced by a neighbour.

The name channel (:mod:`taxgate.matching.name_channel`) weighs a written given name one slip
from a filer's by how common that kind of slip is.
"""

from __future__ import annotations

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
