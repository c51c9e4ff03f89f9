"""Box forms of a delivery line: PO boxes, rural and highway contract routes, military boxes.

usaddress-scourgify's normalisers raise on these forms, so they are read here by pattern, before
any street parsing (Pub 28 §§ 28, 24, 23 and 225):

* PO box: ``PO BOX 123``, ``P.O. Box 123``, ``POB 123``, ``BOX 123``, ``POST OFFICE BOX 123``,
  ``PO DRAWER 123``, ``CALLER 123`` → ``PO BOX 123``.
* Rural route: ``RR 2 BOX 45``, ``RURAL ROUTE 2 BOX 45``, ``RFD 2 BOX 45``, ``RTE 2 BOX 45``
  → ``RR 2 BOX 45``; highway contract: ``HC 1 BOX 9``, ``HCR 1 BOX 9``, ``STAR ROUTE 1 BOX 9``
  → ``HC 1 BOX 9`` (the route number is kept as ``HC 1``).
* Military: ``PSC 1234 BOX 5678``, ``CMR 450 BOX 12``, ``UNIT 2050 BOX 4190``.

A form without its number still reads as that kind with the number empty, so that screening
can say the box is incomplete (§6103(i)(2)(B)(i): the address must be usable).
"""

from __future__ import annotations

import re

from taxgate.standardise.address_parts import AddressKind
from taxgate.standardise.address_street import StreetParts

_ID = r"(?:#\s?)?([A-Z]?\d[A-Z0-9-]*)"

_PO_BOX = re.compile(
    r"^(?:POST OFFICE BOX|POST OFFICE|P ?O ?BOX|P ?O ?BX|POB|BOX|BX|(?:P ?O )?DRAWER|"
    r"(?:P ?O )?CALLER|P ?O)"
    rf"(?:\s?{_ID})?$"
)
_ROUTE_BOX = rf"(?:\s(?:BOX|BX)(?:\s?{_ID})?)"
_RURAL = re.compile(
    r"^(?:RR|R R|RURAL ROUTE|RURAL RTE|RURAL RT|RFD|R F D|RURAL FREE DELIVERY)"
    rf"(?:\s?#?\s?(\d+[A-Z]?))?{_ROUTE_BOX}?$"
)
_ROUTE_WITH_BOX = re.compile(rf"^(?:RTE|RT|ROUTE)\s?#?\s?(\d+[A-Z]?){_ROUTE_BOX}$")
_HIGHWAY_CONTRACT = re.compile(
    r"^(?:HC|H C|HCR|HIGHWAY CONTRACT(?: ROUTE)?|STAR ROUTE)"
    rf"(?:\s?#?\s?(\d+[A-Z]?))?{_ROUTE_BOX}?$"
)
_MILITARY = re.compile(rf"^(PSC|CMR)\s?#?\s?(\d+)?{_ROUTE_BOX}?$")
_MILITARY_UNIT = re.compile(rf"^UNIT\s?#?\s?(\d+){_ROUTE_BOX}$")

BOX_WORDS = frozenset({"BOX", "BX", "PO", "POB", "RR", "RFD", "HC", "HCR", "PSC", "CMR", "DRAWER"})
"""Words that make a line worth trying as a box form."""


def parse_box(line: str) -> StreetParts | None:
    """The parts of a box-form delivery line (words joined by single spaces), else ``None``.

    Example:
        >>> parse_box("RR 2 BOX 45").rural_route
        '2'
    """
    match = _PO_BOX.match(line)
    if match:
        return StreetParts(AddressKind.PO_BOX, po_box=match.group(1) or "")
    match = _RURAL.match(line) or _ROUTE_WITH_BOX.match(line)
    if match:
        route, box = match.group(1) or "", match.group(2) or ""
        return StreetParts(AddressKind.RURAL_ROUTE, rural_route=route, po_box=box)
    match = _HIGHWAY_CONTRACT.match(line)
    if match:
        route = f"HC {match.group(1)}" if match.group(1) else "HC"
        return StreetParts(AddressKind.RURAL_ROUTE, rural_route=route, po_box=match.group(2) or "")
    match = _MILITARY.match(line)
    if match:
        name = f"{match.group(1)} {match.group(2)}" if match.group(2) else match.group(1)
        return StreetParts(AddressKind.MILITARY, street_name=name, po_box=match.group(3) or "")
    match = _MILITARY_UNIT.match(line)
    if match:
        name = f"UNIT {match.group(1)}"
        return StreetParts(AddressKind.MILITARY, street_name=name, po_box=match.group(2) or "")
    return None
