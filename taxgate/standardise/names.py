"""One name standardiser for requests and the master file.

§6103(i)(2)(B)(i) requires the requester to give the taxpayer's *name*; matching (domain §4)
must accept the ways one person's name is written — accents, compound surnames in any form,
a maternal surname dropped or carried as a middle name, nicknames and anglicised forms,
initials, generational suffixes — and nothing looser. :func:`standardise_name` reduces the
four name columns to a :class:`StandardName` whose keys make those variants comparable. The
comparison levels are SQL (:mod:`taxgate.matching.comparisons`), built from the relations in
:mod:`taxgate.standardise.name_agreement`.

``docs/names.md`` explains every rule and choice (why the compound-surname layer is ours and
nameparser is not used, how particles are joined, which middle names count as surnames).

Example:
    >>> n = standardise_name("María José", None, "García-López", None)
    >>> n.given_names, n.surname_parts
    (('MARIA', 'JOSE'), ('GARCIA', 'LOPEZ'))
    >>> sorted(n.surname_keys)
    ['GARCIA', 'GARCIALOPEZ', 'LOPEZ', 'LOPEZGARCIA']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from unidecode import unidecode

from taxgate.standardise.name_tables import (
    CREDENTIALS,
    MIDDLE_FILLERS,
    PARTICLES,
    SUFFIXES,
    SURNAME_CONJUNCTIONS,
    TITLES,
    TRAILING_SUFFIXES,
    given_name_classes,
    name_tables,
    split_joined_surname,
)

# Memo sizes: a batch or a master-file chunk repeats the same raw names and tokens (one
# taxpayer files many documents); these bounds keep memory near 100 MB on 200 M rows.
NAME_CACHE_SIZE = 1 << 16
TOKEN_CACHE_SIZE = 1 << 17


@dataclass(frozen=True, slots=True)
class StandardName:
    """A person's name reduced to comparable keys. Every string is upper case ASCII.

    Attributes:
        given_names: first-name tokens, then the middle-name tokens that are given names
            (MARIA-JOSE gives MARIA, JOSE; particles such as DEL in MARIA DEL CARMEN dropped).
        initials: the first letter of each given name.
        given_key: the first given name, or ''.
        given_classes: equivalence class ids of ``given_key`` (nicknames, Spanish–English
            forms); two given names are equivalent when their classes intersect.
        given_phonetic: Metaphone of ``given_key`` ('' for an initial).
        surname_parts: the surname words; a particle is joined to the word it introduces
            (DE LA CRUZ → DELACRUZ), the conjunction Y is dropped, hyphens split, and a joined
            compound of two known surnames is split (GARCIALOPEZ → GARCIA, LOPEZ).
        surname_keys: every form the surname may be written in: each part, each part without
            its particles (CRUZ), all parts joined in order and, for two parts, reversed.
        middle_as_surname: middle-name words that may be a (maternal) surname.
        surname_keys_with_middle: ``surname_keys`` plus the middle surnames and their joins
            with the last name in either order, for matching a surname carried as a middle.
        surname_phonetic: Metaphone of each surname part.
        suffix: JR, SR, II, III, IV, V or ''.
        full_key: ``GIVEN NAMES|SURNAME PARTS|SUFFIX`` for exact comparison.
    """

    given_names: tuple[str, ...]
    initials: str
    given_key: str
    given_classes: frozenset[str]
    given_phonetic: str
    surname_parts: tuple[str, ...]
    surname_keys: tuple[str, ...]
    middle_as_surname: tuple[str, ...]
    surname_keys_with_middle: tuple[str, ...]
    surname_phonetic: tuple[str, ...]
    suffix: str
    full_key: str

    @property
    def surname_joined(self) -> str:
        """All surname parts joined: the exact surname, spacing and hyphens ignored."""
        return "".join(self.surname_parts)


def standardise_name(
    first: str | None, middle: str | None, last: str | None, suffix: str | None
) -> StandardName:
    """Standardise one name as written in a request or a master-file filing; never raises.

    Memoised on the raw tuple (requests and filings repeat names).

    Args:
        first: the first-name column (may hold several given names).
        middle: the middle-name column (given names, initials or a maternal surname).
        last: the last-name column (compound surnames, particles, a trailing suffix).
        suffix: the suffix column (``Jr.``, ``Junior``, ``III``, ...).

    Returns:
        The :class:`StandardName`; empty parts where a column is empty.

    Example:
        >>> n = standardise_name("Juan", "Lopez", "Garcia Jr.", None)
        >>> n.given_names, n.surname_parts, n.middle_as_surname, n.suffix
        (('JUAN',), ('GARCIA',), ('LOPEZ',), 'JR')
    """
    return _standardise_cached(first or "", middle or "", last or "", suffix or "")


def clear_name_caches() -> None:
    """Drop every memoised result (for benchmarks and long-running workers)."""
    for cached in (
        _standardise_cached,
        name_tokens,
        _first_column,
        _middle_column,
        _last_column,
        _suffix_column,
        _surname_word,
        phonetic_key,
        _given_classes_cached,
        _middle_kind,
    ):
        cached.cache_clear()


# Apostrophes vanish (O'BRIEN → OBRIEN); every other mark separates words, periods included,
# so J.R. is two initials and MA.GUADALUPE two names (JR. and ST. are unaffected).
_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
_TRANSLATE = str.maketrans(
    {chr(c): (None if chr(c) in "'`" else " ") for c in range(128) if chr(c) not in _KEEP}
)


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def name_tokens(text: str) -> tuple[str, ...]:
    """Upper-case ASCII words of one name column, accents and punctuation removed.

    Example:
        >>> name_tokens("  d'Ángelo-Núñez, jr. ")
        ('DANGELO', 'NUNEZ', 'JR')
    """
    if not text.isascii():
        # Lone surrogates cannot be transliterated; drop them before unidecode warns.
        text = unidecode(text.encode("utf-8", "ignore").decode("utf-8"))
    return tuple(text.upper().translate(_TRANSLATE).split())


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def phonetic_key(token: str) -> str:
    """Metaphone of a name word's letters; '' for fewer than two letters."""
    letters = token if token.isalpha() else "".join(c for c in token if c.isalpha())
    if len(letters) < 2:
        return ""
    return str(jellyfish.metaphone(letters))


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _given_classes_cached(token: str) -> frozenset[str]:
    return given_name_classes(token)


_GIVEN, _SURNAME, _BOTH = "given", "surname", "both"


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _middle_kind(token: str) -> str:
    """Whether a middle-name word is a given name, a surname, or may be either."""
    if len(token) == 1:
        return _GIVEN
    tables = name_tables()
    is_given = token in tables.given_names
    is_surname = token in tables.surnames
    if is_given and not is_surname:
        return _GIVEN
    if is_surname and not is_given:
        return _SURNAME
    if not is_given and not is_surname and len(token) >= 5 and token.endswith("EZ"):
        # Unknown -EZ words (IBANEZ, YBARBEZ...) are patronymic surnames, not given names.
        return _SURNAME
    return _BOTH


_JOINERS = PARTICLES | SURNAME_CONJUNCTIONS


def _group_particles(tokens: list[str]) -> list[tuple[str, str, bool]]:
    """Join particles to the word they introduce: ``(word, core, had_particle)`` per group."""
    if _JOINERS.isdisjoint(tokens):
        return [(token, token, False) for token in tokens]
    groups: list[tuple[str, str, bool]] = []
    pending: list[str] = []
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if i < last and token in PARTICLES:
            pending.append(token)
            continue
        if i < last and token in SURNAME_CONJUNCTIONS and groups and not pending:
            continue
        groups.append(("".join(pending) + token, token, bool(pending)))
        pending.clear()
    return groups


def _pop_suffixes(tokens: list[str]) -> str:
    """Remove trailing suffixes and credentials (keeping one word); return the suffix."""
    found = ""
    while len(tokens) > 1 and (tokens[-1] in TRAILING_SUFFIXES or tokens[-1] in CREDENTIALS):
        word = tokens.pop()
        found = SUFFIXES.get(word, found)
    return found


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _suffix_column(text: str) -> str:
    for token in name_tokens(text):
        if token in SUFFIXES:
            return SUFFIXES[token]
    return ""


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _surname_word(word: str) -> tuple[str, ...]:
    """A surname word, split in two when it is a joined compound of known surnames."""
    split = split_joined_surname(word)
    return (word,) if split is None else split


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _first_column(text: str) -> tuple[tuple[str, ...], str]:
    """The given names of the first-name column, and a suffix trailing them."""
    tokens = list(name_tokens(text))
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens.pop(0)
    suffix = _pop_suffixes(tokens)
    # MARIA DEL CARMEN: the particle is not a name of its own.
    given = tuple(t for t in tokens if t not in PARTICLES or len(tokens) == 1)
    return given, suffix


@dataclass(frozen=True, slots=True)
class _Surname:
    parts: tuple[str, ...]
    keys: tuple[str, ...]
    phonetic: tuple[str, ...]
    suffix: str


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _last_column(text: str) -> _Surname:
    """The surname parts and keys of the last-name column, and a suffix trailing it."""
    tokens = list(name_tokens(text))
    suffix = _pop_suffixes(tokens)
    parts: list[str] = []
    keys: set[str] = set()
    for word, core, had_particle in _group_particles(tokens):
        if had_particle:
            parts.append(word)
            keys.add(core)
            continue
        parts.extend(_surname_word(word))
    keys.update(parts)
    if len(parts) > 1:
        keys.add("".join(parts))
    if len(parts) == 2:
        keys.add(parts[1] + parts[0])
    return _Surname(
        parts=tuple(parts),
        keys=tuple(sorted(keys)),
        phonetic=tuple(phonetic_key(p) for p in parts),
        suffix=suffix,
    )


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _middle_column(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str]:
    """Split the middle-name column into given names, surnames, surname cores and a suffix."""
    tokens = [t for t in name_tokens(text) if t not in MIDDLE_FILLERS]
    suffix = next((SUFFIXES[t] for t in tokens if t in TRAILING_SUFFIXES), "")
    tokens = [t for t in tokens if t not in TRAILING_SUFFIXES]
    given: list[str] = []
    surnames: list[str] = []
    cores: list[str] = []
    for word, core, had_particle in _group_particles(tokens):
        kind = _middle_kind(core)
        if had_particle:
            # DE LA CRUZ is a surname; DEL CARMEN may be a given name too: keep both readings.
            surnames.append(word)
            cores.append(core)
            if kind != _SURNAME:
                given.append(core)
            continue
        if kind != _SURNAME:
            given.append(word)
        if kind != _GIVEN:
            surnames.append(word)
    return tuple(given), tuple(surnames), tuple(cores), suffix


def _build(first: str, middle: str, last: str, suffix_text: str) -> StandardName:
    first_given, first_suffix = _first_column(first)
    surname = _last_column(last)
    suffix = _suffix_column(suffix_text) or first_suffix or surname.suffix
    given_names = first_given
    middle_surnames: tuple[str, ...] = ()
    with_middle = surname.keys
    if middle:
        middle_given, middle_surnames, middle_cores, middle_suffix = _middle_column(middle)
        given_names = first_given + middle_given
        suffix = suffix or middle_suffix
        if middle_surnames and surname.parts:
            joined_middle = "".join(middle_surnames)
            joined_last = "".join(surname.parts)
            extra = {*middle_surnames, *middle_cores}
            extra.update((joined_last + joined_middle, joined_middle + joined_last))
            with_middle = tuple(sorted(extra.union(surname.keys)))
    given_key = given_names[0] if given_names else ""
    return StandardName(
        given_names=given_names,
        initials="".join([g[0] for g in given_names]),
        given_key=given_key,
        given_classes=_given_classes_cached(given_key),
        given_phonetic=phonetic_key(given_key),
        surname_parts=surname.parts,
        surname_keys=surname.keys,
        middle_as_surname=middle_surnames,
        surname_keys_with_middle=with_middle,
        surname_phonetic=surname.phonetic,
        suffix=suffix,
        full_key=f"{' '.join(given_names)}|{' '.join(surname.parts)}|{suffix}",
    )


_standardise_cached = lru_cache(maxsize=NAME_CACHE_SIZE)(_build)
