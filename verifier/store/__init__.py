"""All SQL of the verifier: results, history, trust registry, OpenID4VP requests, settings.

Nothing here holds a token or an undisclosed claim: a result is the report of what was shown
(kept RESULT_LIFETIME), history keeps time, title, issuer and verdict (SECURITY-CASES I16).
Every write is one `BEGIN IMMEDIATE` transaction (J03, J04), so several verifier processes can
share the file.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import click
from flask import Flask, current_app
from sqlite_utils import Database

from microcred import database, strictjson
from microcred.database import write
from microcred.trust import TrustedIssuer

from .schema import migrations

# Seconds a writer waits for another process's transaction before giving up (J03).
BUSY_TIMEOUT = 5.0
# Answered or expired OpenID4VP requests are kept this long (an owner still sees "expired").
REQUEST_GRACE = 86_400
HISTORY_PAGE = 200
DAY = 86_400


def connect(path: str, *, setup: bool = False) -> Database:
    """Open the database with a busy timeout and foreign keys; `setup` also turns on WAL (J02)."""
    # WAL is a property of the file: set once at startup, not on every connection. Outside
    # `write` every statement commits by itself.
    return database.connect(
        path, busy_timeout=BUSY_TIMEOUT, wal=setup, check_same_thread=False, autocommit=True
    )


def get_db() -> Database:
    """This thread's connection, opened on first use in this process (J05: never across a fork).

    Connections are kept per thread rather than per request: opening one and closing the last
    one (which checkpoints the WAL) cost ~4 ms, more than a whole verification.
    """
    local = current_app.extensions["verifier.db"]
    found: tuple[int, Database] | None = getattr(local, "db", None)
    if found is None or found[0] != os.getpid():
        found = local.db = (os.getpid(), connect(current_app.config["DATABASE"]))
    return found[1]


def close_db(_error: BaseException | None = None) -> None:
    """End the request: roll back anything a failed view left open, keep the connection."""
    local = current_app.extensions.get("verifier.db")
    found = getattr(local, "db", None)
    if found is not None and found[0] == os.getpid() and found[1].conn.in_transaction:
        found[1].conn.execute("ROLLBACK")


def init_db(path: str) -> None:
    """Turn on WAL and apply pending migrations."""
    db = connect(path, setup=True)
    try:
        migrations.apply(db)
    finally:
        db.conn.close()


def init_app(app: Flask) -> None:
    """Migrate the database at startup and register teardown and the click commands."""
    init_db(app.config["DATABASE"])
    app.extensions["verifier.db"] = threading.local()
    app.teardown_appcontext(close_db)

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Create or migrate the database."""
        init_db(app.config["DATABASE"])
        click.echo("database ready")

    @app.cli.command("cleanup")
    def cleanup_command() -> None:
        """Remove history past the retention period, expired results and old requests."""
        removed = cleanup(get_db())
        click.echo(", ".join(f"{name}: {count}" for name, count in removed.items()))


# --- settings ------------------------------------------------------------------------------


def setting(db: Database, key: str) -> str:
    """A settings value."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return str(row[0])


def retention_days(db: Database) -> int:
    """Days history entries are kept."""
    return int(setting(db, "retention_days"))


def set_retention_days(db: Database, days: int) -> None:
    """Change the retention period and apply it at once."""
    with write(db):
        db.execute("UPDATE settings SET value = ? WHERE key = 'retention_days'", [str(days)])
        db.execute("DELETE FROM history WHERE created_at < ?", [time.time() - days * DAY])


# --- results and history --------------------------------------------------------------------


def _add_history(db: Database, now: float, summary: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO history (created_at, title, issuer, issuer_did, verdict, reason, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [now, summary.get("title"), summary.get("issuer"), summary.get("issuer_did"),
         summary["verdict"], summary.get("reason"), summary["source"]],
    )  # fmt: skip
    _purge(db, now)


def _purge(db: Database, now: float) -> dict[str, int]:
    """Delete history past retention, expired results and long-finished requests.

    Run inside every write, so nothing a learner disclosed outlives its lifetime by more than
    the time to the next verification (issue 5, SECURITY-CASES I16), with no command to run.
    """
    cutoff = now - retention_days(db) * DAY
    return {
        "history": db.execute("DELETE FROM history WHERE created_at < ?", [cutoff]).rowcount,
        "requests": db.execute(
            "DELETE FROM vp_requests WHERE expires_at < ?", [now - REQUEST_GRACE]
        ).rowcount,
        "results": db.execute("DELETE FROM results WHERE expires_at <= ?", [now]).rowcount,
    }


def record(db: Database, summary: dict[str, Any]) -> None:
    """Add one history entry (time, title, issuer, verdict) without keeping the report."""
    with write(db):
        _add_history(db, time.time(), summary)


def save_result(
    db: Database, *, result_id: str, owner: str, report: dict[str, Any], summary: dict[str, Any],
    lifetime: int,
) -> None:  # fmt: skip
    """Keep a report for its owner for `lifetime` seconds, and add its history entry."""
    now = time.time()
    with write(db):
        db.execute(
            "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)",
            [result_id, owner, now, now + lifetime, summary["source"], strictjson.dumps(report)],
        )
        _add_history(db, now, summary)


def get_result(db: Database, result_id: str, owner: str) -> dict[str, Any] | None:
    """The report of a result this owner may read and that has not expired, else None."""
    row = db.execute(
        "SELECT report FROM results WHERE id = ? AND owner = ? AND expires_at > ?",
        [result_id, owner, time.time()],
    ).fetchone()
    if row is None:
        return None
    report: dict[str, Any] = strictjson.loads_object(row[0])
    return report


def history(db: Database, search: str = "") -> list[dict[str, Any]]:
    """History entries within retention, newest first, matching a title/issuer search."""
    cutoff = time.time() - retention_days(db) * DAY
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.execute(
        "SELECT created_at, title, issuer, issuer_did, verdict, reason, source FROM history"
        " WHERE created_at >= ? AND (title LIKE ? ESCAPE '\\' OR issuer LIKE ? ESCAPE '\\'"
        " OR issuer_did LIKE ? ESCAPE '\\') ORDER BY created_at DESC LIMIT ?",
        [cutoff, pattern, pattern, pattern, HISTORY_PAGE],
    )
    names = ("created_at", "title", "issuer", "issuer_did", "verdict", "reason", "source")
    return [dict(zip(names, row, strict=True)) for row in rows]


def cleanup(db: Database, now: float | None = None) -> dict[str, int]:
    """Purge now what every write purges, and the lists of issuers no longer trusted.

    For `flask cleanup` and the cache warmer's periodic pass.
    """
    with write(db):
        counts = _purge(db, time.time() if now is None else now)
        counts["status_lists"] = db.execute(
            "DELETE FROM status_lists WHERE issuer NOT IN (SELECT did FROM issuers)"
        ).rowcount
    return counts


# --- trust registry -------------------------------------------------------------------------

_ISSUER_COLUMNS = "did, name, country, accrediting_body, valid_from, valid_until"


def registry_version(db: Database) -> int:
    """A number that changes with every registry write (per-process caches compare it)."""
    return int(setting(db, "registry_version"))


def _bump(db: Database) -> None:
    db.execute(
        "UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'registry_version'"
    )


def _insert_issuer(db: Database, issuer: TrustedIssuer, source: str, now: float) -> None:
    db.execute(
        f"INSERT INTO issuers ({_ISSUER_COLUMNS}, source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (did, source) DO UPDATE SET name = excluded.name, country = excluded.country,"
        " accrediting_body = excluded.accrediting_body, valid_from = excluded.valid_from,"
        " valid_until = excluded.valid_until",
        [issuer.did, issuer.name, issuer.country, issuer.accrediting_body, issuer.valid_from,
         issuer.valid_until, source, now],
    )  # fmt: skip


def add_issuer(db: Database, issuer: TrustedIssuer, source: str = "manual") -> None:
    """Add (or update) one trusted issuer."""
    with write(db):
        _insert_issuer(db, issuer, source, time.time())
        _bump(db)


def import_registry(db: Database, issuers: tuple[TrustedIssuer, ...], source: str) -> None:
    """Replace every entry that came from `source` with these, all or nothing (G3)."""
    now = time.time()
    with write(db):
        db.execute("DELETE FROM issuers WHERE source = ?", [source])
        for issuer in issuers:
            _insert_issuer(db, issuer, source, now)
        _bump(db)


def remove_issuer(db: Database, issuer_id: int) -> bool:
    """Remove one registry entry; False if there was none."""
    with write(db):
        removed = db.execute("DELETE FROM issuers WHERE id = ?", [issuer_id]).rowcount
        _bump(db)
    return bool(removed)


def list_issuers(db: Database) -> list[dict[str, Any]]:
    """Every registry entry, by name."""
    rows = db.execute(
        f"SELECT id, {_ISSUER_COLUMNS}, source, added_at FROM issuers ORDER BY name, did"
    )
    names = ("id", "did", "name", "country", "accrediting_body", "valid_from", "valid_until",
             "source", "added_at")  # fmt: skip
    return [dict(zip(names, row, strict=True)) for row in rows]


def registry_entries(db: Database) -> list[tuple[TrustedIssuer, str]]:
    """Every registry entry as (TrustedIssuer, source), for building a TrustRegistry."""
    rows = db.execute(f"SELECT {_ISSUER_COLUMNS}, source FROM issuers ORDER BY id")
    return [(TrustedIssuer(*row[:6]), row[6]) for row in rows]


# --- OpenID4VP requests ---------------------------------------------------------------------


def create_vp_request(db: Database, row: dict[str, Any]) -> None:
    """Store a new pending request (its secrets stay server-side; the owner is a hash)."""
    with write(db):
        _purge(db, time.time())
        db.execute(
            "INSERT INTO vp_requests (id, owner, state, nonce, request_jwt, query, issuer,"
            " created_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            [row["id"], row["owner"], row["state"], row["nonce"], row["request_jwt"],
             row["query"], row["issuer"], row["created_at"], row["expires_at"]],
        )  # fmt: skip


def get_vp_request(db: Database, request_id: str) -> dict[str, Any] | None:
    """A request by id, or None."""
    return database.row(db, "SELECT * FROM vp_requests WHERE id = ?", [request_id])


def answer_vp_request(
    db: Database, request_id: str, *, status: str, response_code: str | None,
    result: dict[str, Any] | None, lifetime: int,
) -> bool:  # fmt: skip
    """Mark a pending, unexpired request answered, with its result, exactly once (J04, F18).

    The conditional UPDATE is the single use of the nonce: of two concurrent answers only one
    changes the row; the other gets False and nothing is written.
    """
    now = time.time()
    with write(db):
        changed = db.execute(
            "UPDATE vp_requests SET status = ?, response_code = ? WHERE id = ?"
            " AND status = 'pending' AND expires_at > ?",
            [status, response_code, request_id, now],
        ).rowcount
        if changed != 1:
            return False
        if result is not None:
            owner = db.execute("SELECT owner FROM vp_requests WHERE id = ?", [request_id])
            db.execute(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)",
                [request_id, owner.fetchone()[0], now, now + lifetime, "openid4vp",
                 strictjson.dumps(result["report"])],
            )  # fmt: skip
            db.execute(
                "UPDATE vp_requests SET result_id = ? WHERE id = ?", [request_id, request_id]
            )
            _add_history(db, now, result["summary"])
    return True
