"""Plain words for explanations: masked TINs, days, filings, and where an address comes from.

Example:
    >>> mask_tin("123456789")
    'XXX-XX-6789'
    >>> day_words(date(2025, 2, 8))
    '8 February 2025'
    >>> filing_words("RETURN", "2024", date(2025, 2, 28))
    'the 2024 income tax return received on 28 February 2025'
"""

from __future__ import annotations

from datetime import date

from taxgate.master.last_known_address import PROCESSING_DAYS, DocType, effective_date


def mask_tin(tin: str | None) -> str:
    """A TIN with all but its last four digits masked (``XXX-XX-1234``)."""
    text = str(tin or "")
    digits = text if text.isdigit() else "".join(filter(str.isdigit, text))
    return f"XXX-XX-{digits[-4:]}" if len(digits) >= 4 else "XXX-XX-XXXX"


def day_words(day: date) -> str:
    """A day as people write it: ``8 February 2025``."""
    return f"{day.day} {day:%B %Y}"


def filing_words(doc_type: str, tax_year: str | None, received: date) -> str:
    """A filing named as a person would name it, with the day it was received."""
    when = day_words(received)
    if doc_type == DocType.RETURN.value:
        year = f"{tax_year} " if tax_year else ""
        return f"the {year}income tax return received on {when}"
    if doc_type == DocType.FORM_8822.value:
        return f"the change-of-address form (Form 8822) received on {when}"
    if doc_type == DocType.NCOA.value:
        return f"the USPS change-of-address (NCOA) update applied on {when}"
    return f"the {doc_type} filing received on {when}"


def effect_words(doc_type: str, received: date) -> str:
    """When a filing took effect, and the rule that says so (domain §5)."""
    if doc_type == DocType.NCOA.value:
        return f"it took effect on {day_words(received)}, the day it was applied"
    return (
        f"it took effect on {day_words(effective_day(doc_type, received))}, {PROCESSING_DAYS} "
        "days after it was received, once properly processed (Rev. Proc. 2010-16 §5.02)"
    )


def lka_words(
    *,
    status: str,
    doc_type: str,
    tax_year: str | None,
    received: date,
    since: date,
    as_of: date,
    later: tuple[tuple[str, date], ...] = (),
) -> str:
    """Where a last known address comes from and why that filing, in plain words.

    Args:
        status: ``disclosed``, ``disclosed after review`` or ``would be disclosed``.
        doc_type: The kind of filing the address is on.
        tax_year: A return's tax year.
        received: The day that filing was received.
        since: The day the address became the last known address.
        as_of: The batch's as-of day.
        later: Filings (kind, day received) received by then but not yet in effect.
    """
    filing = filing_words(doc_type, tax_year, received)
    sentences = [
        f"This address {_verb(status)} from {filing}.",
        f"That filing is the taxpayer's latest in effect on {day_words(as_of)}, the batch's "
        "as-of day, under the last-known-address rule (Treas. Reg. §301.6212-2): "
        f"{effect_words(doc_type, received)}.",
    ]
    if later:
        names = "; ".join(filing_words(kind, None, day) for kind, day in later)
        sentences.append(f"Not yet in effect on that day, so not used: {names}.")
    if since < effective_day(doc_type, received):
        sentences.append(
            f"The taxpayer's filings have given this address since {day_words(since)}, the "
            "day it became the last known address (the response's address_as_of)."
        )
    else:
        sentences.append(
            f"It became the last known address on {day_words(since)} (the response's "
            "address_as_of)."
        )
    return " ".join(sentences)


def _verb(status: str) -> str:
    if status == "disclosed":
        return "was disclosed; it comes"
    if status == "disclosed after review":
        return "was disclosed in a supplement after the review; it comes"
    return "is the one that would be disclosed; it comes"


def effective_day(doc_type: str, received: date) -> date:
    """The day a filing took effect (domain §5; a kind the rule does not know, at once)."""
    known = {d.value: d for d in DocType}
    return effective_date(known[doc_type], received) if doc_type in known else received
