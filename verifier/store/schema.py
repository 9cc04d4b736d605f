"""The verifier's schema, as sqlite-utils migrations applied at startup (in order, once)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("verifier")
DEFAULT_RETENTION_DAYS = 30


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        "CREATE TABLE results (id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL,"
        " expires_at REAL NOT NULL, source TEXT NOT NULL, report TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, created_at REAL NOT NULL, title TEXT,"
        " issuer TEXT, issuer_did TEXT, verdict TEXT NOT NULL, reason TEXT, source TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX history_created ON history (created_at)")
    db.execute(
        "CREATE TABLE issuers (id INTEGER PRIMARY KEY, did TEXT NOT NULL, name TEXT NOT NULL,"
        " country TEXT NOT NULL, accrediting_body TEXT NOT NULL, valid_from TEXT,"
        " valid_until TEXT, source TEXT NOT NULL, added_at REAL NOT NULL, UNIQUE (did, source))"
    )
    db.execute(
        "CREATE TABLE vp_requests (id TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL,"
        " nonce TEXT NOT NULL, request_jwt TEXT NOT NULL, query TEXT NOT NULL, issuer TEXT,"
        " created_at REAL NOT NULL, expires_at REAL NOT NULL, status TEXT NOT NULL,"
        " response_code TEXT, result_id TEXT REFERENCES results (id) ON DELETE SET NULL)"
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO settings VALUES ('registry_version', '0')")
    db.execute("INSERT INTO settings VALUES ('retention_days', ?)", [str(DEFAULT_RETENTION_DAYS)])


@migrations()
def m002_staff_and_purging(db: Database) -> None:
    # Staff accounts and their server-side sessions (only a digest of the session id is kept).
    db.execute(
        "CREATE TABLE staff (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        " display_name TEXT NOT NULL, password_hash TEXT NOT NULL,"
        " active INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL)"
    )
    db.execute(
        "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY,"
        " staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,"
        " created_at REAL NOT NULL, last_seen REAL NOT NULL)"
    )
    # Every write purges expired results and old requests: these indexes keep that cheap.
    db.execute("CREATE INDEX results_expires ON results (expires_at)")
    db.execute("CREATE INDEX vp_requests_expires ON vp_requests (expires_at)")
    # Status lists seen in verified credentials of registry issuers, kept warm by every process.
    db.execute(
        "CREATE TABLE status_lists (issuer TEXT NOT NULL, kind TEXT NOT NULL,"
        " purpose TEXT NOT NULL, size INTEGER NOT NULL, url TEXT NOT NULL, seen_at REAL NOT NULL,"
        " PRIMARY KEY (issuer, kind, purpose, size, url))"
    )
