"""One-line addresses: cut ``123 Main St Apt 4, Springfield, IL 62704`` into its fields.

With commas the cut is deterministic: the last comma segments hold ``[CITY] [STATE] [ZIP]``
(read from the right: a ZIP, then the longest state name or code, then the city), a segment
that reads as a unit (``APT 4``, ``#4``, ``4B``) is the unit, and the rest is the delivery line;
a ZIP alone after the last comma means no city was written.
Without commas, or when the city shares a segment with the street, usaddress finds where the
place name starts (``address_tagger.split_place``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from taxgate.standardise.address_segments import FRACTION, is_unit_id
from taxgate.standardise.address_tagger import split_place
from taxgate.standardise.pub28 import DIRECTIONALS, STATE_MAX_WORDS, STATES, UNIT_DESIGNATORS

_ZIP_WORD = re.compile(r"^\d{5}(?:-\d{4})?$|^\d{9}$")
_ZIP5 = re.compile(r"^\d{5}$")
_ZIP4 = re.compile(r"^\d{4}$")


class LineFields(NamedTuple):
    """The split fields of a one-line address, as words (ZIP and state as written)."""

    street: list[str]
    unit: list[str]
    city: list[str]
    state: str
    zip: str


def consume_locality(words: list[str]) -> tuple[list[str], str, str]:
    """``(remaining words, state code, ZIP text)``, reading a ZIP then a state from the right.

    Example:
        >>> consume_locality("SPRINGFIELD IL 62704".split())
        (['SPRINGFIELD'], 'IL', '62704')
    """
    zip_text = ""
    if len(words) >= 2 and _ZIP5.match(words[-2]) and _ZIP4.match(words[-1]):
        zip_text, words = f"{words[-2]}-{words[-1]}", words[:-2]
    elif words and _ZIP_WORD.match(words[-1]):
        zip_text, words = words[-1], words[:-1]
    for size in range(min(STATE_MAX_WORDS, len(words)), 0, -1):
        code = STATES.get(" ".join(words[-size:]))
        if code is not None:
            return words[:-size], code, zip_text
    return words, "", zip_text


def looks_like_unit(words: list[str]) -> bool:
    """A comma segment that is a unit: ``APT 4``, ``# 4``, ``4B``, ``SUITE 200``."""
    if not words:
        return False
    if words[0] in UNIT_DESIGNATORS:
        return True
    return len(words) == 1 and is_unit_id(words[0])


def split_line(text: str) -> LineFields:
    """The fields of a cleaned one-line address (see ``address_text.clean_text``).

    Example:
        >>> split_line("123 MAIN ST APT 4, SPRINGFIELD, IL 62704").city
        ['SPRINGFIELD']
    """
    segments = [seg.split() for seg in text.split(",")]
    segments = [seg for seg in segments if seg]
    if not segments:
        return LineFields([], [], [], "", "")
    if len(segments) == 1:
        return _split_without_commas(segments[0])
    city, state, zip_text, rest = _locality_segments(segments)
    street: list[str] = []
    unit: list[str] = []
    for index, seg in enumerate(rest):
        if index > 0 and looks_like_unit(seg):
            unit.extend(seg)
        else:
            street.extend(seg)
    if not city and len(rest) == 1 and state and not _house_number_first(street):
        # ``SPRINGFIELD, IL 62704``: a segment without a house number may be a place; the
        # tagger cuts. A street's segment is never cut by guesswork: after ``4318 9TH ST,`` a
        # state or a ZIP alone means no city was written (``4318 9TH ST, NEW YORK`` names a
        # state, not a city called ST; ``440 SAN PEDRO ST, 78244`` has a ZIP and no city).
        tail = [w for w in (state, zip_text) if w]
        street, city = _split_place_keeping_street(street, tail)
        if city and looks_like_unit(city):
            # "... AVE APARTMENT 304, 10448": the words before the ZIP are a unit, not a city.
            unit.extend(city)
            city = []
        elif city and all(w in DIRECTIONALS for w in city):
            # "6364 MARKET ROAD NORTHWEST, WASHINGTON": a post-directional, not a city.
            street.extend(city)
            city = []
    return LineFields(street, unit, city, state, zip_text)


def _locality_segments(
    segments: list[list[str]],
) -> tuple[list[str], str, str, list[list[str]]]:
    """City, state and ZIP from the trailing comma segments; the segments left before them.

    The first segment is never locality: it is the delivery line.
    """
    city: list[str] = []
    state = zip_text = ""
    index = len(segments) - 1
    while index >= 1:
        segment = segments[index]
        if state:
            # The state is read: the segment before it is the city (``..., WASHINGTON, DC``).
            if not looks_like_unit(segment):
                city = segment
                index -= 1
            break
        words, found_state, found_zip = consume_locality(segment)
        if found_zip and zip_text:
            break
        if not (found_state or found_zip):
            if not looks_like_unit(segment):
                city = segment
                index -= 1
            break
        zip_text, state = zip_text or found_zip, found_state
        index -= 1
        if words:
            city = words
            break
    return city, state, zip_text, segments[: index + 1]


def _split_without_commas(words: list[str]) -> LineFields:
    rest, state, zip_text = consume_locality(words)
    if not rest:
        return LineFields([], [], [], state, zip_text)
    if not any(w.isalpha() for w in words):
        return LineFields(words, [], [], "", "")
    if zip_text:
        # A state right before a ZIP is certain; only the street/city cut needs the tagger.
        delivery, city = _split_place_keeping_street(rest, words[len(rest) :])
        if city and looks_like_unit(city):
            return LineFields(delivery, city, [], state, zip_text)  # a unit, not a city
        return LineFields(delivery, [], city, state, zip_text)
    delivery, locality = split_place(words, [])
    city, state, zip_text = consume_locality(locality)
    return LineFields(delivery, [], city, state, zip_text)


def _split_place_keeping_street(words: list[str], tail: list[str]) -> tuple[list[str], list[str]]:
    """``split_place``, unless the cut would leave the delivery line without a street name.

    ``440 SAN PEDRO ST, 78244`` and ``7658 E BIRCH CT, 93738`` give a street and a ZIP, no
    city; read alone, the tagger takes the street's words for a place name and leaves only a
    house number. A delivery line needs a street, so those words stay the street's.
    """
    delivery, city = split_place(words, tail)
    if city and _house_number_alone(delivery):
        return [*delivery, *city], []
    return delivery, city


def _house_number_first(words: list[str]) -> bool:
    return bool(words) and any(c.isdigit() for c in words[0])


def _house_number_alone(words: list[str]) -> bool:
    """A house number (with a fraction or directionals) and no word that names a street."""
    if not words or not any(c.isdigit() for c in words[0]):
        return False
    rest = words[1:]
    if rest and FRACTION.match(rest[0]):
        rest = rest[1:]
    return not any(w not in DIRECTIONALS and any(c.isalpha() for c in w) for w in rest)
