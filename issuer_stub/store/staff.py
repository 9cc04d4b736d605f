"""The institution: its profile, staff accounts, server-side sessions and the audit log."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlite_utils

from . import row, rows, scalar, write


def digest(secret: str) -> str:
    """The stored form of a bearer secret (session id, token): its SHA-256 in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- profile ---------------------------------------------------------------------------------


def get_profile(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The institution profile (name, country, website, whether a logo is set), or None."""
    return row(
        db,
        "SELECT name, country, website, logo IS NOT NULL AS has_logo, updated_at"
        " FROM profile WHERE id = 1",
    )


def get_logo(db: sqlite_utils.Database) -> bytes | None:
    """The institution's logo as PNG bytes, if one was uploaded."""
    logo = scalar(db, "SELECT logo FROM profile WHERE id = 1")
    return bytes(logo) if logo is not None else None


def save_profile(
    db: sqlite_utils.Database,
    *,
    name: str,
    country: str,
    website: str | None,
    logo: bytes | None,
    remove_logo: bool,
    actor: str,
    now: float,
) -> None:
    """Create or update the profile; the logo is kept unless a new one or removal is given."""
    with write(db):
        exists = scalar(db, "SELECT COUNT(*) FROM profile WHERE id = 1")
        if not exists:
            db.execute(
                "INSERT INTO profile (id, name, country, website, logo, updated_at)"
                " VALUES (1, ?, ?, ?, ?, ?)",
                [name, country, website, logo, now],
            )
        else:
            db.execute(
                "UPDATE profile SET name = ?, country = ?, website = ?, updated_at = ?"
                " WHERE id = 1",
                [name, country, website, now],
            )
            if logo is not None or remove_logo:
                db.execute("UPDATE profile SET logo = ? WHERE id = 1", [logo])
        audit(db, actor, "profile_saved", "profile", name, now=now)


# --- staff -----------------------------------------------------------------------------------


def find_staff(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """A staff account by user name (case-insensitive), with its password hash."""
    return row(db, "SELECT * FROM staff WHERE username = ?", [username])


def get_staff(db: sqlite_utils.Database, staff_id: int) -> dict[str, Any] | None:
    """A staff account by id."""
    return row(db, "SELECT * FROM staff WHERE id = ?", [staff_id])


def list_staff(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every staff account, without password hashes."""
    return rows(
        db,
        "SELECT id, username, display_name, is_admin, active, created_at FROM staff"
        " ORDER BY active DESC, display_name",
    )


def count_staff(db: sqlite_utils.Database) -> int:
    """How many staff accounts exist."""
    return int(scalar(db, "SELECT COUNT(*) FROM staff"))


def add_staff(
    db: sqlite_utils.Database,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    is_admin: bool,
    actor: str,
    now: float,
) -> int:
    """Create a staff account; raises sqlite3.IntegrityError if the user name is taken."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO staff (username, display_name, password_hash, is_admin, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [username, display_name, password_hash, int(is_admin), now],
        )
        staff_id = int(cursor.lastrowid or 0)
        audit(db, actor, "staff_added", f"staff:{username}", display_name, now=now)
    return staff_id


def set_password(
    db: sqlite_utils.Database, staff_id: int, password_hash: str, *, actor: str, now: float
) -> None:
    """Replace a password and end every session of that account."""
    with write(db):
        db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])
        db.execute("DELETE FROM sessions WHERE staff_id = ?", [staff_id])
        audit(db, actor, "password_changed", f"staff:{staff_id}", None, now=now)


def rehash_password(db: sqlite_utils.Database, staff_id: int, password_hash: str) -> None:
    """Store a stronger hash of the same password (argon2 parameters were raised)."""
    with write(db):
        db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])


def set_active(
    db: sqlite_utils.Database, staff_id: int, active: bool, *, actor: str, now: float
) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    with write(db):
        db.execute("UPDATE staff SET active = ? WHERE id = ?", [int(active), staff_id])
        if not active:
            db.execute("DELETE FROM sessions WHERE staff_id = ?", [staff_id])
        action = "staff_enabled" if active else "staff_disabled"
        audit(db, actor, action, f"staff:{staff_id}", None, now=now)


# --- sessions --------------------------------------------------------------------------------


def start_session(
    db: sqlite_utils.Database, session_id: str, staff_id: int, *, actor: str, now: float
) -> None:
    """Record a new signed-in session (only the digest of its id is kept)."""
    with write(db):
        db.execute(
            "INSERT INTO sessions (id_hash, staff_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
            [digest(session_id), staff_id, now, now],
        )
        audit(db, actor, "signed_in", f"staff:{staff_id}", None, now=now)


def session_staff(
    db: sqlite_utils.Database, session_id: str, *, now: float, idle: float, lifetime: float
) -> dict[str, Any] | None:
    """The active staff account of a live session, refreshing its last-seen time; else None."""
    found = row(
        db,
        "SELECT s.created_at, s.last_seen, st.id, st.username, st.display_name, st.is_admin"
        " FROM sessions s JOIN staff st ON st.id = s.staff_id"
        " WHERE s.id_hash = ? AND st.active = 1",
        [digest(session_id)],
    )
    if found is None or now - found["last_seen"] > idle or now - found["created_at"] > lifetime:
        return None
    if now - found["last_seen"] > 60:  # one write a minute at most, not one per request
        with write(db):
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now, digest(session_id)]
            )
    return found


def end_session(db: sqlite_utils.Database, session_id: str, *, actor: str, now: float) -> None:
    """Forget a session, so its cookie is worthless even if replayed (SECURITY-CASES I06)."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [digest(session_id)])
        audit(db, actor, "signed_out", None, None, now=now)


# --- audit -----------------------------------------------------------------------------------


def audit(
    db: sqlite_utils.Database,
    actor: str,
    action: str,
    target: str | None,
    detail: str | None,
    *,
    now: float,
) -> None:
    """Append one entry to the audit log (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        [now, actor, action, target, None if detail is None else detail[:500]],
    )


def list_audit(
    db: sqlite_utils.Database, *, limit: int, offset: int = 0, target: str | None = None
) -> list[dict[str, Any]]:
    """Audit entries, newest first, optionally for one target."""
    if target is not None:
        return rows(
            db,
            "SELECT * FROM audit WHERE target = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            [target, limit, offset],
        )
    return rows(db, "SELECT * FROM audit ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset])


def count_audit(db: sqlite_utils.Database) -> int:
    """How many audit entries exist."""
    return int(scalar(db, "SELECT COUNT(*) FROM audit"))
