"""The issuer's SQLite store: one connection per request, migrations, and every SQL statement.

`get_db()` opens one connection per request or per background job (never shared across threads
or forks, SECURITY-CASES J05) in WAL mode with a busy timeout (J02, J03). Writes run in
`write(db)`, a BEGIN IMMEDIATE transaction, so a read-then-write cannot interleave with another
writer and any error leaves nothing half done (G3, J01, J04); both come from
`microcred.database`, with the helpers `rows`, `row` and `scalar`. Query functions live in the
submodules, named after what they keep: `staff`, `courses`, `awards`, `issuing`, `status`,
`tokens`, `bulk`.
"""

from __future__ import annotations

from typing import Any

import click
import sqlite_utils
from flask import Flask, current_app, g
from flask.cli import with_appcontext

from microcred.database import connect, row, rows, scalar, write

from .schema import migrations

# The submodules import the query helpers and `write` from here.
__all__ = ["close_db", "get_db", "init_app", "migrate", "open_db", "row", "rows", "scalar", "write"]

# Seconds a writer waits for the lock before SQLITE_BUSY (J03); a 10,000-row import holds it ~2 s.
BUSY_TIMEOUT = 10.0


def open_db(path: Any) -> sqlite_utils.Database:
    """Open the database file with the pragmas every connection needs."""
    return connect(path, busy_timeout=BUSY_TIMEOUT, check_same_thread=False)


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
