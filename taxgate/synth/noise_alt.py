"""The ``alt`` noise model, written apart from :mod:`taxgate.synth.typos` with its own tables.

Where the default model is one clerk's slip (a letter replaced, dropped, doubled or swapped,
never the first), this one mixes five sources of error as request files show them:

* a key next to the right one on a QWERTY keyboard (MARIA → MARUA);
* an OCR confusion of a scanned form (RN ↔ M, CL ↔ D, VV ↔ W, I ↔ L, O → Q);
* a phonetic respelling (PH ↔ F, CK ↔ K, EI ↔ IE, Y ↔ I, a doubled or undoubled letter);
* a dropped letter, the first included (ESTRADA → STRADA);
* two neighbouring letters transposed, the first included (ELM → EML).

It garbles names and street names at its own rates, higher than the default's.
"""

from __future__ import annotations

import random
from typing import Final

_QWERTY_ROWS: Final = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


def _keyboard_neighbours() -> dict[str, str]:
    """Each letter's neighbours: beside it, and touching it on the staggered rows around."""
    where = {c: (r, i) for r, row in enumerate(_QWERTY_ROWS) for i, c in enumerate(row)}
    # Each row sits half a key to the right of the one above it.
    touching = {-1: (0, 1), 0: (-1, 1), 1: (-1, 0)}
    return {
        letter: "".join(
            sorted(
                c
                for c, (r2, i2) in where.items()
                if abs(r2 - r) <= 1 and i2 - i in touching[r2 - r]
            )
        )
        for letter, (r, i) in where.items()
    }


KEYBOARD_NEIGHBOURS: Final = _keyboard_neighbours()
"""QWERTY neighbours of every letter (A: Q W S Z)."""

OCR_CONFUSIONS: Final = (
    ("RN", "M"),
    ("M", "RN"),
    ("CL", "D"),
    ("D", "CL"),
    ("VV", "W"),
    ("W", "VV"),
    ("LI", "U"),
    ("E", "F"),
    ("I", "L"),
    ("L", "I"),
    ("O", "Q"),
    ("H", "N"),
)
"""What a scanner reads for what was printed, letters only: a digit in a name would make it a
defect of its own (domain §3), which is not what this model is for."""

PHONETIC_RESPELLINGS: Final = (
    ("PH", "F"),
    ("F", "PH"),
    ("CK", "K"),
    ("EI", "IE"),
    ("IE", "EI"),
    ("Y", "I"),
    ("I", "Y"),
    ("Z", "S"),
    ("S", "Z"),
    ("LL", "L"),
    ("TT", "T"),
    ("SS", "S"),
    ("NN", "N"),
    ("RR", "R"),
    ("L", "LL"),
    ("T", "TT"),
    ("N", "NN"),
)
"""Spellings a hearer writes for what was said."""

ERROR_WEIGHTS: Final = (("keyboard", 0.30), ("ocr", 0.20), ("phonetic", 0.25), ("drop", 0.10))
"""Shares of each kind of error; transpositions take the rest (0.15)."""

NAME_RATE: Final = 0.07
"""Share of request names this model garbles (the default model: 0.04)."""

STREET_RATE: Final = 0.05
"""Share of request street names this model garbles (the default model: 0.03)."""


def _replace_pair(word: str, table: tuple[tuple[str, str], ...], rnd: random.Random) -> str:
    found = [(i, old, new) for old, new in table for i in _positions(word, old)]
    if not found:
        return word
    i, old, new = rnd.choice(found)
    return word[:i] + new + word[i + len(old) :]


def _positions(word: str, part: str) -> list[int]:
    return [i for i in range(len(word) - len(part) + 1) if word.startswith(part, i)]


def _keyboard(word: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(word))
    near = KEYBOARD_NEIGHBOURS.get(word[i], "")
    return word[:i] + rnd.choice(near) + word[i + 1 :] if near else word


def _drop(word: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(word))
    return word[:i] + word[i + 1 :]


def _transpose(word: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def garble_word(word: str, rnd: random.Random) -> str:
    """One error of this model in an upper-case ``word`` of three letters or more."""
    r, kind = rnd.random(), "transpose"
    for name, weight in ERROR_WEIGHTS:
        if r < weight:
            kind = name
            break
        r -= weight
    if kind == "keyboard":
        return _keyboard(word, rnd)
    if kind == "ocr":
        return _replace_pair(word, OCR_CONFUSIONS, rnd)
    if kind == "phonetic":
        return _replace_pair(word, PHONETIC_RESPELLINGS, rnd)
    if kind == "drop":
        return _drop(word, rnd)
    return _transpose(word, rnd)


class ScannerAndKeyboardNoise:
    """The ``alt`` noise model (module docstring), at its own rates."""

    label = "alt_noise"

    def name_rate(self, default: float) -> float:
        """:data:`NAME_RATE`, whatever the world's default."""
        del default
        return NAME_RATE

    def street_rate(self, default: float) -> float:
        """:data:`STREET_RATE`, whatever the world's default."""
        del default
        return STREET_RATE

    def garble(self, text: str, rnd: random.Random) -> str:
        """One error in one word of three letters or more; the case of the word is kept.

        Example:
            >>> ScannerAndKeyboardNoise().garble("MARTINEZ", random.Random(3)) != "MARTINEZ"
            True
        """
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) >= 3 and w.isalpha()]
        if not candidates:
            return text
        index = rnd.choice(candidates)
        word = words[index]
        garbled = garble_word(word.upper(), rnd)
        words[index] = garbled if word.isupper() else garbled.title()
        return " ".join(words)
