"""Bulk issuing in the background: one thread, its own connection, one transaction per file.

The upload is fully checked first (`microcred.learner_csv`); then a thread inserts every award
and offer in a single transaction, reporting progress to an in-memory board that the page polls
(htmx). Nothing is visible to others until the commit, and a failure or a crash leaves nothing
behind (SECURITY-CASES G3, J01).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from microcred.errors import MicrocredError
from microcred.learner_csv import LearnerRow

from . import store
from .offers import make_offer
from .publishing import publisher
from .store import bulk as bulk_store
from .store.status import Publisher

log = logging.getLogger(__name__)
# Jobs remembered for progress pages; finished jobs are also in the database.
MAX_JOBS = 100


@dataclass
class Progress:
    """Where one job stands: rows done of total, and its state."""

    total: int
    done: int = 0
    state: str = "running"  # running, done, failed
    message: str = ""  # the core's English message of a failure (pages translate it)


class JobBoard:
    """Thread-safe progress of the running and recent jobs of this process."""

    def __init__(self) -> None:
        self._jobs: dict[str, Progress] = {}
        self._lock = threading.Lock()

    def add(self, job_id: str, total: int) -> None:
        """Register a job before its thread starts."""
        with self._lock:
            if len(self._jobs) >= MAX_JOBS:
                finished = [k for k, v in self._jobs.items() if v.state != "running"]
                for key in finished[: len(finished) // 2 + 1]:
                    del self._jobs[key]
            self._jobs[job_id] = Progress(total)

    def update(self, job_id: str, **changes: Any) -> None:
        """Change a job's progress fields."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                for name, value in changes.items():
                    setattr(job, name, value)

    def get(self, job_id: str) -> Progress | None:
        """A copy of a job's progress, if this process knows the job."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else Progress(job.total, job.done, job.state, job.message)


def board() -> JobBoard:
    """The current app's job board."""
    found: JobBoard = current_app.extensions["issuer_jobs"]
    return found


def _award(row: LearnerRow, course: dict[str, Any], snapshot: str) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "course_id": course["id"],
        "course_snapshot": snapshot,
        "given_name": row.given_name,
        "family_name": row.family_name,
        "learner_id": row.learner_id,
        "email": row.email,
        "grade": row.grade,
        "date_of_issuance": row.date,
        "valid_until": None,
    }


def start(
    course: dict[str, Any],
    learners: Sequence[LearnerRow],
    *,
    tx_required: bool,
    filename: str | None,
    actor: str,
    now: float,
) -> str:
    """Start issuing a checked list in the background; returns the job id to poll."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = uuid.uuid4().hex
    snapshot = json.dumps(course["data"], ensure_ascii=False)
    lifetime = float(app.config["BULK_OFFER_LIFETIME"])
    # Codes are derived here, in the request's app context; the thread only writes.
    awards = [_award(row, course, snapshot) for row in learners]
    offers = [make_offer(now, lifetime, tx_required) for _ in learners]
    job = {
        "id": job_id,
        "course_id": course["id"],
        "filename": filename,
        "tx_required": tx_required,
        "created_by": actor,
    }
    # The signer of any status list the file opens is made here too (it needs the app).
    signer = publisher(store.get_db(), now)
    board().add(job_id, len(awards))
    thread = threading.Thread(
        target=_run,
        args=(app, job, awards, offers, signer, now),
        name=f"bulk-{job_id[:8]}",
        daemon=True,
    )
    thread.start()
    return job_id


def _run(
    app: Flask,
    job: dict[str, Any],
    awards: list[dict[str, Any]],
    offers: list[Any],
    signer: Publisher,
    now: float,
) -> None:
    jobs: JobBoard = app.extensions["issuer_jobs"]
    job_id = job["id"]
    db = store.open_db(app.config["DATABASE"])
    try:
        bulk_store.create_bulk(
            db,
            job,
            awards,
            offers,
            progress=lambda done: jobs.update(job_id, done=done),
            now=now,
            publisher=signer,
        )
        jobs.update(job_id, state="done", done=len(awards))
    except MicrocredError as error:
        jobs.update(job_id, state="failed", message=error.message, done=0)
    except Exception:
        log.exception("bulk job %s failed", job_id)
        # The page says the import failed; an unexpected error has nothing to add for staff.
        jobs.update(job_id, state="failed", message="", done=0)
    finally:
        db.close()


def init_app(app: Flask) -> None:
    """Give the app its job board."""
    app.extensions["issuer_jobs"] = JobBoard()
