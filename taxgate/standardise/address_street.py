"""The street line, once its words are segmented: house number, street parts and the unit.

Both segmenters (the fast tokenizer and the usaddress fallback) only decide *which words* are
the house number, the street and the unit. What those words then mean is decided here, once,
by Pub 28 rules, so that the two paths cannot disagree about the parts (docs/addresses.md §3):

* The last word is the suffix if it is a Pub 28 street type and a street name remains before
  it (``100 NORTH ST`` → name ``NORTH``, suffix ``ST``; ``123 ST`` → no street name).
* A trailing directional is the postdirectional if a street name remains before it
  (``1234 N ST NW``); a leading one is the predirectional if a name follows (``N MAIN``).
  A directional standing alone is a predirectional without a street name.
* A street type followed only by a route number or letter is a pre-type and is abbreviated in
  the name (``AVENUE B`` → ``AVE B``, ``OLD HIGHWAY 66`` → ``OLD HWY 66``).
* ``ST``/``MT``/``FT`` opening a longer name are written out (``ST JOHNS`` → ``SAINT JOHNS``).
* Ordinals and word numbers stay as written (``31ST``, ``FIFTH``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from taxgate.standardise.address_parts import AddressKind
from taxgate.standardise.address_segments import Segments, is_unit_id
from taxgate.standardise.pub28 import (
    DIRECTIONALS,
    EAST_WEST,
    NAME_START_WORDS,
    NORTH_SOUTH,
    PRE_TYPES,
    SUFFIXES,
    UNIT_DESIGNATORS,
)

_LETTER_DIGIT_HYPHEN = re.compile(r"(?<=[A-Z])-(?=\d)|(?<=\d)-(?=[A-Z])")


class StreetParts(NamedTuple):
    """The delivery-line parts of a ``StandardAddress`` (everything but city, state, ZIP)."""

    kind: AddressKind
    house_number: str = ""
    predirectional: str = ""
    street_name: str = ""
    suffix: str = ""
    postdirectional: str = ""
    unit_type: str = ""
    unit_number: str = ""
    po_box: str = ""
    rural_route: str = ""


def interpret_street(words: list[str]) -> tuple[str, str, str, str]:
    """``(predirectional, street_name, suffix, postdirectional)`` from the street words.

    Example:
        >>> interpret_street(["NORTH", "MAIN", "STREET"])
        ('N', 'MAIN', 'ST', '')
    """
    words = list(words)
    postdir = ""
    two_words = len(words) >= 3 and words[-2] in NORTH_SOUTH and words[-1] in EAST_WEST
    if two_words and _names_a_street(words[:-2]):
        postdir = DIRECTIONALS[words[-2]] + DIRECTIONALS[words[-1]]
        words = words[:-2]
    elif len(words) >= 2 and words[-1] in DIRECTIONALS and _names_a_street(words[:-1]):
        postdir = DIRECTIONALS[words[-1]]
        words = words[:-1]
    suffix = ""
    if len(words) >= 2 and words[-1] in SUFFIXES:
        suffix = SUFFIXES[words[-1]]
        words = words[:-1]
    elif len(words) == 1 and words[0] in SUFFIXES:
        return "", "", SUFFIXES[words[0]], postdir
    predir = ""
    if len(words) >= 3 and words[0] in NORTH_SOUTH and words[1] in EAST_WEST:
        predir = DIRECTIONALS[words[0]] + DIRECTIONALS[words[1]]
        words = words[2:]
    elif len(words) >= 2 and words[0] in DIRECTIONALS:
        predir = DIRECTIONALS[words[0]]
        words = words[1:]
    elif len(words) == 1 and words[0] in DIRECTIONALS and not suffix:
        return DIRECTIONALS[words[0]], "", "", postdir
    return predir, " ".join(_name_words(words)), suffix, postdir


def _names_a_street(words: list[str]) -> bool:
    """Whether ``words`` still hold a street name (not only a suffix or a directional)."""
    if not words:
        return False
    if len(words) == 1:
        return words[0] not in SUFFIXES and words[0] not in DIRECTIONALS
    return any(w not in DIRECTIONALS for w in words)


def _name_words(words: list[str]) -> list[str]:
    if len(words) >= 2:
        first = NAME_START_WORDS.get(words[0])
        if first is not None:
            words = [first, *words[1:]]
        pre_type = PRE_TYPES.get(words[-2])
        if pre_type is not None and _is_route_number(words[-1]):
            words = [*words[:-2], pre_type, words[-1]]
    return words


def _is_route_number(word: str) -> bool:
    return word.isdigit() or len(word) == 1 or is_unit_id(word)


def parse_unit(words: list[str]) -> tuple[str, str]:
    """``(unit_type, unit_number)`` from the words of a unit, designator first or last.

    ``APT 4``, ``Apartment #4``, ``#4`` and ``4`` all give the number ``4``; the designator is
    the Pub 28 abbreviation, or ``#`` when none is written.

    Example:
        >>> parse_unit(["SUITE", "200"])
        ('STE', '200')
    """
    words = [w for w in words if w != "&"]
    if not words:
        return "", ""
    first = words[0]
    if first in UNIT_DESIGNATORS and first != "#":
        rest = words[1:]
        if rest and rest[0] == "#":
            rest = rest[1:]
        return UNIT_DESIGNATORS[first], _unit_number(rest)
    if first == "#":
        number = _unit_number(words[1:])
        return ("#", number) if number else ("", "")
    if len(words) >= 2 and words[-1] in UNIT_DESIGNATORS and words[-1] != "#":
        return UNIT_DESIGNATORS[words[-1]], _unit_number(words[:-1])
    return "#", _unit_number(words)


def _unit_number(words: list[str]) -> str:
    number = " ".join(w for w in words if w != "#")
    if "-" in number:
        number = _LETTER_DIGIT_HYPHEN.sub("", number)
    return number


def build_street(segments: Segments, unit_override: tuple[str, str] | None) -> StreetParts | None:
    """The street parts of segmented words, or ``None`` when they are not a street.

    ``unit_override`` is the separate unit column, which wins over a unit in the line. A line
    without a house number is still a (numberless) street when its words end in a Pub 28
    street type or a route number (``MAIN ST``, ``HWY 66``); otherwise it is not a street.
    """
    predir, name, suffix, postdir = interpret_street(segments.street)
    if not segments.house and not (name and (suffix or _has_route_form(name))):
        return None
    unit_type, unit_number = unit_override or parse_unit(segments.unit)
    return StreetParts(
        AddressKind.STREET,
        segments.house,
        predir,
        name,
        suffix,
        postdir,
        unit_type,
        unit_number,
    )


def _has_route_form(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and words[-2] in PRE_TYPES and _is_route_number(words[-1])


def unknown_street(words: list[str], unit: tuple[str, str] | None) -> StreetParts:
    """An unrecognised delivery line: its words kept as the street name, nothing else read.

    Keeping every word (an in-line unit included) makes the UNKNOWN form re-standardise to
    itself, and keeps two different unrecognised lines from collapsing into one.
    """
    unit_type, unit_number = unit or ("", "")
    return StreetParts(
        AddressKind.UNKNOWN,
        street_name=" ".join(words),
        unit_type=unit_type,
        unit_number=unit_number,
    )
