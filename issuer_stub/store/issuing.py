"""OpenID4VCI state: offers as wallets see them, code redemption, access tokens, spent nonces.

Every consumption is an atomic conditional write inside BEGIN IMMEDIATE (SECURITY-CASES J04):
a pre-authorized code is redeemed by `UPDATE ... WHERE state = 'live'` and a rowcount check, a
c_nonce is spent by inserting its digest under a primary key, a configuration is delivered once
per offer under another. Failed transaction codes are counted in the same transaction that
refuses them, so five wrong guesses kill the offer even under concurrent requests (G02).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from . import row, scalar, write
from .awards import LIST_COLUMNS, LIST_JOIN

# Outcomes of `redeem` that are not "ok", as the token endpoint reports them.
REFUSALS = ("unknown", "used", "dead", "expired", "tx_missing", "tx_wrong", "tx_locked")


def offer_for_wallet(db: sqlite_utils.Database, offer_id: str) -> dict[str, Any] | None:
    """An offer with what its public page shows: state, expiry, award and course title."""
    return row(
        db,
        "SELECT o.id, o.state, o.expires_at, o.tx_required, a.id AS award_id, a.status,"
        " a.given_name, a.family_name, json_extract(a.course_snapshot, '$.title') AS course_title"
        " FROM offers o JOIN awards a ON a.id = o.award_id WHERE o.id = ?",
        [offer_id],
    )


def redeem(
    db: sqlite_utils.Database,
    code_hash: str,
    *,
    tx_code: str | None,
    tx_matches: Callable[[str, str], bool],
    token_hash: str,
    token_expires: float,
    max_failures: int,
    now: float,
) -> str:
    """Redeem a pre-authorized code for an access token: "ok" or one of REFUSALS."""
    with write(db):
        offer = row(db, "SELECT * FROM offers WHERE code_hash = ?", [code_hash])
        if offer is None:
            return "unknown"
        if offer["state"] != "live":
            return "used" if offer["state"] == "redeemed" else "dead"
        if offer["expires_at"] <= now:
            return "expired"
        if offer["tx_required"]:
            if tx_code is None:
                return "tx_missing"
            if not tx_matches(offer["id"], tx_code):
                failures = offer["tx_failures"] + 1
                state = "dead" if failures >= max_failures else "live"
                db.execute(
                    "UPDATE offers SET tx_failures = ?, state = ? WHERE id = ? AND state = 'live'",
                    [failures, state, offer["id"]],
                )
                return "tx_locked" if state == "dead" else "tx_wrong"
        cursor = db.execute(
            "UPDATE offers SET state = 'redeemed', redeemed_at = ? WHERE id = ? AND state = 'live'",
            [now, offer["id"]],
        )
        if cursor.rowcount != 1:
            return "used"
        db.execute(
            "INSERT INTO access_tokens (token_hash, offer_id, expires_at) VALUES (?, ?, ?)",
            [token_hash, offer["id"], token_expires],
        )
    return "ok"


def token_grant(db: sqlite_utils.Database, token_hash: str, now: float) -> dict[str, Any] | None:
    """The award an unexpired access token may collect, with its offer id; else None."""
    return row(
        db,
        f"SELECT t.offer_id, a.*, {LIST_COLUMNS} FROM access_tokens t"
        " JOIN offers o ON o.id = t.offer_id JOIN awards a ON a.id = o.award_id"
        f"{LIST_JOIN} WHERE t.token_hash = ? AND t.expires_at > ?",
        [token_hash, now],
    )


def delivered(db: sqlite_utils.Database, offer_id: str, configuration_id: str) -> bool:
    """Whether this offer's wallet already collected this configuration."""
    return bool(
        scalar(
            db,
            "SELECT 1 FROM deliveries WHERE offer_id = ? AND configuration_id = ?",
            [offer_id, configuration_id],
        )
    )


def record_delivery(
    db: sqlite_utils.Database,
    *,
    offer_id: str,
    award_id: str,
    configuration_id: str,
    nonce_hash: str,
    nonce_expires: float,
    now: float,
) -> str:
    """Spend the proof's nonce and record the delivery: "ok", "nonce_used" or "delivered"."""
    with write(db):
        if delivered(db, offer_id, configuration_id):
            return "delivered"
        try:
            db.execute(
                "INSERT INTO spent_nonces (nonce_hash, expires_at) VALUES (?, ?)",
                [nonce_hash, nonce_expires],
            )
        except sqlite3.IntegrityError:
            return "nonce_used"
        db.execute("DELETE FROM spent_nonces WHERE expires_at < ?", [now])
        db.execute(
            "INSERT INTO deliveries (offer_id, configuration_id, delivered_at) VALUES (?, ?, ?)",
            [offer_id, configuration_id, now],
        )
        db.execute(
            "UPDATE awards SET collected_at = ? WHERE id = ? AND collected_at IS NULL",
            [now, award_id],
        )
    return "ok"
