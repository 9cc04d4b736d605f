"""Bulk issuing: a whole checked learner list becomes awards and offers in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlite_utils

from microcred.errors import InputError

from . import row, rows, scalar, status as status_store, write
from .awards import NewOffer, learners_with_award
from .staff import audit
from .status import Publisher

# Rows per executemany: small enough to report progress often, large enough to be fast.
CHUNK = 250
_AWARD_COLUMNS = (
    "id",
    "course_id",
    "course_snapshot",
    "given_name",
    "family_name",
    "learner_id",
    "email",
    "grade",
    "date_of_issuance",
    "valid_until",
    "status_index",
    "bulk_job_id",
    "created_at",
    "created_by",
)


def create_bulk(
    db: sqlite_utils.Database,
    job: dict[str, Any],
    awards: Sequence[dict[str, Any]],
    offers: Sequence[NewOffer],
    *,
    progress: Callable[[int], None],
    now: float,
    publisher: Publisher | None = None,
) -> None:
    """Insert the job, its awards (random free slots) and one offer each, all or nothing.

    A file larger than the room left in the newest status list continues in new lists.
    """
    actor = str(job["created_by"])
    with write(db):
        # Checked again under the write lock: a single award may have been made since upload.
        existing = learners_with_award(db, int(job["course_id"]))
        clash = next((a["learner_id"] for a in awards if a["learner_id"] in existing), None)
        if clash is not None:
            raise InputError(f"learner {clash[:40]} already has this award", code="duplicate")
        db.execute(
            "INSERT INTO bulk_jobs (id, course_id, filename, row_count, tx_required, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                job["id"],
                job["course_id"],
                job.get("filename"),
                len(awards),
                int(job["tx_required"]),
                now,
                actor,
            ],
        )
        indices = status_store.draw_slots(db, len(awards), publisher, now)
        marks = ", ".join("?" for _ in _AWARD_COLUMNS)
        award_sql = f"INSERT INTO awards ({', '.join(_AWARD_COLUMNS)}) VALUES ({marks})"
        offer_sql = (
            "INSERT INTO offers (id, award_id, code_hash, tx_required, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
        )
        for start in range(0, len(awards), CHUNK):
            part = range(start, min(start + CHUNK, len(awards)))
            extra = {"bulk_job_id": job["id"], "created_at": now, "created_by": actor}
            db.conn.executemany(
                award_sql,
                [
                    [
                        dict(awards[i], status_index=indices[i], **extra).get(c)
                        for c in _AWARD_COLUMNS
                    ]
                    for i in part
                ],
            )
            db.conn.executemany(
                offer_sql,
                [
                    [o.id, awards[i]["id"], o.code_hash, int(o.tx_required), now, o.expires_at]
                    for i in part
                    for o in (offers[i],)
                ],
            )
            progress(part.stop)
        detail = f"{len(awards)} awards from {job.get('filename') or 'a CSV file'}"
        audit(db, actor, "bulk_issued", f"bulk:{job['id']}", detail, now=now)


def get_job(db: sqlite_utils.Database, job_id: str) -> dict[str, Any] | None:
    """A bulk job with its course title."""
    return row(
        db,
        "SELECT j.*, json_extract(c.data, '$.title') AS course_title FROM bulk_jobs j"
        " JOIN courses c ON c.id = j.course_id WHERE j.id = ?",
        [job_id],
    )


def list_jobs(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    """Recent bulk jobs, newest first."""
    return rows(
        db,
        "SELECT j.*, json_extract(c.data, '$.title') AS course_title FROM bulk_jobs j"
        " JOIN courses c ON c.id = j.course_id ORDER BY j.created_at DESC LIMIT ?",
        [limit],
    )


def job_results(
    db: sqlite_utils.Database, job_id: str, *, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """The job's awards in file order, each with its newest offer."""
    return rows(
        db,
        "SELECT a.id, a.given_name, a.family_name, a.learner_id, a.email, a.status,"
        " a.collected_at, o.id AS offer_id, o.state AS offer_state, o.expires_at,"
        " o.tx_required FROM awards a JOIN offers o ON o.id = (SELECT id FROM offers"
        " WHERE award_id = a.id ORDER BY created_at DESC, rowid DESC LIMIT 1)"
        " WHERE a.bulk_job_id = ? ORDER BY a.rowid LIMIT ? OFFSET ?",
        [job_id, limit, offset],
    )


def job_collected(db: sqlite_utils.Database, job_id: str) -> int:
    """How many of a job's awards a wallet has collected."""
    return int(
        scalar(
            db,
            "SELECT COUNT(*) FROM awards WHERE bulk_job_id = ? AND collected_at IS NOT NULL",
            [job_id],
        )
    )
