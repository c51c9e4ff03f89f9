"""The two noise models (taxgate/synth/typos.py, taxgate/synth/noise_alt.py)."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import taxgate.synth
from taxgate.errors import ConfigError
from taxgate.synth import noise_alt
from taxgate.synth.noise import NOISE_MODELS, noise_model
from taxgate.synth.noise_alt import KEYBOARD_NEIGHBOURS, ScannerAndKeyboardNoise, garble_word
from taxgate.synth.typos import ClerkTypos

SYNTH = Path(taxgate.synth.__file__).parent
WORDS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=14)


def test_the_models_are_chosen_by_name() -> None:
    assert isinstance(noise_model("default"), ClerkTypos)
    assert isinstance(noise_model("alt"), ScannerAndKeyboardNoise)
    assert NOISE_MODELS == ("default", "alt")
    with pytest.raises(ConfigError):
        noise_model("loud")


def test_the_models_share_no_code_for_their_errors() -> None:
    for own, other in (("noise_alt.py", "taxgate.synth.typos"), ("typos.py", "noise_alt")):
        tree = ast.parse((SYNTH / own).read_text(encoding="utf-8"))
        imported = [
            n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
        ] + [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if other in m], own


def test_keyboard_neighbours_are_symmetric_and_local() -> None:
    assert KEYBOARD_NEIGHBOURS["A"] == "QSWZ"
    assert KEYBOARD_NEIGHBOURS["G"] == "BFHTVY"
    for letter, near in KEYBOARD_NEIGHBOURS.items():
        assert letter not in near
        for other in near:
            assert letter in KEYBOARD_NEIGHBOURS[other], (letter, other)


@given(WORDS, st.integers(0, 2**32))
def test_an_alt_error_changes_a_word_a_little_and_never_adds_a_digit(word: str, seed: int) -> None:
    garbled = garble_word(word, random.Random(seed))
    assert not any(c.isdigit() for c in garbled)
    assert abs(len(garbled) - len(word)) <= 1


@given(st.lists(WORDS, min_size=1, max_size=4), st.integers(0, 2**32))
def test_alt_garbles_one_word_and_keeps_the_case(words: list[str], seed: int) -> None:
    text = " ".join(w.title() for w in words)
    garbled = ScannerAndKeyboardNoise().garble(text, random.Random(seed))
    before, after = text.split(" "), garbled.split(" ")
    assert len(before) == len(after)
    assert sum(b != a for b, a in zip(before, after, strict=True)) <= 1
    assert all(a == a.title() for a in after)


def test_alt_makes_each_kind_of_error() -> None:
    rnd = random.Random(5)
    out = {garble_word("PHILLIPS", rnd) for _ in range(400)}
    assert "FILLIPS" in out  # phonetic PH → F
    assert "PHILIPS" in out  # undoubled
    assert any(len(w) == 7 and w != "PHILIPS" for w in out)  # a dropped letter
    assert "HPILLIPS" in out  # transposed, the first letter too
    assert {garble_word("MORRIS", rnd) for _ in range(400)} & {"RNORRIS"}  # OCR M → RN


def test_alt_rates_are_its_own() -> None:
    model = ScannerAndKeyboardNoise()
    assert model.name_rate(0.01) == noise_alt.NAME_RATE
    assert model.street_rate(0.01) == noise_alt.STREET_RATE
    clerk = ClerkTypos()
    assert clerk.name_rate(0.04) == 0.04
