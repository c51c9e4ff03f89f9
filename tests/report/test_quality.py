"""quality: taxgate and the 2025 baseline scored by the same scorer on the same world."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import InputError
from taxgate.report.quality import batch_response, score_batch
from taxgate.store import Store
from taxgate.synth.score import HARM_KINDS, score_files

from .conftest import BatchWorld

AS_OF = date(2025, 7, 15)


def test_taxgate_is_scored_as_taxgate_score_scores_its_response_file(
    batch_world: BatchWorld,
) -> None:
    with Store.open(batch_world.workspace.store_path) as store:
        quality = score_batch(store, batch_world.batch_id, truth=batch_world.truth, as_of=AS_OF)
    from_file = score_files(batch_world.ws.parent / "out" / "response.csv", batch_world.truth)
    ours = quality.taxgate
    assert ours.precision == from_file["precision"] and ours.recall == from_file["recall"]
    assert ours.harmful_total == from_file["harmful_total"]
    assert [k for k, _ in ours.harmful] == list(HARM_KINDS)
    assert quality.missing_responses == 0


def test_the_2025_baseline_discloses_invalid_requests_and_taxgate_does_less_harm(
    batch_world: BatchWorld,
) -> None:
    with Store.open(batch_world.workspace.store_path) as store:
        quality = score_batch(store, batch_world.batch_id, truth=batch_world.truth, as_of=AS_OF)
    theirs, ours = quality.baseline, quality.taxgate
    assert theirs.requests == ours.requests
    assert dict(theirs.harmful)["invalid_request"] > 0
    assert ours.harmful_total < theirs.harmful_total
    assert ours.precision > theirs.precision
    assert "2025 rules" in quality.baseline_source


def test_a_baseline_file_is_scored_instead(batch_world: BatchWorld, tmp_path: Path) -> None:
    with Store.open(batch_world.workspace.store_path) as store:
        ours = batch_response(store, batch_world.batch_id)
        silent = tmp_path / "silent.csv"
        with silent.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(RESPONSE_COLUMNS))
            writer.writeheader()
            writer.writerows({**r, "outcome": "NOT_DISCLOSED"} for r in ours)
        quality = score_batch(
            store, batch_world.batch_id, truth=batch_world.truth, as_of=AS_OF, baseline=silent
        )
    assert quality.baseline.disclosed == 0 and quality.baseline.harmful_total == 0
    assert quality.baseline.recall == 0.0 and quality.baseline_source == "response file silent.csv"


def test_a_truth_of_another_world_is_refused(batch_world: BatchWorld, tmp_path: Path) -> None:
    other = tmp_path / "truth.parquet"
    pq.write_table(pa.table({"request_id": ["nope"], "expected_outcome": ["DISCLOSED"]}), other)
    with (
        Store.open(batch_world.workspace.store_path) as store,
        pytest.raises(InputError, match="describes none of the requests"),
    ):
        score_batch(store, batch_world.batch_id, truth=other, as_of=AS_OF)
