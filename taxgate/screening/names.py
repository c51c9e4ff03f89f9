"""Name screening: does the request name a person? (domain §3 "Name").

§6103(i)(2)(B)(i) requires a request to set forth the taxpayer's *name*. A request is refused
when the first or last name is missing, a placeholder, a single character, or contains
digits. A TIN never substitutes for a name (domain §3).

Rules, per field (first and last; at most one finding per field, in this order):

1. ``NAME_FIRST_MISSING`` / ``NAME_LAST_MISSING``: empty or whitespace only.
2. ``NAME_PLACEHOLDER``: a filler instead of a name: UNKNOWN, UNK, FNU, LNU, NFN, NLN, N/A,
   NONE, NULL, TEST, X, XX, XXX, ... (every word a filler), punctuation only ("-", "."), or
   the conventional pair JOHN DOE / JANE DOE. DOE alone is a real surname and passes; a bare
   NA passes too (NA is a Korean surname) while the punctuated N/A, N.A. is a filler.
3. ``NAME_HAS_DIGITS``: the name contains a digit (a generational suffix such as ``3RD``
   trailing the last name is not counted).
4. ``NAME_SINGLE_CHARACTER``: one letter once punctuation is removed ("J.", "O'").

The middle name is optional: only digits in it are refused (``NAME_HAS_DIGITS``, field
``middle_name``). Messages name the field, never the value.
"""

from __future__ import annotations

from functools import lru_cache

from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding
from taxgate.standardise.name_tables import TRAILING_SUFFIXES
from taxgate.standardise.names import name_tokens

# Words that stand in for a name. Every word of the field must be one for it to count.
PLACEHOLDER_WORDS = frozenset(
    {
        "UNKNOWN", "UNK", "UNKN", "UNKWN", "FNU", "LNU", "MNU", "NFN", "NLN", "NMN", "NONE",
        "NULL", "NIL", "TEST", "TESTING", "X", "XX", "XXX", "XXXX", "XXXXX", "TBD", "REFUSED",
        "ANONYMOUS", "NAME", "FIRSTNAME", "LASTNAME", "NOTPROVIDED", "NOTGIVEN", "NOTAVAILABLE",
        "NOTAPPLICABLE", "NOTSTATED", "NONAME", "DUMMY", "ASDF", "QWERTY", "ZZZ",
    }
)  # fmt: skip

# Phrases that stand in for a name, compared with spaces removed ("NOT PROVIDED").
PLACEHOLDER_PHRASES = frozenset(
    {"NOTPROVIDED", "NOTGIVEN", "NOTAVAILABLE", "NOTAPPLICABLE", "NOTSTATED", "NONAME", "NA NA"}
)

# The conventional stand-ins for an unidentified person: (first, last).
PLACEHOLDER_PAIRS = frozenset({("JOHN", "DOE"), ("JANE", "DOE"), ("BABY", "DOE")})

_CODE_RANK = {code: rank for rank, code in enumerate(ReasonCode)}

_FIELDS = {
    "first": ("first_name", ReasonCode.NAME_FIRST_MISSING, "first name"),
    "last": ("last_name", ReasonCode.NAME_LAST_MISSING, "last name"),
}


def screen_name(first: str | None, middle: str | None, last: str | None) -> list[Finding]:
    """The name findings of one request (§6103(i)(2)(B)(i)); empty when the name is usable.

    Never raises.

    Example:
        >>> [f.code.value for f in screen_name("FNU", None, "Garcia")]
        ['NAME_PLACEHOLDER']
        >>> screen_name("María", "J.", "de la Cruz")
        []
    """
    return list(name_findings(first or "", middle or "", last or ""))


def name_findings(first: str, middle: str, last: str) -> tuple[Finding, ...]:
    """:func:`screen_name` as an immutable tuple, memoised per column value (for batches)."""
    first_finding, first_pair = _column_finding(first, "first")
    last_finding, last_pair = _column_finding(last, "last")
    findings = [f for f in (first_finding, last_finding) if f is not None]
    if not findings and (first_pair, last_pair) in PLACEHOLDER_PAIRS:
        message = f"the name is a placeholder ({first_pair} DOE)"
        findings = [
            Finding(ReasonCode.NAME_PLACEHOLDER, "first_name", message),
            Finding(ReasonCode.NAME_PLACEHOLDER, "last_name", message),
        ]
    if middle and _middle_has_digits(middle):
        findings.append(
            Finding(ReasonCode.NAME_HAS_DIGITS, "middle_name", "the middle name contains digits")
        )
    if len(findings) > 1:
        findings.sort(key=lambda f: (_CODE_RANK[f.code], f.field))
    return tuple(findings)


@lru_cache(maxsize=1 << 16)
def _column_finding(text: str, key: str) -> tuple[Finding | None, str]:
    """The finding of one name column, and its words joined (for the JOHN DOE pair check)."""
    words = name_tokens(text)
    if key == "last":
        words = _without_trailing_suffix(words)
    field, missing_code, label = _FIELDS[key]
    return _field_finding(text, words, field, missing_code, label), " ".join(words)


@lru_cache(maxsize=1 << 12)
def _middle_has_digits(text: str) -> bool:
    return _has_digits("".join(name_tokens(text)))


def _without_trailing_suffix(words: tuple[str, ...]) -> tuple[str, ...]:
    while len(words) > 1 and words[-1] in TRAILING_SUFFIXES:
        words = words[:-1]
    return words


def _field_finding(
    text: str, words: tuple[str, ...], field: str, missing_code: ReasonCode, label: str
) -> Finding | None:
    if not text.strip():
        return Finding(missing_code, field, f"the {label} is missing")
    if is_placeholder_name(text, words):
        return Finding(ReasonCode.NAME_PLACEHOLDER, field, f"the {label} is a placeholder")
    joined = "".join(words)
    if _has_digits(joined):
        return Finding(ReasonCode.NAME_HAS_DIGITS, field, f"the {label} contains digits")
    if len(joined) == 1:
        return Finding(
            ReasonCode.NAME_SINGLE_CHARACTER, field, f"the {label} is a single character"
        )
    return None


def is_placeholder_name(text: str, words: tuple[str, ...] | None = None) -> bool:
    """Whether one name field holds a filler instead of a name.

    Example:
        >>> is_placeholder_name("N/A"), is_placeholder_name("Na"), is_placeholder_name("Doe")
        (True, False, False)
    """
    if words is None:
        words = name_tokens(text)
    joined = "".join(words)
    if not joined:
        return True  # punctuation only, or characters with no Latin transliteration
    if joined == "NA":
        # N/A and N.A. are fillers; NA written plainly is a Korean surname.
        return text.strip().upper() not in {"NA"}
    if joined in PLACEHOLDER_PHRASES or " ".join(words) in PLACEHOLDER_PHRASES:
        return True
    return PLACEHOLDER_WORDS.issuperset(words)


def _has_digits(joined: str) -> bool:
    # Tokens hold only A-Z and 0-9, so any non-letter is a digit.
    return bool(joined) and not joined.isalpha()
