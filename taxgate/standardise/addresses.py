"""USPS standardisation of addresses: the one standardiser for requests and the master file.

§6103(i)(2)(B)(i) requires the taxpayer's address in the request, and domain §4 discloses only
when that address matches one of the taxpayer's own filing addresses. A match is only as good
as the standard form both sides are reduced to, so requests (screening, matching) and the
master file (millions of rows) go through this one function. docs/addresses.md gives the
rules; in short:

1. text: Unicode → ASCII, upper case, punctuation normalised (``address_text``);
2. the delivery line: box forms by pattern (``address_boxes``), then the common street shape
   by the fast Pub 28 tokenizer (``address_fast``), else usaddress (``address_tagger``); the
   words are interpreted once, by the same rules, whichever path cut them
   (``address_street``);
3. unit: from the unit column, else a comma segment of the street, else the street line;
4. city, state and ZIP (``address_text``); a one-line address is split first
   (``address_line``).

``standardise_address`` never raises: whatever it cannot read becomes kind UNKNOWN with what
could be recovered. It is idempotent: the standard form standardises to itself.

Example:
    >>> std = standardise_address(RawAddress(street="123 North Main Street Apt. 4",
    ...                                      city="Springfield", state="Illinois", zip="62704"))
    >>> std.street_line(), std.unit_line(), std.zip_code()
    ('123 N MAIN ST', 'APT 4', '62704')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from taxgate.standardise.address_boxes import parse_box
from taxgate.standardise.address_fast import fast_segments
from taxgate.standardise.address_line import looks_like_unit, split_line
from taxgate.standardise.address_parts import AddressKind, RawAddress, StandardAddress
from taxgate.standardise.address_segments import Segments
from taxgate.standardise.address_street import (
    StreetParts,
    build_street,
    parse_unit,
    unknown_street,
)
from taxgate.standardise.address_tagger import tagger_segments
from taxgate.standardise.address_text import (
    clean_text,
    field_text,
    parse_state,
    parse_zip,
    standard_city,
    words_of,
)
from taxgate.standardise.address_vocab import UNIT_NULLS
from taxgate.standardise.pub28 import UNIT_DESIGNATORS

__all__ = ["standardise_address", "standardise_many"]

_CACHE_SIZE = 1 << 16


def standardise_address(raw: RawAddress, *, fast_path: bool = True) -> StandardAddress:
    """The USPS Publication 28 form of ``raw``; never raises.

    Args:
        raw: the address as written, split columns or one ``line``. When any split column has
            text, the split columns are read and ``line`` is ignored.
        fast_path: ``False`` sends every street line to usaddress (for the agreement test and
            for diagnosis); the answer is the same, only slower.

    Returns:
        The standard form. Kind UNKNOWN when the delivery line is not a street, PO box, rural
        route or military box; its words are then kept, whole, as the street name.
    """
    try:
        if fast_path:
            return _standardise_cached(raw)
        return _standardise(raw, fast_path=False)
    except Exception:  # unhashable field values (a loose reader) or a parser fault
        return _standardise_safely(raw, fast_path=fast_path)


def standardise_delivery_line(
    street: str | None, unit: str | None, *, locality_given: bool
) -> StandardAddress:
    """The delivery line of a split-column address alone, as ``standardise_address`` reads it.

    The master load standardises each distinct (street, unit) once, apart from the city,
    state and ZIP. ``locality_given`` says whether the row had any of those: a row without
    them and with commas in its street column is read as a whole one-line address, exactly as
    :func:`standardise_address` does; a row with them never is. City, state and ZIP of the
    result are those read from the street column in the first case, and empty otherwise.
    """
    if not locality_given:
        return standardise_address(RawAddress(street=street, unit=unit))
    try:
        return _delivery_line_cached(street, unit)
    except Exception:  # a fault in a parser must not stop a load; the row reads as UNKNOWN
        return StandardAddress(kind=AddressKind.UNKNOWN)


@lru_cache(maxsize=_CACHE_SIZE)
def _delivery_line_cached(street: str | None, unit: str | None) -> StandardAddress:
    street_words, comma_unit = _street_and_comma_unit(clean_text(field_text(street)))
    return _with_street_parts(
        street_words, comma_unit, field_text(unit), fast_path=True, city="", state="", zip_text=""
    )


def standardise_many(rows: Iterable[RawAddress]) -> list[StandardAddress]:
    """``standardise_address`` over many rows, in order (the master-file path)."""
    return [standardise_address(row) for row in rows]


@lru_cache(maxsize=_CACHE_SIZE)
def _standardise_cached(raw: RawAddress) -> StandardAddress:
    return _standardise(raw, fast_path=True)


def _standardise_safely(raw: RawAddress, *, fast_path: bool) -> StandardAddress:
    try:
        return _standardise(raw, fast_path=fast_path)
    except Exception:  # a fault in a parser must not stop a batch; the row reads as UNKNOWN
        return StandardAddress(kind=AddressKind.UNKNOWN)


def _standardise(raw: RawAddress, *, fast_path: bool) -> StandardAddress:
    street, unit, city = field_text(raw.street), field_text(raw.unit), field_text(raw.city)
    state, zip_text, line = field_text(raw.state), field_text(raw.zip), field_text(raw.line)
    split_style = bool((street + unit + city + state + zip_text).strip())
    street_clean = clean_text(street)
    no_locality = not (city + state + zip_text).strip()
    if not split_style or ("," in street_clean and no_locality):
        fields = split_line(clean_text(line if not split_style else street))
        street_words, comma_unit = fields.street, fields.unit
        city_text, state_code, zip_text = " ".join(fields.city), fields.state, fields.zip
    else:
        street_words, comma_unit = _street_and_comma_unit(street_clean)
        city_text, state_code = city, parse_state(state)
    return _with_street_parts(
        street_words,
        comma_unit,
        unit,
        fast_path=fast_path,
        city=city_text,
        state=state_code,
        zip_text=zip_text,
    )


def _with_street_parts(
    street_words: list[str],
    comma_unit: list[str],
    unit: str,
    *,
    fast_path: bool,
    city: str,
    state: str,
    zip_text: str,
) -> StandardAddress:
    """Read the delivery line and assemble the standard address (shared by both entries)."""
    unit_override = _unit_column(unit) if unit else None
    if unit_override is None and comma_unit:
        unit_override = _unit_of(comma_unit)
    parts = _lone_directional(
        _unit_not_street(street_parts(street_words, unit_override, fast_path=fast_path))
    )
    zip5, zip4 = parse_zip(zip_text)
    return StandardAddress(
        parts.kind,
        parts.house_number,
        parts.predirectional,
        parts.street_name,
        parts.suffix,
        parts.postdirectional,
        parts.unit_type,
        parts.unit_number,
        parts.po_box,
        parts.rural_route,
        standard_city(city),
        state,
        zip5,
        zip4,
    )


def _street_and_comma_unit(street: str) -> tuple[list[str], list[str]]:
    """The delivery words of a street column, and a unit written after a comma (``, 4B``)."""
    if "," not in street:
        return street.split(), []
    first, *others = (seg.split() for seg in street.split(","))
    words, unit = list(first), list[str]()
    for seg in others:
        if seg and not unit and looks_like_unit(seg):
            unit = seg
        else:
            words.extend(seg)
    return words, unit


def street_parts(
    words: list[str], unit: tuple[str, str] | None, *, fast_path: bool = True
) -> StreetParts:
    """The parts of a delivery line given as cleaned words; ``unit`` is a separate unit.

    A tagger reading depends on context, so it is settled on its own standard form (read at
    most twice more): the standard form must standardise to itself.

    Example:
        >>> street_parts(["23-15", "31ST", "STREET"], None).street_name
        '31ST'
    """
    parts, tagged = _read_street(words, unit, fast_path=fast_path)
    rounds = 0
    while tagged and rounds < 2 and parts.kind is AddressKind.STREET:
        again, tagged = _read_street(
            _standard_words(parts), _standard_unit(parts), fast_path=fast_path
        )
        rounds += 1
        if again == parts:
            break
        parts = again
    return parts


def _read_street(
    words: list[str], unit: tuple[str, str] | None, *, fast_path: bool
) -> tuple[StreetParts, bool]:
    """One reading of a delivery line, and whether usaddress took part in it."""
    if not words:
        unit_type, unit_number = unit or ("", "")
        return StreetParts(AddressKind.UNKNOWN, unit_type=unit_type, unit_number=unit_number), False
    if not words[0][0].isdigit():
        box = parse_box(" ".join(words))
        if box is not None:
            unit_type, unit_number = unit or ("", "")
            return box._replace(unit_type=unit_type, unit_number=unit_number), False
    segments = fast_segments(words) if fast_path else None
    tagged = segments is None
    if tagged:
        segments = _tagged(tuple(words))
    parts = None if segments is None else build_street(segments, unit)
    return (parts if parts is not None else unknown_street(words, unit)), tagged


def _standard_words(parts: StreetParts) -> list[str]:
    """The words of the standard street line of ``parts`` (kind STREET)."""
    fields = (
        parts.house_number,
        parts.predirectional,
        parts.street_name,
        parts.suffix,
        parts.postdirectional,
    )
    return " ".join(f for f in fields if f).split()


def _standard_unit(parts: StreetParts) -> tuple[str, str] | None:
    """The unit of ``parts`` as its standard unit line would read back."""
    if not parts.unit_number:
        return _unit_column(parts.unit_type)
    return _unit_column(f"{parts.unit_type or '#'} {parts.unit_number}")


def _unit_not_street(parts: StreetParts) -> StreetParts:
    """``8369 APT 10``: a unit designator read as a street name is a unit, and the line has
    no street name (domain §3 rejects it); a parser may read ``APT 10`` like ``HWY 10``."""
    words = parts.street_name.split()
    if (
        parts.kind is not AddressKind.STREET
        or len(words) != 2
        or words[0] not in UNIT_DESIGNATORS
        or parts.suffix
        or parts.unit_number
    ):
        return parts
    unit_type, unit_number = parse_unit(words)
    return parts._replace(street_name="", unit_type=unit_type, unit_number=unit_number)


def _lone_directional(parts: StreetParts) -> StreetParts:
    """A line with no street name and one directional (``123 N APT 4``, ``123 APT 4 N``) holds
    it as the predirectional, whichever side it was written on; with two (``123 E APT 4 N``)
    the second is the street name, as ``123 E N`` reads. Either way standardising the result
    again gives the same parts. A line of the first kind is rejected anyway (no street name).
    """
    if parts.street_name or not parts.postdirectional:
        return parts
    if parts.predirectional:
        return parts._replace(street_name=parts.postdirectional, postdirectional="")
    return parts._replace(predirectional=parts.postdirectional, postdirectional="")


@lru_cache(maxsize=8192)
def _unit_column(text: str) -> tuple[str, str] | None:
    """The unit written in a unit column; ``None`` for none (``N/A``, ``NONE``, ``-``)."""
    words = words_of(text)
    if not words or " ".join(words) in UNIT_NULLS:
        return None
    return _unit_of(words)


def _unit_of(words: list[str]) -> tuple[str, str] | None:
    unit = parse_unit(words)
    return unit if unit != ("", "") else None


@lru_cache(maxsize=_CACHE_SIZE)
def _tagged(words: tuple[str, ...]) -> Segments | None:
    """usaddress segments, remembered: the tagger is the slow step (about 80 µs a line)."""
    return tagger_segments(list(words))
