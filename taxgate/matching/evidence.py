"""The evidence of each scored candidate pair, computed column by column over the pairs.

Splink scores every (request, candidate record) pair; the decision rule weighs, per pair, the
comparison levels by label, the partial weights (bits), and the name channel's judgement of
the written given names. The levels and weights are read from the score table's columns as a
whole: a comparison vector is labelled once however many pairs share it, and each distinct
weight is rounded once (with Python's ``round``, so the figures are those of rounding pair by
pair). The name channel judges each distinct (level, request name, person, filings) once
(:class:`taxgate.matching.name_channel.NameChannel` caches its judgements).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import DamerauLevenshtein

from taxgate.matching.comparisons import COMPARISON_NAMES, GIVEN, SWAPPED_TYPO
from taxgate.matching.decide import CandidateEvidence
from taxgate.matching.model import MatchModel
from taxgate.matching.name_channel import (
    Judged,
    NameChannel,
    NameKey,
    family_names,
    name_key,
    second_given_names,
)
from taxgate.standardise.name_frequency import given_name_share

Pair = tuple[str, str]  # a request's uid and a candidate taxpayer's TIN


def distinct_records(right: pa.Table) -> pa.Table:
    """The candidate records' features, one row per record (``right`` has one per pair: a
    record that is a candidate of several requests has the same features in each)."""
    ids = right.column("record_id").to_numpy()
    _values, first = np.unique(ids, return_index=True)
    return right.take(pa.array(first, pa.int64()))


@dataclass(frozen=True)
class Sides:
    """Per request (by uid) and per candidate record (by record id): the name-channel key."""

    request: dict[str, NameKey]
    record: dict[int, NameKey]
    surnames: dict[int, frozenset[str]]
    request_surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, left: pa.Table, records: pa.Table, share_of: Callable[[str], float] | None = None
    ) -> Sides:
        """From the requests (Splink's left side) and :func:`distinct_records`; ``share_of``
        says how often people carry a word as their first name (:func:`family_names`)."""
        columns = ("given_key", "given_names", "name_suffix")
        req = zip(*(left.column(c).to_pylist() for c in ("unique_id", *columns)), strict=True)
        rec = zip(*(records.column(c).to_pylist() for c in ("record_id", *columns)), strict=True)
        surnames = zip(
            records.column("record_id").to_pylist(),
            records.column("surname_full").to_pylist(),
            records.column("surname_keys").to_pylist(),
            strict=True,
        )
        asked_surnames = zip(
            left.column("unique_id").to_pylist(),
            left.column("surname_keys").to_pylist(),
            strict=True,
        )
        # Records share surnames: each distinct surname field and its possible surnames is
        # read once (the frozensets are shared, and never changed).
        share = share_of or given_name_share
        families: dict[tuple[Any, tuple[Any, ...]], frozenset[str]] = {}
        family: dict[int, frozenset[str]] = {}
        for rid, full, keys in surnames:
            key = (full, tuple(keys or ()))
            names = families.get(key)
            if names is None:
                names = families[key] = family_names(full, keys, share)
            family[int(rid)] = names
        return cls(
            {r[0]: name_key(*r[1:]) for r in req},
            {int(r[0]): name_key(*r[1:]) for r in rec},
            family,
            {uid: tuple(sorted(keys or ())) for uid, keys in asked_surnames},
        )

    def written_given(self, uid: str, level: str, filed: str) -> tuple[str, NameKey]:
        """The level the name channel judges, and the request's key with the given name as
        written: names exchanged with a slip (MOOR THOMAS for THOMAS MOORE) are a slip of the
        exchanged word, judged by how many people carry that word as a given name (MARLENE
        ROSS, asked as ROSS MARLENE, is not a slip of a filer DARLENE's name)."""
        asked = self.request[uid]
        if level != SWAPPED_TYPO or not self.request_surnames.get(uid):
            return level, asked
        word = min(
            self.request_surnames[uid], key=lambda w: (DamerauLevenshtein.distance(w, filed), w)
        )
        if word == filed:  # the slip is in the other exchanged word: the given name is whole
            return "swapped", asked
        return "typo", (word, asked[1], asked[2])


@dataclass(frozen=True)
class Records:
    """Per candidate record id: its taxpayer, whether it is a box (no street), and how many
    filings it stands for."""

    tins: dict[int, str]
    boxes: set[int]
    filings: dict[int, int]


def candidate_evidence(
    scores: pa.Table,
    model: MatchModel,
    records: Records,
    sides: Sides,
    channel: NameChannel,
    mates: dict[str, set[str]],
) -> dict[str, list[CandidateEvidence]]:
    """Per request uid, the evidence of each of its scored candidate records, in the score
    table's order. ``mates``: per request, the TINs of the point's former co-residents."""
    uids = scores.column("cand_group").to_pylist()
    record_ids = [int(rid) for rid in scores.column("record_id").to_pylist()]
    weights = rounded(scores.column("match_weight"), 6, null_is_zero=False)
    levels = level_maps(scores, model.level_labels())
    partials = partial_maps(scores)
    judged = name_judgements(uids, record_ids, levels, records, sides, channel)
    out: dict[str, list[CandidateEvidence]] = {}
    rows = zip(uids, record_ids, weights, levels, partials, judged, strict=True)
    for uid, record_id, weight, level, partial, judgement in rows:
        tin = records.tins[record_id]
        out.setdefault(uid, []).append(
            CandidateEvidence(
                tin=tin,
                record_id=record_id,
                match_weight=weight,
                levels=level,
                is_box=record_id in records.boxes,
                partials=partial,
                given_bits=judgement.given_bits,
                middle_bits=judgement.middle_bits,
                junior_bits=judgement.junior_bits,
                former_coresident=tin in mates.get(uid, ()),
            )
        )
    return out


def rounded(column: pa.ChunkedArray, digits: int, *, null_is_zero: bool) -> list[float]:
    """``round(value, digits)`` of every value of ``column``, computed once per distinct
    value. With ``null_is_zero`` a value is read as ``value or 0.0`` (a null, and a negative
    zero, are 0.0)."""
    table, index = rounded_distinct(column, digits, null_is_zero=null_is_zero)
    return [table[i] for i in index]


def rounded_distinct(
    column: pa.ChunkedArray, digits: int, *, null_is_zero: bool
) -> tuple[list[float], list[int]]:
    """:func:`rounded` as its distinct values, rounded, and each row's index among them."""
    values = column.combine_chunks()
    distinct = pc.unique(values)
    if null_is_zero:
        table = [round(float(v or 0.0), digits) for v in distinct.to_pylist()]
    else:
        table = [round(float(v), digits) for v in distinct.to_pylist()]
    index = pc.index_in(values, value_set=distinct).to_numpy(zero_copy_only=False)
    return table, index.tolist()


def level_maps(scores: pa.Table, labels: dict[str, dict[int, str]]) -> list[Mapping[str, str]]:
    """Each pair's comparison levels by label (``?`` for a value without one). Pairs with one
    comparison vector share one mapping, which no one changes (evidence is frozen: a level
    read anew is a new mapping). The vector is read as one number, its gammas the digits
    of a mixed radix, so that the distinct vectors are one sort of one column."""
    if scores.num_rows == 0:
        return []
    gammas = [scores.column(f"gamma_{c}").to_numpy().astype(np.int64) for c in COMPARISON_NAMES]
    code = np.zeros(scores.num_rows, np.int64)
    for gamma in gammas:
        low = int(gamma.min())
        code = code * (int(gamma.max()) - low + 1) + (gamma - low)
    _codes, first, which = np.unique(code, return_index=True, return_inverse=True)
    maps = [
        {c: labels[c].get(int(g[row]), "?") for c, g in zip(COMPARISON_NAMES, gammas, strict=True)}
        for row in first.tolist()
    ]
    return [maps[i] for i in which.reshape(-1).tolist()]


def partial_maps(scores: pa.Table) -> list[Mapping[str, float]]:
    """Each pair's partial weights (bits, to 4 places; a null is 0) by comparison. Pairs
    whose weights are the same values share one mapping, which no one changes (as
    :func:`level_maps`'s): a batch's pairs have far fewer distinct weight vectors than pairs."""
    columns = [
        rounded_distinct(scores.column(f"mw_{c}"), 4, null_is_zero=True) for c in COMPARISON_NAMES
    ]
    tables = [table for table, _index in columns]
    shared: dict[tuple[int, ...], Mapping[str, float]] = {}
    out: list[Mapping[str, float]] = []
    # Keyed by the values' indices, not the values: 0.0 and -0.0 are equal, but not alike.
    for key in zip(*(index for _table, index in columns), strict=True):
        mapping = shared.get(key)
        if mapping is None:
            mapping = shared[key] = {
                name: table[i] for name, table, i in zip(COMPARISON_NAMES, tables, key, strict=True)
            }
        out.append(mapping)
    return out


def name_judgements(
    uids: list[str],
    record_ids: list[int],
    levels: list[Mapping[str, str]],
    records: Records,
    sides: Sides,
    channel: NameChannel,
) -> list[Judged]:
    """Each pair's name-channel judgement: the request's given names (without those that are
    the taxpayer's surnames) against the record's first name with every second given name
    the taxpayer wrote in the request's candidate records, over the filings behind them."""
    tins = records.tins
    middles, surnames = second_names(uids, record_ids, tins, sides)
    # The filings behind a taxpayer's candidate records: the returns whose second given
    # names (or their absence) the person's middles gather.
    filings: Counter[Pair] = Counter()
    for uid, rid in zip(uids, record_ids, strict=True):
        filings[uid, tins[rid]] += records.filings.get(rid, 1)
    out = []
    for uid, rid, level in zip(uids, record_ids, levels, strict=True):
        pair = (uid, tins[rid])
        given, _names, suffix = sides.record[rid]
        person = (given, tuple(sorted(middles[pair] | {given})), suffix)
        judged_level, written = sides.written_given(uid, level[GIVEN], given)
        asked = _without(written, surnames[pair])
        out.append(channel.judge(judged_level, asked, person, filings=filings[pair]))
    return out


def second_names(
    uids: list[Any], record_ids: list[int], tins: dict[int, str], sides: Sides
) -> tuple[dict[Pair, frozenset[str]], dict[Pair, frozenset[str]]]:
    """Per request and candidate taxpayer: the second given names the taxpayer wrote in any
    of the request's candidate records (they are the person's, not one filing's), an
    initial dropped where a full name of that letter is among them (M beside MARGARET);
    and the taxpayer's surname parts in those records. A second given name that is one of
    their surnames (the maternal surname written as a middle name) is the family's, which
    a brother or sister carries too: it is no second given name."""
    found: dict[Pair, set[str]] = {}
    surnames: dict[Pair, set[str]] = {}
    for uid, rid in zip(uids, record_ids, strict=True):
        given, names, _suffix = sides.record[rid]
        key = (uid, tins[rid])
        found.setdefault(key, set()).update(second_given_names(given, names))
        surnames.setdefault(key, set()).update(sides.surnames[rid])
    out = {}
    for key, second in found.items():
        # An initial beside a full name of its letter is that name's, whether the name is a
        # second given name or the family's surname (PATRICIA L beside PATRICIA LEON).
        letters = {n[0] for n in second if len(n) > 1}
        kept = {n for n in second if len(n) > 1 or n not in letters}
        out[key] = frozenset(kept - surnames[key])
    return out, {key: frozenset(parts) for key, parts in surnames.items()}


def _without(asked: NameKey, surnames: frozenset[str]) -> NameKey:
    """The request's name key without the given names that are the taxpayer's surnames."""
    given, names, suffix = asked
    if surnames.isdisjoint(names):
        return asked
    # The second given names are read before the family's words leave (the joined form
    # MATTHEWJAMES is told as a join only beside JAMES), and then without them.
    second = second_given_names(given, names) - surnames
    return given, tuple(sorted(second | {given})), suffix
