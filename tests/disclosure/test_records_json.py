"""The decisions row's ``candidates`` text: the batch encoder writes exactly what
``json.dumps`` of the candidates' objects (sorted keys) writes, which earlier rows hold."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence

from taxgate.disclosure.records import CandidatesEncoder, candidates_json
from taxgate.matching.decide import CandidateEvidence


def dumped(evidence: Sequence[CandidateEvidence]) -> str:
    """The text as rows were written before the encoder: one ``json.dumps`` of the list."""
    return json.dumps(
        [
            {
                "tin": c.tin,
                "record_id": c.record_id,
                "weight": c.match_weight,
                "levels": dict(c.levels),
                "partials": dict(c.partials),
                "given_bits": c.given_bits,
                "middle_bits": c.middle_bits,
                "junior_bits": c.junior_bits,
                "is_box": c.is_box,
                "former_coresident": c.former_coresident,
            }
            for c in sorted(evidence, key=lambda c: (-c.match_weight, c.record_id))
        ],
        sort_keys=True,
    )


# Values whose text is easy to get wrong: signed zeros, infinities, tiny and large floats,
# text to escape and text outside ASCII.
FLOATS = (0.0, -0.0, 1.5, -3.25, 1e-7, 123456.789, 2.0, math.inf, -math.inf)
LEVELS = (
    {"given_name": "exact", "surname": "typo", "street": "?"},
    {"unit": 'a "quoted" \\ value', "city": "SÃO PAULO"},
)


def candidate(rng: random.Random, shared_partials: dict[str, float]) -> CandidateEvidence:
    partials = (
        shared_partials
        if rng.random() < 0.5
        else {"surname": rng.choice(FLOATS), "given_name": rng.uniform(-30, 30)}
    )
    return CandidateEvidence(
        tin=rng.choice(["123456789", 'QUOTE"TIN', "ÑAME"]),
        record_id=rng.randint(0, 10**12),
        match_weight=rng.choice((*FLOATS, rng.uniform(-50, 50))),
        levels=rng.choice(LEVELS),
        is_box=rng.random() < 0.5,
        partials=partials,
        given_bits=rng.choice((None, *FLOATS)),
        middle_bits=rng.choice(FLOATS),
        junior_bits=rng.choice(FLOATS),
        former_coresident=rng.random() < 0.5,
    )


def test_the_batch_encoder_writes_what_json_dumps_writes() -> None:
    rng = random.Random(14)
    encoder = CandidatesEncoder()  # one for the whole batch, as the run keeps it
    shared = {"given_name": -0.0, "surname": 4.25, "date_of_birth": math.inf}
    for _request in range(2_000):
        evidence = [candidate(rng, shared) for _ in range(rng.randint(0, 6))]
        expected = dumped(evidence)
        assert candidates_json(evidence, encoder) == expected
        assert candidates_json(evidence) == expected


def test_a_mapping_is_written_as_json_dumps_with_sorted_keys() -> None:
    encoder = CandidatesEncoder()
    levels = {"unit": "null", "given_name": "exact", "house": "exact"}
    first = encoder.mapping(levels)
    assert first == json.dumps(levels, sort_keys=True)
    assert encoder.mapping(levels) is first  # the same mapping is not encoded again
