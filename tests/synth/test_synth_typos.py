"""One-character typos (taxgate/synth/typos.py)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import DamerauLevenshtein

from taxgate.synth.typos import typo

_words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)


@given(words=st.lists(_words, min_size=1, max_size=3), seed=st.integers(0, 2**32))
def test_a_typo_changes_one_character_of_a_long_word(words: list[str], seed: int) -> None:
    text = " ".join(words)
    result = typo(text, random.Random(seed))
    if any(len(w) >= 4 for w in words):
        assert result != text
        assert DamerauLevenshtein.distance(result, text) == 1
        assert result[0] == text[0]
    else:
        assert result == text
