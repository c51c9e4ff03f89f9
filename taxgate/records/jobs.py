"""Batch jobs (an upload run by the worker, with progress), releases and review actions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from taxgate.errors import DisclosureRefused, WorkspaceError
from taxgate.ledger.canonical import format_time
from taxgate.records.schema import jobs, releases, review_actions


class JobState(enum.Enum):
    QUEUED = "QUEUED"  # uploaded and verified on arrival, waiting for the worker
    RUNNING = "RUNNING"  # the worker runs it; ``stage`` says where
    DONE = "DONE"  # committed: decisions, ledger entries and the (unreleased) response
    FAILED = "FAILED"  # refused or failed; ``error`` says why; nothing was committed


@dataclass(frozen=True)
class Job:
    """A batch upload and its run."""

    job_id: str
    batch_id: str | None
    requester: str
    submitted_by: str
    state: JobState
    stage: str | None
    stages_done: int
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None


@dataclass(frozen=True)
class Release:
    """A batch's response released by a disclosure officer."""

    batch_id: str
    released_by: str
    released_at: str
    response_sha256: str


def add_job(
    conn: Connection,
    *,
    job_id: str,
    batch_id: str,
    requester: str,
    submitted_by: str,
    now: datetime,
) -> None:
    """Queue a job."""
    conn.execute(
        insert(jobs).values(
            job_id=job_id,
            batch_id=batch_id,
            requester=requester,
            submitted_by=submitted_by,
            state=JobState.QUEUED.value,
            stages_done=0,
            created_at=format_time(now),
        )
    )


def get_job(conn: Connection, job_id: str) -> Job | None:
    """The job, or None."""
    row = conn.execute(select(jobs).where(jobs.c.job_id == job_id)).first()
    return None if row is None else _job(tuple(row))


def jobs_of_batch(conn: Connection, batch_id: str) -> list[Job]:
    """Every job that carried ``batch_id``, oldest first."""
    query = select(jobs).where(jobs.c.batch_id == batch_id).order_by(jobs.c.created_at)
    return [_job(tuple(row)) for row in conn.execute(query).all()]


def list_jobs(conn: Connection, *, requester: str | None = None) -> list[Job]:
    """Jobs, newest first (only ``requester``'s when given)."""
    query = select(jobs).order_by(jobs.c.created_at.desc())
    if requester is not None:
        query = query.where(jobs.c.requester == requester)
    return [_job(tuple(row)) for row in conn.execute(query).all()]


def unfinished_jobs(conn: Connection) -> list[Job]:
    """Jobs left QUEUED or RUNNING, oldest first: on start, those a stopped process left."""
    states = (JobState.QUEUED.value, JobState.RUNNING.value)
    query = select(jobs).where(jobs.c.state.in_(states)).order_by(jobs.c.created_at)
    return [_job(tuple(row)) for row in conn.execute(query).all()]


def mark_job(
    conn: Connection,
    job_id: str,
    *,
    state: JobState,
    now: datetime,
    stage: str | None = None,
    error: str | None = None,
) -> None:
    """Move a job on: RUNNING stamps the start, DONE/FAILED the finish; a stage counts one."""
    values: dict[str, object] = {"state": state.value}
    if state is JobState.RUNNING and stage is None:
        values["started_at"] = format_time(now)
    if stage is not None:
        values["stage"] = stage
        values["stages_done"] = jobs.c.stages_done + 1
    if state in (JobState.DONE, JobState.FAILED):
        values["finished_at"] = format_time(now)
        values["error"] = error
    conn.execute(update(jobs).where(jobs.c.job_id == job_id).values(**values))


def record_review_action(
    conn: Connection,
    *,
    batch_id: str,
    request_id: str,
    decided_by: str,
    decision: str,
    now: datetime,
) -> None:
    """Remember who decided a review, for the two-person rule at release.

    Raises:
        WorkspaceError: someone decided this review already.
    """
    try:
        conn.execute(
            insert(review_actions).values(
                batch_id=batch_id,
                request_id=request_id,
                decided_by=decided_by,
                decision=decision,
                decided_at=format_time(now),
            )
        )
    except IntegrityError as e:
        raise WorkspaceError(
            f"request {request_id} of batch {batch_id} is being or was decided already; "
            "a review is decided once"
        ) from e


def reviewers_of_batch(conn: Connection, batch_id: str) -> set[str]:
    """Everyone who decided a review of ``batch_id`` through the service."""
    query = select(review_actions.c.decided_by).where(review_actions.c.batch_id == batch_id)
    return {row[0] for row in conn.execute(query).all()}


def add_release(
    conn: Connection,
    *,
    batch_id: str,
    released_by: str,
    response_sha256: str,
    now: datetime,
    ledger_reviewers: frozenset[str] = frozenset(),
) -> Release:
    """Record a release; the two-person rule is checked here, in the same transaction.

    Args:
        ledger_reviewers: The reviewers the workspace's ledger names for the batch (reviews
            decided outside the service, with ``taxgate review``, count too).

    Raises:
        DisclosureRefused: the officer decided a review of this batch, or it was released.
    """
    if released_by in reviewers_of_batch(conn, batch_id) | ledger_reviewers:
        raise DisclosureRefused(
            f"release of batch {batch_id} refused: {released_by} decided a review in it, and "
            "the release needs a second person",
            hint="another disclosure officer releases it",
        )
    release = Release(batch_id, released_by, format_time(now), response_sha256)
    try:
        conn.execute(insert(releases).values(**release.__dict__))
    except IntegrityError as e:
        raise DisclosureRefused(f"batch {batch_id} was released already") from e
    return release


def get_release(conn: Connection, batch_id: str) -> Release | None:
    """The release of ``batch_id``, or None."""
    row = conn.execute(select(releases).where(releases.c.batch_id == batch_id)).first()
    return None if row is None else Release(*row)


def _job(row: tuple[object, ...]) -> Job:
    values = list(row)
    values[4] = JobState(values[4])
    return Job(*values)  # type: ignore[arg-type]
