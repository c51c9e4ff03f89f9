"""The request side's noise model: how the other agency's clerks and scanners garble text.

Two models, written independently so that a matcher tuned to one is measured by the other:
``default`` (:mod:`taxgate.synth.typos`, one clerk's typo) and ``alt``
(:mod:`taxgate.synth.noise_alt`: keyboard neighbours, OCR confusions, phonetic respellings,
dropped letters, transpositions). They share no code for the errors they make; this module
only names them. ``taxgate synth --noise default|alt`` chooses one.
"""

from __future__ import annotations

import random
from typing import Protocol

from taxgate.errors import ConfigError
from taxgate.synth.noise_alt import ScannerAndKeyboardNoise
from taxgate.synth.typos import ClerkTypos


class NoiseModel(Protocol):
    """Garbles a name or a street name now and then."""

    label: str
    """The note a garbled request carries in ``variations`` (``name:typo``, ``name:alt_noise``)."""

    def name_rate(self, default: float) -> float:
        """The share of request names to garble, given the world's ``default`` rate."""
        ...

    def street_rate(self, default: float) -> float:
        """The share of request street names to garble, given the world's ``default``."""
        ...

    def garble(self, text: str, rnd: random.Random) -> str:
        """``text`` with one error of this model (unchanged when none fits)."""
        ...


NOISE_MODELS = ("default", "alt")
"""The names ``--noise`` accepts."""


def noise_model(name: str) -> NoiseModel:
    """The noise model called ``name`` (one of :data:`NOISE_MODELS`).

    Raises:
        ConfigError: ``name`` is not a noise model.
    """
    if name == "default":
        return ClerkTypos()
    if name == "alt":
        return ScannerAndKeyboardNoise()
    raise ConfigError(f"noise model {name!r} is not one of {NOISE_MODELS}")
