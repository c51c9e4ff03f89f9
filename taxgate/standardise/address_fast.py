"""The fast segmenter: the common street-line shape, read with the Pub 28 tables alone.

``NUMBER [PREDIR] NAME… [SUFFIX] [POSTDIR] [UNIT]`` covers most filing addresses. When a line has
that shape *unambiguously*, this module cuts it into house number, street words and unit words
about ten times faster than usaddress's CRF tagger; when anything is unusual it returns
``None`` and the caller asks usaddress. Both paths hand their words to the same interpreter
(``address_street``), and a test holds them to the same answers on a large varied sample.

The shape is unambiguous when:

* the first word is a house number (``123``, ``23-15``, ``N6W23001``), optionally with a
  fraction (``1/2``);
* every street word is a plain word, an ordinal (``31ST``), or a number right after a
  directional (``S 500 E``) or after a leading route type (``HWY 66``);
* a unit, if any, is a designator with one identifier (``APT 4``, ``# 4``, ``STE #200``), a
  no-number designator last after a suffix (``REAR``), or one bare identifier holding a digit
  right after a street suffix (``123 MAIN ST 4B``);
* no word belongs to a box, an intersection, or a designator in the wrong place.
"""

from __future__ import annotations

from taxgate.standardise.address_boxes import BOX_WORDS
from taxgate.standardise.address_street import (
    ORDINAL,
    Segments,
    fix_route_number,
    is_unit_id,
    split_house,
)
from taxgate.standardise.pub28 import (
    DIRECTIONALS,
    INLINE_UNIT_WORDS,
    PRE_TYPES,
    SUFFIXES,
    UNIT_DESIGNATORS,
    UNIT_WITHOUT_NUMBER,
)

_NO_NUMBER_WORDS = frozenset(w for w, a in UNIT_DESIGNATORS.items() if a in UNIT_WITHOUT_NUMBER)
_REJECT_WORDS = BOX_WORDS | {"&", "AND", "AT", "OF", "C/O", "CO"}


def fast_segments(words: list[str]) -> Segments | None:
    """Segments of a common-shape street line, or ``None`` when the shape is not certain.

    Example:
        >>> fast_segments("123 N MAIN ST APT 4".split())
        Segments(house='123', street=['N', 'MAIN', 'ST'], unit=['APT', '4'])
    """
    house, taken = split_house(words)
    if not house or taken >= len(words):
        return None
    rest = words[taken:]
    for index, word in enumerate(rest):
        if word in INLINE_UNIT_WORDS:
            return _with_unit(house, rest[:index], rest[index:])
    last = rest[-1]
    if len(rest) >= 3 and last in _NO_NUMBER_WORDS and rest[-2] in SUFFIXES:
        return _checked(house, rest[:-1], [last])
    if len(rest) >= 3 and is_unit_id(last) and rest[-2] in SUFFIXES:
        return _checked(house, rest[:-1], [last])
    return _checked(house, rest, [])


def _with_unit(house: str, street: list[str], unit: list[str]) -> Segments | None:
    if not street:
        return None
    designator, *ids = unit
    if ids and ids[0] == "#" and designator != "#":
        ids = ids[1:]
    if len(ids) != 1 or not ids[0].isalnum() or ids[0] in UNIT_DESIGNATORS:
        return None
    if not (ids[0].isdigit() or is_unit_id(ids[0]) or len(ids[0]) == 1):
        return None
    return _checked(house, street, unit)


def _checked(house: str, street: list[str], unit: list[str]) -> Segments | None:
    """The segments when every street word is plain enough to need no tagger."""
    if not street:
        return None
    previous = ""
    for index, word in enumerate(street):
        if word in _REJECT_WORDS or word in UNIT_DESIGNATORS:
            return None
        if not word.isalpha() and ORDINAL.match(word) is None:
            if not word.isdigit():
                return None
            route_lead = index == 1 and previous in PRE_TYPES
            if not (previous in DIRECTIONALS or route_lead):
                return None
        previous = word
    if len(street[-1]) == 1 and street[-1] not in DIRECTIONALS and len(street) > 1:
        return None
    return fix_route_number(Segments(house, street, unit))
