"""Awards (one learner's micro-credential), their offers and status (active, suspended, revoked).

An award is created with its random status-list index and, usually, its first offer, in one
transaction. A status change updates the award, kills live offers of a revoked award, rebuilds
the published status documents from every award's state and writes the audit entry, again in
one transaction: the lists can never disagree with the database (SECURITY-CASES E18, E19, G3).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from microcred.errors import CredentialError
from microcred.status_documents import StatusDocument
from microcred.status_index import REVOKED, check_transition, draw_index

from . import row, rows, scalar, write
from .staff import audit, digest

# Retries when a concurrent writer took the same random index first (the UNIQUE constraint).
INDEX_RETRIES = 8
PAGE_SIZE = 50
Publisher = Callable[[list[tuple[int, str]]], Iterable[StatusDocument]]


@dataclass(frozen=True)
class NewOffer:
    """An offer to create: its id, the digest of its pre-authorized code, lifetime and tx code."""

    id: str
    code_hash: str
    tx_required: bool
    expires_at: float


class _TakenIndices:
    """`index in taken` asks the database, so a single award need not load every index."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def __contains__(self, index: object) -> bool:
        return bool(scalar(self._db, "SELECT 1 FROM awards WHERE status_index = ?", [index]))


def used_indices(db: sqlite_utils.Database) -> set[int]:
    """Every status index in use (bulk issuing draws against this set)."""
    return {int(r[0]) for r in db.execute("SELECT status_index FROM awards").fetchall()}


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
) -> None:
    """Insert an award with a fresh random status index (and its first offer) in one transaction.

    `award` holds the awards columns except status_index, created_at and created_by.
    """
    with write(db):
        for attempt in range(INDEX_RETRIES):
            values = dict(award, status_index=draw_index(_TakenIndices(db)))
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


def get_award(db: sqlite_utils.Database, award_id: str) -> dict[str, Any] | None:
    """An award with its course's current title, state and slug."""
    return row(
        db,
        "SELECT a.*, c.slug AS course_slug, c.state AS course_state,"
        " json_extract(a.course_snapshot, '$.title') AS course_title"
        " FROM awards a JOIN courses c ON c.id = a.course_id WHERE a.id = ?",
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


def status_entries(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """(index, state) of every award that is not active: what the status lists must say."""
    found = db.execute("SELECT status_index, status FROM awards WHERE status != 'active'")
    return [(int(index), str(state)) for index, state in found.fetchall()]


def store_documents(
    db: sqlite_utils.Database, documents: Iterable[StatusDocument], issuer: str, now: float
) -> None:
    """Replace the published status documents (inside the caller's transaction)."""
    for document in documents:
        db.execute(
            "INSERT INTO status_documents (path, media_type, body, etag, issuer, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET media_type = excluded."
            "media_type, body = excluded.body, etag = excluded.etag, issuer = excluded.issuer,"
            " updated_at = excluded.updated_at",
            [
                document.path,
                document.media_type,
                document.body,
                digest(document.body.decode("utf-8"))[:32],
                issuer,
                now,
            ],
        )


def publish_status(
    db: sqlite_utils.Database, publisher: Publisher, issuer: str, now: float
) -> None:
    """Rebuild and store the status documents from the awards (idempotent, transactional)."""
    with write(db):
        store_documents(db, publisher(status_entries(db)), issuer, now)


def documents_issuer(db: sqlite_utils.Database) -> set[str]:
    """Which issuer DIDs signed the stored status documents (empty before the first start)."""
    return {str(r[0]) for r in db.execute("SELECT DISTINCT issuer FROM status_documents")}


def get_document(db: sqlite_utils.Database, path: str) -> dict[str, Any] | None:
    """A published status document by path."""
    return row(db, "SELECT media_type, body, etag FROM status_documents WHERE path = ?", [path])


def change_status(
    db: sqlite_utils.Database,
    award_id: str,
    wanted: str,
    *,
    publisher: Publisher,
    issuer: str,
    actor: str,
    reason: str | None,
    now: float,
) -> str:
    """Move an award to `wanted` and republish the lists in the same transaction; old state back."""
    with write(db):
        current = scalar(db, "SELECT status FROM awards WHERE id = ?", [award_id])
        if current is None:
            raise CredentialError("no such credential", code="not_found")
        check_transition(str(current), wanted)
        db.execute("UPDATE awards SET status = ? WHERE id = ?", [wanted, award_id])
        if wanted == REVOKED:
            # A revoked award must not be collected any more: its live offers die with it.
            db.execute(
                "UPDATE offers SET state = 'dead' WHERE award_id = ? AND state = 'live'", [award_id]
            )
        store_documents(db, publisher(status_entries(db)), issuer, now)
        action = {"suspended": "suspended", "revoked": "revoked", "active": "unsuspended"}[wanted]
        audit(db, actor, action, f"award:{award_id}", reason, now=now)
    return str(current)
