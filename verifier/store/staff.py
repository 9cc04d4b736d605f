"""Staff accounts and their server-side sessions (SQL only; the rules live in verifier.auth)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from . import write

_STAFF_COLUMNS = ("id", "username", "display_name", "password_hash", "active", "created_at")


def digest(session_id: str) -> str:
    """The stored form of a session id: its SHA-256 in hex (a stolen database opens nothing)."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def find_staff(db: Database, username: str) -> dict[str, Any] | None:
    """A staff account by user name (case-insensitive), with its password hash, or None."""
    found = db.execute(
        f"SELECT {', '.join(_STAFF_COLUMNS)} FROM staff WHERE username = ?", [username]
    ).fetchone()
    return dict(zip(_STAFF_COLUMNS, found, strict=True)) if found else None


def add_staff(
    db: Database, *, username: str, display_name: str, password_hash: str, now: float
) -> int:
    """Create an account; raises sqlite3.IntegrityError if the user name is taken."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO staff (username, display_name, password_hash, created_at)"
            " VALUES (?, ?, ?, ?)",
            [username, display_name, password_hash, now],
        )
    return int(cursor.lastrowid or 0)


def set_password(db: Database, staff_id: int, password_hash: str) -> None:
    """Replace a password and end every session of that account."""
    with write(db):
        db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])
        db.execute("DELETE FROM sessions WHERE staff_id = ?", [staff_id])


def rehash_password(db: Database, staff_id: int, password_hash: str) -> None:
    """Store a stronger hash of the same password (the argon2 parameters were raised)."""
    with write(db):
        db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])


def start_session(
    db: Database, session_id: str, staff_id: int, *, now: float, stale_before: float
) -> None:
    """Record a new signed-in session, and forget sessions idle since before `stale_before`."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE last_seen < ?", [stale_before])
        db.execute(
            "INSERT INTO sessions (id_hash, staff_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
            [digest(session_id), staff_id, now, now],
        )


def session_staff(
    db: Database, session_id: str, *, now: float, idle: float, lifetime: float
) -> dict[str, Any] | None:
    """The active account of a live session, refreshing its last-seen time; else None."""
    found = db.execute(
        "SELECT s.created_at, s.last_seen, st.id, st.username, st.display_name"
        " FROM sessions s JOIN staff st ON st.id = s.staff_id"
        " WHERE s.id_hash = ? AND st.active = 1",
        [digest(session_id)],
    ).fetchone()
    if found is None:
        return None
    created_at, last_seen, staff_id, username, display_name = found
    if now - last_seen > idle or now - created_at > lifetime:
        return None
    if now - last_seen > 60:  # one write a minute at most, not one per request
        with write(db):
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now, digest(session_id)]
            )
    return {"id": staff_id, "username": username, "display_name": display_name}


def end_session(db: Database, session_id: str) -> None:
    """Forget a session, so its cookie is worthless even if replayed (SECURITY-CASES I06)."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [digest(session_id)])
