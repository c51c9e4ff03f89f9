"""The generator's own knowledge of given names: which are one name, which are close but two.

The truth must not borrow the matcher's name relations: a wrong table in the matcher would
then be wrong in the truth as well and never be caught (issue 14). Everything here reads
``taxgate/synth/data`` only:

* ``name_variants.csv`` — nicknames, translations, transliterations and joined forms; a name
  and any of its listed forms are *one name* (:func:`same_given_name`);
* ``close_names.csv`` — pairs that look alike but are *two people*: gender forms
  (FRANCIS / FRANCES), names sharing a short form (PATRICK / PATRICIA, both PAT), twins'
  names (JAYDEN / JAYLEN) and names one first letter apart (DARLENE / MARLENE).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from taxgate.synth import vocab


def same_given_name(a: str, b: str) -> bool:
    """Whether given names ``a`` and ``b`` are one name by the generator's own table.

    They share a class of ``name_variants.csv``, or one is a listed form of the other. A form
    listed for two names (PAT for PATRICK and PATRICIA) is one name with each of them, while
    the two full names stay two names.

    Example:
        >>> same_given_name("PAT", "PATRICIA"), same_given_name("PATRICK", "PATRICIA")
        (True, False)
    """
    if a == b:
        return True
    table = vocab.name_variants()
    if table.root_of(a) == table.root_of(b):
        return True
    return b in table.variants.get(a, ()) or a in table.variants.get(b, ())


@dataclass(frozen=True, slots=True)
class ClosePair:
    """Two given names of two different people that a request may confuse."""

    name: str
    other: str
    kind: str  # gender_form, shared_short, twin, first_letter


@cache
def close_pairs() -> dict[str, tuple[ClosePair, ...]]:
    """Every close pair, listed under both of its names (``pair.name`` is the key)."""
    by_name: dict[str, list[ClosePair]] = {}
    for row in vocab.data_rows("close_names.csv"):
        for a, b in ((row["name"], row["other"]), (row["other"], row["name"])):
            by_name.setdefault(a, []).append(ClosePair(a, b, row["kind"]))
    return {name: tuple(pairs) for name, pairs in sorted(by_name.items())}


def shared_short_form(a: str, b: str) -> str:
    """A short form listed for both ``a`` and ``b`` (PAT for PATRICK and PATRICIA), or ''."""
    variants = vocab.name_variants().variants
    shared = [v for v in variants.get(a, ()) if v in variants.get(b, ())]
    return shared[0] if shared else ""


def hyphenated_form(name: str) -> str:
    """The hyphenated spelling of a joined given name (JIYOUNG → JI-YOUNG), or ''."""
    return next(iter(vocab.name_variants().by_kind.get(("joined", name), ())), "")


def transliterations(name: str) -> tuple[str, ...]:
    """Other romanisations of ``name`` (MUHAMMAD → MOHAMMED, MOHAMMAD, MOHAMED)."""
    return vocab.name_variants().by_kind.get(("transliteration", name), ())
