"""The word lists behind name standardisation: nicknames, Spanish–English names, surnames.

Three sources, read once on first use:

* the ``nicknames`` package (``NickNamer``): English canonical names and their nicknames
  (ROBERT has BOB, ELIZABETH has LIZ);
* ``data/spanish_english_names.csv`` (ours): Spanish names and their English cognates
  (``translation``: JUAN → JOHN), Spanish hypocorisms and their full names
  (``nickname``: PACO → FRANCISCO), and Spanish given names with no English form
  (``given``: CARMEN);
* ``data/common_surnames.csv`` (ours): frequent surnames, used to tell a maternal surname
  carried in the middle-name field from a second given name, and to split a compound
  surname written joined (GARCIALOPEZ → GARCIA + LOPEZ).

Equivalence classes are deliberately *not* transitive: a name's classes are the name itself,
its canonical names, and for a Spanish name its full Spanish form and English cognates. Two
names are equivalent when their class sets intersect. Closing the nickname graph transitively
would merge unrelated names (BILL is listed under both WILLIAM and ROBERT).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from nicknames import NickNamer

SPANISH_ENGLISH_CSV = "spanish_english_names.csv"
# Both halves of a split joined surname have at least this many letters.
_MIN_SPLIT_PART = 3
SURNAMES_CSV = "common_surnames.csv"

# Particles that belong to the surname word that follows them: DE LA CRUZ is one surname part.
# LE, DO, DU and MAC are left out on purpose: they are common Vietnamese and Chinese surnames.
PARTICLES = frozenset(
    {
        "DE", "DEL", "DELA", "DELAS", "DELOS", "LA", "LAS", "LOS", "DA", "DAS", "DOS", "DI",
        "VAN", "VON", "DER", "DEN", "VANDER", "VANDEN", "TER", "TEN", "MC", "ST", "SAN", "SANTA",
    }
)  # fmt: skip

# The Spanish conjunction joining paternal and maternal surnames: GARCIA Y LOPEZ.
SURNAME_CONJUNCTIONS = frozenset({"Y", "E", "I"})

# Generational suffixes and their normal form.
SUFFIXES: dict[str, str] = {
    "JR": "JR", "JNR": "JR", "JUNIOR": "JR",
    "SR": "SR", "SNR": "SR", "SENIOR": "SR",
    "II": "II", "2ND": "II", "2": "II",
    "III": "III", "3RD": "III", "3": "III",
    "IV": "IV", "4TH": "IV", "4": "IV",
    "V": "V", "5TH": "V",
}  # fmt: skip

# Suffix words recognised when they trail the last name (V alone is too often an initial).
TRAILING_SUFFIXES = frozenset(k for k in SUFFIXES if k not in {"V", "2", "3", "4"})

# Credentials are not part of a person's identity; they are dropped wherever they trail.
CREDENTIALS = frozenset({"ESQ", "MD", "PHD", "DDS", "DMD", "RN", "CPA", "JD"})

# Courtesy titles dropped from the front of the first-name field when a name follows them.
TITLES = frozenset({"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "REV", "FR", "SRA", "SRTA"})

# Middle-name fillers meaning "no middle name".
MIDDLE_FILLERS = frozenset({"NMN", "NMI", "NONE", "UNKNOWN", "UNK", "NULL", "NA"})


@dataclass(frozen=True, slots=True)
class NameTables:
    """The loaded word lists (upper case ASCII)."""

    canonicals: dict[str, frozenset[str]]  # English nickname → canonical names
    spanish_full: dict[str, frozenset[str]]  # Spanish nickname → full Spanish names
    english_of: dict[str, frozenset[str]]  # Spanish name → English cognates
    given_names: frozenset[str]  # every name known as a given name
    surnames: frozenset[str]  # frequent surnames
    surnames_by_prefix: dict[str, tuple[str, ...]]  # first three letters → surnames


def _read_csv(resource: str) -> list[dict[str, str]]:
    text = files("taxgate.standardise").joinpath("data", resource).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


@cache
def name_tables() -> NameTables:
    """Load the word lists once per process."""
    lookup = NickNamer.default_lookup()
    canonical_pairs = [
        (nick.upper(), canonical.upper()) for canonical, nicks in lookup.items() for nick in nicks
    ]
    spanish = _read_csv(SPANISH_ENGLISH_CSV)
    translations = [(r["name"], r["equivalent"]) for r in spanish if r["relation"] == "translation"]
    nicknames = [(r["name"], r["equivalent"]) for r in spanish if r["relation"] == "nickname"]
    given = {name for pair in canonical_pairs for name in pair}
    given.update(name for pair in translations + nicknames for name in pair)
    given.update(r["name"] for r in spanish if r["relation"] == "given")
    surnames = frozenset(row["surname"] for row in _read_csv(SURNAMES_CSV))
    by_prefix: dict[str, list[str]] = {}
    for surname in sorted(surnames, key=len):
        if len(surname) >= _MIN_SPLIT_PART:
            by_prefix.setdefault(surname[:_MIN_SPLIT_PART], []).append(surname)
    return NameTables(
        canonicals=_grouped(canonical_pairs),
        spanish_full=_grouped(nicknames),
        english_of=_grouped(translations),
        given_names=frozenset(given),
        surnames=surnames,
        surnames_by_prefix={k: tuple(v) for k, v in by_prefix.items()},
    )


def given_name_classes(name: str) -> frozenset[str]:
    """The equivalence class ids of one standardised given name.

    Example:
        >>> sorted(given_name_classes("PACO"))
        ['FRANCIS', 'FRANCISCO', 'FRANK', 'PACO']
    """
    if len(name) < 2:
        return frozenset()
    tables = name_tables()
    classes = {name}
    classes.update(tables.canonicals.get(name, ()))
    spanish = {name, *tables.spanish_full.get(name, ())}
    classes.update(spanish)
    for form in spanish:
        classes.update(tables.english_of.get(form, ()))
    return frozenset(classes)


@lru_cache(maxsize=65_536)
def related_given_forms(name: str) -> frozenset[str]:
    """The given names one step from ``name``: its nicknames and full forms, its Spanish full
    forms, and the English forms of those with *their* nicknames.

    Unlike :func:`given_name_classes`, two names are not made one because they share a third:
    ROBERT and WILLIAM both list BILL, and are two names. One translation step is allowed
    (JOSE → JOSEPH → JOE; GUILLERMO → WILLIAM → BILL; PACO → FRANCISCO → FRANCIS → FRANK).

    Example:
        >>> "JOE" in related_given_forms("JOSE"), "WILLIAM" in related_given_forms("ROBERT")
        (True, False)
    """
    if len(name) < 2:
        return frozenset()
    tables = name_tables()
    spanish = {name, *tables.spanish_full.get(name, ()), *_spanish_nicknames().get(name, ())}
    steps = set(spanish)
    for form in spanish:
        steps.update(tables.english_of.get(form, ()))
        steps.update(_spanish_of().get(form, ()))
    forms = set(steps)
    for form in steps:
        forms.update(tables.canonicals.get(form, ()))
        forms.update(_english_nicknames().get(form, ()))
    return frozenset(forms)


@cache
def _english_nicknames() -> dict[str, frozenset[str]]:
    """Canonical English name → its nicknames (the package lists nickname → canonicals)."""
    return _reverse(name_tables().canonicals)


@cache
def _spanish_nicknames() -> dict[str, frozenset[str]]:
    return _reverse(name_tables().spanish_full)


@cache
def _spanish_of() -> dict[str, frozenset[str]]:
    return _reverse(name_tables().english_of)


def _reverse(mapping: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for key, values in mapping.items():
        for value in values:
            out.setdefault(value, set()).add(key)
    return {k: frozenset(v) for k, v in out.items()}


def split_joined_surname(token: str) -> tuple[str, str] | None:
    """Split a compound surname written as one word into two known surnames, if it is one.

    Only words that are not themselves known surnames are split, and both halves must be
    known surnames of at least three letters.

    Example:
        >>> split_joined_surname("GARCIALOPEZ")
        ('GARCIA', 'LOPEZ')
        >>> split_joined_surname("MARTINEZ") is None
        True
    """
    tables = name_tables()
    if len(token) < 2 * _MIN_SPLIT_PART or token in tables.surnames:
        return None
    for head in tables.surnames_by_prefix.get(token[:_MIN_SPLIT_PART], ()):
        tail = token[len(head) :]
        if len(tail) >= _MIN_SPLIT_PART and token.startswith(head) and tail in tables.surnames:
            return head, tail
    return None
