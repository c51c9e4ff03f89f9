"""Jobs move QUEUED → RUNNING → DONE/FAILED; a release needs a second person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from taxgate.errors import DisclosureRefused
from taxgate.records import RecordStore
from taxgate.records import jobs as j
from taxgate.records.access import denial_counts, log_access, recent_access

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_job_progress_is_counted(records: RecordStore) -> None:
    with records.begin() as conn:
        j.add_job(conn, job_id="j1", batch_id="B1", requester="ICE", submitted_by="t", now=NOW)
        j.mark_job(conn, "j1", state=j.JobState.RUNNING, now=NOW)
        for stage in ("intake", "screening", "matching"):
            j.mark_job(conn, "j1", state=j.JobState.RUNNING, stage=stage, now=NOW)
        job = j.get_job(conn, "j1")
        assert job is not None
        assert (job.state, job.stage, job.stages_done) == (j.JobState.RUNNING, "matching", 3)
        j.mark_job(conn, "j1", state=j.JobState.FAILED, error="SIGNER_UNKNOWN", now=NOW)
        failed = j.get_job(conn, "j1")
        assert failed is not None and failed.error == "SIGNER_UNKNOWN" and failed.finished_at
        assert [x.job_id for x in j.list_jobs(conn, requester="ICE")] == ["j1"]
        assert j.list_jobs(conn, requester="CBP") == []


def test_release_refused_to_whoever_decided_a_review(records: RecordStore) -> None:
    with records.begin() as conn:
        j.record_review_action(
            conn, batch_id="B1", request_id="R1", decided_by="ana", decision="APPROVED", now=NOW
        )
    with pytest.raises(DisclosureRefused, match="second person"), records.begin() as conn:
        j.add_release(conn, batch_id="B1", released_by="ana", response_sha256="0" * 64, now=NOW)
    with records.begin() as conn:
        done = j.add_release(
            conn, batch_id="B1", released_by="otto", response_sha256="0" * 64, now=NOW
        )
        assert j.get_release(conn, "B1") == done
    with pytest.raises(DisclosureRefused, match="already"), records.begin() as conn:
        j.add_release(conn, batch_id="B1", released_by="olga", response_sha256="0" * 64, now=NOW)


def test_denials_are_counted_by_route(records: RecordStore) -> None:
    with records.begin() as conn:
        for status, denied in ((200, False), (403, True), (403, True)):
            log_access(
                conn,
                at=NOW,
                method="GET",
                route="/api/accounting",
                status=status,
                principal="ana",
                role="analyst",
                denied=denied,
                reason=None,
            )
        assert denial_counts(conn) == {"/api/accounting": 2}
        assert len(recent_access(conn, denied_only=True)) == 2
