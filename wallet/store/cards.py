"""Holder keys, cards and the credentials on them; every query is scoped to one user (I14)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from . import write


class AlreadyHeld(Exception):
    """A credential that this user already holds (same bytes)."""


_CARD_COLUMNS = (
    "id",
    "title",
    "issuer_did",
    "issuer_name",
    "issued_on",
    "formats",
    "verdict",
    "reason",
    "source",
    "received_at",
    "checked_at",
)
_CREDENTIAL_COLUMNS = (
    "id",
    "format",
    "body",
    "digest",
    "key_id",
    "configuration_id",
    "received_at",
)


def _rows(cursor: sqlite3.Cursor, columns: Iterable[str]) -> list[dict[str, Any]]:
    names = tuple(columns)
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def insert_key(db: sqlite_utils.Database, user_id: str, key: dict[str, Any]) -> str:
    """Store a sealed holder key unless the user has it already; return the key's row id."""
    found = db.execute(
        "SELECT id FROM holder_keys WHERE user_id = ? AND thumbprint = ?",
        [user_id, key["thumbprint"]],
    ).fetchone()
    if found:
        return str(found[0])
    db.execute(
        "INSERT INTO holder_keys (id, user_id, did, thumbprint, sealed, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [key["id"], user_id, key["did"], key["thumbprint"], key["sealed"], key["created_at"]],
    )
    return str(key["id"])


def insert_card(
    db: sqlite_utils.Database,
    user_id: str,
    card: dict[str, Any],
    credentials: list[dict[str, Any]],
) -> None:
    """Insert a card and its credentials (inside the caller's transaction)."""
    db.execute(
        f"INSERT INTO cards (user_id, {', '.join(_CARD_COLUMNS)})"
        f" VALUES (?, {', '.join('?' for _ in _CARD_COLUMNS)})",
        [user_id, *(card[name] for name in _CARD_COLUMNS)],
    )
    for item in credentials:
        try:
            db.execute(
                f"INSERT INTO credentials (card_id, user_id, {', '.join(_CREDENTIAL_COLUMNS)})"
                f" VALUES (?, ?, {', '.join('?' for _ in _CREDENTIAL_COLUMNS)})",
                [card["id"], user_id, *(item[name] for name in _CREDENTIAL_COLUMNS)],
            )
        except sqlite3.IntegrityError:
            raise AlreadyHeld(item["digest"]) from None


def save_card(
    db: sqlite_utils.Database,
    user_id: str,
    card: dict[str, Any],
    credentials: list[dict[str, Any]],
    key: dict[str, Any] | None,
) -> None:
    """Store a received card, its credentials and its holder key in one transaction (G3, J01)."""
    with write(db):
        if key is not None:
            key_id = insert_key(db, user_id, key)
            credentials = [{**item, "key_id": key_id} for item in credentials]
        insert_card(db, user_id, card, credentials)


def list_cards(db: sqlite_utils.Database, user_id: str) -> list[dict[str, Any]]:
    """The user's cards, newest first (one indexed query: the home page's whole cost)."""
    cursor = db.execute(
        f"SELECT {', '.join(_CARD_COLUMNS)} FROM cards WHERE user_id = ?"
        " ORDER BY received_at DESC, id",
        [user_id],
    )
    return _rows(cursor, _CARD_COLUMNS)


def count_cards(db: sqlite_utils.Database, user_id: str) -> int:
    """How many cards the user holds."""
    return int(db.execute("SELECT count(*) FROM cards WHERE user_id = ?", [user_id]).fetchone()[0])


def get_card(db: sqlite_utils.Database, user_id: str, card_id: str) -> dict[str, Any] | None:
    """One card of this user with its credentials, or None (also for other users' cards)."""
    cursor = db.execute(
        f"SELECT {', '.join(_CARD_COLUMNS)} FROM cards WHERE id = ? AND user_id = ?",
        [card_id, user_id],
    )
    rows = _rows(cursor, _CARD_COLUMNS)
    if not rows:
        return None
    card = rows[0]
    card["credentials"] = _rows(
        db.execute(
            f"SELECT {', '.join(_CREDENTIAL_COLUMNS)} FROM credentials"
            " WHERE card_id = ? AND user_id = ? ORDER BY format",
            [card_id, user_id],
        ),
        _CREDENTIAL_COLUMNS,
    )
    return card


def set_verdict(
    db: sqlite_utils.Database,
    user_id: str,
    card_id: str,
    verdict: str,
    *,
    reason: str,
    checked_at: float,
) -> None:
    """Remember the latest verdict of a card, why, and when it was checked (shown on pages)."""
    with write(db):
        db.execute(
            "UPDATE cards SET verdict = ?, reason = ?, checked_at = ? WHERE id = ? AND user_id = ?",
            [verdict, reason, checked_at, card_id, user_id],
        )


def delete_card(db: sqlite_utils.Database, user_id: str, card_id: str) -> bool:
    """Delete a card with its credentials and shares, and holder keys nothing uses any more."""
    with write(db):
        cursor = db.execute("DELETE FROM cards WHERE id = ? AND user_id = ?", [card_id, user_id])
        if cursor.rowcount != 1:
            return False
        db.execute(
            "DELETE FROM holder_keys WHERE user_id = ? AND id NOT IN"
            " (SELECT key_id FROM credentials WHERE user_id = ? AND key_id IS NOT NULL)",
            [user_id, user_id],
        )
    return True


def sealed_key(db: sqlite_utils.Database, user_id: str, key_id: str) -> dict[str, Any] | None:
    """A holder key row of this user (sealed), or None."""
    row = db.execute(
        "SELECT id, did, thumbprint, sealed FROM holder_keys WHERE id = ? AND user_id = ?",
        [key_id, user_id],
    ).fetchone()
    if row is None:
        return None
    return {"id": row[0], "did": row[1], "thumbprint": row[2], "sealed": row[3]}


def all_keys(db: sqlite_utils.Database, user_id: str) -> list[dict[str, Any]]:
    """Every holder key row of this user (sealed), oldest first."""
    cursor = db.execute(
        "SELECT id, did, thumbprint, sealed FROM holder_keys WHERE user_id = ? ORDER BY created_at",
        [user_id],
    )
    return _rows(cursor, ("id", "did", "thumbprint", "sealed"))


def all_credentials(db: sqlite_utils.Database, user_id: str) -> list[dict[str, Any]]:
    """Every credential of this user with its card id, for export."""
    columns = ("card_id", *_CREDENTIAL_COLUMNS)
    cursor = db.execute(
        f"SELECT {', '.join(columns)} FROM credentials WHERE user_id = ? ORDER BY card_id, format",
        [user_id],
    )
    return _rows(cursor, columns)


def card_of_digest(db: sqlite_utils.Database, user_id: str) -> dict[str, tuple[str, str]]:
    """Map each held credential digest to (card id, credential id), for idempotent import."""
    cursor = db.execute("SELECT digest, card_id, id FROM credentials WHERE user_id = ?", [user_id])
    return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def credential_row(
    db: sqlite_utils.Database, user_id: str, credential_id: str
) -> dict[str, Any] | None:
    """One credential of this user (with its card id), or None."""
    columns = ("card_id", *_CREDENTIAL_COLUMNS)
    rows = _rows(
        db.execute(
            f"SELECT {', '.join(columns)} FROM credentials WHERE id = ? AND user_id = ?",
            [credential_id, user_id],
        ),
        columns,
    )
    return rows[0] if rows else None
