"""The value types of address standardisation, shared by screening, the master file and matching.

One standardiser serves requests and the master file (``taxgate.standardise.addresses``); these
types are what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AddressKind(StrEnum):
    """What sort of delivery point an address names."""

    STREET = "STREET"  # house number + street name
    PO_BOX = "PO_BOX"  # post office box
    RURAL_ROUTE = "RURAL_ROUTE"  # rural route / highway contract route + box
    MILITARY = "MILITARY"  # APO/FPO/DPO: PSC or UNIT + BOX
    UNKNOWN = "UNKNOWN"  # not recognised as a postal delivery point


@dataclass(frozen=True, slots=True)
class RawAddress:
    """An address as written: either the five split columns or one free-text ``line``."""

    street: str | None = None
    unit: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    line: str | None = None


@dataclass(frozen=True, slots=True)
class StandardAddress:
    """An address reduced to USPS Publication 28 parts. Every part is upper case ASCII or ''.

    ``house_number`` keeps real forms whole: ``N6W23001`` (grid), ``23-15`` (Queens),
    ``101 1/2`` (fraction). ``unit_type`` is a Pub 28 designator (APT, STE, UNIT, ...) or ``#``;
    ``unit_number`` is the identifier alone (``4B``). For PO boxes ``po_box`` holds the box
    number; for rural routes ``rural_route`` holds the route number (``HC 1`` for a highway
    contract route) and ``po_box`` the box.
    For military addresses ``street_name`` holds ``PSC 1234`` or ``UNIT 2050`` and ``po_box``
    the box.
    """

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
    city: str = ""
    state: str = ""
    zip5: str = ""
    zip4: str = ""

    def street_line(self) -> str:
        """The USPS delivery line without the unit: ``123 N MAIN ST``, ``PO BOX 12``."""
        if self.kind is AddressKind.PO_BOX:
            return f"PO BOX {self.po_box}".strip()
        if self.kind is AddressKind.RURAL_ROUTE:
            # A highway contract route keeps its own prefix: rural_route is "HC 1" (Pub 28 §24).
            prefix = "" if self.rural_route.split(" ")[0] == "HC" else "RR"
            return " ".join(p for p in (prefix, self.rural_route, "BOX", self.po_box) if p)
        if self.kind is AddressKind.MILITARY:
            return " ".join(p for p in (self.street_name, "BOX", self.po_box) if p)
        parts = (
            self.house_number,
            self.predirectional,
            self.street_name,
            self.suffix,
            self.postdirectional,
        )
        return " ".join(p for p in parts if p)

    def unit_line(self) -> str:
        """``APT 4B``, ``# 4B`` becomes ``# 4B``; '' when there is no unit."""
        if not self.unit_number:
            return self.unit_type
        return f"{self.unit_type or '#'} {self.unit_number}"

    def zip_code(self) -> str:
        """``12345`` or ``12345-6789``; '' when unknown."""
        if self.zip5 and self.zip4:
            return f"{self.zip5}-{self.zip4}"
        return self.zip5

    def delivery_key(self) -> str:
        """The delivery point: equal keys mean the same mailbox (unit designator ignored).

        ``HOUSE|PREDIR|STREETNAME|SUFFIX|POSTDIR|UNITNUMBER|ZIP5`` for street addresses; PO
        boxes, rural routes and military boxes use their own prefixes.
        """
        if self.kind is AddressKind.PO_BOX:
            return f"POB|{self.po_box}|{self.zip5}"
        if self.kind is AddressKind.RURAL_ROUTE:
            return f"RR|{self.rural_route}|{self.po_box}|{self.zip5}"
        if self.kind is AddressKind.MILITARY:
            return f"MIL|{self.street_name}|{self.po_box}|{self.zip5}"
        return "|".join(
            (
                self.house_number,
                self.predirectional,
                self.street_name,
                self.suffix,
                self.postdirectional,
                self.unit_number,
                self.zip5,
            )
        )
