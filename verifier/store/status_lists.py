"""Status lists seen in verified credentials of registry issuers, so every process prefetches them.

Only where an issuer publishes a list is kept (the list's URL, kind and purpose), never which
credential or index was checked.
"""

from __future__ import annotations

from sqlite_utils import Database

from microcred.status_cache import StatusRef

from . import write

# Lists remembered at most (an issuer minting one list per credential cannot grow the table).
MAX_KNOWN_LISTS = 512
_COLUMNS = "issuer, kind, purpose, size, url"


def known(db: Database) -> list[tuple[str, StatusRef]]:
    """(issuer, list) for lists seen from issuers still in the registry, newest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM status_lists WHERE issuer IN (SELECT did FROM issuers)"
        " ORDER BY seen_at DESC LIMIT ?",
        [MAX_KNOWN_LISTS],
    )
    return [
        (issuer, StatusRef(kind, purpose or None, url, 0, size))
        for issuer, kind, purpose, size, url in rows
    ]


def remember(db: Database, lists: list[tuple[str, StatusRef]], now: float) -> None:
    """Note lists seen now, and forget those of removed issuers and the oldest beyond the cap."""
    with write(db):
        for issuer, ref in lists:
            db.execute(
                f"INSERT INTO status_lists ({_COLUMNS}, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO UPDATE SET seen_at = excluded.seen_at",
                [issuer, ref.kind, ref.purpose or "", ref.size, ref.url, now],
            )
        db.execute(
            "DELETE FROM status_lists WHERE issuer NOT IN (SELECT did FROM issuers) OR rowid NOT IN"
            " (SELECT rowid FROM status_lists ORDER BY seen_at DESC LIMIT ?)",
            [MAX_KNOWN_LISTS],
        )
