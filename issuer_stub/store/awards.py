"""Awards (one learner's micro-credential), their offers and status (active, suspended, revoked).

An award is created with its random status-list slot (opening a new list when the newest is
full, see `status`) and, usually, its first offer, in one transaction. A status change updates
the award, kills live offers of a revoked award, rebuilds its list's published documents from
the database and writes the audit entry, again in one transaction: the lists can never disagree
with the database (SECURITY-CASES E18, E19, G3).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from microcred.errors import CredentialError
from microcred.status_index import REVOKED, check_transition

from . import row, rows, scalar, status as status_store, write
from .staff import audit
from .status import Publisher

# Retries when a concurrent writer took the same random index first (the UNIQUE constraint).
INDEX_RETRIES = 8
PAGE_SIZE = 50


@dataclass(frozen=True)
class NewOffer:
    """An offer to create: its id, the digest of its pre-authorized code, lifetime and tx code."""

    id: str
    code_hash: str
    tx_required: bool
    expires_at: float


def insert_offer(db: sqlite_utils.Database, award_id: str, offer: NewOffer, now: float) -> None:
    """Add an offer for an award (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO offers (id, award_id, code_hash, tx_required, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [offer.id, award_id, offer.code_hash, int(offer.tx_required), now, offer.expires_at],
    )


def create_award(
    db: sqlite_utils.Database,
    award: dict[str, Any],
    *,
    offer: NewOffer | None,
    actor: str,
    now: float,
    publisher: Publisher | None = None,
) -> None:
    """Insert an award with a fresh random status slot (and its first offer) in one transaction.

    `award` holds the awards columns except status_index, created_at and created_by. Without a
    `publisher` no new status list can be opened, and a full list is a StatusListError.
    """
    with write(db):
        for attempt in range(INDEX_RETRIES):
            values = dict(award, status_index=status_store.draw_slot(db, publisher, now))
            values.update(created_at=now, created_by=actor)
            try:
                with db.atomic():  # a savepoint: a lost index race leaves no half row
                    names = ", ".join(values)
                    marks = ", ".join("?" for _ in values)
                    db.execute(
                        f"INSERT INTO awards ({names}) VALUES ({marks})", list(values.values())
                    )
                break
            except sqlite3.IntegrityError as error:
                if "status_index" not in str(error) or attempt == INDEX_RETRIES - 1:
                    raise
        if offer is not None:
            insert_offer(db, award["id"], offer, now)
        detail = f"{award['given_name']} {award['family_name']} ({award['learner_id']})"
        audit(db, actor, "award_created", f"award:{award['id']}", detail, now=now)


def new_offer(
    db: sqlite_utils.Database, award_id: str, offer: NewOffer, *, actor: str, now: float
) -> None:
    """Replace an award's live offers by a new one (e.g. the old one expired or was lost)."""
    with write(db):
        db.execute(
            "UPDATE offers SET state = 'dead' WHERE award_id = ? AND state = 'live'", [award_id]
        )
        insert_offer(db, award_id, offer, now)
        audit(db, actor, "offer_created", f"award:{award_id}", None, now=now)


# The status list of an award (`l`, joined to `a`): the credential's list number and index.
LIST_JOIN = (
    " LEFT JOIN status_lists l ON a.status_index >= l.first_slot"
    " AND a.status_index < l.first_slot + l.size"
)
LIST_COLUMNS = "l.id AS status_list, a.status_index - l.first_slot AS list_index"


def get_award(db: sqlite_utils.Database, award_id: str) -> dict[str, Any] | None:
    """An award with its status list and index, and its course's current title, state and slug."""
    return row(
        db,
        f"SELECT a.*, {LIST_COLUMNS}, c.slug AS course_slug, c.state AS course_state,"
        " json_extract(a.course_snapshot, '$.title') AS course_title"
        f" FROM awards a JOIN courses c ON c.id = a.course_id{LIST_JOIN} WHERE a.id = ?",
        [award_id],
    )


def award_by_reference(db: sqlite_utils.Database, reference: str) -> dict[str, Any] | None:
    """An award by `urn:uuid:<id>`, its bare id, or the caller's external id (VC-API)."""
    award_id = reference
    if reference.startswith("urn:uuid:"):
        try:
            award_id = uuid.UUID(reference.removeprefix("urn:uuid:")).hex
        except ValueError:
            award_id = ""
    return row(db, "SELECT * FROM awards WHERE id = ? OR external_id = ?", [award_id, reference])


def current_offer(db: sqlite_utils.Database, award_id: str) -> dict[str, Any] | None:
    """The newest offer of an award, whatever its state."""
    return row(
        db,
        "SELECT * FROM offers WHERE award_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [award_id],
    )


def offer_deliveries(db: sqlite_utils.Database, offer_id: str) -> list[dict[str, Any]]:
    """The configurations a wallet collected with one offer, and when, in delivery order."""
    return rows(
        db,
        "SELECT configuration_id, delivered_at FROM deliveries WHERE offer_id = ?"
        " ORDER BY delivered_at, rowid",
        [offer_id],
    )


def token_expiry(db: sqlite_utils.Database, offer_id: str) -> float | None:
    """When the access token issued for an offer expires (None when it was never redeemed)."""
    found = scalar(db, "SELECT MAX(expires_at) FROM access_tokens WHERE offer_id = ?", [offer_id])
    return None if found is None else float(found)


def learner_has_award(db: sqlite_utils.Database, course_id: int, learner_id: str) -> str | None:
    """The id of a learner's unrevoked award of this course, if there is one."""
    found = scalar(
        db,
        "SELECT id FROM awards WHERE course_id = ? AND learner_id = ? AND status != 'revoked'",
        [course_id, learner_id],
    )
    return None if found is None else str(found)


def learners_with_award(db: sqlite_utils.Database, course_id: int) -> set[str]:
    """Learner ids that hold an unrevoked award of this course (duplicate check for imports)."""
    found = db.execute(
        "SELECT learner_id FROM awards WHERE course_id = ? AND status != 'revoked'", [course_id]
    ).fetchall()
    return {str(r[0]) for r in found}


def _filters(query: str, course_id: int | None, state: str) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []
    if query:
        like = f"%{query}%"
        clauses.append("(a.given_name LIKE ? OR a.family_name LIKE ? OR a.learner_id LIKE ?)")
        params += [like, like, like]
    if course_id is not None:
        clauses.append("a.course_id = ?")
        params.append(course_id)
    if state in ("active", "suspended", "revoked"):
        clauses.append("a.status = ?")
        params.append(state)
    elif state == "collected":
        clauses.append("a.collected_at IS NOT NULL AND a.status = 'active'")
    elif state == "waiting":
        clauses.append("a.collected_at IS NULL AND a.status = 'active'")
    return " AND ".join(clauses), params


def list_awards(
    db: sqlite_utils.Database, *, query: str, course_id: int | None, state: str, page: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of awards matching the filters (newest first) and the total count."""
    where, params = _filters(query, course_id, state)
    total = int(scalar(db, f"SELECT COUNT(*) FROM awards a WHERE {where}", params))
    found = rows(
        db,
        "SELECT a.id, a.given_name, a.family_name, a.learner_id, a.status, a.created_at,"
        " a.collected_at, a.date_of_issuance, json_extract(a.course_snapshot, '$.title') AS"
        f" course_title FROM awards a WHERE {where} ORDER BY a.created_at DESC, a.rowid DESC"
        " LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    )
    return found, total


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Dashboard figures: awards by state, waiting offers and published courses."""
    found = dict(db.execute("SELECT status, COUNT(*) FROM awards GROUP BY status").fetchall())
    waiting = scalar(
        db, "SELECT COUNT(*) FROM awards WHERE collected_at IS NULL AND status = 'active'"
    )
    courses = scalar(db, "SELECT COUNT(*) FROM courses WHERE state = 'published'")
    return {
        "active": int(found.get("active", 0)),
        "suspended": int(found.get("suspended", 0)),
        "revoked": int(found.get("revoked", 0)),
        "waiting": int(waiting or 0),
        "courses": int(courses or 0),
    }


def change_status(
    db: sqlite_utils.Database,
    award_id: str,
    wanted: str,
    *,
    publisher: Publisher,
    actor: str,
    reason: str | None,
    now: float,
) -> str:
    """Move an award to `wanted` and republish its list in the same transaction; old state back."""
    with write(db):
        found = row(db, "SELECT status, status_index FROM awards WHERE id = ?", [award_id])
        if found is None:
            raise CredentialError("no such credential", code="not_found")
        current = str(found["status"])
        check_transition(current, wanted)
        db.execute("UPDATE awards SET status = ? WHERE id = ?", [wanted, award_id])
        if wanted == REVOKED:
            # A revoked award must not be collected any more: its live offers die with it.
            db.execute(
                "UPDATE offers SET state = 'dead' WHERE award_id = ? AND state = 'live'", [award_id]
            )
        status_list = status_store.list_of(db, int(found["status_index"]))
        status_store.republish(db, status_list, publisher, now)
        action = {"suspended": "suspended", "revoked": "revoked", "active": "unsuspended"}[wanted]
        audit(db, actor, action, f"award:{award_id}", reason, now=now)
    return current
