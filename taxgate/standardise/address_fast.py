"""The fast segmenter: the common street-line shape, read with the Pub 28 tables alone.

``NUMBER [PREDIR] NAME… [SUFFIX] [POSTDIR] [UNIT]`` covers most filing addresses. When a line has
that shape *unambiguously*, this module cuts it into house number, street words and unit words
about ten times faster than usaddress's CRF tagger; when anything is unusual it returns
``None`` and the caller asks usaddress. Both paths hand their words to the same interpreter
(``address_street``), and a test holds them to the same answers on a large varied sample.

The shape is unambiguous when:

* the first word is a house number (``123``, ``23-15``, ``N6W23001``), optionally with a
  fraction (``1/2``);
* every street word is a plain word, an ordinal (``31ST``), or a number between directionals
  (``S 500 E``), or the number or letter of a route type (``HWY 66``, ``AVENUE B``);
* a unit, if any, is a designator with one identifier (``APT 4``, ``# 4``, ``STE #200``), a
  no-number designator last after a suffix (``REAR``), or one bare identifier holding a digit
  right after a street suffix (``123 MAIN ST 4B``);
* no word belongs to a box, an intersection, or a designator in the wrong place.
"""

from __future__ import annotations

from taxgate.standardise.address_boxes import BOX_WORDS
from taxgate.standardise.address_segments import (
    ORDINAL,
    Segments,
    explicit_unit_cut,
    has_designator,
    settle,
    split_house,
)
from taxgate.standardise.pub28 import (
    DIRECTIONALS,
    PRE_TYPES,
    SPANISH_PRE_TYPES,
    UNIT_DESIGNATORS,
)

_STOP_WORDS = BOX_WORDS | {"&", "AND", "AT", "OF", "CO"} | set(UNIT_DESIGNATORS)
"""Words that send a street line to the tagger: boxes, intersections, designators."""


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
    cut = explicit_unit_cut(rest)
    if cut is None:
        return None if has_designator(rest) else _checked(house, rest, [])
    return _checked(house, rest[:cut], rest[cut:])


def _checked(house: str, street: list[str], unit: list[str]) -> Segments | None:
    """The segments when every street word is plain enough to need no tagger."""
    if not street:
        return None
    if not _STOP_WORDS.isdisjoint(street):
        return None
    for index, word in enumerate(street):
        if word.isalpha():
            continue
        plain = ORDINAL.match(word) is not None
        if not plain and not (word.isdigit() and _number_in_name(street, index)):
            return None
    if len(street[-1]) == 1 and street[-1] not in DIRECTIONALS and not _route_form(street):
        return None
    return settle(Segments(house, street, unit))


def _number_in_name(street: list[str], index: int) -> bool:
    """A number inside a street name: a grid street (``S 500 E``) or a route (``HWY 66``)."""
    if index == 0:
        return False
    if index == 1 and _route_form(street):
        return True
    previous = street[index - 1]
    grid_end = index + 1 < len(street) and street[index + 1] in DIRECTIONALS
    return previous in DIRECTIONALS and grid_end


def _route_form(street: list[str]) -> bool:
    """A street type and its number or letter: ``HWY 66``, ``AVENUE B``, ``CALLE 5``."""
    return len(street) == 2 and (street[0] in PRE_TYPES or street[0] in SPANISH_PRE_TYPES)
