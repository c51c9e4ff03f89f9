"""The variation classes of requests about a person on file (taxgate/synth/variation.py)."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from taxgate.synth import variation
from taxgate.synth.spec import VARIATION_NAMES
from taxgate.synth.variants import Person, WrittenName

EPOCH = date(1970, 1, 1)
DAYS = st.integers((date(1930, 1, 1) - EPOCH).days, (date(2006, 12, 31) - EPOCH).days)


def day(d: date) -> int:
    return (d - EPOCH).days


def test_every_class_is_handled_by_one_kind_of_change() -> None:
    kinds = (
        variation.NAME_CLASSES
        | variation.DOB_CLASSES
        | variation.UNIT_CLASSES
        | variation.STREET_CLASSES
        | {"ocr"}
    )
    assert kinds == set(VARIATION_NAMES)


@given(DAYS, st.sampled_from(sorted(variation.DOB_CLASSES)), st.integers(0, 2**32))
def test_a_dob_slip_is_a_real_other_date_of_its_class(dob: int, kind: str, seed: int) -> None:
    person = Person("JOHN", "", "SMITH", "", "")
    if not variation.applies(kind, person, dob):
        return
    slipped = variation.slipped_dob(kind, dob, random.Random(seed))
    true, wrong = (
        date.fromordinal(EPOCH.toordinal() + dob),
        date.fromordinal(EPOCH.toordinal() + slipped),
    )
    assert wrong != true
    if kind == "dob_day_month":
        assert (wrong.month, wrong.day, wrong.year) == (true.day, true.month, true.year)
    elif kind == "dob_jan1":
        assert (wrong.year, wrong.month, wrong.day) == (true.year, 1, 1)
    elif kind == "dob_year":
        assert abs(wrong.year - true.year) == 1 and wrong.month == true.month
    else:
        differ = [a != b for a, b in zip(true.isoformat(), wrong.isoformat(), strict=True)]
        assert sum(differ) == 1


def test_day_and_month_swap_needs_a_day_that_can_be_a_month() -> None:
    person = Person("JOHN", "", "SMITH", "", "")
    assert variation.applies("dob_day_month", person, day(date(1980, 3, 7)))
    assert not variation.applies("dob_day_month", person, day(date(1980, 3, 17)))
    assert not variation.applies("dob_day_month", person, day(date(1980, 3, 3)))
    assert not variation.applies("dob_digit", person, None)


def test_name_classes_need_the_names_they_change() -> None:
    plain = Person("JOHN", "", "SMITH", "", "")
    assert not variation.applies("middle_as_first", plain, None)
    assert variation.applies("middle_as_first", Person("JOHN", "PAUL", "SMITH", "", ""), None)
    assert variation.applies("surname_is_given", Person("JAMES", "", "THOMAS", "", ""), None)
    assert not variation.applies("surname_is_given", plain, None)
    assert variation.applies("transliteration", Person("MUHAMMAD", "", "KHAN", "", ""), None)
    assert variation.applies("joined_given", Person("JIYOUNG", "", "KIM", "", ""), None)
    assert variation.applies("married_surname", Person("ANA", "", "LOPEZ", "", "", "RUIZ"), None)


def test_the_name_classes_write_what_they_say() -> None:
    rnd = random.Random(1)
    person = Person("JOHN", "ROBERT", "SMITH", "", "")
    written = WrittenName("JOHN", "R", "SMITH", "")
    assert variation.vary_name("middle_as_first", person, written, rnd, "")[0].first == "ROBERT"
    initial = variation.vary_name("initial_first", person, written, rnd, "")[0]
    assert initial.first in ("J ROBERT", "J. ROBERT") and initial.middle == ""
    swapped, is_swapped = variation.vary_name("family_first", person, written, rnd, "")
    assert (swapped.first, swapped.last, is_swapped) == ("SMITH", "JOHN", True)
    assert variation.vary_name("second_given_name", person, written, rnd, "")[0].middle == ""
    alone = Person("JOHN", "", "SMITH", "", "")
    added = variation.vary_name("second_given_name", alone, written, rnd, "PAUL")[0]
    assert added.middle == "PAUL"
    wed = Person("ANA", "", "LOPEZ", "", "", "RUIZ")
    assert variation.vary_name("married_surname", wed, written, rnd, "")[0].last == "RUIZ"
    joined = variation.vary_name(
        "joined_given", Person("JIYOUNG", "", "KIM", "", ""), written, rnd, ""
    )
    assert joined[0].first in ("JI-YOUNG", "JI YOUNG")


def test_shared_short_forms_are_known() -> None:
    assert variation.is_shared_short_form("PATRICK", "PAT")
    assert variation.is_shared_short_form("PATRICIA", "PAT")
    assert not variation.is_shared_short_form("ROBERT", "BOB")


@given(st.integers(0, 2**32))
def test_ocr_slips_never_put_a_digit_in_a_name(seed: int) -> None:
    rnd = random.Random(seed)
    for name in ("MORALES", "CLARK", "HERNANDEZ", "DIAZ"):
        slipped = variation.ocr_slip(name, rnd, variation.OCR_SLIPS)
        assert not any(c.isdigit() for c in slipped)
        assert slipped[0] == name[0] or name[0] not in "MD" or len(slipped) != len(name)
    assert variation.ocr_slip("10 MAIN ST", rnd, variation.OCR_DIGIT_SLIPS) in (
        "1O MAIN ST",
        "I0 MAIN ST",
    )


@given(st.integers(0, 2**32))
def test_a_street_typo_keeps_the_first_letter_and_the_length(seed: int) -> None:
    typo = variation.transpose_street("12 N ELM ST", "ELM", random.Random(seed))
    assert typo != "12 N ELM ST"
    assert typo.startswith("12 N E") and typo.endswith(" ST") and len(typo) == 11


@given(st.integers(0, 2**32))
def test_a_zip_digit_keeps_the_zip3_and_the_length(seed: int) -> None:
    for zip_code in ("12345", "123456789", "12345-6789"):
        wrong = variation.wrong_zip_digit(zip_code, random.Random(seed))
        assert wrong[:3] == zip_code[:3] and len(wrong) == len(zip_code)
        assert sum(a != b for a, b in zip(wrong, zip_code, strict=True)) == 1


NAMES = st.sampled_from(["", "JOHN", "PAT", "MUHAMMAD", "JIYOUNG", "THOMAS", "JAMES", "RUIZ"])


@given(st.lists(NAMES, min_size=10, max_size=10))
def test_a_name_class_reads_only_its_declared_fields(values: list[str]) -> None:
    one = Person(values[0] or "ANA", values[1], values[2] or "LOPEZ", values[3], "", values[4])
    other = Person(values[5] or "ANA", values[6], values[7] or "LOPEZ", values[8], "", values[9])
    for name, read in variation.NAME_CLASS_FIELDS.items():

        def pick(field: str, read: tuple[str, ...] = read) -> str:
            value: str = getattr(one if field in read else other, field)
            return value

        mixed = Person(
            pick("given1"), pick("given2"), pick("paternal"), pick("maternal"), "", pick("maiden")
        )
        assert variation.applies(name, one, None) == variation.applies(name, mixed, None), name
