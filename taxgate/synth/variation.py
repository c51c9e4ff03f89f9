"""The variation classes of a valid request about a person on file (``spec.VARIATIONS``).

Each request of the current- or older-address categories carries at most one class, drawn at
``WorldSpec.variation_rate`` with ``WorldSpec.variation_weights``; ``truth.parquet`` records it
in ``variation``. The functions here are pure: they take what was written (and the person's
truth) and return the varied form. Which taxpayers a class can apply to is :func:`applies`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from typing import Final

from taxgate.synth import names, vocab
from taxgate.synth.variants import Person, WrittenName

NAME_CLASS_FIELDS: Final = {
    "second_given_name": (),
    "nickname": ("given1",),
    "middle_as_first": ("given2",),
    "initial_first": ("given2",),
    "family_first": (),
    "surname_is_given": ("paternal", "maternal"),
    "transliteration": ("given1",),
    "joined_given": ("given1",),
    "married_surname": ("maiden",),
}
"""The fields of a :class:`Person` that :func:`applies` reads for each name class (a test
checks it), so that a caller may remember its answer per those fields."""
NAME_CLASSES: Final = frozenset(NAME_CLASS_FIELDS)
DOB_CLASSES: Final = frozenset({"dob_digit", "dob_day_month", "dob_year", "dob_jan1"})
UNIT_CLASSES: Final = frozenset({"unit_designator", "unit_omitted"})
STREET_CLASSES: Final = frozenset({"street_typo", "zip_digit"})

UNIT_WORDS: Final = ("APT", "#", "NO", "UNIT", "STE", "FL", "FLR", "BSMT", "RM", "APARTMENT")
"""Unit designators request files use, whatever the building's own designator is."""

OCR_SLIPS: Final = (("RN", "M"), ("M", "RN"), ("CL", "D"), ("D", "CL"))
"""Letter groups a scanner confuses in a name (read → written); never a digit, which would
make the name a defect of its own (domain §3)."""

OCR_DIGIT_SLIPS: Final = (("0", "O"), ("1", "I"))
"""Digits of a house number a scanner reads as letters."""

_EPOCH: Final = date(1970, 1, 1)


def _day(day: int) -> date:
    return _EPOCH + timedelta(days=day)


def _number(d: date) -> int:
    return (d - _EPOCH).days


@cache
def _given_name_set() -> frozenset[str]:
    return frozenset(vocab.given_names().names)


def applies(variation: str, person: Person | None, dob: int | None) -> bool:
    """Whether ``variation`` can be made for ``person`` (``dob``: on file, or None).

    ``person`` may be None for a class outside :data:`NAME_CLASSES` (it is not looked at).
    """
    if variation not in NAME_CLASSES:
        return _dob_applies(variation, dob)
    assert person is not None
    if variation in ("middle_as_first", "initial_first"):
        return person.given2 != ""
    if variation == "nickname":
        return bool(vocab.name_variants().variants.get(person.given1))
    if variation == "surname_is_given":
        return person.paternal in _given_name_set() and not person.maternal
    if variation == "transliteration":
        return bool(names.transliterations(person.given1))
    if variation == "joined_given":
        return names.hyphenated_form(person.given1) != ""
    if variation == "married_surname":
        return person.maiden != ""
    return True


def _dob_applies(variation: str, dob: int | None) -> bool:
    if variation == "dob_day_month":
        return dob is not None and _day(dob).day <= 12 and _day(dob).day != _day(dob).month
    if variation == "dob_jan1":
        return dob is not None and (_day(dob).month, _day(dob).day) != (1, 1)
    if variation in DOB_CLASSES:
        return dob is not None
    return True


def vary_name(
    variation: str, person: Person, written: WrittenName, rnd: random.Random, new_middle: str
) -> tuple[WrittenName, bool]:
    """The name of a name class; returns it and whether it is written family name first.

    ``written`` is the request's name in normal order (its surname form and suffix are kept);
    ``new_middle`` is the second given name a ``second_given_name`` request adds for a person
    whose filings show none (a name of their own group and sex).
    """
    first, middle, last, suffix = written.first, written.middle, written.last, written.suffix
    swapped = False
    if variation == "second_given_name":
        middle = "" if person.given2 else new_middle
    elif variation == "nickname":
        forms = vocab.name_variants().variants[person.given1]
        first = rnd.choice(forms)
    elif variation == "middle_as_first":
        first, middle = person.given2, ""
    elif variation == "initial_first":
        initial = person.given1[0] + rnd.choice(("", "."))
        first, middle = f"{initial} {person.given2}", ""
    elif variation == "transliteration":
        first = rnd.choice(names.transliterations(person.given1))
    elif variation == "joined_given":
        hyphen = names.hyphenated_form(person.given1)
        first = rnd.choice((hyphen, hyphen.replace("-", " ")))
    elif variation == "married_surname":
        last = person.maiden
    swapped = variation == "family_first" or (
        variation == "surname_is_given" and rnd.random() < 0.5
    )
    if swapped:
        first, last = last, first
    return WrittenName(first, middle, last, suffix), swapped


def is_shared_short_form(given1: str, written_first: str) -> bool:
    """Whether ``written_first`` is a short form ``given1`` shares with a close name (PAT)."""
    return any(
        names.shared_short_form(given1, pair.other) == written_first
        for pair in names.close_pairs().get(given1, ())
    )


def ocr_slip(text: str, rnd: random.Random, table: tuple[tuple[str, str], ...]) -> str:
    """``text`` with one confusion of ``table`` (unchanged when none occurs in it)."""
    found = [
        (i, read, wrote)
        for read, wrote in table
        for i in range(len(text) - len(read) + 1)
        if text.startswith(read, i) and (i > 0 or not read.isalpha())
    ]
    if not found:
        return text
    i, read, wrote = rnd.choice(found)
    return text[:i] + wrote + text[i + len(read) :]


def slipped_dob(variation: str, dob: int, rnd: random.Random) -> int:
    """The day number of a date of birth written with the slip ``variation``."""
    true = _day(dob)
    if variation == "dob_day_month":
        return _number(true.replace(month=true.day, day=true.month))
    if variation == "dob_jan1":
        return _number(true.replace(month=1, day=1))
    if variation == "dob_year":
        year = true.year + rnd.choice((-1, 1))
        return _number(true.replace(year=year, day=min(true.day, 28 if true.month == 2 else 31)))
    text = true.isoformat()
    while True:
        i = rnd.choice((2, 3, 5, 6, 8, 9))
        candidate = text[:i] + rnd.choice("0123456789".replace(text[i], "")) + text[i + 1 :]
        try:
            slipped = date.fromisoformat(candidate)
        except ValueError:
            continue
        return _number(slipped)


def transpose_street(street: str, street_name: str, rnd: random.Random) -> str:
    """The written ``street`` with two letters of its name transposed or one replaced.

    Example:
        >>> transpose_street("12 ELM ST", "ELM", random.Random(0)) in ("12 EML ST", "12 ELN ST")
        True
    """
    words = street.split(" ")
    targets = [i for i, w in enumerate(words) if w.upper() in street_name.split() and len(w) >= 3]
    if not targets:
        return street
    index = rnd.choice(targets)
    word = words[index]
    pos = rnd.randrange(1, len(word) - 1)
    if rnd.random() < 0.7 and word[pos] != word[pos + 1]:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        letters = "ABCDEFGHIJKLMNOPRSTUVWY".replace(word[pos + 1].upper(), "")
        letter = rnd.choice(letters if word.isupper() else letters.lower())
        word = word[: pos + 1] + letter + word[pos + 2 :]
    words[index] = word
    return " ".join(words)


def wrong_zip_digit(zip_code: str, rnd: random.Random) -> str:
    """``zip_code`` with one of the last two digits of its ZIP5 replaced (its ZIP3, the
    sectional centre, still agrees with the city)."""
    i = rnd.choice((3, 4))
    return zip_code[:i] + rnd.choice("0123456789".replace(zip_code[i], "")) + zip_code[i + 1 :]
