"""SQLite connections and write transactions as the apps' stores use them.

`connect` opens a file in WAL mode with `synchronous=NORMAL` (durable at checkpoints, never
corrupt: SECURITY-CASES J02), foreign keys on and a busy timeout (J03). Writes run in
`write(db)`: BEGIN IMMEDIATE takes the write lock before the first read, so a read-then-write
cannot interleave with another writer, and any error rolls everything back (G3, J01, J04).
Each app keeps its own connection per request or per thread (J05) and its own tables.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

__all__ = ["connect", "row", "rows", "scalar", "write"]

# Query parameters: positional (a sequence) or named (a mapping), as sqlite3 takes them.
Params = Sequence[Any] | dict[str, Any]


def connect(
    path: str | os.PathLike[str],
    *,
    busy_timeout: float,
    wal: bool = True,
    check_same_thread: bool = True,
    autocommit: bool = False,
) -> Database:
    """Open the database file with the pragmas every connection needs.

    :param busy_timeout: seconds a writer waits for another's lock before SQLITE_BUSY (J03).
    :param wal: set WAL mode; it is a property of the file, so a caller that set it once at
        startup may skip it on later connections.
    :param autocommit: every statement outside `write` commits at once (sqlite3's
        `isolation_level=None`) instead of opening a transaction sqlite3 commits later.
    """
    # sqlite3's timeout is SQLite's busy handler (sqlite3_busy_timeout), in milliseconds there.
    conn = sqlite3.connect(
        os.fspath(path), timeout=busy_timeout, check_same_thread=check_same_thread
    )
    if autocommit:
        conn.isolation_level = None
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return Database(conn)


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; rolled back on any error.

    Inside a transaction already open, the block is a savepoint of it instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        # A deferred foreign key can still fail here: roll back then too, never leave it open.
        db.conn.execute("COMMIT")
    except BaseException:
        db.conn.rollback()  # a no-op when SQLite already ended the transaction itself
        raise


def rows(db: Database, sql: str, params: Params = ()) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, found, strict=True)) for found in cursor.fetchall()]


def row(db: Database, sql: str, params: Params = ()) -> dict[str, Any] | None:
    """Run a query and return its first row as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def scalar(db: Database, sql: str, params: Params = ()) -> Any:
    """Run a query and return the first column of its first row (None when there is none)."""
    found = db.execute(sql, params).fetchone()
    return None if found is None else found[0]
