"""The wallet's SQLite store: connection per request, migrations, and every SQL statement.

`get_db()` opens one connection per request (never shared across threads or forks, J05) in WAL
mode with a busy timeout (J02, J03). Writes run in `write(db)`, a BEGIN IMMEDIATE transaction,
so a read-then-write cannot interleave with another writer and an error leaves nothing half
done (G3, J01); both come from `microcred.database`. The query functions live in the
submodules, named after what they store.
"""

from __future__ import annotations

from typing import Any

import click
import sqlite_utils
from flask import Flask, current_app, g

from microcred.database import connect, write

from .schema import migrations

__all__ = ["close_db", "get_db", "init_app", "open_db", "write"]

# Seconds a writer waits for the lock before SQLITE_BUSY (J03).
BUSY_TIMEOUT = 5.0


def open_db(path: Any) -> sqlite_utils.Database:
    """Open the database file with the pragmas every connection needs."""
    return connect(path, busy_timeout=BUSY_TIMEOUT)


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


def migrate(path: Any) -> None:
    """Apply pending migrations to the database file."""
    db = open_db(path)
    try:
        migrations.apply(db)
    finally:
        db.close()


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the wallet's tables."""
    migrate(current_app.config["DATABASE"])
    click.echo("Wallet database ready.")


def init_app(app: Flask) -> None:
    """Apply migrations now, close connections after each request, add `init-db`."""
    migrate(app.config["DATABASE"])
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
