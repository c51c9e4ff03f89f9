"""Address text: Unicode to upper-case ASCII, punctuation rules, ZIP, state and city.

The rules (docs/addresses.md §2):

* Unicode becomes ASCII (``unidecode``), then upper case.
* Apostrophes vanish (``O'BRIEN`` → ``OBRIEN``); dotted initials close up (``P.O.`` → ``PO``,
  ``N.E.`` → ``NE``); every other period, comma, semicolon, bracket or quote is a space.
* A designator run into its number is split (``APT4`` → ``APT 4``).
* ``-`` survives only between letters and digits of one word that holds a digit (``23-15``,
  ``N6W23001``, ``I-95``); ``/`` only in a fraction (``1/2``); ``#`` and ``&`` are words.
* ZIP: ``12345``, ``123456789``, ``12345-6789``, ``12345 6789``; anything else is ''.
  ``00000`` is not a ZIP; a ``0000`` ZIP+4 is dropped.
* State: a USPS code or a full (or old abbreviated) name → the code; anything else is ''.
* City: the same text rules, hyphens become spaces, and ``ST``/``FT``/``MT``/``PT`` and single
  directionals are written out (``ST LOUIS`` = ``SAINT LOUIS``), on both sides of a match.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from unidecode import unidecode

from taxgate.standardise.pub28 import CITY_WORDS, STATES

_DOTTED_INITIAL = re.compile(r"\b([A-Z])\.(?=[A-Z]\b|[A-Z]\.)")
_HYPHEN_WORD = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
_FRACTION = re.compile(r"^\d+/\d+$")
_ZIP = re.compile(r"^(\d{5})(?:[- ]?(\d{4}))?$")
_GLUED_DESIGNATOR = re.compile(
    r"\b(APT|APTO|APARTMENT|STE|SUITE|UNIT|RM|ROOM|FL|FLR|BLDG|LOT|SPC|TRLR)(?=\d)"
)

_KEEP = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 #&-/,")
_TRANSLATION: dict[int, str | None] = {i: " " for i in range(128) if chr(i) not in _KEEP}
_TRANSLATION.update({ord("'"): None, ord("`"): None, ord("#"): " # ", ord("&"): " & "})
_TRANSLATION.update({ord(c): " " for c in "\t\n\r\f\v"})


def field_text(value: object) -> str:
    """A field as text: ``None``, NaN and non-text values read as '', integers as digits.

    Readers hand over what the file held; a ZIP read as the number 62704 is still a ZIP.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return ""


def ascii_upper(text: str | None) -> str:
    """Upper-case ASCII of ``text`` (``None`` → ''), accents removed (``RODRÍGUEZ``)."""
    if not text:
        return ""
    if not text.isascii():
        text = unidecode(text)
    return text.upper()


def clean_text(text: str | None) -> str:
    """The punctuation-normalised upper-case ASCII form of ``text``; commas are kept.

    Example:
        >>> clean_text("p.o. box 12,  Apt#4")
        'PO BOX 12, APT # 4'
    """
    upper = ascii_upper(text)
    if not upper:
        return ""
    if "." in upper:
        upper = _DOTTED_INITIAL.sub(r"\1", upper)
    if _GLUED_DESIGNATOR.search(upper):
        # ``APT4`` and ``STE200`` are a designator and a number run together.
        upper = _GLUED_DESIGNATOR.sub(r"\1 ", upper)
    words = upper.translate(_TRANSLATION).split()
    if "-" in upper or "/" in upper:
        words = [part for w in words for part in _split_marks(w)]
    if _OCR_DIGITS.search(upper) or _OCR_INSIDE.search(upper):
        words = [ocr_number(w) for w in words]
    return " ".join(words).replace(" ,", ",")


# A number a scanner read with letters for digits: O for 0, I or L for 1 (1O25, IST for 1ST).
# It must begin with a digit, so that a highway (I10) or a word is never read as a number.
# Bounded by anything but a letter or digit (an underscore too, which cleaning drops later, so
# that 0O_ reads as 00 the first time as it would the second).
_OCR_DIGITS = re.compile(r"(?<![A-Z0-9])(?:[0-9][0-9OIL]*[OIL][0-9OIL]*|[IL]ST)(?![A-Z0-9])")
_OCR_TRANSLATION = str.maketrans({"O": "0", "I": "1", "L": "1"})
# The same inside a house number of two parts: a grid number (N45WI7238 for N45W17238, as
# Wisconsin writes them) or a hyphenated one (5-O8 for 5-08, I6-38 for 16-38, as Queens
# writes them). Each numeric part must hold a digit (a highway, I-10, has none in its first
# part); the grid's compass letters are kept.
_NUMERIC_PART = "[0-9OIL]*[0-9][0-9OIL]*"
_OCR_GRID = re.compile(f"([NSEW])({_NUMERIC_PART})([NSEW])({_NUMERIC_PART})")
_OCR_HYPHEN = re.compile(f"({_NUMERIC_PART})(-)({_NUMERIC_PART})([A-Z]?)")
_OCR_INSIDE = re.compile(
    f"(?<![A-Z0-9])(?:[NSEW]{_NUMERIC_PART}[NSEW]|{_NUMERIC_PART}-){_NUMERIC_PART}"
)


def ocr_number(word: str) -> str:
    """``word`` with letters read for digits restored, when it is such a number.

    Example:
        >>> ocr_number("1O25"), ocr_number("IST"), ocr_number("OIL"), ocr_number("I10")
        ('1025', '1ST', 'OIL', 'I10')
        >>> ocr_number("N45WI7238"), ocr_number("5-O8"), ocr_number("I-10")
        ('N45W17238', '5-08', 'I-10')
        >>> ocr_number("I6-38"), ocr_number("I-5")
        ('16-38', 'I-5')
    """
    core = word.rstrip(",")
    rest = word[len(core) :]
    if _OCR_DIGITS.fullmatch(core):
        return core.translate(_OCR_TRANSLATION) + rest
    grid = _OCR_GRID.fullmatch(core) or _OCR_HYPHEN.fullmatch(core)
    if grid is None:
        return word
    a, b, c, d = grid.groups()
    numbers = (b, d) if grid.re is _OCR_GRID else (a, c)
    parts = [p.translate(_OCR_TRANSLATION) if p in numbers else p for p in (a, b, c, d)]
    return "".join(parts) + rest


def _split_marks(word: str) -> list[str]:
    """Keep ``-`` inside a word with a digit and ``/`` inside a fraction; else split there."""
    comma = word.endswith(",")
    core = word[:-1] if comma else word
    if "/" in core and not _FRACTION.match(core):
        parts = [p for piece in core.split("/") for p in _split_marks(piece)]
    elif "-" in core:
        stripped = core.strip("-")
        if _HYPHEN_WORD.match(stripped) and any(c.isdigit() for c in stripped):
            parts = [stripped]
        else:
            parts = [p for p in stripped.split("-") if p]
    else:
        parts = [core] if core else []
    if comma:
        if parts:
            parts[-1] += ","
        else:
            parts = [","]
    return parts


def words_of(text: str | None) -> list[str]:
    """The words of ``text`` after ``clean_text``, commas dropped."""
    return clean_text(text).replace(",", " ").split()


@lru_cache(maxsize=4096)
def parse_zip(text: str | None) -> tuple[str, str]:
    """``(zip5, zip4)`` from a ZIP as written; ``('', '')`` when it is not a valid ZIP.

    Example:
        >>> parse_zip("62704-1234")
        ('62704', '1234')
    """
    if not text:
        return "", ""
    match = _ZIP.match(ascii_upper(text).strip())
    if match is None or match.group(1) == "00000":
        return "", ""
    zip4 = match.group(2) or ""
    return match.group(1), "" if zip4 == "0000" else zip4


@lru_cache(maxsize=1024)
def parse_state(text: str | None) -> str:
    """The USPS two-letter code of a state, territory or Armed Forces region; '' if unknown.

    Example:
        >>> parse_state("Puerto Rico")
        'PR'
    """
    key = " ".join(words_of(text))
    return STATES.get(key, "")


@lru_cache(maxsize=8192)
def standard_city(text: str | None) -> str:
    """A city in upper-case ASCII, punctuation removed, abbreviations written out.

    Example:
        >>> standard_city("St. Louis")
        'SAINT LOUIS'
    """
    words = clean_text(text).replace(",", " ").replace("-", " ").replace("/", " ").split()
    return " ".join(CITY_WORDS.get(w, w) for w in words if w not in {"#", "&"})
