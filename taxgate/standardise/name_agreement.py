"""Comparison levels between two standardised names, for matching and duplicate detection.

Domain §4 lists the variation that must still match (accents, compound surnames in any form,
the maternal surname dropped or carried as a middle name, a second given name present or
absent, initials, nicknames and anglicised forms, single-character typos, first and last
names swapped) and the variation that must not (a different person with the same common name:
Jr/Sr, relatives). These pure functions name the level at which two names agree; the matching
stage weighs the levels (splink-style comparison levels, strongest first). Every function is
symmetric: ``f(a, b) == f(b, a)``.

Example:
    >>> from taxgate.standardise.names import standardise_name as n
    >>> given_name_agreement(n("Paco", None, "Garcia", None), n("Frank", None, "Garcia", None))
    <GivenNameLevel.EQUIVALENT: 'equivalent'>
    >>> surname_agreement(n("Ana", None, "Garcia", None), n("Ana", None, "Garcia-Lopez", None))
    <SurnameLevel.COMPOUND_OVERLAP: 'compound_overlap'>
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from taxgate.standardise.name_tables import (
    given_name_classes,
    name_tables,
    related_given_forms,
    split_joined_surname,
)
from taxgate.standardise.names import StandardName, phonetic_key

# Typo tolerance: one edit (insert, delete, substitute, transpose) or a Jaro-Winkler
# similarity this high. Words shorter than TYPO_MIN_LENGTH never count as typos of each
# other: LI/LU or AL/ED are different names, not misspellings.
TYPO_MAX_EDITS = 1
TYPO_MIN_JARO_WINKLER = 0.92
TYPO_MIN_LENGTH = 3


class GivenNameLevel(StrEnum):
    """How two first given names agree, strongest first."""

    EXACT = "exact"  # the same first given name
    EQUIVALENT = "equivalent"  # nickname or anglicised form (PACO/FRANK, JUAN/JOHN)
    INITIAL = "initial"  # one side is an initial of the other (J/JOHN), or both the same initial
    TYPO = "typo"  # one edit apart, or Jaro-Winkler >= 0.92
    SECOND_GIVEN = "second_given"  # the first given name of one is the second of the other
    DISAGREE = "disagree"  # none of the above
    MISSING = "missing"  # one side has no given name


class SurnameLevel(StrEnum):
    """How two surnames agree, strongest first."""

    EXACT = "exact"  # the same surname parts (spacing, hyphens, accents ignored)
    COMPOUND_OVERLAP = "compound_overlap"  # a shared part or joined form, maybe via the middle
    SWAPPED = "swapped"  # first and last names swapped between the two
    TYPO = "typo"  # a surname part one edit apart, or Jaro-Winkler >= 0.92
    DISAGREE = "disagree"  # none of the above
    MISSING = "missing"  # one side has no surname


def is_typo(a: str, b: str) -> bool:
    """Whether two different words are plausibly one misspelt as the other.

    Example:
        >>> is_typo("GARCIA", "GARICA"), is_typo("LI", "LU")
        (True, False)
    """
    if a == b or min(len(a), len(b)) < TYPO_MIN_LENGTH:
        return False
    if DamerauLevenshtein.distance(a, b, score_cutoff=TYPO_MAX_EDITS + 1) <= TYPO_MAX_EDITS:
        return True
    # Jaro-Winkler's prefix bonus is not symmetric in every implementation; take both ways.
    similarity = min(JaroWinkler.similarity(a, b), JaroWinkler.similarity(b, a))
    return similarity >= TYPO_MIN_JARO_WINKLER


def given_names_equivalent(a: StandardName, b: StandardName) -> bool:
    """Whether the first given names are the same or one is a nickname/anglicised form of the
    other (a direct relation: ROBERT and WILLIAM both have BILL, yet are not one name)."""
    if len(a.given_key) < 2 or len(b.given_key) < 2:
        return False
    return a.given_key == b.given_key or related_given_names(a.given_key, b.given_key)


def related_given_names(a: str, b: str) -> bool:
    """One given name is listed as a nickname or translation of the other, or the two are
    spellings of one name.

    Spellings of one name (STEPHEN / STEVEN, CATHERINE / KATHERINE, GEOFFREY / JEFFREY)
    sound the same (one Metaphone key) and share a nickname or translation. Sharing a form
    alone is not enough: ROBERT and WILLIAM both list BILL, and are two names.

    Example:
        >>> related_given_names("BILL", "WILLIAM"), related_given_names("ROBERT", "WILLIAM")
        (True, False)
        >>> related_given_names("STEPHEN", "STEVEN"), related_given_names("MARIO", "MARIA")
        (True, False)
    """
    forms_a, forms_b = related_given_forms(a), related_given_forms(b)
    if b in forms_a or a in forms_b:
        return True
    key = phonetic_key(a)
    return key != "" and key == phonetic_key(b) and not forms_a.isdisjoint(forms_b)


def distinct_given_names(a: str, b: str) -> bool:
    """Two different given names that are each a listed name and not one name.

    A one-letter difference between two listed names is another person, not a typo: JUAN
    and JUANA, JOHN and JOAN, MARTIN and MARTHA (a relative at the same address). Listed
    names are those of the nickname and translation tables. The masculine and feminine forms
    of one Spanish name (MARIO / MARIA, DANIEL / DANIELA) are two names too, listed or not.

    Example:
        >>> distinct_given_names("JUAN", "JUANA"), distinct_given_names("DONNA", "DNNA")
        (True, False)
        >>> distinct_given_names("MARIO", "MARIA"), distinct_given_names("BILL", "WILLIAM")
        (True, False)
    """
    if a == b or related_given_names(a, b):
        return False
    listed = name_tables().given_names
    return (a in listed and b in listed) or _gender_forms(a, b)


def common_other_names(a: str, b: str, holders: Mapping[str, int]) -> bool:
    """Two given names one slip apart that are each a name many people hold.

    The nickname and translation tables list English and Spanish names; HUNG and HUONG (a
    Vietnamese man's and woman's name) are in neither, so a slip between them looks like a
    typo. The master file knows better: when each spelling is the given name of at least
    ``COMMON_NAME_MIN_HOLDERS`` taxpayers, and the rarer is held by at least
    ``COMMON_NAME_MIN_SHARE`` of the commoner's holders, both are names in their own right.
    A typo of a common name is rare beside it (JSOE beside JOSE), and so stays a typo.

    Args:
        holders: taxpayers holding each given name in the master file.

    Example:
        >>> common_other_names("HUNG", "HUONG", {"HUNG": 3874, "HUONG": 3257})
        True
        >>> common_other_names("JOSE", "JSOE", {"JOSE": 14478, "JSOE": 31})
        False
    """
    if a == b or related_given_names(a, b):
        return False
    fewer, more = sorted((holders.get(a, 0), holders.get(b, 0)))
    return fewer >= COMMON_NAME_MIN_HOLDERS and fewer >= COMMON_NAME_MIN_SHARE * more


COMMON_NAME_MIN_HOLDERS = 20
COMMON_NAME_MIN_SHARE = 0.05


def _gender_forms(a: str, b: str) -> bool:
    """MARIO / MARIA (final O and A), JUAN / JUANA (A added): one name's two genders."""
    short, long = sorted((a, b), key=len)
    if len(short) < TYPO_MIN_LENGTH:
        return False
    if len(short) == len(long):
        return short[:-1] == long[:-1] and {short[-1], long[-1]} == {"O", "A"}
    # JUAN / JUANA, DANIEL / DANIELA; but FATIMAA is FATIMA misspelt, YOLAND is YOLANDA.
    return long == short + "A" and short in name_tables().given_names and not short.endswith("A")


def misspelt_related_given_name(a: str, b: str) -> bool:
    """One given name is one slip from a nickname or translation of the other.

    Two variations at once (a nickname, then a typo in it): ``TOYN`` is ``TONY`` misspelt,
    and TONY is ANTHONY's nickname; ``ALJEANDRO`` is ``ALEJANDRO`` misspelt, and ALEX is
    ALEJANDRO's. The slip must be a single edit (no Jaro–Winkler leeway), the misspelt word
    at least four letters (and the nickname too, when the slip is in the nickname), since the
    relation already spends one step, and the misspelt word must not be a listed given name
    itself (JULIA is a name, not JULIO misspelt).

    Example:
        >>> misspelt_related_given_name("TOYN", "ANTHONY")
        True
        >>> misspelt_related_given_name("FRNAK", "FRANCISCO")
        True
        >>> misspelt_related_given_name("ALJEANDRO", "ALEX")  # ALEJANDRO misspelt
        True
        >>> misspelt_related_given_name("JMAES", "JIM")  # JAMES misspelt
        True
        >>> misspelt_related_given_name("ANA", "ANN"), misspelt_related_given_name("JULIA", "JULIO")
        (False, False)
    """
    if a == b or min(len(a), len(b)) < 2:
        return False
    if min(len(a), len(b)) > TYPO_MIN_LENGTH and (
        _slip_from_any(a, related_given_forms(b)) or _slip_from_any(b, related_given_forms(a))
    ):
        return True
    return _corrected_relates(a, b) or _corrected_relates(b, a)


def _corrected_relates(word: str, other: str) -> bool:
    """``word`` is one slip from a listed name that ``other`` is a form of.

    The typo may sit in the full form (ALJEANDRO is ALEJANDRO misspelt, JMAES is JAMES), and
    the relation lists ALEX under ALEJANDRO, not ALEJANDRO under ALEX; so the misspelt word
    is corrected to the listed names one edit away. Only the misspelt word needs four letters:
    the other is a listed form as written (JIM).
    """
    if len(word) <= TYPO_MIN_LENGTH:
        return False
    return any(related_given_names(known, other) for known in _known_given_one_slip_from(word))


def forms_of_one_name(a: str, b: str) -> bool:
    """Two given names that are both forms of one name, a form at least as long as the
    shorter of them: LIZ and BETTY are both ELIZABETH, BILLY and WILL both WILLIAM, JOHNNY
    and JACK both JOHN. Neither need list the other. A shared shorter nickname is not
    enough: MARTIN and MARTHA are both MARTY, ROBERT and WILLIAM both BILL.

    Example:
        >>> forms_of_one_name("LIZ", "BETTY"), forms_of_one_name("JOHNNY", "JACK")
        (True, True)
        >>> forms_of_one_name("MARTIN", "MARTHA"), forms_of_one_name("ROBERT", "WILLIAM")
        (False, False)
    """
    if len(a) < 2 or len(b) < 2:
        return False
    shared = related_given_forms(a) & related_given_forms(b)
    return any(len(form) >= min(len(a), len(b)) for form in shared)


def short_forms_of_one_name(a: str, b: str) -> bool:
    """Two given names that are each a form of a third, fuller name: LIZ and BETTY are both
    ELIZABETH, JOHNNY and JACK both JOHN, LUPITA and LUPE both GUADALUPE.

    The third name must be a canonical (or Spanish full) name of both, as
    :func:`given_name_classes` lists them. A nickname that two names merely share is not
    enough (ROSA and MARIA both list ROSEMARY, JOSE and JUANA both JODY).

    Example:
        >>> short_forms_of_one_name("LIZ", "BETTY"), short_forms_of_one_name("JOHNNY", "JACK")
        (True, True)
        >>> short_forms_of_one_name("ROSA", "MARIA"), short_forms_of_one_name("LIZ", "ELIZABETH")
        (False, False)
    """
    if a == b:
        return False
    return bool((given_name_classes(a) & given_name_classes(b)) - {a, b})


def misspelt_forms_of_one_name(a: str, b: str) -> bool:
    """Both given names misspelt, each one slip from a listed form of one name.

    Two requests may each vary one name twice over: a nickname with a slip against the full
    name with another (``PKTTY`` is PATTY misspelt, ``PAKRICIA`` is PATRICIA misspelt, and
    PATTY is PATRICIA's nickname), or two slips of one name (``PATRCIA`` / ``PARTICIA``).
    Neither word may be a listed name itself (then it is that name, not a slip), and each
    needs four letters.

    Example:
        >>> misspelt_forms_of_one_name("PKTTY", "PAKRICIA")
        True
        >>> misspelt_forms_of_one_name("PKTTY", "MAKIA")  # PATTY and MARIA
        False
    """
    if a == b or min(len(a), len(b)) <= TYPO_MIN_LENGTH:
        return False
    known_a, known_b = _known_given_one_slip_from(a), _known_given_one_slip_from(b)
    return any(x == y or related_given_names(x, y) for x in known_a for y in known_b)


@lru_cache(maxsize=16_384)
def _known_given_one_slip_from(word: str) -> tuple[str, ...]:
    """The listed given names (nickname and translation tables) one edit from ``word``."""
    if word in name_tables().given_names:
        return ()
    matches = process.extract(
        word,
        _given_name_list(),
        scorer=DamerauLevenshtein.distance,
        score_cutoff=TYPO_MAX_EDITS,
        limit=None,
    )
    return tuple(sorted(m[0] for m in matches if len(m[0]) > TYPO_MIN_LENGTH))


@cache
def _given_name_list() -> list[str]:
    return sorted(name_tables().given_names)


def _slip_from_any(word: str, forms: frozenset[str]) -> bool:
    if word in name_tables().given_names:
        return False  # a listed name is a name of its own (MARIO is not MARIE misspelt)
    return any(
        len(form) > TYPO_MIN_LENGTH
        and DamerauLevenshtein.distance(word, form, score_cutoff=TYPO_MAX_EDITS + 1)
        <= TYPO_MAX_EDITS
        for form in forms
    )


def given_name_agreement(a: StandardName, b: StandardName) -> GivenNameLevel:
    """The level at which the first given names of ``a`` and ``b`` agree.

    Checks, in order: missing, exact, equivalent, initial, typo, second_given, disagree. An
    initial never counts as ``exact``: J and J are both initials, and weak evidence.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> given_name_agreement(n("J.", None, "Ruiz", None), n("Jose", None, "Ruiz", None))
        <GivenNameLevel.INITIAL: 'initial'>
        >>> given_name_agreement(n("Maria Jose", None, "Ruiz", None), n("Jose", None, "Ruiz", None))
        <GivenNameLevel.SECOND_GIVEN: 'second_given'>
    """
    key_a, key_b = a.given_key, b.given_key
    if not key_a or not key_b:
        return GivenNameLevel.MISSING
    if len(key_a) == 1 or len(key_b) == 1:
        if key_a[0] == key_b[0]:
            return GivenNameLevel.INITIAL
    elif key_a == key_b:
        return GivenNameLevel.EXACT
    elif related_given_names(a.given_key, b.given_key):
        return GivenNameLevel.EQUIVALENT
    elif is_typo(key_a, key_b):
        return GivenNameLevel.TYPO
    if _second_given(a, key_b) or _second_given(b, key_a):
        return GivenNameLevel.SECOND_GIVEN
    return GivenNameLevel.DISAGREE


def _second_given(name: StandardName, other_first: str) -> bool:
    return len(other_first) > 1 and len(name.given_names) > 1 and name.given_names[1] == other_first


def surname_agreement(a: StandardName, b: StandardName) -> SurnameLevel:
    """The level at which the surnames of ``a`` and ``b`` agree.

    Checks, in order: missing, exact (same parts joined), swapped (each one's first given
    name is among the other's surname keys, and the first given names are not equivalent),
    compound_overlap (a shared key, counting a middle name read as a maternal surname), typo
    (any two parts), disagree. Swapped comes before compound_overlap because a swapped name
    often shares a key too (ROSARIO REYES MERCEDES against MERCEDES ROSARIO REYES); it is
    the more telling reading.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> joined = n("Ana", None, "Garcialopez", None)
        >>> surname_agreement(n("Ana", None, "Garcia Lopez", None), joined)
        <SurnameLevel.EXACT: 'exact'>
        >>> surname_agreement(n("Ana", "Lopez", "Garcia", None), joined)
        <SurnameLevel.COMPOUND_OVERLAP: 'compound_overlap'>
        >>> surname_agreement(n("Garcia", None, "Juan", None), n("Juan", None, "Garcia", None))
        <SurnameLevel.SWAPPED: 'swapped'>
    """
    if not a.surname_parts or not b.surname_parts:
        return SurnameLevel.MISSING
    if a.surname_joined == b.surname_joined:
        return SurnameLevel.EXACT
    if names_swapped(a, b) and not given_names_equivalent(a, b):
        return SurnameLevel.SWAPPED
    keys_a, keys_b = a.surname_keys_with_middle, b.surname_keys_with_middle
    if not set(keys_a).isdisjoint(keys_b):
        return SurnameLevel.COMPOUND_OVERLAP
    if _joined_begins(a.surname_keys, b.surname_keys) or _joined_begins(
        b.surname_keys, a.surname_keys
    ):
        return SurnameLevel.COMPOUND_OVERLAP
    if any(is_typo(x, y) for x in a.surname_parts for y in b.surname_parts):
        return SurnameLevel.TYPO
    if is_typo(a.surname_joined, b.surname_joined):
        return SurnameLevel.TYPO
    return SurnameLevel.DISAGREE


# A joined compound that begins with a whole surname of the other name (GONZALEZOLVERA and
# GONZALEZ) when the join cannot be split from the word list: the first part needs four
# letters and the rest four more, so that CRUZADO does not begin with CRUZ.
JOINED_PREFIX_MIN = 4
JOINED_REST_MIN = 4


def _joined_begins(joined_keys: tuple[str, ...], keys: tuple[str, ...]) -> bool:
    return any(
        len(k) >= JOINED_PREFIX_MIN and len(j) >= len(k) + JOINED_REST_MIN and j.startswith(k)
        for j in joined_keys
        for k in keys
    )


def names_swapped(a: StandardName, b: StandardName) -> bool:
    """Whether first and last names are swapped between ``a`` and ``b``.

    True when ``a``'s first given name is one of ``b``'s surname keys and ``b``'s first given
    name is one of ``a``'s (initials never count). A first name that is a joined compound
    surname counts by its parts (MARTINEZGONZALEZ as MARTINEZ, GONZALEZ).
    """
    if len(a.given_key) < 2 or len(b.given_key) < 2:
        return False
    return _given_in_surname(a, b) and _given_in_surname(b, a)


def _given_in_surname(name: StandardName, other: StandardName) -> bool:
    keys = other.surname_keys_with_middle
    if name.given_key in keys:
        return True
    split = split_joined_surname(name.given_key)
    return split is not None and not set(split).isdisjoint(keys)


def suffixes_conflict(a: StandardName, b: StandardName) -> bool:
    """Whether both names carry a generational suffix and the suffixes differ (JR vs SR)."""
    return bool(a.suffix and b.suffix and a.suffix != b.suffix)


def second_given_conflict(a: StandardName, b: StandardName) -> bool:
    """Whether both names carry a full second given name and those names differ.

    JUAN CARLOS and JUAN PABLO at one address are two people (brothers), not one; an initial
    (JUAN C) or an absent second name is no conflict, and neither is a middle name that is
    the other name's surname (FRANCISCO CASTANEDA HERNANDEZ carries the maternal surname of
    FRANCISCO DANIEL HERNANDEZ-CASTANEDA as a middle name, domain §4).

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> juan_carlos = n("Juan", "Carlos", "Ruiz", None)
        >>> second_given_conflict(juan_carlos, n("Juan", "Pablo", "Ruiz", None))
        True
        >>> a = n("Francisco", "Daniel", "Hernandez-Castaneda", None)
        >>> second_given_conflict(a, n("Francisco", "Castaneda", "Hernandez", None))
        False
    """
    if len(a.given_names) < 2 or len(b.given_names) < 2:
        return False
    second_a, second_b = a.given_names[1], b.given_names[1]
    if len(second_a) < 2 or len(second_b) < 2 or second_a == second_b:
        return False
    if second_a in b.surname_keys or second_b in a.surname_keys:
        return False
    if _maternal_as_middle(a, second_a, b) or _maternal_as_middle(b, second_b, a):
        return False
    return not related_given_names(second_a, second_b)


def _maternal_as_middle(name: StandardName, middle: str, other: StandardName) -> bool:
    """``middle`` may be ``name``'s maternal surname carried as a middle name, and ``other``
    wrote one surname only (the maternal dropped): BLANCA SANTIAGO CRUZ and BLANCA ELENA
    CRUZ are BLANCA ELENA CRUZ SANTIAGO written twice (domain §4)."""
    return (
        middle in name.middle_as_surname
        and len(name.surname_parts) == 1
        and len(other.surname_parts) == 1
    )


def names_equivalent(a: StandardName, b: StandardName) -> bool:
    """Whether ``a`` and ``b`` name the same person on names alone, with no contradiction.

    The first given names are the same or equivalent, the surnames share a key (exact or
    compound overlap), and neither the suffixes nor full second given names contradict. Used
    for in-batch duplicates; matching weighs the finer levels instead.

    Example:
        >>> from taxgate.standardise.names import standardise_name as n
        >>> names_equivalent(n("Pepe", None, "Garcia Lopez", None), n("Jose", None, "Garcia", None))
        True
        >>> names_equivalent(n("Jose", None, "Garcia", "Jr"), n("Jose", None, "Garcia", "Sr"))
        False
    """
    if not given_names_equivalent(a, b):
        return False
    level = surname_agreement(a, b)
    if level not in (SurnameLevel.EXACT, SurnameLevel.COMPOUND_OVERLAP):
        return False
    return not suffixes_conflict(a, b) and not second_given_conflict(a, b)
