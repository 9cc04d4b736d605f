"""Share links, their access log, and the pending offers/requests a learner is looking at."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from . import write

_SHARE_COLUMNS = (
    "id",
    "card_id",
    "credential_id",
    "mode",
    "claims",
    "presentation",
    "created_at",
    "expires_at",
    "one_time",
    "used",
    "withdrawn_at",
)
# The access log of one share keeps at most this many rows (a withdrawn link polled for ever).
MAX_ACCESSES = 1000


def _share(row: Any) -> dict[str, Any]:
    share = dict(zip(_SHARE_COLUMNS, row, strict=True))
    share["claims"] = json.loads(share["claims"])
    share["one_time"] = bool(share["one_time"])
    share["used"] = bool(share["used"])
    return share


def insert_share(db: sqlite_utils.Database, user_id: str, share: dict[str, Any]) -> None:
    """Insert a share row (inside the caller's transaction)."""
    values = {**share, "claims": json.dumps(list(share["claims"]))}
    db.execute(
        f"INSERT INTO shares (user_id, {', '.join(_SHARE_COLUMNS)})"
        f" VALUES (?, {', '.join('?' for _ in _SHARE_COLUMNS)})",
        [user_id, *(values[name] for name in _SHARE_COLUMNS)],
    )


def create_share(db: sqlite_utils.Database, user_id: str, share: dict[str, Any]) -> bool:
    """Store a new share of one of this user's credentials; False if it is not theirs."""
    with write(db):
        owned = db.execute(
            "SELECT 1 FROM credentials WHERE id = ? AND card_id = ? AND user_id = ?",
            [share["credential_id"], share["card_id"], user_id],
        ).fetchone()
        if not owned:
            return False
        insert_share(db, user_id, share)
    return True


def list_shares(
    db: sqlite_utils.Database, user_id: str, card_id: str | None = None
) -> list[dict[str, Any]]:
    """This user's shares (of one card, or all), newest first, with their access counts."""
    where, params = "s.user_id = ?", [user_id]
    if card_id is not None:
        where, params = where + " AND s.card_id = ?", [user_id, card_id]
    columns = ", ".join(f"s.{name}" for name in _SHARE_COLUMNS)
    cursor = db.execute(
        f"SELECT {columns}, c.title, (SELECT count(*) FROM share_accesses a"
        " WHERE a.share_id = s.id AND a.outcome = 'served')"
        f" FROM shares s JOIN cards c ON c.id = s.card_id WHERE {where}"
        " ORDER BY s.created_at DESC",
        params,
    )
    shares = []
    for row in cursor.fetchall():
        share = _share(row[: len(_SHARE_COLUMNS)])
        share["title"], share["served"] = row[-2], row[-1]
        shares.append(share)
    return shares


def get_share(db: sqlite_utils.Database, user_id: str, share_id: str) -> dict[str, Any] | None:
    """One share of this user with its access log (newest first), or None."""
    row = db.execute(
        f"SELECT {', '.join(_SHARE_COLUMNS)} FROM shares WHERE id = ? AND user_id = ?",
        [share_id, user_id],
    ).fetchone()
    if row is None:
        return None
    share = _share(row)
    share["accesses"] = share_accesses(db, share_id)
    return share


def share_accesses(db: sqlite_utils.Database, share_id: str) -> list[dict[str, Any]]:
    """The access log of a share, newest first."""
    cursor = db.execute(
        "SELECT at, verifier, outcome FROM share_accesses WHERE share_id = ? ORDER BY at DESC, id",
        [share_id],
    )
    return [{"at": r[0], "verifier": r[1], "outcome": r[2]} for r in cursor.fetchall()]


def withdraw_share(db: sqlite_utils.Database, user_id: str, share_id: str, now: float) -> bool:
    """Withdraw a share of this user; False when there is no such share (or it is withdrawn)."""
    with write(db):
        cursor = db.execute(
            "UPDATE shares SET withdrawn_at = ? WHERE id = ? AND user_id = ?"
            " AND withdrawn_at IS NULL",
            [now, share_id, user_id],
        )
    return cursor.rowcount == 1


def _log(
    db: sqlite_utils.Database, share_id: str, now: float, verifier: str | None, outcome: str
) -> None:
    count = db.execute(
        "SELECT count(*) FROM share_accesses WHERE share_id = ?", [share_id]
    ).fetchone()[0]
    if count < MAX_ACCESSES:
        db.execute(
            "INSERT INTO share_accesses (share_id, at, verifier, outcome) VALUES (?, ?, ?, ?)",
            [share_id, now, verifier, outcome],
        )


def take_share(
    db: sqlite_utils.Database, share_id: str, *, now: float, verifier: str | None
) -> dict[str, Any] | None:
    """Serve a share once: its mode and presentation, or why it is refused; None if unknown.

    One transaction: the check, the one-time consumption (a conditional update, J04) and the
    access log row are taken together, so two fetches can never both get a one-time share.
    """
    with write(db):
        row = db.execute(
            "SELECT mode, presentation, expires_at, one_time, used, withdrawn_at"
            " FROM shares WHERE id = ?",
            [share_id],
        ).fetchone()
        if row is None:
            return None
        mode, presentation, expires_at, one_time, used, withdrawn_at = row
        refused = (
            "withdrawn"
            if withdrawn_at is not None
            else "expired"
            if expires_at <= now
            else "used"
            if used
            else None
        )
        if refused is None and one_time:
            consumed = db.execute(
                "UPDATE shares SET used = 1 WHERE id = ? AND used = 0", [share_id]
            ).rowcount
            refused = None if consumed == 1 else "used"
        _log(db, share_id, now, verifier, "refused" if refused else "served")
    if refused:
        return {"refused": refused}
    return {"mode": mode, "presentation": presentation}


def add_pending(
    db: sqlite_utils.Database,
    pending_id: str,
    user_id: str,
    kind: str,
    data: dict[str, Any],
    now: float,
) -> None:
    """Remember an offer or request the learner is deciding on."""
    with write(db):
        db.execute(
            "INSERT INTO pending (id, user_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
            [pending_id, user_id, kind, json.dumps(data), now],
        )


def get_pending(
    db: sqlite_utils.Database, user_id: str, pending_id: str, kind: str, *, since: float
) -> dict[str, Any] | None:
    """An unused pending item of this user, created after `since`, or None."""
    row = db.execute(
        "SELECT data FROM pending WHERE id = ? AND user_id = ? AND kind = ? AND used = 0"
        " AND created_at > ?",
        [pending_id, user_id, kind, since],
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def consume_pending(db: sqlite_utils.Database, user_id: str, pending_id: str, kind: str) -> bool:
    """Mark a pending item used; True only for the one request that did it (J04)."""
    with write(db):
        cursor = db.execute(
            "UPDATE pending SET used = 1 WHERE id = ? AND user_id = ? AND kind = ? AND used = 0",
            [pending_id, user_id, kind],
        )
    return cursor.rowcount == 1


def release_pending(db: sqlite_utils.Database, user_id: str, pending_id: str, kind: str) -> None:
    """Make a consumed pending item usable again (the step it guarded failed before any effect)."""
    with write(db):
        db.execute(
            "UPDATE pending SET used = 0 WHERE id = ? AND user_id = ? AND kind = ?",
            [pending_id, user_id, kind],
        )


def forget_pending(db: sqlite_utils.Database, before: float) -> None:
    """Delete pending items older than `before`."""
    with write(db):
        db.execute("DELETE FROM pending WHERE created_at <= ?", [before])


def all_shares(db: sqlite_utils.Database, user_id: str) -> list[dict[str, Any]]:
    """Every share of this user with its access log, for export."""
    cursor = db.execute(
        f"SELECT {', '.join(_SHARE_COLUMNS)} FROM shares WHERE user_id = ? ORDER BY created_at",
        [user_id],
    )
    shares = [_share(row) for row in cursor.fetchall()]
    for share in shares:
        share["accesses"] = share_accesses(db, share["id"])
    return shares
