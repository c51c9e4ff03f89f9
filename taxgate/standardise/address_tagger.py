"""The usaddress fallback: segment a street line, or split a one-line address, with the CRF tagger.

usaddress decides only what the Pub 28 tables cannot: where a street ends and a unit begins
when no designator says so, where a house number hides behind a building name, and where the
city starts in a one-line address without commas. The meaning of the words is then decided by
``address_street``, the same code the fast path uses.

A line that is not one delivery point (an intersection ``&``, a box that the box patterns did
not read) gives ``None``; the caller keeps the line as UNKNOWN.
"""

from __future__ import annotations

import usaddress

from taxgate.standardise.address_boxes import BOX_WORDS
from taxgate.standardise.address_segments import Segments, explicit_unit_cut, settle, split_house
from taxgate.standardise.pub28 import DIRECTIONALS, SUFFIXES, UNIT_DESIGNATORS

_UNIT_LABELS = frozenset(
    {"OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier"}
)
_BOX_LABELS = frozenset({"USPSBoxType", "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID"})
_INTERSECTION_WORDS = frozenset({"&", "AND", "AT"})
_PLACE_LABELS = frozenset({"PlaceName", "StateName", "ZipCode"})

# The tagger reads Pub 28 abbreviations, so that a line and its standard form (``NORTH`` / ``N``,
# ``STREET`` / ``ST``) are tagged alike and standardisation stays idempotent.
_CANONICAL = {
    **{w: a for w, a in UNIT_DESIGNATORS.items() if w != "#"},
    **SUFFIXES,
    **DIRECTIONALS,
}


def tag_words(words: list[str]) -> list[str] | None:
    """usaddress's label for each word, or ``None`` if its tokens do not align with ``words``."""
    if not words:
        return []
    pairs = usaddress.parse(" ".join(words))
    if len(pairs) != len(words):
        return None
    return [label for _, label in pairs]


def tagger_segments(words: list[str]) -> Segments | None:
    """Segments of a street line by usaddress's labels, or ``None`` for a non-delivery line.

    Example:
        >>> tagger_segments("STEWART DETENTION CENTER 146 CCA RD".split())
        Segments(house='146', street=['CCA', 'RD'], unit=[])
    """
    labels = tag_words([_CANONICAL.get(w, w) for w in words])
    if labels is None or _not_one_delivery_point(words, labels):
        return None
    house, taken = split_house(words)
    lead_unit: list[str] = []
    if not house:
        start = _number_after_lead(words, labels)
        if start is not None:
            lead = words[:start]
            if all(label in _UNIT_LABELS for label in labels[:start]):
                lead_unit = lead
            house, taken = split_house(words[start:])
            taken += start
    rest, rest_labels = words[taken:], labels[taken:]
    cut = explicit_unit_cut(rest)
    if cut is not None:
        return settle(Segments(house, rest[:cut], rest[cut:]))
    for index, label in enumerate(rest_labels):
        if label in _UNIT_LABELS and (index > 0 or house):
            return settle(Segments(house, rest[:index], rest[index:]))
    return settle(Segments(house, rest, lead_unit))


def _not_one_delivery_point(words: list[str], labels: list[str]) -> bool:
    """An intersection (``1ST & MAIN``) or a box the box patterns could not read."""
    for word, label in zip(words, labels, strict=True):
        if label in _BOX_LABELS and word in BOX_WORDS:
            return True
        if label == "IntersectionSeparator" and word in _INTERSECTION_WORDS:
            return True
    return False


def _number_after_lead(words: list[str], labels: list[str]) -> int | None:
    """Where the house number starts after a building or recipient name, if it does."""
    for index, label in enumerate(labels):
        if label.startswith("StreetName"):
            return None
        if label == "AddressNumber":
            house, taken = split_house(words[index:])
            if house and index + taken < len(words):
                return index
            return None
    return None


def split_place(words: list[str], tail: list[str]) -> tuple[list[str], list[str]]:
    """``(delivery words, locality words)`` of a one-line address without commas.

    ``tail`` is the state and ZIP already read off the end (context for the tagger; it is not
    returned). The locality is the trailing run of ``words`` that usaddress labels as place,
    state or ZIP. When every word is such a label and none holds a digit, the line is all
    locality (``SPRINGFIELD``).

    Example:
        >>> split_place("123 MAIN ST APT 4 SPRINGFIELD".split(), ["IL", "62704"])
        (['123', 'MAIN', 'ST', 'APT', '4'], ['SPRINGFIELD'])
    """
    labels = tag_words([*words, *tail])
    if not labels:
        return words, []
    start = len(words)
    while start > 0 and labels[start - 1] in _PLACE_LABELS:
        start -= 1
    if start == 0 and any(c.isdigit() for w in words for c in w):
        return words, []
    return words[:start], words[start:]
