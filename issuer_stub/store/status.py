"""Status lists: numbered lists of random slots, opening the next one, and the published documents.

Each award holds one slot (`awards.status_index`, unique). List n covers the slots
[first_slot, first_slot + size); the credential names the list's URLs and the index
`slot - first_slot`. New awards go into the newest list until it holds `list_capacity(size)`
awards; then the next list is opened, and its (empty) documents are signed and stored in the
same transaction that makes the award, so a credential never names a list nobody can fetch.
Documents are rebuilt only from the database (idempotent, SECURITY-CASES E19), one list at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from microcred.errors import StatusListError
from microcred.status_documents import StatusDocument
from microcred.status_index import draw_index, draw_indices, list_capacity

from . import row, rows, scalar, write
from .staff import digest

# Signs one list's documents from (list id, list size, [(index, state) of non-active awards]).
Signer = Callable[[int, int, list[tuple[int, str]]], Iterable[StatusDocument]]


@dataclass(frozen=True)
class Publisher:
    """What signs the status documents, for which issuer DID, and the size of any new list."""

    issuer: str
    sign: Signer
    new_list_size: int


@dataclass(frozen=True)
class StatusList:
    """One numbered list: its first slot and its number of entries."""

    id: int
    first_slot: int
    size: int

    def __contains__(self, slot: object) -> bool:
        return isinstance(slot, int) and self.first_slot <= slot < self.first_slot + self.size


class _TakenIndices:
    """`index in taken` asks the database, so a single award need not load a list's indices."""

    def __init__(self, db: sqlite_utils.Database, status_list: StatusList) -> None:
        self._db = db
        self._first = status_list.first_slot

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int):
            return False
        slot = self._first + index
        return bool(scalar(self._db, "SELECT 1 FROM awards WHERE status_index = ?", [slot]))


def _as_list(found: dict[str, Any]) -> StatusList:
    return StatusList(int(found["id"]), int(found["first_slot"]), int(found["size"]))


def all_lists(db: sqlite_utils.Database) -> list[StatusList]:
    """Every list, oldest first."""
    return [_as_list(r) for r in rows(db, "SELECT * FROM status_lists ORDER BY id")]


def newest_list(db: sqlite_utils.Database) -> StatusList | None:
    """The list new awards go into (None before the first start)."""
    found = row(db, "SELECT * FROM status_lists ORDER BY id DESC LIMIT 1")
    return None if found is None else _as_list(found)


def used(db: sqlite_utils.Database, status_list: StatusList) -> int:
    """How many awards hold a slot of this list."""
    return int(
        scalar(
            db,
            "SELECT COUNT(*) FROM awards WHERE status_index >= ? AND status_index < ?",
            [status_list.first_slot, status_list.first_slot + status_list.size],
        )
    )


def open_list(db: sqlite_utils.Database, publisher: Publisher, now: float) -> StatusList:
    """Open the next list and store its signed, empty documents (inside the caller's write)."""
    last = newest_list(db)
    size = publisher.new_list_size
    if size < 8 or size % 8:
        raise StatusListError("a status list needs a positive multiple of 8 entries")
    opened = StatusList(
        1 if last is None else last.id + 1, 0 if last is None else last.first_slot + last.size, size
    )
    db.execute(
        "INSERT INTO status_lists (id, first_slot, size, opened_at) VALUES (?, ?, ?, ?)",
        [opened.id, opened.first_slot, opened.size, now],
    )
    store_documents(db, publisher.sign(opened.id, opened.size, []), publisher.issuer, now)
    return opened


def _list_with_room(
    db: sqlite_utils.Database, publisher: Publisher | None, now: float
) -> StatusList:
    current = newest_list(db)
    if current is not None and used(db, current) < list_capacity(current.size):
        return current
    if publisher is None:
        raise StatusListError(
            "the status list is full; a new list is needed", code="status_list_full"
        )
    return open_list(db, publisher, now)


def draw_slot(db: sqlite_utils.Database, publisher: Publisher | None, now: float) -> int:
    """A free random slot of the newest list, opening the next list when it is full."""
    current = _list_with_room(db, publisher, now)
    return current.first_slot + draw_index(_TakenIndices(db, current), size=current.size)


def draw_slots(
    db: sqlite_utils.Database, count: int, publisher: Publisher | None, now: float
) -> list[int]:
    """`count` distinct free random slots: the newest list up to capacity, then new lists."""
    current = _list_with_room(db, publisher, now)
    taken = {
        int(r[0]) - current.first_slot
        for r in db.execute(
            "SELECT status_index FROM awards WHERE status_index >= ? AND status_index < ?",
            [current.first_slot, current.first_slot + current.size],
        ).fetchall()
    }
    slots: list[int] = []
    while len(slots) < count:
        room = list_capacity(current.size) - len(taken)
        if room <= 0:
            if publisher is None:
                raise StatusListError("the status list is full", code="status_list_full")
            current, taken = open_list(db, publisher, now), set()
            continue
        # draw_indices adds what it picks to `taken`, so the next round sees them.
        picked = draw_indices(min(room, count - len(slots)), taken, size=current.size)
        slots += [current.first_slot + index for index in picked]
    return slots


def entries(db: sqlite_utils.Database, status_list: StatusList) -> list[tuple[int, str]]:
    """(index, state) of the list's awards that are not active: what its documents must say."""
    found = db.execute(
        "SELECT status_index - ?, status FROM awards"
        " WHERE status != 'active' AND status_index >= ? AND status_index < ?",
        [status_list.first_slot, status_list.first_slot, status_list.first_slot + status_list.size],
    )
    return [(int(index), str(state)) for index, state in found.fetchall()]


def list_of(db: sqlite_utils.Database, slot: int) -> StatusList:
    """The list a slot belongs to."""
    found = row(
        db,
        "SELECT * FROM status_lists WHERE first_slot <= ? ORDER BY first_slot DESC LIMIT 1",
        [slot],
    )
    if found is None or slot not in _as_list(found):
        raise StatusListError(f"slot {slot} is in no status list", code="status_invalid")
    return _as_list(found)


def republish(
    db: sqlite_utils.Database, status_list: StatusList, publisher: Publisher, now: float
) -> None:
    """Rebuild and store one list's documents (inside the caller's transaction)."""
    signed = publisher.sign(status_list.id, status_list.size, entries(db, status_list))
    store_documents(db, signed, publisher.issuer, now)


def publish_all(db: sqlite_utils.Database, publisher: Publisher, now: float) -> None:
    """Make sure a first list exists and rebuild every list's documents, in one transaction."""
    with write(db):
        if newest_list(db) is None:
            open_list(db, publisher, now)
        for status_list in all_lists(db):
            republish(db, status_list, publisher, now)


def store_documents(
    db: sqlite_utils.Database, documents: Iterable[StatusDocument], issuer: str, now: float
) -> None:
    """Replace published status documents (inside the caller's transaction)."""
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


def documents_issuer(db: sqlite_utils.Database) -> set[str]:
    """Which issuer DIDs signed the stored status documents (empty before the first start)."""
    return {str(r[0]) for r in db.execute("SELECT DISTINCT issuer FROM status_documents")}


def get_document(db: sqlite_utils.Database, path: str) -> dict[str, Any] | None:
    """A published status document by path."""
    return row(db, "SELECT media_type, body, etag FROM status_documents WHERE path = ?", [path])
