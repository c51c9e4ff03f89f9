"""The Fellegi–Sunter comparisons, as lists of levels (Splink comparison creators).

Each level has a stable label; the decision policy reads the labels, never level numbers, so
that adding a level cannot silently change what counts as agreement. The SQL is DuckDB's.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from taxgate.standardise.name_agreement import (
    JOINED_GIVEN_REST_MIN,
    JOINED_PREFIX_MIN,
    JOINED_REST_MIN,
    TYPO_MAX_EDITS,
    TYPO_MIN_JARO_WINKLER,
    TYPO_MIN_LENGTH,
)

# Labels of the levels, per comparison, in order (null level first, else level last).
GIVEN = "given_name"
SURNAME = "surname"
SUFFIX = "name_suffix"
DOB = "date_of_birth"
TIN = "tin"
HOUSE = "house"
STREET = "street"
UNIT = "unit"
LOCALITY = "locality"
# The given-name level of names exchanged with a slip in an exchanged word.
SWAPPED_TYPO = "swapped_typo"


def _given_is_surname(side: str, other: str) -> str:
    """``side``'s first given name is one of ``other``'s surname keys, a joined compound that
    begins with one (DIAZESTRADA, written in the first-name field, against DIAZ), or a name
    one of whose forms ``other`` wrote as its surname (MARY against a surname field MARIA)."""
    given, keys, forms = f"given_key_{side}", f"surname_keys_{other}", f"given_classes_{side}"
    return (
        f"(list_contains({keys}, {given}) OR list_has_any({forms}, {keys}) "
        f"OR len(list_filter({keys}, lambda k: length(k) >= {JOINED_PREFIX_MIN} "
        f"AND length({given}) >= length(k) + {JOINED_GIVEN_REST_MIN} "
        f"AND starts_with({given}, k))) > 0)"
    )


# The shortest name whose slip, by way of another form of a name, is still read as that form.
FORM_SLIP_MIN_LENGTH = 4

_SWAPPED = f"{_given_is_surname('l', 'r')} AND {_given_is_surname('r', 'l')}"


def _given_is_surname_key(side: str, other: str) -> str:
    """``side``'s first given name is one of ``other``'s surname keys as written, or a joined
    compound that begins with one: the exchange of :func:`_given_is_surname` without the
    step through another form of the name."""
    given, keys = f"given_key_{side}", f"surname_keys_{other}"
    return (
        f"(list_contains({keys}, {given}) "
        f"OR len(list_filter({keys}, lambda k: length(k) >= {JOINED_PREFIX_MIN} "
        f"AND length({given}) >= length(k) + {JOINED_GIVEN_REST_MIN} "
        f"AND starts_with({given}, k))) > 0)"
    )


# The names exchanged as they are written (TANAKA HIROSHI for HIROSHI TANAKA).
_SWAPPED_AS_WRITTEN = f"{_given_is_surname_key('l', 'r')} AND {_given_is_surname_key('r', 'l')}"


def _in_surname_field(side: str, key: str) -> str:
    """``key`` is written in ``side``'s surname field (a part, a join of parts, or a piece
    of one), not only among the middle names kept as possible maternal surnames."""
    return f"contains(replace(surname_full_{side}, ' ', ''), {key})"


def _joined_begins(side: str, other: str) -> str:
    """A joined compound of ``side`` that begins with a whole surname key of ``other``'s
    surname field and goes on for a surname of its own (GONZALEZOLVERA against GONZALEZ;
    not CRUZADO and CRUZ): the join cannot always be split from a word list, yet the
    paternal part is plain."""
    return (
        f"len(list_filter(surname_keys_{side}, lambda j: len(list_filter(surname_keys_{other}, "
        f"lambda k: length(k) >= {JOINED_PREFIX_MIN} AND length(j) >= length(k) + "
        f"{JOINED_REST_MIN} AND starts_with(j, k) AND {_in_surname_field(other, 'k')})) > 0)) > 0"
    )


# The two sides share a surname key that one of them wrote in its surname field: a middle
# name both sides carry (JING HOA CHANG, JING HOA HO) is a second given name they share,
# weighed as one (name_channel.middle_bits), not a surname part.
_SHARED_SURNAME_KEY = (
    "len(list_filter(list_intersect(surname_keys_l, surname_keys_r), lambda s: "
    f"{_in_surname_field('l', 's')} OR {_in_surname_field('r', 's')})) > 0"
)


def _joined_given(side: str, other: str) -> str:
    """``side`` wrote as one given name what ``other`` wrote as two (JIYOUNG / JI-YOUNG):
    ``side``'s key is among ``other``'s given names (the joined form) and begins with
    ``other``'s first given name."""
    key, names, first = f"given_key_{side}", f"given_names_{other}", f"given_key_{other}"
    return (
        f"(length({key}) > length({first}) AND list_contains({names}, {key}) "
        f"AND starts_with({key}, {first}))"
    )


# Letters and shapes that scanners and handwriting readers confuse, folded to one form.
_OCR_FOLDS = (("RN", "M"), ("CL", "D"), ("VV", "W"), ("0", "O"), ("1", "I"), ("5", "S"))


def _ocr_folded(column: str) -> str:
    sql = column
    for seen, read in _OCR_FOLDS:
        sql = f"replace({sql}, '{seen}', '{read}')"
    return sql


def _form_slip(side: str, other: str) -> str:
    """``side``'s first given name is one slip from a direct form of ``other``'s (JHONNY for
    JOHN by way of JOHNNY): two variations at once, a short form written with a slip. Names
    of fewer than FORM_SLIP_MIN_LENGTH letters are too close to other names for a slip to
    say anything (BEN is one letter from KEN)."""
    given, forms = f"given_key_{side}", f"given_classes_{other}"
    return (
        f"(length({given}) >= {FORM_SLIP_MIN_LENGTH} AND len(list_filter({forms}, "
        f"lambda f: length(f) >= {FORM_SLIP_MIN_LENGTH} "
        f"AND damerau_levenshtein({given}, f) <= {TYPO_MAX_EDITS})) > 0)"
    )


# One surname part one slip (or a scanner's confusion) from a part of the other (HERNANDE
# RIVERA / HERNANDEZ, HERNANCLEZ / HERNANDEZ SANDOVAL): the whole strings differ too much
# for the full-string test, yet the paternal names are one.
_PART_TYPO = (
    "len(list_filter(surname_keys_l, lambda x: length(x) > 3 AND len(list_filter("
    "surname_keys_r, lambda y: length(y) > 3 "
    f"AND (damerau_levenshtein(x, y) <= {TYPO_MAX_EDITS} "
    f"OR {_ocr_folded('x')} = {_ocr_folded('y')}))) > 0)) > 0"
)


def _given_near_surname(side: str, other: str) -> str:
    """``side``'s first given name is one slip (or a scanner's confusion) from one of
    ``other``'s surname keys: the exchange of :func:`_given_is_surname_key` written with a
    slip in the exchanged word (MOOR THOMAS for THOMAS MOORE)."""
    given, keys = f"given_key_{side}", f"surname_keys_{other}"
    return (
        f"(length({given}) >= {TYPO_MIN_LENGTH} AND len(list_filter({keys}, "
        f"lambda k: length(k) >= {TYPO_MIN_LENGTH} "
        f"AND (damerau_levenshtein({given}, k) <= {TYPO_MAX_EDITS} "
        f"OR {_ocr_folded(given)} = {_ocr_folded('k')}))) > 0)"
    )


# First and last names exchanged, each exchanged word as written or one slip from it: a typo
# on top of the exchange, which the ``swapped`` levels (exact words) do not see.
_SWAPPED_SLIP = f"{_given_near_surname('l', 'r')} AND {_given_near_surname('r', 'l')}"


def _ocr_same(column: str) -> str:
    """The two values differ, yet are one once scanner confusions are folded."""
    left, right = f"{column}_l", f"{column}_r"
    return f"({left} <> {right} AND {_ocr_folded(left)} = {_ocr_folded(right)})"


def _null(label: str, condition: str) -> Any:
    return cll.CustomLevel(condition, label).configure(is_null_level=True)


def _level(condition: str, label: str, **config: Any) -> Any:
    level = cll.CustomLevel(condition, label)
    return level.configure(**config) if config else level


def given_name_comparison() -> Any:
    """First given name, with nickname / anglicised forms, second given names and initials.

    ``equivalent`` needs a direct relation (one name lists the other as a nickname or a
    translation) or two spellings of one name (one sound and a shared form: STEPHEN and
    STEVEN), never two names that merely share a third: ROBERT and WILLIAM both list BILL,
    and are two people. It is :func:`taxgate.standardise.name_agreement.related_given_names` in SQL.

    ``typo`` is one slip between names of three letters or more, or the same name once the
    letters a scanner confuses are folded (RN/M, CL/D, 0/O, 1/I). Whether a slip is a slip
    or another person's own name (DONNA / DNNA against HUNG / DUNG) is not decided here:
    the name channel weighs the written name by how many people carry it.

    ``swapped`` is the first and last names exchanged as written (TANAKA HIROSHI);
    ``swapped_form`` exchanged through another form of the given name (REED PAT for PATRICK
    REED), which is the ``equivalent`` level's evidence written in the other field: a short
    form shared by several full names tells no more for being exchanged.

    ``swapped_typo`` is the exchange with a slip in an exchanged word (MOOR THOMAS for
    THOMAS MOORE; VERVANTES ADRIANA for ADRIANA CERVANTES): the ``typo`` level's evidence,
    written in the other field.

    ``form_typo`` is a slip of one of the other name's direct forms (a nickname or translation
    written with a slip: JHONNY for JOHN); the name channel weighs it as it weighs a slip,
    by how many people carry the written name.

    ``sounds_alike`` is one sound (metaphone) and at most three edits: a transliteration or
    respelling (MUHAMMAD / MOHAMMED, YUSUF / YOUSSEF, PHRANK / FRANK, CATHY / KATHY).
    """
    return cl.CustomComparison(
        output_column_name=GIVEN,
        comparison_levels=[
            _null("null", "given_key_l IS NULL OR given_key_r IS NULL"),
            _level("given_key_l = given_key_r", "exact", tf_adjustment_column="given_key"),
            _level(f"{_joined_given('l', 'r')} OR {_joined_given('r', 'l')}", "joined"),
            _level(
                "list_contains(given_classes_r, given_key_l) "
                "OR list_contains(given_classes_l, given_key_r) "
                "OR (given_phonetic_l = given_phonetic_r AND given_phonetic_l <> '' "
                "AND len(list_intersect(given_classes_l, given_classes_r)) > 0)",
                "equivalent",
            ),
            _level(
                "list_contains(given_names_r, given_key_l) "
                "OR list_contains(given_names_l, given_key_r)",
                "second_given",
            ),
            _level(_SWAPPED_AS_WRITTEN, "swapped"),
            _level(_SWAPPED, "swapped_form"),
            _level(_SWAPPED_SLIP, SWAPPED_TYPO),
            _level(
                f"(length(given_key_l) >= {TYPO_MIN_LENGTH} "
                f"AND length(given_key_r) >= {TYPO_MIN_LENGTH} "
                f"AND damerau_levenshtein(given_key_l, given_key_r) <= {TYPO_MAX_EDITS}) "
                f"OR {_ocr_same('given_key')}",
                "typo",
            ),
            _level(
                "given_phonetic_l = given_phonetic_r AND length(given_phonetic_l) >= 2 "
                "AND least(length(given_key_l), length(given_key_r)) >= 4 "
                "AND damerau_levenshtein(given_key_l, given_key_r) <= 3",
                "sounds_alike",
            ),
            _level(f"{_form_slip('l', 'r')} OR {_form_slip('r', 'l')}", "form_typo"),
            _level(
                "(length(given_key_l) = 1 OR length(given_key_r) = 1) "
                "AND left(given_key_l, 1) = left(given_key_r, 1)",
                "initial",
            ),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def surname_comparison() -> Any:
    """Surname parts: exact, compound overlap (either order, joined, maternal dropped), swapped
    with the given name (as written, through another form, or with a slip in an exchanged
    word), and a typo in the whole surname or in one part."""
    return cl.CustomComparison(
        output_column_name=SURNAME,
        comparison_levels=[
            _null("null", "surname_full_l IS NULL OR surname_full_r IS NULL"),
            _level("surname_full_l = surname_full_r", "exact", tf_adjustment_column="surname_full"),
            _level(
                f"{_SHARED_SURNAME_KEY} "
                f"OR {_joined_begins('l', 'r')} OR {_joined_begins('r', 'l')}",
                "compound",
            ),
            _level(f"({_SWAPPED}) OR ({_SWAPPED_SLIP})", "swapped"),
            _level(
                "jaro_winkler_similarity(surname_full_l, surname_full_r) "
                f">= {TYPO_MIN_JARO_WINKLER} "
                "OR (length(surname_full_l) > 3 AND length(surname_full_r) > 3 "
                f"AND damerau_levenshtein(surname_full_l, surname_full_r) <= {TYPO_MAX_EDITS}) "
                f"OR {_PART_TYPO} OR {_ocr_same('surname_full')}",
                "typo",
            ),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def exact_comparison(name: str, column: str) -> Any:
    """null / exact / disagree on one column."""
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=[
            _null("null", f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", "exact"),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def dob_comparison() -> Any:
    """Date of birth, by how far apart two dates are written.

    ``typo``: one character off, or day and month swapped. ``default_day``: the same year,
    one side written as January 1 (the default an agency records when it knows only the
    year). ``near``: the same year with the month or day recorded differently, or the year
    one off with the same month and day. ``disagree``: anything farther, which happens to one
    person far less often than to two.
    """
    year_l, year_r = "substr(date_of_birth_l, 1, 4)", "substr(date_of_birth_r, 1, 4)"
    month_day_l, month_day_r = "substr(date_of_birth_l, 6, 5)", "substr(date_of_birth_r, 6, 5)"
    return cl.CustomComparison(
        output_column_name=DOB,
        comparison_levels=[
            _null("null", "date_of_birth_l IS NULL OR date_of_birth_r IS NULL"),
            _level("date_of_birth_l = date_of_birth_r", "exact"),
            _level(
                "damerau_levenshtein(date_of_birth_l, date_of_birth_r) <= 1 "
                f"OR ({year_l} = {year_r} "
                "AND substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2) "
                "AND substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2))",
                "typo",
            ),
            _level(
                f"{year_l} = {year_r} AND ({month_day_l} = '01-01' OR {month_day_r} = '01-01')",
                "default_day",
            ),
            _level(
                f"{year_l} = {year_r} OR ({month_day_l} = {month_day_r} "
                f"AND abs(TRY_CAST({year_l} AS INTEGER) - TRY_CAST({year_r} AS INTEGER)) = 1)",
                "near",
            ),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def street_comparison() -> Any:
    """Street: the full street key, the name alone (suffix or direction differ), a typo (one
    slip, a transposition included, a close spelling, or a scanner's confusion: ACLAMS or
    VVILLOW for ADAMS or WILLOW)."""
    return cl.CustomComparison(
        output_column_name=STREET,
        comparison_levels=[
            _null("null", "street_name_l IS NULL OR street_name_r IS NULL"),
            _level("street_key_l = street_key_r", "exact"),
            _level("street_name_l = street_name_r", "name"),
            _level(
                "jaro_winkler_similarity(street_name_l, street_name_r) >= 0.9 "
                "OR (least(length(street_name_l), length(street_name_r)) >= 3 "
                "AND damerau_levenshtein(street_name_l, street_name_r) <= 1) "
                f"OR {_ocr_same('street_name')}",
                "typo",
            ),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def unit_comparison() -> Any:
    """Unit: the same explicit unit, or a different one (a different delivery point)."""
    return cl.CustomComparison(
        output_column_name=UNIT,
        comparison_levels=[
            _null("null", "unit_number_l IS NULL OR unit_number_r IS NULL"),
            _level("unit_number_l = unit_number_r", "exact"),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def locality_comparison() -> Any:
    """Locality: the same ZIP; (a ZIP missing) the same city and state; or a ZIP one digit
    off where city and state agree (a keying slip in the ZIP, not another town)."""
    return cl.CustomComparison(
        output_column_name=LOCALITY,
        comparison_levels=[
            _null(
                "null",
                "(zip5_l IS NULL OR zip5_r IS NULL) "
                "AND (city_l IS NULL OR city_r IS NULL OR state_l IS NULL OR state_r IS NULL)",
            ),
            _level("zip5_l = zip5_r", "zip"),
            _level(
                "city_l = city_r AND state_l = state_r AND (zip5_l IS NULL OR zip5_r IS NULL "
                "OR damerau_levenshtein(zip5_l, zip5_r) <= 1)",
                "city",
            ),
            cll.ElseLevel().configure(label_for_charts="disagree"),
        ],
    )


def all_comparisons() -> list[Any]:
    """The model's comparisons, in a fixed order."""
    return [
        given_name_comparison(),
        surname_comparison(),
        exact_comparison(SUFFIX, "name_suffix"),
        dob_comparison(),
        exact_comparison(TIN, "tin"),
        exact_comparison(HOUSE, "house_key"),
        street_comparison(),
        unit_comparison(),
        locality_comparison(),
    ]


COMPARISON_NAMES = (GIVEN, SURNAME, SUFFIX, DOB, TIN, HOUSE, STREET, UNIT, LOCALITY)
