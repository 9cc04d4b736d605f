"""Importing a checked export: all of it in one transaction, nothing twice (J07)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from . import write
from .cards import card_of_digest, insert_card, insert_key
from .shares import insert_share


@dataclass(frozen=True)
class ImportCounts:
    """What an import added and what it found already there."""

    cards_added: int
    cards_present: int
    shares_added: int
    shares_present: int


def _place_cards(
    db: sqlite_utils.Database,
    user_id: str,
    cards: list[dict[str, Any]],
    key_ids: dict[str, str],
) -> tuple[dict[str, tuple[str, str]], int]:
    """Insert cards not held yet; map every file credential id to (card id, credential id)."""
    held = card_of_digest(db, user_id)
    placed: dict[str, tuple[str, str]] = {}
    added = 0
    for entry in cards:
        known = [held[c["digest"]] for c in entry["credentials"] if c["digest"] in held]
        if known:
            # Idempotent: a card whose credential is already here is the same card.
            card_id = known[0][0]
            for item in entry["credentials"]:
                if item["digest"] in held:
                    placed[item["file_id"]] = held[item["digest"]]
            continue
        rows = []
        for item in entry["credentials"]:
            row = {**item, "key_id": key_ids.get(item["file_key_id"] or "")}
            rows.append(row)
            placed[item["file_id"]] = (entry["card"]["id"], item["id"])
        insert_card(db, user_id, entry["card"], rows)
        card_id = entry["card"]["id"]
        for row in rows:
            held[row["digest"]] = (card_id, row["id"])
        added += 1
    return placed, added


def import_everything(
    db: sqlite_utils.Database,
    user_id: str,
    *,
    keys: list[dict[str, Any]],
    cards: list[dict[str, Any]],
    shares: list[dict[str, Any]],
) -> ImportCounts:
    """Store keys, cards and shares of an export for this user, all or nothing.

    `keys` are sealed rows with a `file_id`; each card entry is {"card": row, "credentials":
    [row with file_id, file_key_id, digest]}; shares carry file ids of their card/credential.
    """
    with write(db):
        key_ids = {key["file_id"]: insert_key(db, user_id, key) for key in keys}
        placed, cards_added = _place_cards(db, user_id, cards, key_ids)
        shares_added = 0
        for share in shares:
            target = placed.get(share["credential_id"])
            exists = db.execute("SELECT 1 FROM shares WHERE id = ?", [share["id"]]).fetchone()
            if target is None or exists:
                continue
            row = {**share, "card_id": target[0], "credential_id": target[1]}
            insert_share(db, user_id, row)
            for access in share["accesses"]:
                db.execute(
                    "INSERT INTO share_accesses (share_id, at, verifier, outcome)"
                    " VALUES (?, ?, ?, ?)",
                    [share["id"], access["at"], access["verifier"], access["outcome"]],
                )
            shares_added += 1
    return ImportCounts(
        cards_added, len(cards) - cards_added, shares_added, len(shares) - shares_added
    )
