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
from taxgate.standardise.address_text import ocr_number
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
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:ST|ND|RD|TH)$")
# Designators of the levels that hold other units, outermost first (a building holds floors).
_OUTER_UNITS = {designator: rank for rank, designator in enumerate(("BLDG", "FL"))}


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
    if len(words) == 2 and words[0] in NAME_START_WORDS and words[1] in DIRECTIONALS:
        # ST E: a street named SAINT with its directional after it, as it reads back.
        return "", NAME_START_WORDS[words[0]], "", DIRECTIONALS[words[1]]
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
    """``(unit_type, unit_number)`` from the words of a unit, however it is designated.

    The unit number is what identifies the unit; the designator is ignored when addresses are
    compared (``APT 4`` = ``# 4`` = ``NO 4`` = ``UNIT 4``). The words are read as a chain of
    designators, each with the identifier that follows it (or precedes it: ``3RD FLOOR``):

    * a number sign (``#``, ``NO``, ``NUM``) after a designator belongs to it (``APT #4``);
    * a designator without an identifier (``BSMT``, ``REAR``) beside one with an identifier
      only says where the unit is: ``BSMT APT 2`` and ``APT 2 REAR`` are unit ``2``;
    * two identified designators are both kept, outermost first (building, then floor, then
      the rest in written order) and joined by a hyphen between digits: ``BLDG 3 APT 12`` and
      ``APT 12 BLDG 3`` are ``APT 3-12`` (building 3 and building 4 are two units);
    * an ordinal identifier is its number (``3RD FLOOR`` = ``FL 3``).

    The type is the Pub 28 abbreviation of the innermost identified designator, ``#`` when
    none is written, or the lone designator of a unit without a number (``BSMT``).

    Example:
        >>> parse_unit(["SUITE", "200"]), parse_unit(["BSMT", "APT", "2"])
        (('STE', '200'), ('APT', '2'))
        >>> parse_unit(["NO", "1622"]), parse_unit(["BLDG", "3", "APT", "12"])
        (('#', '1622'), ('APT', '3-12'))
    """
    groups = _unit_groups([w for w in words if w != "&"])
    identified = sorted(
        ((designator, ids) for designator, ids in groups if ids),
        key=lambda group: _OUTER_UNITS.get(UNIT_DESIGNATORS.get(group[0], "#"), len(_OUTER_UNITS)),
    )
    if not identified:
        # A unit without a number (BSMT); a number sign alone (#, NO) is no unit.
        kinds = [UNIT_DESIGNATORS[d] for d, _ in groups if d]
        return next(((kind, "") for kind in kinds if kind != "#"), ("", ""))
    designator = identified[-1][0]
    number = _unit_number(identified[0][1])
    for _, ids in identified[1:]:
        # Digits meeting digits keep a hyphen (3-12); a letter meets its neighbour directly
        # (A12, 3B), as a hyphen there is dropped anyway: the form reads back as itself.
        part = _unit_number(ids)
        number += ("-" if number[-1:].isdigit() and part[:1].isdigit() else "") + part
    # Identifiers joined here (2 and a city read into the unit: 2IL) are read as a scanner's
    # digits just as the joined form would be on a second reading, so the unit reads back as
    # itself.
    number = " ".join(ocr_number(word) for word in number.split())
    kind = UNIT_DESIGNATORS.get(designator, "#")
    if number in UNIT_DESIGNATORS:
        # Identifiers that join into a designator word (N and O into NO) read back as that
        # designator, not as a number: read them so now, so that the unit reads as itself.
        return parse_unit([kind, number])
    return kind, number


def _unit_groups(words: list[str]) -> list[tuple[str, list[str]]]:
    """The unit words as (designator as written, identifier words) pairs, in order; the
    designator is '' for identifiers written without one."""
    groups: list[tuple[str, list[str]]] = []
    for word in words:
        if word in UNIT_DESIGNATORS:
            last = groups[-1] if groups else None
            if last and last[0] and not last[1] and UNIT_DESIGNATORS[word] == "#":
                continue  # APT #4, APT NO 4: the number sign of the designator before it
            if last and not last[0] and last[1] and UNIT_DESIGNATORS[word] != "#":
                groups[-1] = (word, last[1])  # 3RD FLOOR, 2 REAR: the designator comes last
                continue
            groups.append((word, []))
        elif groups:
            groups[-1][1].append(word)
        else:
            groups.append(("", [word]))
    return groups


def _unit_number(words: list[str]) -> str:
    # An ordinal is its number (3RD FLOOR) when it is the identifier alone; among other
    # words (a city read into the unit: 2ST LOUIS) it is left as written, so that the unit
    # reads back as itself.
    split = " ".join(words).split()
    number = _ORDINAL_SUFFIX.sub("", split[0]) if len(split) == 1 else " ".join(split)
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
