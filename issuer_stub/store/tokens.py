"""Bearer API tokens for learning-management systems (VC-API): only their digests are stored."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from . import row, rows, write
from .staff import audit, digest


def create_token(
    db: sqlite_utils.Database, name: str, secret: str, *, actor: str, now: float
) -> int:
    """Store a new token's digest and the last characters that help tell tokens apart."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO api_tokens (name, token_hash, hint, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [name, digest(secret), secret[-4:], actor, now],
        )
        token_id = int(cursor.lastrowid or 0)
        audit(db, actor, "api_token_created", f"api_token:{token_id}", name, now=now)
    return token_id


def list_tokens(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every token, newest first, without digests."""
    return rows(
        db,
        "SELECT id, name, hint, created_by, created_at, last_used_at, revoked_at"
        " FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC",
    )


def revoke_token(db: sqlite_utils.Database, token_id: int, *, actor: str, now: float) -> bool:
    """Revoke a token; False when there was no such live token."""
    with write(db):
        cursor = db.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [now, token_id],
        )
        if cursor.rowcount != 1:
            return False
        audit(db, actor, "api_token_revoked", f"api_token:{token_id}", None, now=now)
    return True


def token_by_secret(db: sqlite_utils.Database, secret: str) -> dict[str, Any] | None:
    """The live token with this secret, or None (a read: refused requests change nothing)."""
    return row(
        db,
        "SELECT id, name, created_by FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
        [digest(secret)],
    )


def touch_token(db: sqlite_utils.Database, token_id: int, now: float) -> None:
    """Note that a token was used for a request that succeeded."""
    with write(db):
        db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [now, token_id])
