"""The golden households table: hand-built scenarios read from ``households/*.toml``.

Each household is self-contained: its taxpayers (TIN, date of birth), their filings over the
years (as written, each labelled with the delivery ``point`` it is, by hand), one or more
requests as the requesting agency writes them, and the expected outcome of each request.
Nothing here imports ``taxgate``: the table is an oracle written by people, not by the code it
checks. See ``docs/golden-households.md`` for the format.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HOUSEHOLDS_DIR = Path(__file__).parent / "households"

REQUEST_DATE = date(2026, 6, 1)
"""The day every golden request is made (the manifest's request date)."""

ITEM4_CLASSES = (
    "second_given_name",
    "other_gender",
    "shared_short_form",
    "surname_as_given_name",
    "initial_and_middle",
    "middle_as_first",
    "twins",
    "first_letter_typo",
    "transliteration",
    "joined_given_names",
    "ocr",
    "family_name_first",
    "married_surname",
    "dob_discrepancy",
    "tin_of_someone_else",
    "street_typo",
    "zip_digit",
    "unit_designator",
    "unit_omitted",
    "house_number_only",
    "moved_together",
    "placeholder_name",
)
"""The variation classes of issue 14 item 4, one name each."""

OTHER_CLASSES = ("duplicate", "suffix", "compound_variation")
"""Item 5 (duplicates by who they are), the Jr/Sr cases of domain §4, and two variations
at once (a short form written with a slip)."""

DIRECTIONS = ("match", "no_match")
OUTCOMES = ("DISCLOSED", "NOT_DISCLOSED", "REJECTED")
DOC_TYPES = ("RETURN", "FORM_8822", "NCOA")
PROCESSING_DAYS = 45  # domain §5: RETURN and FORM_8822 take effect received + 45 days

FILING_FIELDS = (
    "tin",
    "doc_type",
    "tax_year",
    "received_date",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "street",
    "unit",
    "city",
    "state",
    "zip",
    "point",
)
ADDRESS_FIELDS = ("street", "unit", "city", "state", "zip")
NAME_FIELDS = ("first_name", "middle_name", "last_name", "suffix")


@dataclass(frozen=True)
class Filing:
    tin: str
    doc_type: str
    tax_year: str
    received_date: date
    name: tuple[str, str, str, str]
    address: tuple[str, str, str, str, str]
    point: str

    @property
    def effective(self) -> date:
        if self.doc_type == "NCOA":
            return self.received_date
        return self.received_date + timedelta(days=PROCESSING_DAYS)

    @property
    def rank(self) -> tuple[date, date, int]:
        priority = {"FORM_8822": 3, "RETURN": 2, "NCOA": 1}[self.doc_type]
        return (self.effective, self.received_date, priority)

    def row(self) -> dict[str, str]:
        values = dict(zip(NAME_FIELDS, self.name, strict=True))
        values.update(zip(ADDRESS_FIELDS, self.address, strict=True))
        values.update(
            tin=self.tin,
            doc_type=self.doc_type,
            tax_year=self.tax_year,
            received_date=self.received_date.isoformat(),
        )
        return values


@dataclass(frozen=True)
class Expected:
    outcome: str
    code: str = ""  # REJECTED: the reason-code prefix that must be among the codes
    address: tuple[str, str, str, str, str] | None = None  # DISCLOSED: the USPS form
    as_of: str = ""  # DISCLOSED: the day that address became the LKA
    tin: str = ""  # DISCLOSED: whose LKA it is (checked against the filings' points)


@dataclass(frozen=True)
class Request:
    request_id: str
    fields: dict[str, str]
    expected: Expected


@dataclass(frozen=True)
class Household:
    id: str
    cls: str
    direction: str
    why: str
    taxpayers: tuple[tuple[str, str], ...]  # (tin, date_of_birth)
    filings: tuple[Filing, ...]
    requests: tuple[Request, ...]
    known_failure: str = ""  # what today's code does wrong (split-address batch)
    known_failure_line: str = ""  # the same for the one-line-address batch
    source: str = ""

    def filings_of(self, tin: str) -> list[Filing]:
        return [f for f in self.filings if f.tin == tin]


def _default_request_fields(household_id: str, n: int) -> dict[str, str]:
    """A valid §6103(i)(2) request's non-identity fields, varied per household."""
    month = 1 + n % 12
    day = 1 + (n * 7) % 27
    return {
        "officer": f"ERO-{['PHX', 'NYC', 'MIA', 'HOU', 'SEA', 'CHI'][n % 6]}-{40311 + 97 * n}",
        "removal_order_date": f"{2021 + n % 4}-{month:02d}-{day:02d}",
        "statute": ["8 U.S.C. 1253(a)(1)", "8 U.S.C. § 1253(a)(1)", "8 USC 1253(a)(1)"][n % 3],
        "reason": (
            f"Locate subject of open criminal investigation {7100000 + 131 * n} "
            f"(golden {household_id}): final order of removal, no departure verified."
        ),
        "taxable_periods": "2023;2024;2025",
        "alien_number": f"A{208000000 + 7919 * n}",
    }


def _parse_request(raw: dict[str, Any], household_id: str, n: int) -> Request:
    fields = _default_request_fields(household_id, n)
    name = _strings(raw["name"], 4, f"{household_id} request name")
    address = _strings(raw["address"], 5, f"{household_id} request address")
    fields.update(zip(NAME_FIELDS, name, strict=True))
    fields.update(zip(ADDRESS_FIELDS, address, strict=True))
    for key in ("tin", "date_of_birth", "alien_number", "officer", "statute", "reason"):
        if key in raw:
            fields[key] = str(raw[key])
    for key in ("removal_order_date", "taxable_periods"):
        if key in raw:
            fields[key] = str(raw[key])
    fields.setdefault("tin", "")
    fields.setdefault("date_of_birth", "")
    request_id = f"{household_id}-{raw['id']}"
    fields["request_id"] = request_id
    outcome = str(raw["expect"])
    lka = raw.get("lka")
    expected = Expected(
        outcome=outcome,
        code=str(raw.get("code", "")),
        address=None if lka is None else _strings(lka, 5, f"{request_id} lka"),
        as_of=str(raw.get("as_of", "")),
        tin=str(raw.get("lka_tin", "")),
    )
    return Request(request_id, fields, expected)


def _strings(value: object, n: int, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) != n:
        raise ValueError(f"{what}: expected a list of {n} strings, got {value!r}")
    return tuple(str(v) for v in value)


def _parse_household(raw: dict[str, Any], source: str, n: int) -> Household:
    hid = str(raw["id"])
    taxpayers = tuple((str(t["tin"]), str(t.get("dob", ""))) for t in raw["taxpayers"])
    filings = []
    for row in raw["filings"]:
        values = _strings(row, len(FILING_FIELDS), f"{hid} filing")
        f = dict(zip(FILING_FIELDS, values, strict=True))
        filings.append(
            Filing(
                tin=f["tin"],
                doc_type=f["doc_type"],
                tax_year=f["tax_year"],
                received_date=date.fromisoformat(f["received_date"]),
                name=(f["first_name"], f["middle_name"], f["last_name"], f["suffix"]),
                address=(f["street"], f["unit"], f["city"], f["state"], f["zip"]),
                point=f["point"],
            )
        )
    requests = tuple(_parse_request(r, hid, n * 10 + i) for i, r in enumerate(raw["request"]))
    return Household(
        id=hid,
        cls=str(raw["class"]),
        direction=str(raw["direction"]),
        why=str(raw["why"]),
        taxpayers=taxpayers,
        filings=tuple(filings),
        requests=requests,
        known_failure=str(raw.get("known_failure", "")),
        known_failure_line=str(raw.get("known_failure_line", raw.get("known_failure", ""))),
        source=source,
    )


def load_households(directory: Path = HOUSEHOLDS_DIR) -> list[Household]:
    """Every household of every ``*.toml`` file in ``directory``, in file then file order."""
    households: list[Household] = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for raw in data.get("household", []):
            households.append(_parse_household(raw, path.name, len(households)))
    return households


def lka_as_of(household: Household, tin: str, as_of: date = REQUEST_DATE) -> tuple[str, date]:
    """Domain §5 over the hand-labelled points: (point, the day it became the LKA)."""
    eligible = sorted(
        (f for f in household.filings_of(tin) if f.effective <= as_of), key=lambda f: f.rank
    )
    if not eligible:
        raise ValueError(f"{household.id}: {tin} has no effective filing on {as_of}")
    point = eligible[-1].point
    since = eligible[-1].effective
    for f in reversed(eligible):
        if f.point != point:
            break
        since = f.effective
    return point, since


@dataclass
class Census:
    """How many households each class has in each direction."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, household: Household) -> None:
        by_direction = self.counts.setdefault(household.cls, dict.fromkeys(DIRECTIONS, 0))
        by_direction[household.direction] += 1
