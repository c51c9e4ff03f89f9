"""What the generator knows and a disclosing system must work out: the truth of each request.

Everything here is computed from the generator's own events (taxpayer ids, delivery points,
filing days), never by re-reading the strings it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from taxgate.synth import vocab
from taxgate.synth.geography import Geography
from taxgate.synth.history import Filings, LastKnown
from taxgate.synth.names import same_given_name
from taxgate.synth.population import Population
from taxgate.synth.render_master import WrittenFlags


def iso_day(day: int) -> str:
    """ISO date of a day number (days since 1970-01-01)."""
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()


@dataclass(frozen=True)
class Evidence:
    """What a request says about the person besides name and address."""

    tin: int | None = None
    dob: int | None = None
    suffix: str = ""
    given: str = ""  # the first given name as written (upper case, no accents)
    maternal: bool = False  # the maternal surname is written as part of the surname
    paternal_only: bool = False  # the maternal surname is not written at all
    unit_written: bool = True  # False: the request left out the unit of a multi-unit building
    dob_slipped: bool = False  # the date of birth is written with one of the slip classes
    maiden_written: bool = False  # the surname written is the person's maiden surname alone
    middle_as_first: bool = False  # the first given name written is the person's second one
    maternal_as_middle: bool = False  # the maternal surname is written as a middle name


@dataclass(frozen=True)
class MasterIndex:
    """Lookups over the generated master file."""

    pop: Population
    geo: Geography
    filings: Filings
    lka: LastKnown
    suffix_written: np.ndarray
    pair_dp: np.ndarray = field(repr=False)
    pair_tp: np.ndarray = field(repr=False)
    maternal_on_file: np.ndarray | None = field(default=None, repr=False)
    middle_on_file: np.ndarray | None = field(default=None, repr=False)
    current_on_file: np.ndarray | None = field(default=None, repr=False)
    maiden_on_file: np.ndarray | None = field(default=None, repr=False)

    @staticmethod
    def build(
        pop: Population, geo: Geography, filings: Filings, lka: LastKnown, written: WrittenFlags
    ) -> MasterIndex:
        """Index filings by delivery point, with what each taxpayer's filings wrote of their
        name (``written``: per filing, the suffix, the maternal surname, the second given name
        in full, a maiden surname)."""

        def anyone(per_filing: np.ndarray) -> np.ndarray:
            on_file = np.zeros(pop.n, dtype=bool)
            on_file[filings.taxpayer[per_filing]] = True
            return on_file

        pairs = np.unique(filings.dp * np.int64(pop.n) + filings.taxpayer)
        return MasterIndex(
            pop,
            geo,
            filings,
            lka,
            anyone(written.suffix),
            pairs // pop.n,
            pairs % pop.n,
            anyone(written.maternal),
            anyone(written.middle),
            anyone(~written.maiden),
            anyone(written.maiden),
        )

    def taxpayers_at(self, dp: int) -> list[int]:
        """Taxpayers with a filing at delivery point ``dp``."""
        lo, hi = np.searchsorted(self.pair_dp, [dp, dp + 1])
        return [int(t) for t in self.pair_tp[lo:hi]]

    def history(self, taxpayer: int) -> list[int]:
        """Distinct delivery points of ``taxpayer``'s filings, in first-seen order."""
        dps = self.filings.dp[self.filings.rows_of(taxpayer)]
        return list(dict.fromkeys(int(d) for d in dps))

    def keys(self, taxpayer: int) -> list[str]:
        """Sorted canonical delivery keys of every address in ``taxpayer``'s filings."""
        return sorted({self.geo.canonical(dp).key for dp in self.history(taxpayer)})

    def name_root(self, taxpayer: int) -> str:
        """Equivalence class of the first given name (nicknames and anglicised forms)."""
        name = vocab.given_names().names[int(self.pop.given1[taxpayer])]
        return vocab.name_variants().root_of(name)

    def surnames(self, taxpayer: int) -> set[int]:
        """Surname indices (paternal, maternal, and a maiden one) of ``taxpayer``."""
        pop = self.pop
        found = (pop.paternal[taxpayer], pop.maternal[taxpayer], pop.maiden[taxpayer])
        return {int(s) for s in found} - {-1}

    def filed_surnames(self, taxpayer: int) -> set[int]:
        """The surnames ``taxpayer``'s own filings show: the maternal only if one wrote it.

        A rival is judged on the master file, as any system must judge it: a maternal surname
        that none of the rival's documents carries cannot make the rival fit a request.
        """
        if self.maternal_on_file is None or self.maternal_on_file[taxpayer]:
            return self.surnames(taxpayer)
        return {int(self.pop.paternal[taxpayer]), int(self.pop.maiden[taxpayer])} - {-1}

    def compatible(self, a: int, b: int) -> bool:
        """Whether a request naming ``a`` fits ``b`` too (one given name, a shared surname):
        only DOB, suffix or TIN can then tell them apart.

        One given name: the generator's own table says so (:func:`names.same_given_name`:
        MARY and MARIE, ELIZABETH and LISA), so that the generator never places a request
        where such a namesake filed.
        """
        if not self.surnames(a) & self.surnames(b):
            return False
        names = vocab.given_names().names
        return same_given_name(names[int(self.pop.given1[a])], names[int(self.pop.given1[b])])

    def fits(self, target: int, rival: int, evidence: Evidence) -> bool:
        """Whether the name a request wrote for ``target`` fits ``rival`` too.

        The given name fits when the two share a class, or when the written form is one of
        the rival's own variants (a nickname of both, such as BETO for ALBERTO and ROBERTO).
        The surnames fit when they share one, unless the request wrote the target's
        maternal surname and the rival has another (CASTANEDA ESPINOZA is not CASTANEDA
        ALVAREZ), or wrote the paternal surname (alone or with the maternal) and the rival does
        not have it (DANIEL FRANCO, written for DANIEL FRANCO MARTINEZ, does not fit DANIEL
        MARTINEZ HERNANDEZ; OCHOA-HERNANDEZ does not fit a MARIA HERNANDEZ with no other surname).
        """
        pop = self.pop
        rival_given = vocab.given_names().names[int(pop.given1[rival])]
        variants = vocab.name_variants().variants
        given_fits = self.name_root(target) == self.name_root(rival) or (
            evidence.given != "" and evidence.given in variants.get(rival_given, ())
        )
        rival_surnames = self.filed_surnames(rival)
        written = {int(pop.maiden[target])} if evidence.maiden_written else self.surnames(target)
        if not given_fits or not written & rival_surnames:
            return False
        # The paternal surname is always written; dropping it is no variation of domain §4.
        # Written with the maternal (spaced, hyphen, joined) or alone, it must be the rival's
        # too; only a maternal carried as a middle name may meet the rival's surname alone.
        written_as_surname = evidence.maternal or evidence.paternal_only
        if written_as_surname and int(pop.paternal[target]) not in rival_surnames:
            return False
        maternal, rival_maternal = int(pop.maternal[target]), int(pop.maternal[rival])
        return not (
            evidence.maternal
            and maternal != -1
            and rival_maternal in rival_surnames - {-1}
            and maternal not in rival_surnames
        )

    def name_on_file(self, target: int, evidence: Evidence) -> bool:
        """Whether the master file shows ``target`` under the name the request wrote: a second
        given name written as the first must be one some filing wrote in full, and a surname
        written (the current one, the maternal one written with it or as a middle name, or
        the maiden one) must be one some filing was made under. Domain §4: the requested name
        must belong to the taxpayer, and a TIN does not make it so; a system can only know
        what filings show."""
        middles = self.middle_on_file
        if evidence.middle_as_first and middles is not None and not middles[target]:
            return False
        if self.current_on_file is None or self.maiden_on_file is None:
            return True
        pop = self.pop
        paternal, maternal, maiden = (
            int(pop.paternal[target]),
            int(pop.maternal[target]),
            int(pop.maiden[target]),
        )
        shown = {
            paternal if self.current_on_file[target] else -1,
            maiden if self.maiden_on_file[target] else -1,
            maternal if self.maternal_on_file is None or self.maternal_on_file[target] else -1,
        } - {-1}
        written = {maiden} if evidence.maiden_written else {paternal}
        if (evidence.maternal or evidence.maternal_as_middle) and not evidence.maiden_written:
            written.add(maternal)
        return bool(written & shown)

    def distinguishable(self, target: int, dp: int | None, evidence: Evidence) -> bool:
        """Whether a careful system can tell ``target`` from every other master taxpayer.

        Other taxpayers who filed at the requested delivery point (any unit of its building
        when the request wrote no unit) under a name the request fits (:meth:`fits`) are
        rivals; a rival is ruled out by a date of birth (the
        request's equals the target's and differs from the rival's, both on file) or by an
        explicit suffix (the target's documents carry it; the rival's carry a different
        one). A TIN equal to the target's settles it.
        """
        pop = self.pop
        if not self.name_on_file(target, evidence):
            return False
        if evidence.tin is not None and evidence.tin == int(pop.tin[target]):
            return True
        if dp is None:
            return False
        points = [dp]
        if not evidence.unit_written:
            # Without its unit, the request fits every unit of the building alike.
            building = int(self.geo.dp_building[dp])
            first = int(self.geo.bldg_first_dp[building])
            points = list(range(first, first + int(self.geo.bldg_units[building])))
        rivals = [t for point in points for t in self.taxpayers_at(point)]
        for rival in dict.fromkeys(rivals):
            if rival == target or not self.fits(target, rival, evidence):
                continue
            by_dob = (
                evidence.dob is not None
                and bool(pop.dob_known[target] and pop.dob_known[rival])
                and _written_for(evidence.dob, int(pop.dob[target]), evidence.dob_slipped)
                and not _written_for(evidence.dob, int(pop.dob[rival]), evidence.dob_slipped)
            )
            target_suffix = vocab.SUFFIXES[int(pop.suffix[target])]
            rival_suffix = int(pop.suffix[rival])
            by_suffix = (
                evidence.suffix.upper().rstrip(".") == target_suffix != ""
                and bool(self.suffix_written[target] and self.suffix_written[rival])
                and vocab.SUFFIXES[rival_suffix] not in ("", target_suffix)
            )
            if not (by_dob or by_suffix):
                return False
        return True


def _written_for(written: int, dob: int, slipped: bool) -> bool:
    """Whether a written date of birth is ``dob``, or (``slipped``) one of the generator's
    slips of it: one digit, day and month swapped, the year one off, or January 1."""
    if written == dob:
        return True
    if not slipped:
        return False
    a, b = date.fromisoformat(iso_day(written)), date.fromisoformat(iso_day(dob))
    text_a, text_b = a.isoformat(), b.isoformat()
    one_digit = sum(x != y for x, y in zip(text_a, text_b, strict=True)) == 1
    swapped = (a.year, a.month, a.day) == (b.year, b.day, b.month)
    year_off = abs(a.year - b.year) == 1 and a.month == b.month and a.day in (b.day, 28)
    january = a.year == b.year and (a.month, a.day) == (1, 1)
    return one_digit or swapped or year_off or january


@dataclass
class TruthRow:
    """One row of ``truth.parquet``."""

    request_id: str = ""
    category: str = ""
    valid: bool = True
    expected_code_prefixes: str = ""
    true_tin: str | None = None
    address_in_history: bool = False
    distinguishable: bool = False
    expected_outcome: str = "NOT_DISCLOSED"
    expected_street: str | None = None
    expected_unit: str | None = None
    expected_city: str | None = None
    expected_state: str | None = None
    expected_zip: str | None = None
    expected_as_of: str | None = None
    true_address_keys: list[str] = field(default_factory=list)
    as_of: str = ""
    lka_filing_effective: str | None = None
    variations: str = ""
    variation: str = ""  # the variation class or household kind (docs/synth.md); '' if invalid


def label(
    index: MasterIndex,
    row: TruthRow,
    *,
    target: int | None,
    dp: int | None,
    evidence: Evidence,
) -> TruthRow:
    """Fill the truth of a request about ``target`` (None: not in the master) at ``dp``."""
    if target is None:
        row.true_tin, row.distinguishable, row.address_in_history = None, False, False
    else:
        row.true_tin = f"{int(index.pop.tin[target]):09d}"
        row.true_address_keys = index.keys(target)
        row.address_in_history = dp is not None and dp in index.history(target)
        row.distinguishable = index.distinguishable(target, dp, evidence)
    lka_dp = -1 if target is None else int(index.lka.dp[target])
    answerable = (
        target is not None and row.address_in_history and row.distinguishable and lka_dp >= 0
    )
    if not row.valid:
        row.expected_outcome = "REJECTED"
    else:
        row.expected_outcome = "DISCLOSED" if answerable else "NOT_DISCLOSED"
    # A repeat carries the answer it would get were it the first to resolve (domain §3).
    if answerable and (row.valid or row.category == "duplicate"):
        canonical = index.geo.canonical(lka_dp)
        row.expected_street, row.expected_unit = canonical.street, canonical.unit or None
        row.expected_city, row.expected_state = canonical.city, canonical.state
        row.expected_zip = canonical.zip
        assert target is not None
        row.expected_as_of = iso_day(int(index.lka.as_of[target]))
        row.lka_filing_effective = iso_day(int(index.lka.filing_effective[target]))
    return row
