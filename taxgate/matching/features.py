"""Matching features: one row of comparable columns per person-at-address.

Requests and master records are reduced to the *same* columns by the same code, so that a
comparison never sees two different standardisations (architecture: one standardiser serves
both sides). Columns:

==================  ==========================================================================
``given_key``       first given name, unaccented upper case
``given_names``     every given name (first and middle), and the first two joined (JIYOUNG)
``given_classes``   the first given name's nicknames, full and anglicised forms (one step)
``given_phonetic``  phonetic code of the first given name
``surname_full``    the surname parts joined by a space (``GARCIA LOPEZ``)
``surname_keys``    every written form of the surname (parts, joined, middle-as-maternal)
``surname_phonetic`` phonetic codes of the surname parts
``name_suffix``     JR, SR, II, III, IV or null
``house_key``       house number, or ``POB 12`` / ``RR 2 12`` / military box
``street_name``     street name alone (``MAIN``)
``street_key``      predirectional + name + suffix + postdirectional (``N MAIN ST``)
``unit_number``     unit identifier alone (``4B``), designator ignored (APT 4 = #4 = UNIT 4)
``zip5``, ``city``, ``state``
``name_tokens``     every name key (for blocking): given names, classes, surname keys, phonetics
==================  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from taxgate.standardise.address_parts import AddressKind, StandardAddress
from taxgate.standardise.name_tables import related_given_forms
from taxgate.standardise.names import StandardName

_LIST = pa.list_(pa.string())

FEATURE_SCHEMA = pa.schema(
    [
        ("given_key", pa.string()),
        ("given_names", _LIST),
        ("given_classes", _LIST),
        ("given_phonetic", pa.string()),
        ("surname_full", pa.string()),
        ("surname_keys", _LIST),
        ("surname_phonetic", _LIST),
        ("name_suffix", pa.string()),
        ("address_kind", pa.string()),
        ("house_key", pa.string()),
        ("street_name", pa.string()),
        ("street_key", pa.string()),
        ("unit_number", pa.string()),
        ("zip5", pa.string()),
        ("city", pa.string()),
        ("state", pa.string()),
        ("name_tokens", _LIST),
    ]
)

NAME_COLUMNS = tuple(FEATURE_SCHEMA.names[:8])
ADDRESS_COLUMNS = tuple(FEATURE_SCHEMA.names[8:16])


def _nz(value: str) -> str | None:
    return value or None


def _strings(values: Iterable[Any]) -> list[str]:
    """Sorted unique non-empty strings (sorted so that features are deterministic)."""
    return sorted({str(v) for v in values if v})


def name_features(name: StandardName) -> dict[str, Any]:
    """The name columns of one person."""
    phonetic = name.surname_phonetic
    surname_phonetic = [phonetic] if isinstance(phonetic, str) else list(phonetic)
    surname_keys = _strings(name.surname_keys_with_middle)
    # JI-YOUNG or JI YOUNG is also JIYOUNG: the joined form of the first two given names,
    # when both are names (JUAN A joined is no JUANA).
    two = name.given_names[:2]
    joined = "".join(two) if len(two) == 2 and min(len(n) for n in two) > 1 else ""
    given_names = _strings((*name.given_names, joined))
    classes = _strings(related_given_forms(name.given_key))
    tokens = _strings(
        (*given_names, *classes, *surname_keys, name.given_phonetic, *surname_phonetic)
    )
    return {
        "given_key": _nz(name.given_key),
        "given_names": given_names,
        "given_classes": classes,
        "given_phonetic": _nz(name.given_phonetic),
        "surname_full": _nz(" ".join(name.surname_parts)),
        "surname_keys": surname_keys,
        "surname_phonetic": _strings(surname_phonetic),
        "name_suffix": _nz(name.suffix),
        "name_tokens": tokens,
    }


def house_key(address: StandardAddress) -> str:
    """The house number, or the box of a PO box, rural route or military address."""
    if address.kind is AddressKind.PO_BOX:
        return f"POB {address.po_box}"
    if address.kind is AddressKind.RURAL_ROUTE:
        return f"RR {address.rural_route} {address.po_box}"
    if address.kind is AddressKind.MILITARY:
        return f"MIL {address.street_name} {address.po_box}"
    return address.house_number


def address_features(address: StandardAddress) -> dict[str, Any]:
    """The address columns of one delivery point."""
    street_key = " ".join(
        p
        for p in (
            address.predirectional,
            address.street_name,
            address.suffix,
            address.postdirectional,
        )
        if p
    )
    return {
        "address_kind": address.kind.value,
        "house_key": _nz(house_key(address)),
        "street_name": _nz(address.street_name),
        "street_key": _nz(street_key),
        "unit_number": _nz(address.unit_number),
        "zip5": _nz(address.zip5),
        "city": _nz(address.city),
        "state": _nz(address.state),
    }


def feature_rows(
    names: Sequence[StandardName], addresses: Sequence[StandardAddress]
) -> list[dict[str, Any]]:
    """Feature rows for aligned sequences of names and addresses."""
    return [
        {**name_features(n), **address_features(a)} for n, a in zip(names, addresses, strict=True)
    ]


def feature_table(rows: list[dict[str, Any]], extra: dict[str, pa.Array] | None = None) -> pa.Table:
    """An Arrow table of feature rows, with ``extra`` id columns put first."""
    table = pa.Table.from_pylist(rows, schema=FEATURE_SCHEMA)
    for i, (name, column) in enumerate((extra or {}).items()):
        table = table.add_column(i, name, column)
    return table
