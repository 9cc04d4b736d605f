"""The catalogue: micro-credential definitions as drafts, published or archived."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from . import row, rows, scalar, write
from .staff import audit


def _decoded(found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is not None:
        found["data"] = json.loads(found["data"])
    return found


def get_course(db: sqlite_utils.Database, course_id: int) -> dict[str, Any] | None:
    """A course by id, its `data` a dict of Course fields."""
    return _decoded(row(db, "SELECT * FROM courses WHERE id = ?", [course_id]))


def course_by_slug(db: sqlite_utils.Database, slug: str) -> dict[str, Any] | None:
    """A course by the slug of its public address."""
    return _decoded(row(db, "SELECT * FROM courses WHERE slug = ?", [slug]))


def slug_taken(db: sqlite_utils.Database, slug: str) -> bool:
    """Whether a course already uses this slug."""
    return bool(scalar(db, "SELECT COUNT(*) FROM courses WHERE slug = ?", [slug]))


def list_courses(db: sqlite_utils.Database, *, states: tuple[str, ...]) -> list[dict[str, Any]]:
    """Courses in the given states with their award counts, by title."""
    marks = ",".join("?" for _ in states)
    found = rows(
        db,
        "SELECT c.*, (SELECT COUNT(*) FROM awards a WHERE a.course_id = c.id) AS awards"
        f" FROM courses c WHERE c.state IN ({marks})"
        " ORDER BY json_extract(c.data, '$.title') COLLATE NOCASE",
        list(states),
    )
    for item in found:
        item["data"] = json.loads(item["data"])
    return found


def create_course(
    db: sqlite_utils.Database,
    *,
    slug: str,
    code: str | None,
    data: dict[str, Any],
    state: str,
    actor: str,
    now: float,
) -> int:
    """Add a course (a draft, or published when complete); returns its id."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO courses (slug, code, state, data, created_at, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [slug, code, state, json.dumps(data, ensure_ascii=False), now, now, actor],
        )
        course_id = int(cursor.lastrowid or 0)
        audit(db, actor, f"course_{state}", f"course:{course_id}", data.get("title"), now=now)
    return course_id


def update_course(
    db: sqlite_utils.Database,
    course_id: int,
    *,
    code: str | None,
    data: dict[str, Any],
    state: str,
    actor: str,
    now: float,
) -> None:
    """Save a course's new data and state; awards already made keep their own copy."""
    with write(db):
        db.execute(
            "UPDATE courses SET code = ?, data = ?, state = ?, updated_at = ?, updated_by = ?"
            " WHERE id = ?",
            [code, json.dumps(data, ensure_ascii=False), state, now, actor, course_id],
        )
        action = {"draft": "course_saved", "published": "course_published"}.get(
            state, "course_saved"
        )
        audit(db, actor, action, f"course:{course_id}", data.get("title"), now=now)


def set_course_state(
    db: sqlite_utils.Database, course_id: int, state: str, *, actor: str, now: float
) -> None:
    """Archive a course (no new awards) or bring it back to the published catalogue."""
    with write(db):
        db.execute(
            "UPDATE courses SET state = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            [state, now, actor, course_id],
        )
        audit(db, actor, f"course_{state}", f"course:{course_id}", None, now=now)


def delete_draft(db: sqlite_utils.Database, course_id: int, *, actor: str, now: float) -> bool:
    """Delete a draft that has no awards; False when it is not such a draft."""
    with write(db):
        cursor = db.execute(
            "DELETE FROM courses WHERE id = ? AND state = 'draft'"
            " AND NOT EXISTS (SELECT 1 FROM awards WHERE course_id = courses.id)",
            [course_id],
        )
        if cursor.rowcount != 1:
            return False
        audit(db, actor, "course_deleted", f"course:{course_id}", None, now=now)
    return True
