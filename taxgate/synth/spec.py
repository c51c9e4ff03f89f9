"""What the synthetic world looks like: every rate in one frozen :class:`WorldSpec`.

The generator reads nothing but a ``WorldSpec``, the sizes, the seed and the request date, so
the same arguments always give the same bytes. ``docs/synth.md`` lists every field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Final

from taxgate.errors import ConfigError

DEFAULT_REQUEST_DATE: Final = date(2025, 7, 15)
"""The request date when none is given (never today's date: output must be reproducible)."""


@dataclass(frozen=True, slots=True)
class Category:
    """A request category of the truth table.

    Attributes:
        name: the string written to ``truth.parquet``'s ``category`` column.
        valid: whether a request of this category is a valid §6103(i)(2)(B) request.
        prefixes: reason-code category prefixes a correct screening must give (invalid only).
        meaning: one line for the docs.
    """

    name: str
    valid: bool
    prefixes: tuple[str, ...]
    meaning: str


_V = True
_I = False
CATEGORIES: Final[tuple[Category, ...]] = (
    Category("current_address", _V, (), "the person's last known address as of the request"),
    Category("older_address", _V, (), "an earlier address from the person's own filings"),
    Category("not_their_address", _V, (), "a real address that is not in the person's filings"),
    Category("not_in_master", _V, (), "a person who is not in the master file at all"),
    Category("nonfiler_namesake", _V, (), "a non-filer with a filer's surname at their address"),
    Category("namesake_same_building", _V, (), "a filer's name in another unit of the building"),
    Category("father_son_same_address", _V, (), "one of a father and son of the same name"),
    Category("wrong_tin", _V, (), "a true name and address with another taxpayer's TIN"),
    Category("nonfiler_close_name", _V, (), "a non-filer whose given name is close to a filer's"),
    Category("nonfiler_junior", _V, (), "a son JR not on file where only his father files"),
    Category("namesake_no_unit", _V, (), "a filer's name at the building without a unit"),
    Category("father_son_moved", _V, (), "of a father and son who moved, the one not filed there"),
    Category("addr_missing", _I, ("ADDRESS_",), "no address at all"),
    Category("addr_zip_only", _I, ("ADDRESS_",), "a ZIP code or digits alone"),
    Category("addr_placeholder", _I, ("ADDRESS_",), "a placeholder street line (N/A, UNKNOWN)"),
    Category("addr_no_house_number", _I, ("ADDRESS_",), "a street line without a number"),
    Category("addr_no_street_name", _I, ("ADDRESS_",), "a number without a street name"),
    Category("addr_no_locality", _I, ("ADDRESS_",), "neither city+state nor a valid ZIP"),
    Category("addr_facility_only", _I, ("ADDRESS_",), "a detention facility without a street"),
    Category("tin_plus_junk_address", _I, ("ADDRESS_",), "a correct TIN with a junk address"),
    Category("bad_statute", _I, ("STATUTE_",), "a civil, tax or missing statute"),
    Category("young_order", _I, ("ORDER_",), "a removal order fewer than 90 days old"),
    Category("future_order", _I, ("ORDER_",), "a removal order dated after the request"),
    Category("missing_order", _I, ("ORDER_",), "no or an unreadable removal-order date"),
    Category("missing_reason", _I, ("REASON_",), "no reason, or boilerplate N/A or -"),
    Category("missing_periods", _I, ("PERIOD_",), "no taxable periods"),
    Category("bad_periods", _I, ("PERIOD_",), "periods that are not 4-digit years in range"),
    Category("missing_name", _I, ("NAME_",), "no first or no last name"),
    Category("placeholder_name", _I, ("NAME_",), "FNU, LNU, UNKNOWN, TEST and the like"),
    Category("single_char_name", _I, ("NAME_",), "a first or last name of one letter"),
    Category("digit_name", _I, ("NAME_",), "a name made of or containing digits"),
    Category("household_name", _I, ("NAME_",), "a household or role word (BABY GIRL, OCCUPANT)"),
    Category("two_defects", _I, (), "two defects of different kinds (prefixes per row)"),
    Category("duplicate", _I, ("DUPLICATE",), "the same person asked again in the batch"),
)
"""Every category, in the order the docs list them."""

CATEGORY_BY_NAME: Final = {c.name: c for c in CATEGORIES}

VARIATIONS: Final[tuple[tuple[str, str], ...]] = (
    ("second_given_name", "a second given name the filings never show, or the filer's omitted"),
    ("nickname", "a nickname or short form, shared short forms (PAT) with the DOB or TIN"),
    ("middle_as_first", "the second given name used as the first name"),
    ("initial_first", "the first initial and the full second given name (J ROBERT)"),
    ("family_first", "the family name written first (first and last swapped)"),
    ("surname_is_given", "a surname that is also a given name (THOMAS JAMES), either order"),
    ("transliteration", "another romanisation of the given name (MUHAMMAD / MOHAMMED)"),
    ("joined_given", "a joined given name hyphenated or spaced (JIYOUNG / JI-YOUNG)"),
    ("ocr", "an OCR confusion in the surname (RN/M, CL/D) or house number (0/O, 1/I)"),
    ("married_surname", "the other surname of a marriage, both shown by the person's filings"),
    ("dob_digit", "a date of birth with one digit wrong"),
    ("dob_day_month", "a date of birth with day and month swapped"),
    ("dob_year", "a date of birth one year off"),
    ("dob_jan1", "a default date of birth: January 1 of the right year"),
    ("street_typo", "two letters of the street name transposed or one replaced (ELM / EML)"),
    ("zip_digit", "one digit of the ZIP wrong while city and state agree"),
    ("unit_designator", "the unit with any designator (APT, #, NO, UNIT, STE, FL, BSMT, RM)"),
    ("unit_omitted", "the unit of a multi-unit building left out"),
)
"""Variation classes of valid requests about a person on file: (name, meaning)."""

VARIATION_NAMES: Final = tuple(name for name, _ in VARIATIONS)


@dataclass(frozen=True, slots=True)
class WorldSpec:
    """Every rate of the synthetic world. All shares are probabilities in [0, 1].

    Category rates are shares of all requests; ``current_address`` takes what the others
    leave (see :attr:`current_address_rate`). The defaults give about 70 % valid requests,
    28 % invalid ones and 2 % duplicates.
    """

    # --- population -------------------------------------------------------------------
    household_size_weights: tuple[float, ...] = (0.34, 0.33, 0.17, 0.11, 0.05)
    """Relative weights of adult (taxpayer) household sizes 1, 2, 3, ..."""
    hispanic_share: float = 0.30
    """Share of households whose surnames and given names come from the Hispanic lists."""
    asian_share: float = 0.10
    """Share of households from the Asian lists."""
    other_share: float = 0.05
    """Share of households from the 'other' lists; the rest use the English lists."""
    roommate_rate: float = 0.15
    """Share of non-head household members unrelated to the head (own surname: roommates)."""
    spouse_takes_surname_rate: float = 0.55
    """Share of spouses written with the head's (paternal) surname."""
    junior_household_rate: float = 0.03
    """Share of households of 2+ with an adult son of the father's full name (Jr/Sr)."""
    compound_surname_rate: float = 0.60
    """Share of Hispanic taxpayers with a maternal surname (paternal + maternal)."""
    second_given_name_rate: float = 0.45
    """Share of taxpayers with a second given name (MARIA JOSE) or English middle name."""
    itin_rate: float = 0.06
    """Share of master taxpayers holding an ITIN instead of an SSN."""
    itin_hispanic_boost: float = 4.0
    """How many times likelier a Hispanic-list taxpayer is to hold an ITIN."""
    dob_known_rate: float = 0.93
    """Share of master taxpayers with a date of birth on file."""

    # --- geography ------------------------------------------------------------------------
    delivery_points_per_use: float = 1.6
    """Delivery points built per address a household uses (spare ones stay vacant)."""
    multi_unit_share: float = 0.45
    """Share of delivery points that are units of multi-unit buildings."""
    po_box_rate: float = 0.015
    """Share of buildings that are PO boxes instead of street addresses."""
    rural_route_rate: float = 0.5
    """Share of buildings in 'rural' places that are rural-route boxes."""
    fraction_house_rate: float = 0.005
    """Share of single-unit street buildings numbered with a fraction (101 1/2)."""
    predirectional_rate: float = 0.20
    """Share of streets with a pre-directional (N MAIN ST)."""
    postdirectional_rate: float = 0.03
    """Share of streets (outside DC, where all have one) with a post-directional."""
    no_suffix_rate: float = 0.04
    """Share of streets without a suffix (BROADWAY)."""
    numbered_street_rate: float = 0.15
    """Share of streets named with an ordinal (31ST ST)."""

    # --- address history and filings ------------------------------------------------------
    history_years: int = 9
    """Tax years covered: the ``history_years`` years before the request year."""
    moves_per_year: float = 0.12
    """Mean household moves per year (Poisson)."""
    return_filing_rate: float = 0.80
    """Probability that a taxpayer files a RETURN for a tax year in their filing span."""
    late_start_rate: float = 0.25
    """Share of taxpayers whose filing history starts after the first year (new filers)."""
    late_filer_rate: float = 0.06
    """Share of taxpayers who are late filers."""
    late_return_rate: float = 0.5
    """For a late filer, the share of returns received one to three years late."""
    form_8822_rate: float = 0.12
    """Probability that a taxpayer sends a FORM_8822 after a household move."""
    ncoa_rate: float = 0.25
    """Probability that an NCOA update is applied for a taxpayer after a household move."""

    # --- master-file writing variation ----------------------------------------------------
    accent_rate: float = 0.25
    """Share of filings writing an accentable name with its accents (GARCÍA, JOSÉ)."""
    mixed_case_rate: float = 0.15
    """Share of filings written in title case instead of upper case."""
    compound_form_weights: tuple[float, ...] = (0.35, 0.20, 0.05, 0.25, 0.15)
    """Weights of compound-surname forms: spaced, hyphenated, joined, maternal dropped,
    maternal as middle name."""
    middle_initial_rate: float = 0.35
    """Share of filings that write a second given name as its initial."""
    middle_dropped_rate: float = 0.25
    """Share of filings that leave a second given name out."""
    suffix_written_rate: float = 0.5
    """Share of a Jr/Sr taxpayer's filings that write the suffix."""
    master_anglicised_rate: float = 0.03
    """Share of filings that write an anglicised given name (JOHN for JUAN)."""
    master_name_typo_rate: float = 0.01
    """Share of filings with a one-character typo in the last name."""
    long_form_rate: float = 0.20
    """Share of written addresses with long forms (NORTH, STREET, AVENUE)."""
    unit_in_street_rate: float = 0.25
    """Share of written unit addresses with the unit inside the street line."""
    zip9_rate: float = 0.25
    """Share of written ZIPs as 9 digits (123456789)."""
    zip_plus4_rate: float = 0.25
    """Share of written ZIPs as ZIP+4 (12345-6789)."""
    punctuation_rate: float = 0.10
    """Share of written addresses with periods after abbreviations (N. MAIN ST.)."""
    street_typo_rate: float = 0.01
    """Share of written street lines with a one-character typo in the street name."""
    filing_unit_omitted_rate: float = 0.04
    """Share of a unit's later filings (not the first at that point) that leave the unit out."""
    filing_partial_street_rate: float = 0.03
    """Share of a street point's later filings written as house number and street name only."""

    # --- requests: who is asked about, and how the request is written --------------------
    request_hispanic_weight: float = 3.0
    """Sampling weight of Hispanic-list households relative to others."""
    request_itin_weight: float = 4.0
    """Sampling weight of ITIN holders relative to SSN holders."""
    request_tin_rate: float = 0.30
    """Share of requests that carry the person's TIN."""
    request_dob_rate: float = 0.75
    """Share of requests that carry a date of birth."""
    request_alien_number_rate: float = 0.85
    """Share of requests that carry an alien registration number."""
    request_nickname_rate: float = 0.08
    """Share of request names using a nickname or anglicised given name."""
    request_swap_rate: float = 0.02
    """Share of request names with first and last name swapped."""
    request_name_typo_rate: float = 0.04
    """Share of request names with a one-character typo."""
    request_accent_rate: float = 0.10
    """Share of request names written with accents where the name has them."""
    request_suffix_rate: float = 0.5
    """Share of requests about a Jr/Sr that carry the suffix."""
    request_split_surname_rate: float = 0.5
    """Share of requests about a compound surname that keep both surnames."""
    requests_per_officer: int = 100
    """Average requests per officer: the officer pool has n_requests / this members."""
    order_min_age_days: int = 90
    """Minimum age of a valid removal order (the agreement's 90 days)."""

    # --- request categories (shares of all requests) -------------------------------------
    older_address_rate: float = 0.19
    """Valid: an earlier address of the person; the answer is the current LKA."""
    not_their_address_rate: float = 0.025
    """Valid: an address that is not in the person's filings."""
    not_in_master_rate: float = 0.02
    """Valid: a person not in the master file."""
    nonfiler_namesake_rate: float = 0.015
    """Valid: a non-filer relative or same-name person (other DOB) at a filer's address."""
    namesake_same_building_rate: float = 0.01
    """Valid: a filer's name with another unit of the filer's building."""
    father_son_rate: float = 0.008
    """Valid: one of a father and son of the same name who share an address."""
    father_son_dob_rate: float = 0.5
    """Share of father/son requests that carry a DOB (this makes them distinguishable)."""
    wrong_tin_rate: float = 0.004
    """Valid: true name and address with another real taxpayer's TIN."""
    nonfiler_close_name_rate: float = 0.012
    """Valid: a non-filer relative with a close given name (FRANCES where FRANCIS files)."""
    close_name_kind_weights: tuple[float, ...] = (0.3, 0.2, 0.1, 0.1, 0.3)
    """Weights of the kinds of ``nonfiler_close_name``: gender form, shared short form, twin,
    first letter, second given name."""
    nonfiler_junior_rate: float = 0.006
    """Valid: a son JR, not on file, at the address where his father files."""
    namesake_no_unit_rate: float = 0.006
    """Valid: a filer's name (another person, own DOB) at the building, no unit written."""
    father_son_moved_rate: float = 0.002
    """Valid: of a father and son who moved, the one who has not filed at the new address."""

    # --- variation classes of requests about a person on file ---------------------------
    variation_rate: float = 0.45
    """Share of current- and older-address requests that carry one variation class."""
    variation_weights: tuple[float, ...] = (
        8,
        10,
        5,
        4,
        6,
        4,
        3,
        3,
        5,
        4,
        3,
        3,
        3,
        3,
        6,
        5,
        8,
        5,
    )
    """Relative weights of the variation classes, in :data:`VARIATIONS` order."""
    addr_missing_rate: float = 0.01
    """Invalid: no address."""
    addr_zip_only_rate: float = 0.03
    """Invalid: a ZIP code or digits alone."""
    addr_placeholder_rate: float = 0.045
    """Invalid: a placeholder street line."""
    addr_no_house_number_rate: float = 0.02
    """Invalid: no house number."""
    addr_no_street_name_rate: float = 0.015
    """Invalid: no street name."""
    addr_no_locality_rate: float = 0.015
    """Invalid: neither city+state nor a valid ZIP."""
    addr_facility_only_rate: float = 0.01
    """Invalid: a detention facility named without a street address."""
    tin_plus_junk_address_rate: float = 0.02
    """Invalid: the correct TIN with a junk address (the 2025 failure)."""
    bad_statute_rate: float = 0.02
    """Invalid: a civil, tax or missing statute."""
    young_order_rate: float = 0.012
    """Invalid: a removal order fewer than 90 days old."""
    future_order_rate: float = 0.008
    """Invalid: a removal order after the request date."""
    missing_order_rate: float = 0.006
    """Invalid: no or an unreadable removal-order date."""
    missing_reason_rate: float = 0.012
    """Invalid: no reason or boilerplate."""
    missing_periods_rate: float = 0.008
    """Invalid: no taxable periods."""
    bad_periods_rate: float = 0.008
    """Invalid: malformed or out-of-range periods."""
    missing_name_rate: float = 0.01
    """Invalid: no first or last name."""
    placeholder_name_rate: float = 0.01
    """Invalid: a placeholder name."""
    single_char_name_rate: float = 0.006
    """Invalid: a one-letter name."""
    digit_name_rate: float = 0.005
    """Invalid: a name with digits."""
    household_name_rate: float = 0.006
    """Invalid: a household or role word as a name (BABY GIRL, GRANDSON, OCCUPANT)."""
    two_defects_rate: float = 0.01
    """Invalid: two defects of different kinds."""
    duplicate_rate: float = 0.02
    """The same person asked a second time, written differently."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("_rate", "_share")) and not 0.0 <= value <= 1.0:
                raise ConfigError(f"WorldSpec.{f.name} = {value} is not a share in [0, 1]")
        if self.current_address_rate < 0:
            raise ConfigError(
                "WorldSpec category rates add up to more than 1",
                hint="lower some *_rate fields of the request categories",
            )
        if len(self.variation_weights) != len(VARIATIONS):
            raise ConfigError(f"WorldSpec.variation_weights needs {len(VARIATIONS)} weights")
        if len(self.close_name_kind_weights) != 5:
            raise ConfigError("WorldSpec.close_name_kind_weights needs 5 weights")
        if self.hispanic_share + self.asian_share + self.other_share > 1:
            raise ConfigError("WorldSpec group shares add up to more than 1")

    @property
    def current_address_rate(self) -> float:
        """Valid: the person's LKA; the share the other categories leave."""
        return 1.0 - sum(self.category_rates(include_current=False).values())

    def category_rates(self, *, include_current: bool = True) -> dict[str, float]:
        """The share of each category, keyed by category name, in :data:`CATEGORIES` order."""
        rates: dict[str, float] = {}
        for category in CATEGORIES:
            if category.name == "current_address":
                if include_current:
                    rates[category.name] = self.current_address_rate
                continue
            field_name = _RATE_FIELD.get(category.name, f"{category.name}_rate")
            rates[category.name] = float(getattr(self, field_name))
        return rates


def category_counts(spec: WorldSpec, n: int) -> dict[str, int]:
    """Whole counts per category that add up to ``n`` (largest remainder)."""
    rates = spec.category_rates()
    raw = {name: rate * n for name, rate in rates.items()}
    counts = {name: int(value) for name, value in raw.items()}
    by_remainder = sorted(raw, key=lambda k: (-(raw[k] - counts[k]), k))
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    return counts


_RATE_FIELD: Final = {"father_son_same_address": "father_son_rate"}
