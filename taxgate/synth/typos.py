"""One-character typos, the kind a clerk makes: a letter replaced, dropped, doubled or swapped."""

from __future__ import annotations

import random

_LETTERS = "ABCDEFGHIJKLMNOPRSTUVWY"


def typo(text: str, rnd: random.Random) -> str:
    """``text`` with one letter changed; the first letter and short words are left alone.

    Example:
        >>> typo("MARTINEZ", random.Random(1)) != "MARTINEZ"
        True
    """
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    index = rnd.choice(candidates)
    word = words[index]
    upper = word.isupper()
    pos = rnd.randrange(1, len(word))
    op = rnd.randrange(4)
    letter = rnd.choice(_LETTERS if upper else _LETTERS.lower())
    if op == 0 and letter.upper() != word[pos].upper():
        word = word[:pos] + letter + word[pos + 1 :]
    elif op == 1 and len(word) > 4:
        word = word[:pos] + word[pos + 1 :]
    elif op == 2 and pos < len(word) - 1 and word[pos] != word[pos + 1]:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        word = word[:pos] + word[pos] + word[pos:]
    words[index] = word
    return " ".join(words)


class ClerkTypos:
    """The ``default`` noise model: one clerk's typo (:func:`typo`) at the world's rates."""

    label = "typo"

    def name_rate(self, default: float) -> float:
        """The world's own name-typo rate."""
        return default

    def street_rate(self, default: float) -> float:
        """The world's own street-typo rate."""
        return default

    def garble(self, text: str, rnd: random.Random) -> str:
        """One typo (:func:`typo`)."""
        return typo(text, rnd)
