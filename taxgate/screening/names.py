"""Name screening: does the request name a person? (domain §3 "Name").

§6103(i)(2)(B)(i) requires a request to set forth the taxpayer's *name*. A request is refused
when the first or last name is missing, a placeholder, a single character, or contains
digits. A TIN never substitutes for a name (domain §3).

Rules, per field (first and last; at most one finding per field, in this order):

1. ``NAME_FIRST_MISSING`` / ``NAME_LAST_MISSING``: empty or whitespace only.
2. ``NAME_PLACEHOLDER``: a filler instead of a name: UNKNOWN, UNK, FNU, LNU, NFN, NLN, N/A,
   NONE, NULL, TEST, X, XX, XXX, ... (every word a filler), punctuation only ("-", "."), the
   conventional pair JOHN DOE / JANE DOE, or household and role words that name no one, as
   the Census PVS fake-name lists know them: OCCUPANT, RESIDENT, GRANDSON, INMATE (every word
   such a word), or a field beginning with a phrase such as BABY GIRL, SON OF, LADY OF HOUSE,
   CURRENT RESIDENT (also when the phrase runs from the first name into the last: first
   BABY, last GIRL). The vocabulary is data (``screening/data/name_placeholders.csv``).
   HOUSEHOLDER is one in either field, as domain §3 lists it, though a few families carry it;
   HUSBAND, also a real surname, only as a first name; words that are real names on their
   own (SON, WARD, HOUSE, LADY, MAN, BABY, CHILD) pass unless they form a listed phrase.
   DOE alone is a real surname and passes; a bare NA passes too (NA is a Korean surname)
   while the punctuated N/A, N.A. is a filler.
3. ``NAME_HAS_DIGITS``: the name contains a digit (a generational suffix such as ``3RD``
   trailing the last name is not counted).
4. ``NAME_SINGLE_CHARACTER``: one letter once punctuation is removed ("J.", "O'").

The middle name is optional: only digits in it are refused (``NAME_HAS_DIGITS``, field
``middle_name``). Messages name the field, never the value.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from taxgate.screening.codes import ReasonCode
from taxgate.screening.findings import Finding
from taxgate.standardise.name_tables import TRAILING_SUFFIXES
from taxgate.standardise.names import name_tokens


@dataclass(frozen=True, slots=True)
class PlaceholderVocabulary:
    """Words and phrases that stand in for a name, read from ``data/name_placeholders.csv``.

    Attributes:
        words: per field (``first``, ``last``), single words that are never that name; a
            field made only of such words names no one (``UNKNOWN``, ``OCCUPANT``,
            ``GRANDSON``). A word that is also a real surname (``HUSBAND``) is listed for the
            first name only, unless the domain lists it for both (``HOUSEHOLDER``).
        phrases: word sequences that name no one wherever a field, or the first name followed
            by the last, begins with them (``BABY GIRL``, ``SON OF``, ``LADY OF HOUSE``).
        pairs: the conventional stand-ins, as (first, last): ``JOHN DOE``.
    """

    words: Mapping[str, frozenset[str]]
    phrases: tuple[tuple[str, ...], ...]
    pairs: frozenset[tuple[str, str]]


@cache
def placeholder_vocabulary() -> PlaceholderVocabulary:
    """The placeholder vocabulary shipped with taxgate (the Census PVS fake-name idea).

    Example:
        >>> v = placeholder_vocabulary()
        >>> "OCCUPANT" in v.words["last"], "HUSBAND" in v.words["last"]
        (True, False)
    """
    text = files("taxgate.screening").joinpath("data", _VOCABULARY).read_text(encoding="utf-8")
    words: dict[str, set[str]] = {"first": set(), "last": set()}
    phrases: list[tuple[str, ...]] = []
    pairs: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        entry = name_tokens(row["text"])
        if row["kind"] == "word":
            for field in row["fields"].split(";"):
                words[field].update(entry)
        elif row["kind"] == "phrase":
            phrases.append(entry)
        else:
            pairs.add((entry[0], entry[1]))
    return PlaceholderVocabulary(
        words={field: frozenset(found) for field, found in words.items()},
        phrases=tuple(phrases),
        pairs=frozenset(pairs),
    )


_VOCABULARY = "name_placeholders.csv"

# A phrase also matches written joined (BABYGIRL, NOTPROVIDED) when each of its words has at
# least this many letters; shorter words joined make real names (NA NA → NANA).
_JOINED_WORD_MIN = 3

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
    first_finding, first_words = _column_finding(first, "first")
    last_finding, last_words = _column_finding(last, "last")
    findings = [f for f in (first_finding, last_finding) if f is not None]
    if not findings and _placeholder_across(first_words, last_words):
        message = "the first and last name together are a placeholder"
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
def _column_finding(text: str, key: str) -> tuple[Finding | None, tuple[str, ...]]:
    """The finding of one name column, and its words (for the checks across both columns)."""
    words = name_tokens(text)
    if key == "last":
        words = _without_trailing_suffix(words)
    return _field_finding(text, words, key), words


@lru_cache(maxsize=1 << 12)
def _middle_has_digits(text: str) -> bool:
    return _has_digits("".join(name_tokens(text)))


def _without_trailing_suffix(words: tuple[str, ...]) -> tuple[str, ...]:
    while len(words) > 1 and words[-1] in TRAILING_SUFFIXES:
        words = words[:-1]
    return words


def _field_finding(text: str, words: tuple[str, ...], key: str) -> Finding | None:
    field, missing_code, label = _FIELDS[key]
    if not text.strip():
        return Finding(missing_code, field, f"the {label} is missing")
    if is_placeholder_name(text, words, field=key):
        return Finding(ReasonCode.NAME_PLACEHOLDER, field, f"the {label} is a placeholder")
    joined = "".join(words)
    if _has_digits(joined):
        return Finding(ReasonCode.NAME_HAS_DIGITS, field, f"the {label} contains digits")
    if len(joined) == 1:
        return Finding(
            ReasonCode.NAME_SINGLE_CHARACTER, field, f"the {label} is a single character"
        )
    return None


def is_placeholder_name(
    text: str, words: tuple[str, ...] | None = None, *, field: str = "first"
) -> bool:
    """Whether one name field (``first`` or ``last``) holds a filler instead of a name.

    A filler is: punctuation only; N/A written with punctuation; every word a placeholder
    word of that field (``UNKNOWN``, ``OCCUPANT``, ``GRANDSON``); or words beginning with a
    placeholder phrase (``BABY GIRL``, ``SON OF``, ``LADY OF HOUSE``), also written joined.

    Example:
        >>> is_placeholder_name("N/A"), is_placeholder_name("Na"), is_placeholder_name("Doe")
        (True, False, False)
        >>> is_placeholder_name("Baby Girl"), is_placeholder_name("House", field="last")
        (True, False)
    """
    if words is None:
        words = name_tokens(text)
    if not "".join(words):
        return True  # punctuation only, or characters with no Latin transliteration
    if "".join(words) == "NA":
        # N/A and N.A. are fillers; NA written plainly is a Korean surname.
        return text.strip().upper() != "NA"
    vocabulary = placeholder_vocabulary()
    return vocabulary.words[field].issuperset(words) or _begins_with_phrase(words)


def _placeholder_across(first: tuple[str, ...], last: tuple[str, ...]) -> bool:
    """The first and last name read on together name no one: a conventional stand-in
    (JOHN DOE) or a phrase split across the two fields (first BABY, last GIRL)."""
    vocabulary = placeholder_vocabulary()
    if (" ".join(first), " ".join(last)) in vocabulary.pairs:
        return True
    return _begins_with_phrase((*first, *last))


@lru_cache(maxsize=1 << 12)
def _begins_with_phrase(words: tuple[str, ...]) -> bool:
    for phrase in placeholder_vocabulary().phrases:
        if words[: len(phrase)] == phrase:
            return True
        if min(map(len, phrase)) >= _JOINED_WORD_MIN:
            joined = "".join(phrase)
            if any("".join(words[:size]) == joined for size in range(1, len(phrase) + 1)):
                return True
    return False


def _has_digits(joined: str) -> bool:
    # Tokens hold only A-Z and 0-9, so any non-letter is a digit.
    return bool(joined) and not joined.isalpha()
