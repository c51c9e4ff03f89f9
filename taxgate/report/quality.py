"""Score a batch's response and the 2025 baseline's against a synthetic world's truth.

Both responses go through the same scorer (:func:`taxgate.synth.score.score`), so the
precision, recall and harm of the two stand side by side on equal terms. Only synthetic
worlds have a ``truth.parquet``; a report on a real batch has no quality section.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.errors import InputError
from taxgate.report.baseline import baseline_2025_response
from taxgate.report.data import Quality, QualityScore
from taxgate.store import Store
from taxgate.synth.score import HARM_KINDS, read_response, read_truth, score


def batch_response_sql() -> str:
    """The batch's response rows in row order, contract columns only (param: batch id)."""
    return f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM responses WHERE batch_id = ? ORDER BY row"


def batch_response(store: Store, batch_id: str) -> list[dict[str, str]]:
    """The response taxgate gave to ``batch_id``, as the scorer reads a response file."""
    return [
        {c: "" if v is None else str(v) for c, v in zip(RESPONSE_COLUMNS, row, strict=True)}
        for row in store.fetchall(batch_response_sql(), [batch_id])
    ]


def quality_score(label: str, result: dict[str, Any]) -> QualityScore:
    """The report's view of one :func:`~taxgate.synth.score.score` result."""
    return QualityScore(
        label=label,
        requests=int(result["requests"]),
        disclosed=int(result["outcomes"].get("DISCLOSED", 0)),
        correct=int(result["correct_disclosures"]),
        expected=int(result["expected_disclosures"]),
        precision=float(result["precision"]),
        recall=float(result["recall"]),
        harmful_total=int(result["harmful_total"]),
        harmful=tuple((kind, int(result["harmful"].get(kind, 0))) for kind in HARM_KINDS),
    )


def score_batch(
    store: Store,
    batch_id: str,
    *,
    truth: Path,
    as_of: date,
    baseline: Path | None = None,
) -> Quality:
    """Score ``batch_id``'s response and the 2025 baseline's against ``truth``.

    Args:
        store: The workspace store.
        batch_id: The batch the truth describes.
        truth: The world's ``truth.parquet``.
        as_of: The batch's as-of date (the baseline's last known addresses are taken then).
        baseline: A baseline response file; when None, the 2025 baseline is computed from
            the world folder that holds ``truth`` (:func:`baseline_2025_response`).

    Raises:
        InputError: A file is unreadable, or the truth describes none of the batch's requests.
    """
    truth_rows = read_truth(truth)
    ours = batch_response(store, batch_id)
    known = {t["request_id"] for t in truth_rows}
    if not any(r["request_id"] in known for r in ours):
        raise InputError(
            f"the truth describes none of the requests of batch {batch_id}",
            path=truth,
            hint="pass the truth.parquet of the world whose manifest made this batch",
        )
    if baseline is None:
        theirs = baseline_2025_response(truth.parent, as_of=as_of)
        source = "computed: the 2025 rules (TIN and name control, ZIP proxy) on the same world"
    else:
        theirs = read_response(baseline)
        source = f"response file {baseline.name}"
    ours_scored = score(ours, truth_rows)
    return Quality(
        taxgate=quality_score("taxgate", ours_scored),
        baseline=quality_score("2025 baseline", score(theirs, truth_rows)),
        baseline_source=source,
        missing_responses=int(ours_scored["missing_responses"]),
    )
