"""The request batch and its truth, one request at a time (per-row Python is fine at 1e5).

Each request is about a distinct household (so two requests never concern the same person by
accident); duplicates are added on purpose, after their originals.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from taxgate.synth import defects, variation, vocab
from taxgate.synth.geography import KIND_STREET
from taxgate.synth.households import HouseholdRequests
from taxgate.synth.names import same_given_name
from taxgate.synth.noise import NoiseModel
from taxgate.synth.population import draw_tins
from taxgate.synth.spec import CATEGORY_BY_NAME, VARIATION_NAMES, WorldSpec
from taxgate.synth.truth import Evidence, MasterIndex, TruthRow, iso_day, label
from taxgate.synth.variants import (
    MATERNAL_WRITTEN,
    Person,
    WrittenAddress,
    WrittenName,
    write_address,
    write_name,
    written_given,
)
from taxgate.synth.varied import VariedWriting
from taxgate.synth.writer import NAME_COLUMNS, SPLIT_COLUMNS


@dataclass(frozen=True)
class Made:
    """A request row, its truth, and what the generator knows about it."""

    row: dict[str, str]
    truth: TruthRow
    taxpayer: int | None
    dp: int | None
    evidence: Evidence


class RequestBuilder:
    """Builds request rows and truth rows over one generated master file."""

    def __init__(
        self,
        index: MasterIndex,
        spec: WorldSpec,
        rng: np.random.Generator,
        request_date: date,
        n_requests: int,
        noise: NoiseModel,
    ) -> None:
        self.index, self.spec, self.request_date = index, spec, request_date
        self.noise = noise
        self.rnd = random.Random(int(rng.integers(0, 2**63)))
        self.households = HouseholdRequests(self)
        self.varied = VariedWriting(index, self.rnd)
        pop = index.pop
        weight = np.where(pop.hh_group == 0, spec.request_hispanic_weight, 1.0)
        has_itin = np.bincount(pop.household[pop.itin], minlength=len(pop.hh_size)) > 0
        weight = weight * np.where(has_itin, spec.request_itin_weight, 1.0)
        keys = rng.random(len(weight)) ** (1.0 / weight)
        self.household_order = np.argsort(-keys, kind="stable")
        self.used: dict[int, list[int]] = {}
        self.junior_of = {int(f): int(s) for f, s in pop.junior_pairs.tolist()}
        self.cursors: dict[str, Iterator[int]] = {}
        self.officers = defects.officer_pool(n_requests, spec.requests_per_officer, self.rnd)
        weights = [self.rnd.gammavariate(60.0, 1.0) for _ in self.officers]
        self.officer_cumulative = list(itertools.accumulate(weights))
        outsider_itin = rng.random(n_requests) < 0.3
        self.outsider_tins = iter(draw_tins(rng, outsider_itin, avoid=pop.tin).tolist())

    # --- choosing whom a request is about -------------------------------------------------
    def _members(self, household: int) -> list[int]:
        pop = self.index.pop
        first = int(pop.hh_first[household])
        return list(range(first, first + int(pop.hh_size[household])))

    def pick(
        self,
        pool: str,
        accept: Callable[[int], bool] | None = None,
        candidates: np.ndarray | None = None,
    ) -> int | None:
        """A taxpayer fitting ``pool`` (and ``accept``) from the next suitable household.

        A first pass takes one person per household. When it runs out (small worlds), a
        second pass takes further members whose names cannot be confused with anyone
        already asked about in that household. ``pool`` names the cursor: calls with one
        ``accept`` must share one ``pool`` name. ``candidates`` (per taxpayer) spares the
        scan the households where ``accept`` can hold for no one.
        """
        for second_pass in (False, True):
            key = f"{pool}:{second_pass}"
            if key not in self.cursors:
                order = self.household_order
                if candidates is not None:
                    pop = self.index.pop
                    has = np.bincount(pop.household[candidates], minlength=len(pop.hh_size))
                    order = order[has[order] > 0]
                self.cursors[key] = iter(order.tolist())
            for household in self.cursors[key]:
                if (household in self.used) != second_pass:
                    continue
                taxpayer = self._fits(pool, household, accept)
                if taxpayer is not None:
                    self.used.setdefault(household, []).append(taxpayer)
                    return taxpayer
            if pool == "junior":
                return None
        return None

    def _fits(self, pool: str, household: int, accept: Callable[[int], bool] | None) -> int | None:
        index = self.index
        lka = index.lka.dp
        asked = self.used.get(household, [])
        members = [
            t
            for t in self._members(household)
            if lka[t] >= 0
            and not any(t == a or index.compatible(t, a) for a in asked)
            and (accept is None or accept(t))
        ]
        if pool == "junior":
            son = self.junior_of.get(int(index.pop.hh_first[household]), -1)
            if son < 0 or son not in members or int(index.pop.hh_first[household]) not in members:
                return None
            return int(self.rnd.choice((int(index.pop.hh_first[household]), son)))
        if not members:
            return None
        itin = [t for t in members if index.pop.itin[t]]
        taxpayer = self.rnd.choice(itin or members)
        if pool.startswith("older") and len(index.history(taxpayer)) < 2:
            return None
        if pool == "multi_unit":
            building = index.geo.dp_building[lka[taxpayer]]
            if index.geo.bldg_units[building] < 2:
                return None
        return taxpayer

    # --- writing --------------------------------------------------------------------------
    def _row(
        self, name: WrittenName, address: WrittenAddress, evidence: Evidence
    ) -> dict[str, str]:
        officer = self.rnd.choices(self.officers, cum_weights=self.officer_cumulative)[0]
        row = {
            "first_name": name.first,
            "middle_name": name.middle,
            "last_name": name.last,
            "suffix": name.suffix,
            "street": address.street,
            "unit": address.unit,
            "city": address.city,
            "state": address.state,
            "zip": address.zip,
            "tin": "" if evidence.tin is None else f"{evidence.tin:09d}",
            "date_of_birth": "" if evidence.dob is None else iso_day(evidence.dob),
        }
        row.update(
            defects.admin_fields(
                self.request_date, officer, self.rnd, min_order_age=self.spec.order_min_age_days
            )
        )
        if self.rnd.random() >= self.spec.request_alien_number_rate:
            row["alien_number"] = ""
        return row

    def _evidence(self, taxpayer: int, *, dob_rate: float | None = None) -> Evidence:
        pop, rnd, spec = self.index.pop, self.rnd, self.spec
        tin = int(pop.tin[taxpayer]) if rnd.random() < spec.request_tin_rate else None
        rate = spec.request_dob_rate if dob_rate is None else dob_rate
        dob = int(pop.dob[taxpayer]) if rnd.random() < rate else None
        return Evidence(tin=tin, dob=dob)

    def about(
        self, taxpayer: int, dp: int, *, dob_rate: float | None = None, varied: str = ""
    ) -> tuple[dict[str, str], Evidence, list[str]]:
        """A request row about master taxpayer ``taxpayer`` at delivery point ``dp``, written
        with the variation class ``varied`` (``spec.VARIATIONS``; '' for none)."""
        person = Person.of(self.index.pop, taxpayer)
        name, name_notes = write_name(person, self.spec, self.rnd, self.noise)
        address, address_notes = write_address(
            self.index.geo,
            dp,
            self.spec,
            self.rnd,
            self.noise,
            unit_word=self.rnd.choice(variation.UNIT_WORDS) if varied == "unit_designator" else "",
            unit_omitted=varied == "unit_omitted",
        )
        evidence = self._evidence(taxpayer, dob_rate=dob_rate)
        if varied in variation.NAME_CLASSES:
            name, name_notes = self.varied.name(varied, taxpayer, name, name_notes)
        given = written_given(name, name_notes)
        if variation.is_shared_short_form(person.given1, given):
            # A short form of two names (PAT) is the filer's only with evidence that says so.
            evidence = self.varied.confirming(taxpayer, evidence)
        evidence = Evidence(
            evidence.tin,
            evidence.dob,
            name.suffix,
            given=given,
            maternal=any(n in name_notes for n in MATERNAL_WRITTEN) and varied != "married_surname",
            paternal_only="surname:maternal_dropped" in name_notes and varied != "married_surname",
            unit_written=varied != "unit_omitted",
            maiden_written=varied == "married_surname",
            middle_as_first=varied == "middle_as_first",
            maternal_as_middle="surname:maternal_as_middle" in name_notes
            and varied != "married_surname",
        )
        row = self._row(name, address, evidence)
        if varied == "ocr":
            self.varied.ocr(row)
        elif varied in variation.DOB_CLASSES:
            slipped = variation.slipped_dob(varied, int(self.index.pop.dob[taxpayer]), self.rnd)
            row["date_of_birth"] = iso_day(slipped)
            evidence = dataclasses.replace(evidence, dob=slipped, dob_slipped=True)
        elif varied in variation.STREET_CLASSES:
            self.varied.street(varied, row, dp)
        return row, evidence, name_notes + address_notes

    # --- categories -----------------------------------------------------------------------
    def build(self, category: str) -> Made | None:
        """One request of ``category`` and its truth; None when the world has no fit."""
        meta = CATEGORY_BY_NAME[category]
        truth = TruthRow(category=category, valid=meta.valid, as_of=self.request_date.isoformat())
        truth.expected_code_prefixes = ";".join(meta.prefixes)
        maker = getattr(self, f"_make_{category}", None) or getattr(
            self.households, f"make_{category}", None
        )
        if maker is not None:
            made: Made | None = maker(truth)
            return made
        return self._make_defect(truth)

    def _simple(self, truth: TruthRow, pool: str, pick_dp: str) -> Made | None:
        older = pick_dp == "older"
        varied = ""
        taxpayer = None
        if self.rnd.random() < self.spec.variation_rate:
            varied = self.rnd.choices(VARIATION_NAMES, weights=self.spec.variation_weights)[0]
            taxpayer = self.pick(
                f"{pool}:{varied}",
                self.varied.accepts(varied, older),
                self.varied.candidates(varied),
            )
        if taxpayer is None:
            varied = ""
            taxpayer = self.pick(pool)
        if taxpayer is None:
            return None
        dp = self.rnd.choice(self.varied.points(taxpayer, varied, older))
        row, evidence, notes = self.about(taxpayer, dp, varied=varied)
        truth.variations = ";".join(notes + ([f"class:{varied}"] if varied else []))
        truth.variation = varied or "none"
        return self.finish(row, truth, taxpayer, dp, evidence)

    def _make_current_address(self, truth: TruthRow) -> Made | None:
        return self._simple(truth, "standard", "current")

    def _make_older_address(self, truth: TruthRow) -> Made | None:
        return self._simple(truth, "older", "older")

    def _make_father_son_same_address(self, truth: TruthRow) -> Made | None:
        taxpayer = self.pick("junior")
        if taxpayer is None:
            return None
        dp = int(self.index.lka.dp[taxpayer])
        row, evidence, notes = self.about(taxpayer, dp, dob_rate=self.spec.father_son_dob_rate)
        truth.variations = ";".join(notes)
        return self.finish(row, truth, taxpayer, dp, evidence)

    def _make_wrong_tin(self, truth: TruthRow) -> Made | None:
        taxpayer = self.pick("standard")
        other = self.pick("standard")
        if taxpayer is None or other is None:
            return None
        dp = int(self.index.lka.dp[taxpayer])
        # The true name, address and date of birth, with another real taxpayer's TIN.
        row, evidence, notes = self.about(taxpayer, dp, dob_rate=1.0)
        row["tin"] = f"{int(self.index.pop.tin[other]):09d}"
        truth.variations = ";".join([*notes, "tin:other_taxpayer"])
        truth.variation = "tin_other_taxpayer"
        evidence = dataclasses.replace(evidence, tin=None)
        # Domain §4: another person's TIN weighs against, and is no veto where name, address
        # and date of birth are the taxpayer's own.
        return self.finish(row, truth, taxpayer, dp, evidence)

    def _make_not_their_address(self, truth: TruthRow) -> Made | None:
        taxpayer = self.pick("standard")
        if taxpayer is None:
            return None
        dp = self._foreign_dp(taxpayer)
        row, evidence, notes = self.about(taxpayer, dp)
        truth.variations = ";".join(notes)
        return self.finish(row, truth, taxpayer, dp, evidence)

    def _foreign_dp(self, taxpayer: int) -> int:
        """A delivery point not in ``taxpayer``'s filings where no namesake of theirs filed."""
        geo, own = self.index.geo, set(self.index.history(taxpayer))
        lka_building = int(geo.dp_building[self.index.lka.dp[taxpayer]])
        while True:
            if self.rnd.random() < 0.3 and geo.bldg_units[lka_building] > 1:
                first = int(geo.bldg_first_dp[lka_building])
                dp = first + self.rnd.randrange(int(geo.bldg_units[lka_building]))
            else:
                dp = self.rnd.randrange(geo.n_dp)
            if dp in own:
                continue
            if all(not self.index.compatible(taxpayer, t) for t in self.index.taxpayers_at(dp)):
                return dp

    def outsider(self, like: int, *, keep_surname: bool, keep_given: bool) -> tuple[Person, int]:
        """A person not in the master file: a relative, namesake or stranger of ``like``."""
        pop, rnd = self.index.pop, self.rnd
        group = int(pop.group[like])
        person = Person.of(pop, like)
        given, surnames = vocab.given_names(), vocab.surnames()
        if not keep_given:
            idx, p = given.pool(group, "M" if pop.sex_male[like] else "F")
            while True:
                name = given.names[int(rnd.choices(idx.tolist(), weights=p.tolist())[0])]
                if not same_given_name(name, person.given1):
                    break
            person = Person(name, "", person.paternal, person.maternal, "")
        if not keep_surname:
            idx, p = surnames.pool(group)
            last = surnames.names[int(rnd.choices(idx.tolist(), weights=p.tolist())[0])]
            person = Person(person.given1, person.given2, last, "", "")
        dob = int(pop.dob[like]) + rnd.choice((-1, 1)) * rnd.randint(400, 9000)
        return person, dob

    def outsider_row(
        self,
        person: Person,
        dob: int,
        dp: int,
        truth: TruthRow,
        written: tuple[WrittenName, list[str]] | None = None,
        *,
        unit_omitted: bool = False,
    ) -> Made:
        """A request about ``person``, who is not on file, at ``dp``."""
        name, notes = written or write_name(person, self.spec, self.rnd, self.noise)
        address, address_notes = write_address(
            self.index.geo, dp, self.spec, self.rnd, self.noise, unit_omitted=unit_omitted
        )
        tin = next(self.outsider_tins) if self.rnd.random() < self.spec.request_tin_rate else None
        evidence = Evidence(tin, dob if self.rnd.random() < self.spec.request_dob_rate else None)
        truth.variations = ";".join(notes + address_notes)
        return self.finish(self._row(name, address, evidence), truth, None, dp, evidence)

    def _make_not_in_master(self, truth: TruthRow) -> Made | None:
        like = self.pick("standard")
        if like is None:
            return None
        person, dob = self.outsider(like, keep_surname=False, keep_given=False)
        while True:
            dp = self.rnd.randrange(self.index.geo.n_dp)
            if not self.index.taxpayers_at(dp):
                return self.outsider_row(person, dob, dp, truth)

    def _make_nonfiler_namesake(self, truth: TruthRow) -> Made | None:
        for _attempt in range(20):
            filer = self.pick("standard")
            if filer is None:
                return None
            same_name = bool(self.index.pop.dob_known[filer]) and self.rnd.random() < 0.5
            person, dob = self.outsider(filer, keep_surname=True, keep_given=same_name)
            dp = int(self.index.lka.dp[filer])
            written = write_name(person, self.spec, self.rnd, self.noise)
            # A relative with another given name must not happen to fit someone else who
            # filed there (a sibling with that very name), neither by the full name nor by
            # the form the request writes (JOE, written for a JOSEPH, is a JOSHUA's nickname
            # too): no system could tell them apart, and the truth would call a disclosure to
            # that filer a wrong person.
            if same_name or not self.fits_a_filer_at(person, dp, written_given(*written)):
                break
        else:
            return None
        made = self.outsider_row(person, dob, dp, truth, written)
        if same_name:
            made.row["date_of_birth"] = iso_day(dob)
            made.truth.variations += ";namesake:other_dob"
        return made

    def fits_a_filer_at(
        self, person: Person, dp: int, written: str = "", *, exclude: int = -1
    ) -> bool:
        """Whether a taxpayer who filed at ``dp`` (but ``exclude``) has a given name one with
        ``person``'s or with the ``written`` form of it (:func:`same_given_name`), and a
        surname in common."""
        given, surnames = vocab.given_names(), vocab.surnames()
        wanted = {person.paternal, person.maternal} - {""}
        pop = self.index.pop
        for taxpayer in self.index.taxpayers_at(dp):
            if taxpayer == exclude:
                continue
            filer_given = given.names[int(pop.given1[taxpayer])]
            if not same_given_name(filer_given, person.given1) and not (
                written and same_given_name(filer_given, written)
            ):
                continue
            if wanted & {surnames.names[i] for i in self.index.surnames(taxpayer)}:
                return True
        return False

    def _make_namesake_same_building(self, truth: TruthRow) -> Made | None:
        filer = self.pick("multi_unit")
        if filer is None:
            return None
        geo, index = self.index.geo, self.index
        building = int(geo.dp_building[index.lka.dp[filer]])
        units = range(
            int(geo.bldg_first_dp[building]),
            int(geo.bldg_first_dp[building] + geo.bldg_units[building]),
        )
        own = set(index.history(filer))
        free = [
            d
            for d in units
            if d not in own and all(not index.compatible(filer, t) for t in index.taxpayers_at(d))
        ]
        if not free or int(geo.bldg_kind[building]) != KIND_STREET:
            return None
        person, dob = self.outsider(filer, keep_surname=True, keep_given=True)
        return self.outsider_row(person, dob, self.rnd.choice(free), truth)

    def _make_defect(self, truth: TruthRow) -> Made | None:
        category = truth.category
        taxpayer = self.pick("standard")
        if taxpayer is None:
            return None
        if category == "two_defects":
            first, second = self.rnd.sample(defects.FAMILIES, 2)
            kinds = [self._category_of(first), self._category_of(second)]
            truth.expected_code_prefixes = ";".join(
                sorted({first, second}, key=defects.FAMILIES.index)
            )
        else:
            kinds = [category]
        dp: int | None = int(self.index.lka.dp[taxpayer])
        assert dp is not None
        row, evidence, notes = self.about(taxpayer, dp)
        for kind in kinds:
            family = defects.CATEGORY_FAMILY[kind]
            notes.append(f"defect:{kind}")
            if family == "ADDRESS_":
                dp = None
                written = WrittenAddress(*(row[c] for c in SPLIT_COLUMNS))
                if kind == "tin_plus_junk_address":
                    broken = defects.junk_address(self.rnd, written)
                    row["tin"] = f"{int(self.index.pop.tin[taxpayer]):09d}"
                    evidence = dataclasses.replace(evidence, tin=int(self.index.pop.tin[taxpayer]))
                else:
                    broken = defects.break_address(kind, self.rnd, written)
                row.update(
                    zip(
                        SPLIT_COLUMNS,
                        (broken.street, broken.unit, broken.city, broken.state, broken.zip),
                        strict=True,
                    )
                )
            elif family == "NAME_":
                name = WrittenName(*(row[c] for c in NAME_COLUMNS))
                broken_name = defects.break_name(kind, self.rnd, name)
                row.update(
                    zip(
                        NAME_COLUMNS,
                        (
                            broken_name.first,
                            broken_name.middle,
                            broken_name.last,
                            broken_name.suffix,
                        ),
                        strict=True,
                    )
                )
            else:
                row.update(
                    defects.break_admin(
                        kind,
                        self.rnd,
                        row,
                        self.request_date,
                        min_order_age=self.spec.order_min_age_days,
                    )
                )
        truth.variations = ";".join(notes)
        return self.finish(row, truth, taxpayer, dp, evidence)

    def _category_of(self, family: str) -> str:
        return self.rnd.choice(
            [
                c
                for c, f in defects.CATEGORY_FAMILY.items()
                if f == family and c != "tin_plus_junk_address"
            ]
        )

    def finish(
        self,
        row: dict[str, str],
        truth: TruthRow,
        taxpayer: int | None,
        dp: int | None,
        evidence: Evidence,
    ) -> Made:
        if truth.valid and not truth.variation:
            truth.variation = "none"
        label(self.index, truth, target=taxpayer, dp=dp, evidence=evidence)
        return Made(row, truth, taxpayer, dp, evidence)

    def duplicate(self, original: Made) -> Made:
        """The same person asked again (§3: answer once), name and address written anew.

        The repeat keeps the original's TIN, date of birth and officer, as a re-sent record
        would. Its truth is labelled on its own writing (a suffix or a unit the original left
        out may tell the person apart where the original could not), so that a repeat
        answered because its original resolved to no one is judged on what it said.
        """
        assert original.taxpayer is not None and original.dp is not None
        row, written, notes = self.about(original.taxpayer, original.dp)
        for column in ("tin", "date_of_birth", "officer"):
            row[column] = original.row[column]
        first = original.evidence
        evidence = dataclasses.replace(
            written, tin=first.tin, dob=first.dob, dob_slipped=first.dob_slipped
        )
        truth = TruthRow(category="duplicate", valid=False, as_of=self.request_date.isoformat())
        truth.expected_code_prefixes = "DUPLICATE"
        truth.variations = ";".join(notes)
        return self.finish(row, truth, original.taxpayer, original.dp, evidence)
