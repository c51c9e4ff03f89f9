"""Property tests: the standardiser never raises and its keys are clean.

The SQL name levels' properties are in ``tests/matching/test_comparisons_names.py``.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.standardise.names import standardise_name

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
