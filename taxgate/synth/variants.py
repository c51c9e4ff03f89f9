"""How the requesting agency writes a person and an address (one request at a time).

Request files are written by another agency's systems and officers, so they vary more than
the master file: nicknames and anglicised given names, swapped first and last names, a
compound surname in any of its forms, typos, and addresses in every USPS spelling.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from taxgate.synth import vocab
from taxgate.synth.geography import (
    KIND_PO_BOX,
    KIND_RURAL_ROUTE,
    KIND_STREET,
    UNIT_TYPES,
    Geography,
)
from taxgate.synth.noise import NoiseModel
from taxgate.synth.population import Population
from taxgate.synth.spec import WorldSpec


@dataclass(frozen=True)
class Person:
    """A person as the truth knows them (unwritten): names in plain upper case."""

    given1: str
    given2: str
    paternal: str
    maternal: str
    suffix: str
    maiden: str = ""  # the surname the person filed under before marriage, if any

    @staticmethod
    def of(pop: Population, taxpayer: int) -> Person:
        """The identity of master taxpayer ``taxpayer``."""
        given, surname = vocab.given_names(), vocab.surnames()
        g2, mat = int(pop.given2[taxpayer]), int(pop.maternal[taxpayer])
        maiden = int(pop.maiden[taxpayer])
        return Person(
            given1=given.names[int(pop.given1[taxpayer])],
            given2=given.names[g2] if g2 >= 0 else "",
            paternal=surname.names[int(pop.paternal[taxpayer])],
            maternal=surname.names[mat] if mat >= 0 else "",
            suffix=vocab.SUFFIXES[int(pop.suffix[taxpayer])],
            maiden=surname.names[maiden] if maiden >= 0 else "",
        )


@dataclass(frozen=True)
class WrittenName:
    """A name as a request writes it."""

    first: str
    middle: str
    last: str
    suffix: str


@dataclass(frozen=True)
class WrittenAddress:
    """An address as a request writes it (split form)."""

    street: str
    unit: str
    city: str
    state: str
    zip: str

    def line(self) -> str:
        """The one-line form: ``123 MAIN ST APT 4, SPRINGFIELD, IL 62704``."""
        first = " ".join(p for p in (self.street, self.unit) if p)
        last = " ".join(p for p in (self.state, self.zip) if p)
        return ", ".join(p for p in (first, self.city, last) if p)


def _accent_map() -> dict[str, str]:
    pairs = {}
    for table in (vocab.given_names(), vocab.surnames()):
        for name, accented in zip(table.names, table.accented, strict=True):
            if accented:
                pairs[name] = accented
    return pairs


_ACCENTED = _accent_map()


_PLAIN = {accented: plain for plain, accented in _ACCENTED.items()}

# Notes of write_name that mean the maternal surname is written as part of the surname.
MATERNAL_WRITTEN = ("surname:spaced", "surname:hyphen", "surname:joined")


def _maybe_accent(name: str, rnd: random.Random, rate: float) -> str:
    return _ACCENTED.get(name, name) if rnd.random() < rate else name


def written_given(name: WrittenName, notes: list[str]) -> str:
    """The first given name as ``write_name`` wrote it, upper case and without accents."""
    text = (name.last if "name:swapped" in notes else name.first).upper()
    return _PLAIN.get(text, text)


def write_name(
    person: Person, spec: WorldSpec, rnd: random.Random, noise: NoiseModel
) -> tuple[WrittenName, list[str]]:
    """Write ``person``'s name with the request-side variation; returns the variations used.

    ``noise`` garbles the first or the last name at its own rate (:mod:`taxgate.synth.noise`).
    """
    notes: list[str] = []
    first = _maybe_accent(person.given1, rnd, spec.request_accent_rate)
    variants = vocab.name_variants().variants.get(person.given1, ())
    if variants and rnd.random() < spec.request_nickname_rate:
        first = rnd.choice(variants)
        notes.append("name:nickname")
    middle = ""
    if person.given2:
        r = rnd.random()
        if r < 0.35:
            middle = _maybe_accent(person.given2, rnd, spec.request_accent_rate)
        elif r < 0.65:
            middle = person.given2[0]
            notes.append("name:middle_initial")
    pat = _maybe_accent(person.paternal, rnd, spec.request_accent_rate)
    last = pat
    if person.maternal:
        mat = _maybe_accent(person.maternal, rnd, spec.request_accent_rate)
        if rnd.random() < spec.request_split_surname_rate:
            form = rnd.choice(("spaced", "hyphen", "joined"))
            joiner = {"spaced": " ", "hyphen": "-", "joined": ""}[form]
            last = f"{pat}{joiner}{mat}"
            if form == "joined":
                last = last.replace(" ", "")
            notes.append(f"surname:{form}")
        elif rnd.random() < 0.4:
            middle = mat
            notes.append("surname:maternal_as_middle")
        else:
            notes.append("surname:maternal_dropped")
    suffix = ""
    if person.suffix and rnd.random() < spec.request_suffix_rate:
        suffix = rnd.choice((person.suffix, person.suffix, person.suffix.title() + "."))
        notes.append("name:suffix")
    if rnd.random() < noise.name_rate(spec.request_name_typo_rate):
        if rnd.random() < 0.5:
            first = noise.garble(first, rnd)
        else:
            last = noise.garble(last, rnd)
        notes.append(f"name:{noise.label}")
    if rnd.random() < spec.request_swap_rate:
        first, last = last, first
        notes.append("name:swapped")
    if rnd.random() < 0.2:
        first, middle, last, suffix = (x.title() for x in (first, middle, last, suffix))
    return WrittenName(first, middle, last, suffix), notes


def _direction(code: int, long_form: bool, dots: bool) -> str:
    if code < 0:
        return ""
    short = vocab.DIRECTIONS[code]
    if long_form:
        return vocab.LONG_DIRECTION[short]
    return f"{short}." if dots else short


def _street_type(code: int, long_form: bool, dots: bool) -> str:
    if code < 0:
        return ""
    short = vocab.STREET_TYPES[code]
    if long_form:
        return vocab.LONG_STREET_TYPE.get(short, short)
    return f"{short}." if dots else short


def write_address(
    geo: Geography,
    dp: int,
    spec: WorldSpec,
    rnd: random.Random,
    noise: NoiseModel,
    *,
    unit_word: str = "",
    unit_omitted: bool = False,
) -> tuple[WrittenAddress, list[str]]:
    """Write delivery point ``dp`` the way a request might; returns the variations used.

    ``noise`` garbles the street name at its own rate (:mod:`taxgate.synth.noise`);
    ``unit_word`` forces a unit designator (``FL``, ``NO``), ``unit_omitted`` leaves the unit
    out.
    """
    notes: list[str] = []
    b = int(geo.dp_building[dp])
    z = int(geo.bldg_zip[b])
    place = int(geo.zip_place[z])
    kind = int(geo.bldg_kind[b])
    long_form = rnd.random() < spec.long_form_rate * 1.5
    dots = rnd.random() < spec.punctuation_rate
    if long_form:
        notes.append("address:long_form")
    unit = ""
    if kind == KIND_PO_BOX:
        box = int(geo.bldg_number[b])
        street = f"{rnd.choice(('PO BOX', 'P.O. BOX', 'POST OFFICE BOX', 'P O BOX'))} {box}"
    elif kind == KIND_RURAL_ROUTE:
        route, box = int(geo.bldg_route[b]), int(geo.bldg_number[b])
        street = rnd.choice(("RR {r} BOX {b}", "RURAL ROUTE {r} BOX {b}")).format(r=route, b=box)
    else:
        s = int(geo.bldg_street[b])
        name = geo.street_vocab[int(geo.street_name[s])]
        street_rate = noise.street_rate(spec.street_typo_rate * 3)
        if rnd.random() < street_rate and not any(c.isdigit() for c in name):
            name = noise.garble(name, rnd)
            notes.append(f"address:street_{noise.label}")
        parts = (
            str(geo.bldg_house[b]),
            _direction(int(geo.street_predir[s]), long_form, dots),
            name,
            _street_type(int(geo.street_suffix[s]), long_form, dots),
            _direction(int(geo.street_postdir[s]), long_form, dots),
        )
        street = " ".join(p for p in parts if p)
        label = str(geo.dp_unit[dp])
        if label and not unit_omitted:
            canonical = UNIT_TYPES[int(geo.bldg_unit_type[b])]
            word = unit_word or rnd.choice(
                (canonical, canonical, "#", "APARTMENT" if canonical == "APT" else canonical)
            )
            unit = f"#{label}" if word == "#" else f"{word} {label}"
            if rnd.random() < spec.unit_in_street_rate * 1.5:
                street, unit = f"{street} {unit}", ""
                notes.append("address:unit_in_street")
    zip5 = geo.zip5[z]
    plus4 = f"{int(geo.bldg_plus4[b]):04d}"
    zip_code = rnd.choice((zip5, zip5, zip5 + plus4, f"{zip5}-{plus4}"))
    city, state = geo.city[place], geo.state[place]
    # Domain §3: a street address needs city+state or a ZIP, a box needs all three.
    if kind == KIND_STREET and rnd.random() < 0.08:
        city = state = ""
        notes.append("address:zip_without_city")
    if rnd.random() < 0.25:
        street, unit, city = street.title(), unit.title(), city.title()
    return WrittenAddress(street, unit, city, state, zip_code), notes
