"""The fields of a request besides name and address, and the defects that make it invalid.

A valid request cites 8 U.S.C. §1253(a)(1) in one of its spellings, a removal order at least
90 days old, a specific reason and 4-digit taxable periods (§6103(i)(2)(B)). Each invalid
category breaks exactly one thing (``two_defects`` breaks two, of different kinds).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from taxgate.synth import vocab
from taxgate.synth.variants import WrittenAddress, WrittenName

VALID_STATUTES = (
    "8 U.S.C. 1253(a)(1)",
    "8 USC 1253(a)(1)",
    "8 U.S.C. § 1253(a)(1)",
    "8 U.S.C. §1253(a)(1)",
    "8 USC § 1253(a)(1)",
)
BAD_STATUTES = (
    "8 U.S.C. 1227(a)(1)(B)",
    "8 U.S.C. § 1229a",
    "8 USC 1227",
    "26 U.S.C. 7201",
    "26 U.S.C. § 7203",
    "INA 237",
    "",
    "N/A",
)
_REASONS = (
    "Subject is under a final order of removal dated {order} and has not departed; "
    "address needed to locate the subject for the investigation of willful failure to depart.",
    "Investigation of 8 U.S.C. 1253(a)(1): subject failed to depart within 90 days of the "
    "final order of removal of {order}.",
    "Current address required to locate {anumber}, subject of criminal case {case} for "
    "failure to depart after a final removal order.",
    "Subject ordered removed on {order}; whereabouts unknown; address relevant to open "
    "investigation {case} under 8 U.S.C. 1253(a)(1).",
    "Locate subject of open criminal investigation {case} (final order {order}, no departure "
    "verified).",
    "Address needed to serve process and locate subject in investigation {case} of willful "
    "failure to depart.",
)
BOILERPLATE_REASONS = ("", "N/A", "-", "n/a", " ")
_OFFICES = ("ATL", "BAL", "BOS", "BUF", "CHI", "DAL", "DEN", "DET", "ELP", "HOU", "LOS", "MIA")
_OFFICES_2 = ("NEW", "NOL", "NYC", "PHI", "PHO", "SEA", "SFR", "SLC", "SNA", "SND", "SPM", "WAS")

FAMILIES = ("ADDRESS_", "NAME_", "STATUTE_", "REASON_", "PERIOD_", "ORDER_")
CATEGORY_FAMILY = {
    "addr_missing": "ADDRESS_",
    "addr_zip_only": "ADDRESS_",
    "addr_placeholder": "ADDRESS_",
    "addr_no_house_number": "ADDRESS_",
    "addr_no_street_name": "ADDRESS_",
    "addr_no_locality": "ADDRESS_",
    "addr_facility_only": "ADDRESS_",
    "tin_plus_junk_address": "ADDRESS_",
    "bad_statute": "STATUTE_",
    "young_order": "ORDER_",
    "future_order": "ORDER_",
    "missing_order": "ORDER_",
    "missing_reason": "REASON_",
    "missing_periods": "PERIOD_",
    "bad_periods": "PERIOD_",
    "missing_name": "NAME_",
    "placeholder_name": "NAME_",
    "single_char_name": "NAME_",
    "digit_name": "NAME_",
    "household_name": "NAME_",
}


def officer_pool(n_requests: int, per_officer: int, rnd: random.Random) -> list[str]:
    """Distinct officer ids (``ERO-HOU-40213``), about one per ``per_officer`` requests."""
    size = max(5, -(-n_requests // per_officer))
    offices = _OFFICES + _OFFICES_2
    ids: dict[str, None] = {}
    while len(ids) < size:
        ids[f"ERO-{rnd.choice(offices)}-{rnd.randrange(10000, 99999)}"] = None
    return list(ids)


def admin_fields(
    request_date: date, officer: str, rnd: random.Random, *, min_order_age: int
) -> dict[str, str]:
    """Valid statute, order date (at least ``min_order_age`` days old), reason, periods,
    alien number and officer."""
    order = request_date - timedelta(days=rnd.randint(min_order_age + 1, 12 * 365))
    anumber = f"A{rnd.randrange(10**8, 10**9 - 1):09d}"
    last_year = request_date.year - 1
    periods = range(last_year - rnd.choice((0, 0, 1, 1, 2, 3)), last_year + 1)
    reason = rnd.choice(_REASONS).format(
        order=order.isoformat(), anumber=anumber, case=f"{rnd.randrange(10**6, 10**7)}"
    )
    return {
        "alien_number": anumber if rnd.random() < 0.8 else anumber[1:],
        "officer": officer,
        "removal_order_date": order.isoformat(),
        "statute": rnd.choice(VALID_STATUTES),
        "reason": reason,
        "taxable_periods": ";".join(str(y) for y in periods),
    }


def junk_address(rnd: random.Random, real: WrittenAddress) -> WrittenAddress:
    """An address a TIN-only system would have accepted: a placeholder, a ZIP, nothing."""
    kind = rnd.randrange(3)
    if kind == 0:
        return WrittenAddress(rnd.choice(vocab.ADDRESS_PLACEHOLDERS), "", real.city, real.state, "")
    if kind == 1:
        return WrittenAddress("", "", "", "", real.zip[:5])
    return WrittenAddress("", "", "", "", "")


def break_address(category: str, rnd: random.Random, real: WrittenAddress) -> WrittenAddress:
    """The address of an address-defect category, made from the person's real one."""
    if category == "addr_missing":
        return WrittenAddress("", "", "", "", "")
    if category == "addr_zip_only":
        digits = rnd.choice((real.zip[:5], real.zip[:5], "00000", "123456789"))
        if rnd.random() < 0.5:
            return WrittenAddress(digits, "", "", "", "")
        return WrittenAddress("", "", "", "", digits)
    if category == "addr_placeholder":
        keep = rnd.random() < 0.5
        placeholder = rnd.choice(vocab.ADDRESS_PLACEHOLDERS)
        return WrittenAddress(
            placeholder, "", real.city if keep else "", real.state if keep else "", real.zip
        )
    if category == "addr_no_house_number":
        words = real.street.split(" ")
        street = (
            " ".join(words[1:])
            if len(words) > 1 and any(c.isdigit() for c in words[0])
            else "MAIN ST"
        )
        return WrittenAddress(street, real.unit, real.city, real.state, real.zip)
    if category == "addr_no_street_name":
        house = str(rnd.randrange(10, 9999))
        street = rnd.choice((house, house, f"{house} APT {rnd.randrange(1, 40)}"))
        return WrittenAddress(street, "", real.city, real.state, real.zip)
    if category == "addr_no_locality":
        variant = rnd.randrange(3)
        city = real.city or "HOUSTON" if variant == 1 else ""
        zip_code = rnd.choice(("", "123", "ABCDE")) if variant == 2 else ""
        return WrittenAddress(real.street, real.unit, city, "", zip_code)
    if category == "addr_facility_only":
        facility = rnd.choice(vocab.FACILITIES)
        if rnd.random() < 0.5:
            facility = facility.upper()
        return WrittenAddress(facility, "", real.city, real.state, "")
    raise ValueError(f"not an address category: {category}")


def break_name(category: str, rnd: random.Random, name: WrittenName) -> WrittenName:
    """The name of a name-defect category."""
    first, middle, last, suffix = name.first, name.middle, name.last, name.suffix
    on_first = rnd.random() < 0.5
    if category == "missing_name":
        return WrittenName("" if on_first else first, middle, last if on_first else "", suffix)
    if category == "placeholder_name":
        word = rnd.choice(vocab.NAME_PLACEHOLDERS)
        if rnd.random() < 0.3:
            return WrittenName(word, "", rnd.choice(vocab.NAME_PLACEHOLDERS), "")
        return WrittenName(word if on_first else first, middle, last if on_first else word, suffix)
    if category == "household_name":
        word, rest = rnd.choice(vocab.HOUSEHOLD_NAMES)
        if rest:
            return WrittenName(word, "", rest, "")
        return WrittenName(word if on_first else first, middle, last if on_first else word, suffix)
    if category == "single_char_name":
        letter = (first or "J")[0] if on_first else (last or "G")[0]
        letter += "." if rnd.random() < 0.2 else ""
        return WrittenName(
            letter if on_first else first, middle, last if on_first else letter, suffix
        )
    if category == "digit_name":
        digits = rnd.choice(("12345", "000", "1"))
        spoiled = (first if on_first else last).replace("O", "0").replace("I", "1")
        if spoiled == (first if on_first else last):
            spoiled += "2"
        value = digits if rnd.random() < 0.5 else spoiled
        return WrittenName(
            value if on_first else first, middle, last if on_first else value, suffix
        )
    raise ValueError(f"not a name category: {category}")


def break_admin(
    category: str,
    rnd: random.Random,
    fields: dict[str, str],
    request_date: date,
    *,
    min_order_age: int,
) -> dict[str, str]:
    """Statute, reason, period and removal-order defects."""
    out = dict(fields)
    if category == "bad_statute":
        out["statute"] = rnd.choice(BAD_STATUTES)
    elif category == "young_order":
        out["removal_order_date"] = (
            request_date - timedelta(days=rnd.randint(0, min_order_age - 1))
        ).isoformat()
    elif category == "future_order":
        out["removal_order_date"] = (request_date + timedelta(days=rnd.randint(1, 400))).isoformat()
    elif category == "missing_order":
        out["removal_order_date"] = rnd.choice(("", "", "UNKNOWN", "2023-02-30", "00/00/0000"))
    elif category == "missing_reason":
        out["reason"] = rnd.choice(BOILERPLATE_REASONS)
    elif category == "missing_periods":
        out["taxable_periods"] = rnd.choice(("", "", "N/A"))
    elif category == "bad_periods":
        y = request_date.year
        out["taxable_periods"] = rnd.choice(
            (f"{y % 100 - 2};{y % 100 - 1}", f"{y + 5}", "1985;1986", f"{y}4", "ALL", f"{y + 1}")
        )
    else:
        raise ValueError(f"not an administrative category: {category}")
    return out
