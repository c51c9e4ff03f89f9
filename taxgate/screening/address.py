"""Address screening: is the requested address a real postal address? (domain §3 "Address").

§6103(i)(2)(B)(i) requires a request to set forth the taxpayer's address. An address that is
missing, a placeholder, a bare number or a facility without a street is no address, and a
valid TIN never makes up for it (the 2025 gap: TIN matches disclosed against placeholder
addresses). ``screen_address`` returns the standard form and at most one ``ADDRESS_*`` finding,
the first that applies in this order:

1. ``ADDRESS_MISSING``: every address field is empty or whitespace.
2. ``ADDRESS_PLACEHOLDER``: the street line (or the one-line address) holds a placeholder
   phrase as whole words ("Failed to Provide", "NA NA", "Don't Care 12345", N/A, NONE, ...),
   or only punctuation ("-").
3. ``ADDRESS_DIGITS_ONLY``: the street line is digits and punctuation only ("12345",
   "00000"), or a ZIP stands alone.
4. ``ADDRESS_STREET_MISSING``: no street line, only a city, state, ZIP or unit.
5. ``ADDRESS_FACILITY_ONLY``: a jail, prison, detention or processing centre named without a
   house number and street name (a PO box does not locate a facility either).
6. ``ADDRESS_BOX_INCOMPLETE``: a PO box, rural route or military box without its number, or
   without city, state and a valid ZIP (military: APO/FPO/DPO with AA/AE/AP).
7. ``ADDRESS_NO_HOUSE_NUMBER``: a street name without a house number.
8. ``ADDRESS_NO_STREET_NAME``: a house number without a street name ("123 APT 4").
9. ``ADDRESS_UNPARSEABLE``: not recognisable as a postal delivery line.
10. ``ADDRESS_NO_LOCALITY``: a good street line but neither a city with a valid state nor a
    valid ZIP.

A facility *with* a street address is accepted; ``is_facility`` lets the pipeline flag it for
legal review (a person in custody needs no locating). Messages name the field, never the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding
from taxgate.standardise.address_parts import AddressKind, RawAddress, StandardAddress
from taxgate.standardise.address_text import field_text
from taxgate.standardise.address_vocab import is_placeholder, names_facility
from taxgate.standardise.addresses import standardise_address
from taxgate.standardise.pub28 import MILITARY_CITIES, MILITARY_STATES, STATE_CODES

__all__ = ["is_facility", "screen_address"]

_SPLIT_FIELDS = ("street", "unit", "city", "state", "zip")
_LETTER = re.compile(r"[^\W\d_]")
_BOX_KINDS = frozenset({AddressKind.PO_BOX, AddressKind.RURAL_ROUTE, AddressKind.MILITARY})


def screen_address(raw: RawAddress) -> tuple[StandardAddress, list[Finding]]:
    """The standard form of ``raw`` and its address finding, if any (§6103(i)(2)(B)(i)).

    Never raises. An empty list means the address is accepted.

    Example:
        >>> std, findings = screen_address(RawAddress(street="Failed to Provide", zip="12345"))
        >>> [f.code.value for f in findings]
        ['ADDRESS_PLACEHOLDER']
    """
    std = standardise_address(raw)
    try:
        finding = _first_finding(raw, std)
    except Exception:  # screening must not stop a batch; an unreadable address is refused
        finding = Finding(ReasonCode.ADDRESS_UNPARSEABLE, "address", _MESSAGES["unparseable"])
    return std, [] if finding is None else [finding]


def is_facility(raw: RawAddress) -> bool:
    """Whether the address names a jail, prison, detention or processing centre.

    True also for a facility with a full street address, which screening accepts: the pipeline
    flags those for legal review (``BatchFlag.BATCH_FACILITY_ADDRESSES``).
    """
    try:
        return names_facility(" ; ".join(field_text(v) for v in (raw.street, raw.unit, raw.line)))
    except Exception:  # a malformed row is no facility; screening refuses it on its own
        return False


_MESSAGES = {
    "missing": "no address was given",
    "placeholder": "{field} holds a placeholder instead of an address",
    "digits": "{field} holds only digits",
    "street_missing": "no street line; only a city, state, ZIP or unit",
    "facility": "{field} names a detention facility or jail without a street location",
    "box_number": "{field} is a box or route without its number",
    "box_locality": "a box or route address needs a city, a state and a valid ZIP",
    "military_locality": "a military box needs APO/FPO/DPO, AA/AE/AP and a valid ZIP",
    "house": "{field} has no house number",
    "street_name": "{field} has a house number but no street name",
    "unparseable": "{field} is not recognisable as a postal address",
    "locality": "neither a city with a valid state nor a valid ZIP",
}


def _finding(code: ReasonCode, key: str, field: str) -> Finding:
    return Finding(code, field, _MESSAGES[key].format(field=field))


def _first_finding(raw: RawAddress, std: StandardAddress) -> Finding | None:
    texts = {name: field_text(getattr(raw, name)).strip() for name in (*_SPLIT_FIELDS, "line")}
    line_style = not any(texts[name] for name in _SPLIT_FIELDS)
    field = "address" if line_style else "street"
    delivery = texts["line"] if line_style else texts["street"]
    if not any(texts.values()):
        return _finding(ReasonCode.ADDRESS_MISSING, "missing", "address")
    if is_placeholder(delivery):
        return _finding(ReasonCode.ADDRESS_PLACEHOLDER, "placeholder", field)
    digits = _digits_only(texts, line_style)
    if digits:
        return _finding(ReasonCode.ADDRESS_DIGITS_ONLY, "digits", digits)
    if not std.street_line():
        return _finding(ReasonCode.ADDRESS_STREET_MISSING, "street_missing", field)
    located = std.kind is AddressKind.STREET and bool(std.house_number and std.street_name)
    if not located and is_facility(raw):
        return _finding(ReasonCode.ADDRESS_FACILITY_ONLY, "facility", field)
    if std.kind in _BOX_KINDS:
        return _box_finding(std, field)
    if std.kind is AddressKind.UNKNOWN:
        return _finding(ReasonCode.ADDRESS_UNPARSEABLE, "unparseable", field)
    if not std.house_number:
        return _finding(ReasonCode.ADDRESS_NO_HOUSE_NUMBER, "house", field)
    if not std.street_name:
        return _finding(ReasonCode.ADDRESS_NO_STREET_NAME, "street_name", field)
    if not ((_city_ok(std.city) and std.state in STATE_CODES) or std.zip5):
        return _finding(ReasonCode.ADDRESS_NO_LOCALITY, "locality", "address")
    return None


def _has_letters(text: str) -> bool:
    return _LETTER.search(text) is not None


def _digits_only(texts: dict[str, str], line_style: bool) -> str:
    """The field that holds nothing but a number, or ''."""
    if line_style:
        return "address" if not _has_letters(texts["line"]) else ""
    if texts["street"]:
        return "street" if not _has_letters(texts["street"]) else ""
    alone = not (texts["unit"] or texts["city"] or texts["state"])
    if alone and texts["zip"] and not _has_letters(texts["zip"]):
        return "zip"
    return ""


@lru_cache(maxsize=4096)
def _city_ok(city: str) -> bool:
    """A standard city that names a place: letters, and no placeholder (``UNKNOWN``)."""
    return _has_letters(city) and not is_placeholder(city)


def _box_finding(std: StandardAddress, field: str) -> Finding | None:
    """Boxes need their number and all of city, state and ZIP (domain §3, accepted forms)."""
    if std.kind is AddressKind.PO_BOX:
        numbered = bool(std.po_box)
    elif std.kind is AddressKind.RURAL_ROUTE:
        numbered = any(c.isdigit() for c in std.rural_route) and bool(std.po_box)
    else:
        numbered = any(c.isdigit() for c in std.street_name) and bool(std.po_box)
    if not numbered:
        return _finding(ReasonCode.ADDRESS_BOX_INCOMPLETE, "box_number", field)
    if std.kind is AddressKind.MILITARY:
        if std.city in MILITARY_CITIES and std.state in MILITARY_STATES and std.zip5:
            return None
        return _finding(ReasonCode.ADDRESS_BOX_INCOMPLETE, "military_locality", "address")
    if _city_ok(std.city) and std.state in STATE_CODES and std.zip5:
        return None
    return _finding(ReasonCode.ADDRESS_BOX_INCOMPLETE, "box_locality", "address")
