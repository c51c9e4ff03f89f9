"""Each candidate taxpayer of a request: their records' comparisons, their evidence, their
share of the posterior, and why they were chosen or lost.

The candidates are rebuilt from what the run stored (``decisions.candidates`` and
``decisions.hypotheses``); whether a name agrees and whether an address is the requested
delivery point are read through :class:`~taxgate.matching.decide.CandidateEvidence` itself,
so an explanation applies the very rule the decision applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from taxgate.app.explain.model import CandidateView, Comparison, NotOnFileView, RecordView
from taxgate.app.explain.words import mask_tin
from taxgate.matching.comparisons import COMPARISON_NAMES, GIVEN
from taxgate.matching.decide import (
    GIVEN_AGREES,
    LOCALITY_AGREES,
    STREET_AGREES,
    SURNAME_AGREES,
    CandidateEvidence,
    Hypothesis,
    OnFile,
    taxpayer_hypotheses,
)


@dataclass(frozen=True)
class Weighed:
    """The stored hypotheses of one request: each taxpayer's bits and the not-on-file bits."""

    bits: dict[str, float]
    not_on_file: float | None

    @classmethod
    def parse(cls, text: str | None) -> Weighed | None:
        """Read ``decisions.hypotheses``; None for a batch that did not record it."""
        if not text:
            return None
        data = json.loads(text)
        bits = {str(t["tin"]): float(t["bits"]) for t in data.get("taxpayers", [])}
        nobody = data.get("not_on_file")
        return cls(bits, None if nobody is None else float(nobody))

    def shares(self) -> tuple[dict[str, float], float | None]:
        """Each hypothesis's share of the posterior (they sum to 1)."""
        values = [*self.bits.values(), *([] if self.not_on_file is None else [self.not_on_file])]
        top = max(values, default=0.0)
        total = sum(2.0 ** (b - top) for b in values)
        shares = {tin: 2.0 ** (b - top) / total for tin, b in self.bits.items()}
        nobody = None if self.not_on_file is None else 2.0 ** (self.not_on_file - top) / total
        return shares, nobody


def evidence_from_json(text: str | None) -> list[CandidateEvidence]:
    """The candidate records of ``decisions.candidates``, as the policy saw them."""
    out = []
    for c in json.loads(text or "[]"):
        out.append(
            CandidateEvidence(
                tin=str(c["tin"]),
                record_id=int(c["record_id"]),
                match_weight=float(c["weight"]),
                levels=dict(c.get("levels") or {}),
                is_box=bool(c.get("is_box", False)),
                partials={k: float(v) for k, v in (c.get("partials") or {}).items()},
                given_bits=None if c.get("given_bits") is None else float(c["given_bits"]),
                middle_bits=float(c.get("middle_bits") or 0.0),
                junior_bits=float(c.get("junior_bits") or 0.0),
                former_coresident=bool(c.get("former_coresident", False)),
            )
        )
    return out


def name_disagreement(record: CandidateEvidence) -> str:
    """Which name comparisons of a record do not agree, in words."""
    levels = record.levels
    parts = []
    if levels.get("given_name") not in GIVEN_AGREES:
        parts.append(f"given name {levels.get('given_name', '?')}")
    if levels.get("surname") not in SURNAME_AGREES:
        parts.append(f"surname {levels.get('surname', '?')}")
    return ", ".join(parts) or "given name and surname not both agreeing"


def address_disagreement(record: CandidateEvidence) -> str:
    """Which address comparisons keep a record from being the requested delivery point."""
    levels = record.levels
    parts = []
    if levels.get("house") != "exact":
        parts.append(f"house {levels.get('house', '?')}")
    street = levels.get("street")
    if street not in STREET_AGREES and not (record.is_box and street == "null"):
        parts.append(f"street {street or '?'}")
    if levels.get("unit") == "disagree":
        parts.append("unit disagree")
    if levels.get("locality") not in LOCALITY_AGREES:
        parts.append(f"locality {levels.get('locality', '?')}")
    return ", ".join(parts) or "not the same delivery point"


def comparisons(record: CandidateEvidence) -> tuple[Comparison, ...]:
    """Every comparison of a record: its level, the bits the policy counted and, where the
    policy counted other bits than the model's, the model's."""
    out = []
    for name in COMPARISON_NAMES:
        model = record.partials.get(name)
        bits = model
        if name == GIVEN:
            bits = record.bits((GIVEN,))
        shown_model = model if bits is not None and model is not None and bits != model else None
        out.append(Comparison(name, record.levels.get(name, "?"), bits, shown_model))
    return tuple(out)


def candidate_views(
    evidence: Sequence[CandidateEvidence],
    *,
    chosen_tin: str | None,
    chosen_record: int | None,
    weighed: Weighed | None,
    records: Mapping[int, tuple[str, str]] | None = None,
) -> tuple[tuple[CandidateView, ...], NotOnFileView | None]:
    """Every candidate taxpayer, the chosen one first, then by evidence; and the not-on-file
    hypothesis.

    Args:
        evidence: The request's candidate records.
        chosen_tin: The taxpayer the decision names, if any.
        chosen_record: The record the decision rests on, if any.
        weighed: The stored hypotheses, if the batch recorded them.
        records: Record id → (name, address) from the master file the batch ran on.
    """
    hypotheses = {h.tin: h for h in taxpayer_hypotheses(evidence, OnFile())}
    # The posterior is weighed only among taxpayers at the point whose name agrees: without
    # one, the decision named no one and no share is meaningful.
    shares, nobody = weighed.shares() if weighed and chosen_tin else ({}, None)
    top_bits = weighed.bits.get(chosen_tin or "") if weighed else None
    views = []
    for tin, hypothesis in hypotheses.items():
        own = [c for c in evidence if c.tin == tin]
        # The record the policy judged them on, as the policy read it (a filing without a
        # unit at the building may have been read as the unit the taxpayer wrote there).
        first = hypothesis.at_point or hypothesis.best
        if tin == chosen_tin and chosen_record not in (None, first.record_id):
            first = next((c for c in own if c.record_id == chosen_record), first)
        others = sorted((c for c in own if c.record_id != first.record_id), key=_by_weight)
        ordered = [first, *others]
        bits = weighed.bits.get(tin) if weighed else None
        views.append(
            CandidateView(
                tin=mask_tin(tin),
                chosen=tin == chosen_tin,
                bits=bits,
                share=shares.get(tin),
                verdict=_verdict(
                    hypothesis, own, tin == chosen_tin, bits, top_bits, shares.get(tin)
                ),
                records=tuple(_record_view(c, records or {}) for c in ordered),
            )
        )
    views.sort(key=lambda v: (not v.chosen, -(v.bits if v.bits is not None else -math.inf)))
    weighed_nobody = weighed.not_on_file if weighed else None
    return tuple(views), (
        None if weighed_nobody is None else NotOnFileView(round(weighed_nobody, 4), nobody)
    )


def _by_weight(record: CandidateEvidence) -> tuple[float, int]:
    return -record.match_weight, record.record_id


def _verdict(
    hypothesis: Hypothesis,
    own: Sequence[CandidateEvidence],
    chosen: bool,
    bits: float | None,
    top: float | None,
    share: float | None,
) -> str:
    """Why a taxpayer was chosen, or why they lost, in one sentence."""
    if chosen:
        return (
            "named by the decision: the strongest taxpayer whose name agrees and whose own "
            "delivery point is the requested address"
        )
    if hypothesis.at_point is None:
        if not any(c.name_agrees for c in own):
            best = min(own, key=_by_weight)
            why = name_disagreement(best)
            return f"lost: no name they filed under agrees with the request ({why})"
        agreeing = min((c for c in own if c.name_agrees), key=_by_weight)
        why = (
            "a filing of theirs at the building gives no unit, and the unit they wrote there "
            "is another"
            if agreeing.address_corroborates
            else address_disagreement(agreeing)
        )
        return f"lost: the requested address is not one of their delivery points ({why})"
    if bits is not None and top is not None:
        share_text = "" if share is None else f"; {share:.1%} of the posterior"
        return (
            f"lost: {bits:.1f} bits of evidence against the named taxpayer's {top:.1f}{share_text}"
        )
    return "lost: less evidence than the taxpayer the decision names"


def _record_view(record: CandidateEvidence, records: Mapping[int, tuple[str, str]]) -> RecordView:
    name, address = records.get(record.record_id, (None, None))
    return RecordView(
        record_id=record.record_id,
        weight=record.match_weight,
        name_agrees=record.name_agrees,
        address_corroborates=record.address_corroborates,
        comparisons=comparisons(record),
        name=name,
        address=address,
    )
