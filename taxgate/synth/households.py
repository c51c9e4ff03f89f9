"""Requests about people who live with a filer and must not get the filer's address (domain §4).

The master file holds filers only. A brother, a wife, a twin, a son or a namesake in another
unit lives at the filer's address without a record of their own; a request about one of them
is valid and its truth is ``NOT_DISCLOSED``. Each category records its kind in the truth's
``variation`` column:

* ``nonfiler_close_name`` — a relative whose given name is close to the filer's:
  ``gender_form`` (FRANCES where FRANCIS files), ``shared_short`` (PAT, a PATRICIA, where
  PATRICK files; the request writes the short form), ``twin`` (JAYLEN where JAYDEN files, the
  same date of birth), ``first_letter`` (DARLENE / MARLENE) and ``second_given`` (a brother
  JUAN PABLO where JUAN CARLOS files: the request writes the other second name in full);
* ``nonfiler_junior`` — ``junior``: the filer's full name with JR, the son's own date of birth;
* ``namesake_no_unit`` — ``no_unit``: the filer's name, another person's date of birth
  (always written), the building's street address without a unit;
* ``father_son_moved`` — ``moved_one_filed``: of a JR/SR pair who moved together, the one who
  has not filed at the new address, asked at it with his own date of birth.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from taxgate.synth import names, vocab
from taxgate.synth.geography import KIND_STREET
from taxgate.synth.population import day_number
from taxgate.synth.truth import TruthRow, iso_day
from taxgate.synth.variants import Person, write_name, written_given

if TYPE_CHECKING:
    from taxgate.synth.requests import Made, RequestBuilder

_YEAR = 365

CLOSE_KINDS = ("gender_form", "shared_short", "twin", "first_letter", "second_given")
"""Kinds of ``nonfiler_close_name`` requests (``close_names.csv`` kinds, and a brother's
second given name), in the order of ``WorldSpec.close_name_kind_weights``."""


class HouseholdRequests:
    """The household categories of :class:`RequestBuilder` (module docstring)."""

    def __init__(self, builder: RequestBuilder) -> None:
        self.b = builder
        self._moved_pairs: list[tuple[int, int]] | None = None

    def _person(self, taxpayer: int) -> Person:
        return Person.of(self.b.index.pop, taxpayer)

    def make_nonfiler_close_name(self, truth: TruthRow) -> Made | None:
        """A relative of a filer with a close given name, at the filer's address.

        The kind is drawn first (:data:`CLOSE_KINDS`), then a filer whose name has a close
        name of that kind; a kind the world has no filer left for becomes ``second_given``.
        """
        b, pop = self.b, self.b.index.pop
        kind = b.rnd.choices(CLOSE_KINDS, weights=b.spec.close_name_kind_weights)[0]

        def accept(t: int) -> bool:
            if not pop.dob_known[t]:
                return False
            person = self._person(t)
            if kind == "second_given":
                return person.given2 != ""
            return any(p.kind == kind for p in names.close_pairs().get(person.given1, ()))

        for _attempt in range(20):
            filer = b.pick(f"close:{kind}", accept)
            if filer is None and kind != "second_given":
                kind = "second_given"
                continue
            if filer is None:
                return None
            made = self._close_relative(filer, kind, truth)
            if made is not None:
                return made
        return None

    def _close_relative(self, filer: int, kind: str, truth: TruthRow) -> Made | None:
        b, rnd, pop = self.b, self.b.rnd, self.b.index.pop
        person = self._person(filer)
        dp = int(b.index.lka.dp[filer])
        _, dob = b.outsider(filer, keep_surname=True, keep_given=True)
        if kind == "second_given":
            other = self._other_second_name(filer, person)
            relative = dataclasses.replace(person, given2=other, suffix="", maiden="")
            if self._second_name_fits(relative, dp):
                return None
        else:
            pairs = [p for p in names.close_pairs()[person.given1] if p.kind == kind]
            relative = Person(rnd.choice(pairs).other, "", person.paternal, person.maternal, "")
            if kind == "twin":
                dob = int(pop.dob[filer])
        name, notes = write_name(relative, b.spec, rnd, b.noise)
        if kind == "second_given":
            name = dataclasses.replace(name, middle=relative.given2)
        elif kind == "shared_short":
            short = names.shared_short_form(relative.given1, person.given1)
            if "name:swapped" in notes:
                name = dataclasses.replace(name, last=short)
            else:
                name = dataclasses.replace(name, first=short)
        # The short form fits the filer by design; nobody else who filed there may fit.
        exclude = filer if kind == "shared_short" else -1
        written = written_given(name, notes)
        if kind != "second_given" and b.fits_a_filer_at(relative, dp, written, exclude=exclude):
            return None
        made = b.outsider_row(relative, dob, dp, truth, (name, notes))
        made.truth.variation = kind
        made.truth.variations += f";household:{kind}"
        return made

    def _other_second_name(self, filer: int, person: Person) -> str:
        pop, given, rnd = self.b.index.pop, vocab.given_names(), self.b.rnd
        idx, p = given.pool(int(pop.group[filer]), "M" if pop.sex_male[filer] else "F")
        while True:
            name = given.names[int(rnd.choices(idx.tolist(), weights=p.tolist())[0])]
            if not names.same_given_name(name, person.given2) and not names.same_given_name(
                name, person.given1
            ):
                return name

    def _second_name_fits(self, relative: Person, dp: int) -> bool:
        """Whether someone who filed at ``dp`` could be ``relative``: one first name and a
        shared surname, and no second given name of their own that tells them apart."""
        index, pop = self.b.index, self.b.index.pop
        wanted = {relative.paternal, relative.maternal} - {""}
        surnames = vocab.surnames().names
        for t in index.taxpayers_at(dp):
            other = self._person(t)
            if not names.same_given_name(other.given1, relative.given1):
                continue
            if not wanted & {surnames[i] for i in index.surnames(t)}:
                continue
            if int(pop.given2[t]) < 0 or names.same_given_name(other.given2, relative.given2):
                return True
        return False

    def make_nonfiler_junior(self, truth: TruthRow) -> Made | None:
        """A son JR, not on file, at the address where his father (no suffix) files."""
        b, pop, rnd = self.b, self.b.index.pop, self.b.rnd
        oldest = day_number(b.request_date) - 40 * _YEAR

        def accept(t: int) -> bool:
            return bool(
                pop.sex_male[t] and pop.suffix[t] == 0 and pop.dob_known[t] and pop.dob[t] < oldest
            )

        father = b.pick("junior_absent", accept)
        if father is None:
            return None
        dp = int(b.index.lka.dp[father])
        if any(b.index.compatible(father, t) for t in b.index.taxpayers_at(dp) if t != father):
            return None
        son = dataclasses.replace(self._person(father), suffix="JR", maiden="")
        dob = int(pop.dob[father]) + rnd.randint(20 * _YEAR, 35 * _YEAR)
        name, notes = write_name(son, b.spec, rnd, b.noise)
        name = dataclasses.replace(name, suffix=rnd.choice(("JR", "JR", "Jr.", "JR.")))
        made = b.outsider_row(son, dob, dp, truth, (name, notes))
        made.truth.variation = "junior"
        made.truth.variations += ";household:junior"
        return made

    def make_namesake_no_unit(self, truth: TruthRow) -> Made | None:
        """A filer's name, another person's date of birth, the building without a unit."""
        b, index = self.b, self.b.index
        geo = index.geo

        def accept(t: int) -> bool:
            building = int(geo.dp_building[index.lka.dp[t]])
            return bool(
                index.pop.dob_known[t]
                and geo.bldg_units[building] > 1
                and int(geo.bldg_kind[building]) == KIND_STREET
            )

        filer = b.pick("namesake_no_unit", accept)
        if filer is None:
            return None
        person, dob = b.outsider(filer, keep_surname=True, keep_given=True)
        dp = int(index.lka.dp[filer])
        made = b.outsider_row(person, dob, dp, truth, unit_omitted=True)
        made.row["date_of_birth"] = iso_day(dob)
        made.truth.variation = "no_unit"
        made.truth.variations += ";household:no_unit"
        return made

    def make_father_son_moved(self, truth: TruthRow) -> Made | None:
        """Of a JR/SR pair who moved, the one not filed at the other's newest address."""
        b, pop = self.b, self.b.index.pop
        if self._moved_pairs is None:
            self._moved_pairs = self._pairs_split_by_a_move()
        while self._moved_pairs:
            target, dp = self._moved_pairs.pop()
            household = int(pop.household[target])
            if household in b.used:
                continue
            b.used[household] = [target]
            row, evidence, notes = b.about(target, dp)
            evidence = dataclasses.replace(evidence, dob=int(pop.dob[target]))
            row["date_of_birth"] = iso_day(int(pop.dob[target]))
            truth.variations = ";".join([*notes, "household:moved_one_filed"])
            truth.variation = "moved_one_filed"
            return b.finish(row, truth, target, dp, evidence)
        return None

    def _pairs_split_by_a_move(self) -> list[tuple[int, int]]:
        """(one of a pair, the other's LKA) where the first never filed at that LKA."""
        index, pop = self.b.index, self.b.index.pop
        found: list[tuple[int, int]] = []
        for father, son in pop.junior_pairs.tolist():
            if not (pop.dob_known[father] and pop.dob_known[son]):
                continue
            for target, other in ((father, son), (son, father)):
                newest = int(index.lka.dp[other])
                lives = newest >= 0 and index.lka.dp[target] >= 0
                if lives and newest not in index.history(target):
                    found.append((target, newest))
        found.reverse()
        return found
