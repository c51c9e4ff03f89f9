"""Write every filing's name and address the way the document wrote it (vectorised).

The master file is not clean: compound surnames appear spaced, hyphenated, joined, with the
maternal surname dropped or carried as a middle name; accents come and go; second given
names are written in full, as an initial or not at all; Jr/Sr appear on some documents only;
addresses use long and short forms, several unit designators, ZIP, 9-digit ZIP or ZIP+4,
title case, periods, and now and then a typo.
"""

from __future__ import annotations

import random
from functools import cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taxgate.synth import vocab
from taxgate.synth.geography import KIND_PO_BOX, KIND_RURAL_ROUTE, UNIT_TYPES, Geography
from taxgate.synth.history import DOC_RETURN, DOC_TYPES, Filings
from taxgate.synth.population import Population
from taxgate.synth.spec import WorldSpec
from taxgate.synth.typos import typo

FORM_SPACED, FORM_HYPHEN, FORM_JOINED, FORM_DROPPED, FORM_AS_MIDDLE = range(5)

_UNIT_WORDS = {
    "APT": ("APT", "#", "APARTMENT", "UNIT"),
    "UNIT": ("UNIT", "#"),
    "STE": ("STE", "SUITE", "#"),
}


@cache
def _anglicised_form() -> tuple[str, ...]:
    """Per given-name index: the first Spanish→English form of that name, or ''."""
    variants = vocab.name_variants().variants
    table = vocab.given_names()
    english = {n for n, g in zip(table.names, table.group.tolist(), strict=True) if g == 1}
    return tuple(
        next((v for v in variants.get(name, ()) if v in english), "") if g == 0 else ""
        for name, g in zip(table.names, table.group.tolist(), strict=True)
    )


def _strings(values: tuple[str, ...] | list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _take(vocabulary: pa.Array, idx: np.ndarray) -> pa.Array:
    """``vocabulary[idx]`` with null where ``idx`` < 0."""
    mask = idx < 0
    return vocabulary.take(pa.array(np.where(mask, 0, idx), mask=mask))


def _pick(mask: np.ndarray, when_true: pa.Array, when_false: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), when_true, when_false)


def _accented(table: vocab.NameTable) -> pa.Array:
    """The accented spelling of every name (the plain one where Spanish writes none)."""
    return _strings([a or n for a, n in zip(table.accented, table.names, strict=True)])


def _title_where(mask: np.ndarray, array: pa.Array) -> pa.Array:
    """Title-case only the rows selected by ``mask`` (cheaper than casing every row)."""
    if not mask.any():
        return array
    selected = pa.array(mask)
    return pc.replace_with_mask(array, selected, pc.utf8_title(array.filter(selected)))


def _mutate(array: pa.Array, mask: np.ndarray, rnd: random.Random) -> pa.Array:
    """Apply a one-character typo to the rows of ``array`` selected by ``mask``."""
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return array
    values = array.take(pa.array(rows)).to_pylist()
    changed = [typo(v, rnd) if v else v for v in values]
    return pc.replace_with_mask(array, pa.array(mask), _strings(changed))


class WrittenFlags(NamedTuple):
    """Per filing: whether it wrote the taxpayer's suffix, their maternal surname, their
    second given name in full, and whether it was filed under a maiden surname."""

    suffix: np.ndarray
    maternal: np.ndarray
    middle: np.ndarray
    maiden: np.ndarray


def render_names(
    rng: np.random.Generator, spec: WorldSpec, pop: Population, filings: Filings
) -> tuple[dict[str, pa.Array], WrittenFlags]:
    """first/middle/last/suffix columns, and what each filing wrote of the suffix and the
    maternal surname."""
    rnd = random.Random(int(rng.integers(0, 2**63)))
    tp = filings.taxpayer
    n = len(tp)
    given, surname = vocab.given_names(), vocab.surnames()
    g_plain, g_acc_vocab = _strings(given.names), _accented(given)
    s_plain, s_acc_vocab = _strings(surname.names), _accented(surname)
    accent = rng.random(n) < spec.accent_rate

    g1 = pop.given1[tp]
    first = _pick(accent, _take(g_acc_vocab, g1), _take(g_plain, g1))
    angl = _strings(_anglicised_form())
    angl_first = _take(angl, g1)
    use_angl = (rng.random(n) < spec.master_anglicised_rate) & np.asarray(
        pc.greater(pc.utf8_length(angl_first), 0)
    )
    first = _pick(use_angl, angl_first, first)

    g2 = pop.given2[tp]
    second = _pick(accent, _take(g_acc_vocab, g2), _take(g_plain, g2))
    r = rng.random(n)
    initial = pc.utf8_slice_codeunits(second, 0, 1)
    middle = _pick(r < spec.middle_initial_rate, initial, second)
    middle = _pick(r > 1 - spec.middle_dropped_rate, pa.nulls(n, pa.string()), middle)
    in_first = (g2 >= 0) & (rng.random(n) < 0.1)
    first = _pick(in_first, pc.binary_join_element_wise(first, second, " "), first)
    middle = _pick(in_first, pa.nulls(n, pa.string()), middle)

    pat, mat = pop.paternal[tp], pop.maternal[tp]
    pat_s = _pick(accent, _take(s_acc_vocab, pat), _take(s_plain, pat))
    mat_s = _pick(accent, _take(s_acc_vocab, mat), _take(s_plain, mat))
    weights = np.asarray(spec.compound_form_weights) / sum(spec.compound_form_weights)
    preferred = rng.choice(len(weights), size=pop.n, p=weights)[tp]
    form = np.where(rng.random(n) < 0.7, preferred, rng.choice(len(weights), size=n, p=weights))
    form = np.where(mat >= 0, form, FORM_DROPPED)
    spaced = pc.binary_join_element_wise(pat_s, mat_s, " ")
    joined = pc.replace_substring(pc.binary_join_element_wise(pat_s, mat_s, ""), " ", "")
    last = pc.choose(
        pa.array(form.astype(np.int8)),
        spaced,
        pc.binary_join_element_wise(pat_s, mat_s, "-"),
        joined,
        pat_s,
        pat_s,
    )
    # The second given name in full: in the first-name field, or in the middle-name field
    # unless an initial, left out, or displaced by the maternal surname.
    full = (r >= spec.middle_initial_rate) & (r <= 1 - spec.middle_dropped_rate)
    middle_written = (g2 >= 0) & (np.asarray(in_first) | (full & (form != FORM_AS_MIDDLE)))
    middle = _pick(form == FORM_AS_MIDDLE, mat_s, middle)
    maiden = (pop.maiden[tp] >= 0) & (filings.received < pop.married_day[tp])
    last = _pick(maiden, _take(s_plain, pop.maiden[tp]), last)
    middle = _pick(maiden & (form == FORM_AS_MIDDLE), pa.nulls(n, pa.string()), middle)
    form = np.where(maiden, FORM_DROPPED, form)
    last = _mutate(last, rng.random(n) < spec.master_name_typo_rate, rnd)

    has_suffix = pop.suffix[tp] > 0
    written = has_suffix & (rng.random(n) < spec.suffix_written_rate)
    suffix_word = _take(_strings(vocab.SUFFIXES), np.where(written, pop.suffix[tp], -1))
    dotted = pc.binary_join_element_wise(suffix_word, pa.scalar("."), "")
    suffix_col = _pick(rng.random(n) < 0.3, dotted, suffix_word)

    title = rng.random(n) < spec.mixed_case_rate
    columns = {"first_name": first, "middle_name": middle, "last_name": last, "suffix": suffix_col}
    for key in ("first_name", "middle_name", "last_name", "suffix"):
        columns[key] = _title_where(title, columns[key])
    maternal_written = (mat >= 0) & (form != FORM_DROPPED)
    return columns, WrittenFlags(written, maternal_written, middle_written, maiden)


def render_addresses(
    rng: np.random.Generator,
    spec: WorldSpec,
    geo: Geography,
    dp: np.ndarray,
    repeat: np.ndarray | None = None,
) -> dict[str, pa.Array]:
    """street/unit/city/state/zip columns for the delivery points ``dp``, as written.

    ``repeat`` marks filings that are not their taxpayer's first at that delivery point: only
    those may leave the unit out or write the street partly (domain §5), so that every
    taxpayer wrote each of their points in full at least once.
    """
    rnd = random.Random(int(rng.integers(0, 2**63)))
    n = len(dp)
    b = geo.dp_building[dp]
    s = geo.bldg_street[b]
    z = geo.bldg_zip[b]
    long_form = rng.random(n) < spec.long_form_rate
    dots = rng.random(n) < spec.punctuation_rate

    def word(table: tuple[str, ...], long: dict[str, str], codes: np.ndarray) -> pa.Array:
        short = _take(_strings(table), codes)
        longer = _take(_strings([long.get(t, t) for t in table]), codes)
        dotted = pc.binary_join_element_wise(short, pa.scalar("."), "")
        return _pick(long_form, longer, _pick(dots, dotted, short))

    name = _take(_strings(geo.street_vocab), geo.street_name[s])
    plain_name = np.asarray(pc.invert(pc.match_substring_regex(name, r"\d")))
    name = _mutate(name, (rng.random(n) < spec.street_typo_rate) & plain_name, rnd)
    street = pc.binary_join_element_wise(
        geo.bldg_house.take(pa.array(b)),
        word(vocab.DIRECTIONS, vocab.LONG_DIRECTION, geo.street_predir[s]),
        name,
        word(vocab.STREET_TYPES, vocab.LONG_STREET_TYPE, geo.street_suffix[s]),
        word(vocab.DIRECTIONS, vocab.LONG_DIRECTION, geo.street_postdir[s]),
        " ",
        null_handling="skip",
    )
    kind = geo.bldg_kind[b]
    boxes = np.flatnonzero(kind != 0)
    if len(boxes):
        written_boxes = [
            _box_line(rnd, int(kind[i]), int(geo.bldg_route[b[i]]), int(geo.bldg_number[b[i]]))
            for i in boxes.tolist()
        ]
        box_mask = np.zeros(n, dtype=bool)
        box_mask[boxes] = True
        street = pc.replace_with_mask(street, pa.array(box_mask), _strings(written_boxes))

    label = geo.dp_unit.take(pa.array(dp))
    has_unit = np.asarray(pc.greater(pc.utf8_length(label), 0))
    unit_type = geo.bldg_unit_type[b]
    designator = _unit_designators(rng, unit_type)
    hash_form = pc.equal(designator, "#")
    unit = pc.if_else(
        hash_form,
        pc.binary_join_element_wise(designator, label, ""),
        pc.binary_join_element_wise(designator, label, " "),
    )
    unit = _pick(has_unit, unit, pa.nulls(n, pa.string()))
    inline = has_unit & (rng.random(n) < spec.unit_in_street_rate)
    full_street = street
    street = _pick(inline, pc.binary_join_element_wise(street, unit, " "), street)
    unit = _pick(inline, pa.nulls(n, pa.string()), unit)
    if repeat is not None:
        street, unit = _partial_forms(
            rng, spec, geo, b, name, (full_street, street, unit), repeat & has_unit, repeat
        )

    places = geo.zip_place[z]
    city = _take(_strings(geo.city), places)
    state = _take(_strings(geo.state), places)
    zip5 = _take(_strings(geo.zip5), z)
    plus4 = pc.utf8_lpad(pc.cast(pa.array(geo.bldg_plus4[b]), pa.string()), 4, "0")
    r = rng.random(n)
    zip_col = _pick(r < spec.zip9_rate, pc.binary_join_element_wise(zip5, plus4, ""), zip5)
    plus = (r >= spec.zip9_rate) & (r < spec.zip9_rate + spec.zip_plus4_rate)
    zip_col = _pick(plus, pc.binary_join_element_wise(zip5, plus4, "-"), zip_col)

    title = rng.random(n) < spec.mixed_case_rate
    street = _title_where(title, street)
    unit = _title_where(title, unit)
    city = _title_where(title | (rng.random(n) < 0.1), city)
    return {"street": street, "unit": unit, "city": city, "state": state, "zip": zip_col}


def _partial_forms(
    rng: np.random.Generator,
    spec: WorldSpec,
    geo: Geography,
    b: np.ndarray,
    name: pa.Array,
    written: tuple[pa.Array, pa.Array, pa.Array],
    repeat_unit: np.ndarray,
    repeat: np.ndarray,
) -> tuple[pa.Array, pa.Array]:
    """A later filing of a point that leaves the unit out, or writes only house and name."""
    full_street, street, unit = written
    n = len(b)
    no_unit = repeat_unit & (rng.random(n) < spec.filing_unit_omitted_rate)
    street = _pick(no_unit, full_street, street)
    unit = _pick(no_unit, pa.nulls(n, pa.string()), unit)
    partial = repeat & (geo.bldg_kind[b] == 0) & (rng.random(n) < spec.filing_partial_street_rate)
    house_and_name = pc.binary_join_element_wise(geo.bldg_house.take(pa.array(b)), name, " ")
    street = _pick(partial, house_and_name, street)
    unit = _pick(partial, pa.nulls(n, pa.string()), unit)
    return street, unit


def _unit_designators(rng: np.random.Generator, unit_type: np.ndarray) -> pa.Array:
    out = np.empty(len(unit_type), dtype=object)
    r = rng.random(len(unit_type))
    for code, canonical in enumerate(UNIT_TYPES):
        mask = unit_type == code
        words = _UNIT_WORDS[canonical]
        pick = np.minimum((r[mask] ** 1.5 * len(words)).astype(int), len(words) - 1)
        out[mask] = np.asarray(words, dtype=object)[pick]
    return _strings(list(out))


def _box_line(rnd: random.Random, kind: int, route: int, box: int) -> str:
    if kind == KIND_PO_BOX:
        prefix = rnd.choice(("PO BOX", "PO BOX", "P.O. BOX", "POST OFFICE BOX", "P O BOX"))
        return f"{prefix} {box}"
    assert kind == KIND_RURAL_ROUTE
    template = rnd.choice(("RR {r} BOX {b}", "RURAL ROUTE {r} BOX {b}", "RR {r}, BOX {b}"))
    return template.format(r=route, b=box)


def filings_table(
    rng: np.random.Generator, spec: WorldSpec, pop: Population, geo: Geography, filings: Filings
) -> tuple[pa.Table, WrittenFlags]:
    """The ``filings`` table of the data contract (§1), and what each filing wrote."""
    names, written = render_names(rng, spec, pop, filings)
    point = filings.taxpayer * np.int64(geo.n_dp) + filings.dp
    repeat = np.ones(len(point), dtype=bool)
    repeat[np.unique(point, return_index=True)[1]] = False
    address = render_addresses(rng, spec, geo, filings.dp, repeat)
    tins = pc.utf8_lpad(pc.cast(pa.array(pop.tin[filings.taxpayer]), pa.string()), 9, "0")
    year = _take(pc.cast(pa.array(np.arange(3000)), pa.string()), filings.tax_year)
    received = pc.cast(
        pc.cast(pa.array(filings.received.astype(np.int32)), pa.date32()), pa.string()
    )
    table = pa.table(
        {
            "tin": tins,
            "doc_type": _take(_strings(DOC_TYPES), filings.doc),
            "tax_year": _pick(filings.doc == DOC_RETURN, year, pa.nulls(len(year), pa.string())),
            "received_date": received,
            **names,
            **address,
        }
    )
    return table, written
