"""The issuer's SQLite store: one connection per request, migrations, and every SQL statement.

`get_db()` opens one connection per request or per background job (never shared across threads
or forks, SECURITY-CASES J05) in WAL mode with a busy timeout (J02, J03). Writes run in
`write(db)`, a BEGIN IMMEDIATE transaction, so a read-then-write cannot interleave with another
writer and any error leaves nothing half done (G3, J01, J04). Query functions live in the
submodules, named after what they keep: `staff`, `courses`, `awards`, `issuing`, `status`,
`tokens`, `bulk`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import sqlite_utils
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from .schema import migrations

# Seconds a writer waits for the lock before SQLITE_BUSY (J03); a 10,000-row import holds it ~2 s.
BUSY_TIMEOUT = 10.0


def open_db(path: Any) -> sqlite_utils.Database:
    """Open the database file with the pragmas every connection needs."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at checkpoints, never corrupt (J02)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    return db


def get_db() -> sqlite_utils.Database:
    """The request's database connection, opened on first use."""
    if "db" not in g:
        g.db = open_db(current_app.config["DATABASE"])
    db: sqlite_utils.Database = g.db
    return db


def close_db(_error: BaseException | None = None) -> None:
    """Close the request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; rolled back on any error."""
    if db.conn.in_transaction:
        with db.atomic():  # nested: a savepoint inside the caller's transaction
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")


def migrate(path: Any) -> None:
    """Apply pending migrations to the database file."""
    db = open_db(path)
    try:
        migrations.apply(db)
    finally:
        db.close()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the issuer database (migrations are also applied at start)."""
    migrate(current_app.config["DATABASE"])
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


def init_app(app: Flask) -> None:
    """Apply migrations now and register teardown and the init-db command."""
    migrate(app.config["DATABASE"])
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


def rows(db: sqlite_utils.Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def row(db: sqlite_utils.Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    """Run a query and return its first row as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def scalar(db: sqlite_utils.Database, sql: str, params: Any = ()) -> Any:
    """Run a query and return the first column of its first row (None when there is none)."""
    found = db.execute(sql, params).fetchone()
    return None if found is None else found[0]
