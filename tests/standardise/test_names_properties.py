"""Property tests: the standardiser and the agreement functions never raise and are symmetric."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.standardise.name_agreement import (
    given_name_agreement,
    is_typo,
    names_equivalent,
    names_swapped,
    surname_agreement,
)
from taxgate.standardise.names import StandardName, standardise_name

# Arbitrary Unicode (lone surrogates included), and name-like text with the separators,
# particles and suffixes the standardiser treats specially.
any_text = st.one_of(st.none(), st.text(max_size=40))
name_words = st.sampled_from(
    ["GARCIA", "LOPEZ", "DE", "LA", "Y", "JR", "III", "JUAN", "JOHN", "PACO", "J", "Ñ", "O'", "-"]
)
name_like = st.one_of(
    st.none(),
    st.lists(name_words, max_size=5).map(" ".join),
    st.text(alphabet=string.ascii_letters + " -.,'ÁÉÍÓÚñü", max_size=25),
)
field = st.one_of(any_text, name_like)


@st.composite
def standard_names(draw: st.DrawFn) -> StandardName:
    return standardise_name(draw(field), draw(field), draw(field), draw(field))


@settings(max_examples=400, deadline=None)
@given(field, field, field, field)
def test_standardise_never_raises_and_is_clean(
    first: str | None, middle: str | None, last: str | None, suffix: str | None
) -> None:
    name = standardise_name(first, middle, last, suffix)
    for word in (*name.given_names, *name.surname_parts, *name.surname_keys_with_middle):
        assert word
        assert word.isascii() and word == word.upper()
        assert all(c.isalnum() for c in word)
    assert set(name.surname_keys) <= set(name.surname_keys_with_middle)
    assert set(name.surname_parts) <= set(name.surname_keys)
    assert name.suffix in {"", "JR", "SR", "II", "III", "IV", "V"}
    assert len(name.initials) == len(name.given_names)
    assert name.given_key == (name.given_names[0] if name.given_names else "")
    assert standardise_name(first, middle, last, suffix) == name


@settings(max_examples=400, deadline=None)
@given(standard_names(), standard_names())
def test_agreement_never_raises_and_is_symmetric(a: StandardName, b: StandardName) -> None:
    assert given_name_agreement(a, b) == given_name_agreement(b, a)
    assert surname_agreement(a, b) == surname_agreement(b, a)
    assert names_equivalent(a, b) == names_equivalent(b, a)
    assert names_swapped(a, b) == names_swapped(b, a)


@settings(max_examples=200, deadline=None)
@given(standard_names())
def test_a_name_agrees_with_itself(a: StandardName) -> None:
    if len(a.given_key) > 1:
        assert given_name_agreement(a, a) == "exact"
    if a.surname_parts:
        assert surname_agreement(a, a) == "exact"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_is_typo_is_symmetric(a: str, b: str) -> None:
    assert is_typo(a, b) == is_typo(b, a)
    assert not is_typo(a, a)
