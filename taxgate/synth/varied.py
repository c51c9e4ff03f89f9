"""How a request about a person on file carries its variation class (``spec.VARIATIONS``).

:class:`VariedWriting` picks whom a class can apply to and where, and changes a written
request accordingly; the pure text changes are in :mod:`taxgate.synth.variation`.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import numpy as np

from taxgate.synth import variation, vocab
from taxgate.synth.geography import KIND_STREET
from taxgate.synth.names import same_given_name
from taxgate.synth.truth import Evidence, MasterIndex
from taxgate.synth.variants import Person, WrittenName


class VariedWriting:
    """The variation classes of one request builder (same index, same random stream)."""

    def __init__(self, index: MasterIndex, rnd: random.Random) -> None:
        self.index, self.rnd = index, rnd
        self._candidates: dict[str, np.ndarray] = {}

    def name(
        self, varied: str, taxpayer: int, name: WrittenName, notes: list[str]
    ) -> tuple[WrittenName, list[str]]:
        """The written ``name`` (with its ``notes``) varied by the name class ``varied``."""
        pop, person = self.index.pop, Person.of(self.index.pop, taxpayer)
        swapped = "name:swapped" in notes
        normal = WrittenName(name.last, name.middle, name.first, name.suffix) if swapped else name
        middle = ""
        if varied == "second_given_name" and not person.given2:
            given = vocab.given_names()
            idx, p = given.pool(int(pop.group[taxpayer]), "M" if pop.sex_male[taxpayer] else "F")
            middle = person.given1
            while same_given_name(middle, person.given1):
                middle = given.names[int(self.rnd.choices(idx.tolist(), weights=p.tolist())[0])]
        varied_name, swap = variation.vary_name(varied, person, normal, self.rnd, middle)
        notes = [n for n in notes if n != "name:swapped"] + (["name:swapped"] if swap else [])
        return varied_name, notes

    def confirming(self, taxpayer: int, evidence: Evidence) -> Evidence:
        """``evidence`` with the person's date of birth (else TIN) if it carries neither."""
        pop = self.index.pop
        if evidence.tin is not None or evidence.dob is not None:
            return evidence
        if pop.dob_known[taxpayer]:
            return dataclasses.replace(evidence, dob=int(pop.dob[taxpayer]))
        return dataclasses.replace(evidence, tin=int(pop.tin[taxpayer]))

    def ocr(self, row: dict[str, str]) -> None:
        """One OCR confusion: in the surname, else the house number, else the first name."""
        house, _, rest = row["street"].partition(" ")
        slipped = variation.ocr_slip(row["last_name"].upper(), self.rnd, variation.OCR_SLIPS)
        if slipped != row["last_name"].upper():
            row["last_name"] = slipped
            return
        misread = variation.ocr_slip(house.upper(), self.rnd, variation.OCR_DIGIT_SLIPS)
        if misread != house.upper():
            row["street"] = f"{misread} {rest}"
            return
        row["first_name"] = variation.ocr_slip(
            row["first_name"].upper(), self.rnd, variation.OCR_SLIPS
        )

    def street(self, varied: str, row: dict[str, str], dp: int) -> None:
        """A street typo or a wrong ZIP digit (``varied``) in ``row``, about ``dp``."""
        geo = self.index.geo
        if varied == "street_typo":
            street = int(geo.bldg_street[geo.dp_building[dp]])
            name = geo.street_vocab[int(geo.street_name[street])]
            row["street"] = variation.transpose_street(row["street"], name, self.rnd)
            return
        place = int(geo.zip_place[geo.bldg_zip[geo.dp_building[dp]]])
        row["zip"] = variation.wrong_zip_digit(row["zip"], self.rnd)
        row["city"], row["state"] = geo.city[place], geo.state[place]

    def candidates(self, varied: str) -> np.ndarray | None:
        """Per taxpayer, whether the name class ``varied`` applies (None: not a name class).

        A name class reads only some of a person's names (``NAME_CLASS_FIELDS``), so
        :func:`variation.applies` is asked once per distinct value of those, once per world.
        """
        if varied not in variation.NAME_CLASSES:
            return None
        if varied not in self._candidates:
            pop = self.index.pop
            fields = variation.NAME_CLASS_FIELDS[varied]
            # Name indices (-1 for none) are below 10,000: one int64 key per taxpayer.
            keys = np.zeros(pop.n, dtype=np.int64)
            for field in fields:
                keys = keys * 10_000 + getattr(pop, field) + 1
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            ok = np.asarray(
                [variation.applies(varied, Person.of(pop, int(t)), None) for t in first.tolist()],
                dtype=bool,
            )
            self._candidates[varied] = ok[inverse.ravel()]
        return self._candidates[varied]

    def accepts(self, varied: str, older: bool) -> Callable[[int], bool]:
        """Which taxpayers a request of variation class ``varied`` can be about."""
        index = self.index
        pop = index.pop
        by_name = self.candidates(varied)

        def accept(taxpayer: int) -> bool:
            dob = int(pop.dob[taxpayer]) if pop.dob_known[taxpayer] else None
            if by_name is not None and not by_name[taxpayer]:
                return False
            if by_name is None and not variation.applies(varied, None, dob):
                return False
            if varied == "married_surname":
                received = index.filings.received[index.filings.rows_of(taxpayer)]
                return bool(received.min() < pop.married_day[taxpayer] <= received.max())
            return bool(self.points(taxpayer, varied, older))

        return accept

    def points(self, taxpayer: int, varied: str, older: bool) -> list[int]:
        """The delivery points a request of ``varied`` about ``taxpayer`` may name."""
        geo, lka = self.index.geo, int(self.index.lka.dp[taxpayer])
        points = [d for d in self.index.history(taxpayer) if d != lka] if older else [lka]
        if varied in variation.UNIT_CLASSES:
            return [d for d in points if str(geo.dp_unit[d])]
        if varied in variation.STREET_CLASSES:
            kind = geo.bldg_kind[geo.dp_building[points]]
            return [d for d, k in zip(points, kind.tolist(), strict=True) if k == KIND_STREET]
        return points
