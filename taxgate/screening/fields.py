"""Screening of the non-identity fields of a request: statute, reason, periods, removal order.

§6103(i)(2)(B) requires a request to set forth, besides the name and address ((B)(i)), the
taxable period(s) (§6103(i)(2)(B)(ii)), the statutory authority under which the investigation
is conducted — a specifically designated federal criminal statute (§6103(i)(2)(A),
(B)(iii)) — and the specific reason(s) why disclosure is or may be relevant
(§6103(i)(2)(B)(iv)). The agreement adds the predicate of 8 U.S.C. §1253(a)(1): a final
order of removal at least ``removal_order.minimum_age_days`` old. Each function returns the
findings for its field (empty when the field passes) and never raises. Thresholds come from
the :class:`~taxgate.agreement.Agreement`, never from constants here.
"""

from __future__ import annotations

import re
from datetime import date

from taxgate.agreement import Agreement, qualifying_statute
from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding

# Reasons that say nothing, compared as upper-case words with punctuation removed (N/A and
# N.A. are NA). A reason with no letter at all ("12345", "--") says nothing either.
BOILERPLATE_REASONS = frozenset(
    {
        "NA", "N A", "NONE", "NULL", "NIL", "TBD", "TBA", "SEE ABOVE", "SAME",
        "SAME AS ABOVE", "AS ABOVE", "DITTO", "UNKNOWN", "UNK", "X", "XX", "XXX", "REASON",
        "NO REASON", "NOT PROVIDED", "NOT APPLICABLE", "NOT STATED", "OTHER", "MISC", "TEST",
        "ETC", "PENDING", "SEE ATTACHED", "SEE FILE", "SEE NOTES", "BLANK", "EMPTY",
    }
)  # fmt: skip

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^A-Z0-9 ]+")
_TRIM = " .,;:-_!?*'\"()[]{}/\\"


def screen_statute(agreement: Agreement, text: str | None) -> list[Finding]:
    """The statute findings of one request (§6103(i)(2)(B)(iii)).

    ``STATUTE_MISSING`` when empty; ``STATUTE_NOT_QUALIFYING`` when the citation is not one
    of the agreement's criminal statutes (civil removal provisions such as 8 U.S.C. §1227 and
    tax statutes never are). Spelling variants of one citation are one statute
    (:func:`taxgate.agreement.qualifying_statute`).

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> screen_statute(a, "8 USC 1253(a)(1)")
        []
        >>> [f.code.value for f in screen_statute(a, "8 U.S.C. 1227")]
        ['STATUTE_NOT_QUALIFYING']
    """
    if text is None or not text.strip():
        return [Finding(ReasonCode.STATUTE_MISSING, "statute", "no statutory authority given")]
    if qualifying_statute(agreement, text) is None:
        return [
            Finding(
                ReasonCode.STATUTE_NOT_QUALIFYING,
                "statute",
                "the statute is not a qualifying federal criminal statute of the agreement",
            )
        ]
    return []


def normalise_reason(text: str | None) -> str:
    """A reason reduced for comparison: upper case, spaces collapsed, end punctuation trimmed.

    Example:
        >>> normalise_reason("  see   above. ")
        'SEE ABOVE'
    """
    if text is None:
        return ""
    return _SPACES.sub(" ", text.upper()).strip(_TRIM)


def screen_reason(text: str | None) -> list[Finding]:
    """The reason finding of one request (§6103(i)(2)(B)(iv)).

    ``REASON_MISSING`` when the reason is empty, boilerplate ("N/A", "-", "NONE", "TBD",
    "SEE ABOVE", "SAME", ...) or has no letter. Whether one reason repeated across a batch is
    boilerplate is a *batch flag* (:mod:`taxgate.screening.batch`), never a row rejection.

    Example:
        >>> [f.code.value for f in screen_reason("-")]
        ['REASON_MISSING']
        >>> screen_reason("Subject failed to depart after final order; locating for arrest")
        []
    """
    reason = normalise_reason(text)
    words = " ".join(_NOT_WORD.sub("", reason).split())
    if not any(c.isalpha() for c in reason) or words in BOILERPLATE_REASONS:
        return [Finding(ReasonCode.REASON_MISSING, "reason", "no specific reason for the request")]
    return []


def screen_periods(agreement: Agreement, text: str | None, request_date: date) -> list[Finding]:
    """The taxable-period finding of one request (§6103(i)(2)(B)(ii)).

    Periods are ``;``-separated 4-digit years. ``PERIOD_MISSING`` when there is none;
    ``PERIOD_INVALID`` when any item is not a 4-digit year within
    [``agreement.periods.earliest_year``, the request's year]. Spaces around items and empty
    items (a trailing ``;``) are ignored.

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> screen_periods(a, "2022; 2023;2024", date(2025, 6, 1))
        []
        >>> [f.code.value for f in screen_periods(a, "2022;2026", date(2025, 6, 1))]
        ['PERIOD_INVALID']
    """
    items = [item.strip() for item in (text or "").split(";")]
    items = [item for item in items if item]
    if not items:
        return [Finding(ReasonCode.PERIOD_MISSING, "taxable_periods", "no taxable period")]
    earliest, latest = agreement.periods.earliest_year, request_date.year
    for item in items:
        if _YEAR.fullmatch(item) is None or not earliest <= int(item) <= latest:
            return [
                Finding(
                    ReasonCode.PERIOD_INVALID,
                    "taxable_periods",
                    f"a taxable period is not a 4-digit year from {earliest} to {latest}",
                )
            ]
    return []


def screen_removal_order(
    agreement: Agreement, text: str | None, request_date: date
) -> list[Finding]:
    """The final-order-of-removal finding of one request (agreement; 8 U.S.C. §1253(a)(1)).

    ``ORDER_DATE_MISSING`` when empty; ``ORDER_DATE_INVALID`` when not an ISO ``YYYY-MM-DD``
    calendar date; ``ORDER_DATE_FUTURE`` when after the request date; ``ORDER_TOO_RECENT``
    when fewer than ``agreement.removal_order.minimum_age_days`` days before it (exactly the
    minimum passes).

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> [f.code.value for f in screen_removal_order(a, "2025-05-01", date(2025, 6, 1))]
        ['ORDER_TOO_RECENT']
    """
    field = "removal_order_date"
    if text is None or not text.strip():
        return [Finding(ReasonCode.ORDER_DATE_MISSING, field, "no date of the removal order")]
    order_date = parse_iso_date(text)
    if order_date is None:
        return [Finding(ReasonCode.ORDER_DATE_INVALID, field, "the order date is not YYYY-MM-DD")]
    if order_date > request_date:
        return [
            Finding(ReasonCode.ORDER_DATE_FUTURE, field, "the order is dated after the request")
        ]
    minimum = agreement.removal_order.minimum_age_days
    if (request_date - order_date).days < minimum:
        return [
            Finding(
                ReasonCode.ORDER_TOO_RECENT,
                field,
                f"the order is fewer than {minimum} days before the request",
            )
        ]
    return []


def parse_iso_date(text: str) -> date | None:
    """An ISO ``YYYY-MM-DD`` calendar date, or None (other ISO 8601 forms are refused).

    Example:
        >>> parse_iso_date(" 2024-02-29 "), parse_iso_date("2023-02-29"), parse_iso_date("20240229")
        (datetime.date(2024, 2, 29), None, None)
    """
    text = text.strip()
    if _ISO_DATE.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
