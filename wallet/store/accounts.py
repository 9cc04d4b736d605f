"""Users, server-side sessions, the sign-in throttle and per-address limits."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from . import write


def create_user(
    db: sqlite_utils.Database,
    *,
    user_id: str,
    username: str,
    password_hash: str,
    wrapped_dek: bytes,
    now: float,
) -> bool:
    """Insert a user; False when the name is taken (names compare case-insensitively)."""
    with write(db):
        taken = db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone()
        if taken:
            return False
        db.execute(
            "INSERT INTO users (id, username, password_hash, wrapped_dek, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [user_id, username, password_hash, wrapped_dek, now],
        )
    return True


def _user(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    keys = ("id", "username", "password_hash", "wrapped_dek", "created_at")
    return dict(zip(keys, row, strict=True))


_USER_COLUMNS = "id, username, password_hash, wrapped_dek, created_at"


def user_by_name(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """The user with this name (case-insensitive), or None."""
    row = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?", [username])
    return _user(row.fetchone())


def user_by_id(db: sqlite_utils.Database, user_id: str) -> dict[str, Any] | None:
    """The user with this id, or None."""
    row = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", [user_id])
    return _user(row.fetchone())


def update_password_hash(db: sqlite_utils.Database, user_id: str, password_hash: str) -> None:
    """Store a re-hashed password (after the hashing parameters were raised)."""
    with write(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def delete_user(db: sqlite_utils.Database, user_id: str) -> None:
    """Delete a user and, by cascade, their keys, cards, credentials, shares and sessions."""
    with write(db):
        db.execute("DELETE FROM users WHERE id = ?", [user_id])


def create_session(
    db: sqlite_utils.Database, id_hash: str, user_id: str, *, now: float, expires_at: float
) -> None:
    """Record a new signed-in session (the cookie holds only the unhashed id)."""
    with write(db):
        db.execute(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [id_hash, user_id, now, now, expires_at],
        )


def session_user(
    db: sqlite_utils.Database, id_hash: str, *, now: float, idle_seconds: float
) -> dict[str, Any] | None:
    """The user of a live session (not expired, not idle too long), or None."""
    row = db.execute(
        "SELECT user_id, last_seen FROM sessions WHERE id_hash = ? AND expires_at > ?",
        [id_hash, now],
    ).fetchone()
    if row is None or row[1] + idle_seconds < now:
        return None
    if now - row[1] > 60:  # touch at most once a minute: reads stay reads
        with write(db):
            db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now, id_hash])
    return user_by_id(db, row[0])


def delete_session(db: sqlite_utils.Database, id_hash: str) -> None:
    """End one session (sign-out)."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [id_hash])


def delete_expired_sessions(db: sqlite_utils.Database, now: float) -> None:
    """Forget sessions past their end."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])


def throttle_state(db: sqlite_utils.Database, key: str) -> tuple[int, float]:
    """(consecutive failures, blocked until) for a throttle key."""
    row = db.execute(
        "SELECT failures, blocked_until FROM signin_throttle WHERE key = ?", [key]
    ).fetchone()
    return (0, 0.0) if row is None else (int(row[0]), float(row[1]))


def record_failure(
    db: sqlite_utils.Database, key: str, *, now: float, delay_for: Any
) -> tuple[int, float]:
    """Count one more failure and set the block; `delay_for(failures)` gives the wait."""
    with write(db):
        failures, _blocked = throttle_state(db, key)
        failures += 1
        blocked_until = now + float(delay_for(failures))
        db.execute(
            "INSERT INTO signin_throttle (key, failures, blocked_until, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,"
            " blocked_until = excluded.blocked_until, updated_at = excluded.updated_at",
            [key, failures, blocked_until, now],
        )
    return failures, blocked_until


def clear_failures(db: sqlite_utils.Database, key: str) -> None:
    """Forget the failures of a key after a successful sign-in."""
    with write(db):
        db.execute("DELETE FROM signin_throttle WHERE key = ?", [key])


def window_state(db: sqlite_utils.Database, key: str) -> tuple[int, float]:
    """(events counted, window end) of a per-address limit."""
    row = db.execute("SELECT count, window_end FROM address_limits WHERE key = ?", [key]).fetchone()
    return (0, 0.0) if row is None else (int(row[0]), float(row[1]))


def count_event(db: sqlite_utils.Database, key: str, *, now: float, after_event: Any) -> None:
    """Count one event of a per-address limit; `after_event(count, end, now)` gives the new row."""
    with write(db):
        count, window_end = after_event(*window_state(db, key), now)
        if count == 1:
            # A new window: ended ones of every address would count from zero anyway.
            db.execute("DELETE FROM address_limits WHERE window_end <= ?", [now])
        db.execute(
            "INSERT INTO address_limits (key, count, window_end) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET count = excluded.count,"
            " window_end = excluded.window_end",
            [key, count, window_end],
        )
