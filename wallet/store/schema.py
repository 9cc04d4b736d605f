"""The wallet's tables, as sqlite-utils migrations applied at startup.

Times are UNIX seconds (REAL). Identifiers are 128-bit random base64url text (I10). Private keys
are stored only sealed under the user's data key, whose wrapped form is the only key material in
the database (J09). Every row belongs to one user (`user_id`), and deleting the user deletes
everything of theirs by cascade.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("wallet")

_TABLES = (
    """CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        wrapped_dek BLOB NOT NULL,
        created_at REAL NOT NULL
    )""",
    """CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        last_seen REAL NOT NULL,
        expires_at REAL NOT NULL
    )""",
    "CREATE INDEX sessions_user ON sessions(user_id)",
    """CREATE TABLE signin_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        blocked_until REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    """CREATE TABLE holder_keys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        did TEXT NOT NULL,
        thumbprint TEXT NOT NULL,
        sealed BLOB NOT NULL,
        created_at REAL NOT NULL,
        UNIQUE (user_id, thumbprint)
    )""",
    """CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        issuer_did TEXT NOT NULL,
        issuer_name TEXT,
        issued_on TEXT,
        formats TEXT NOT NULL,
        verdict TEXT NOT NULL,
        source TEXT NOT NULL,
        received_at REAL NOT NULL
    )""",
    "CREATE INDEX cards_user ON cards(user_id, received_at)",
    """CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        body TEXT NOT NULL,
        digest TEXT NOT NULL,
        key_id TEXT REFERENCES holder_keys(id) ON DELETE SET NULL,
        configuration_id TEXT,
        received_at REAL NOT NULL,
        UNIQUE (user_id, digest)
    )""",
    "CREATE INDEX credentials_card ON credentials(card_id)",
    """CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        claims TEXT NOT NULL,
        presentation TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        one_time INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        withdrawn_at REAL
    )""",
    "CREATE INDEX shares_user ON shares(user_id, created_at)",
    """CREATE TABLE share_accesses (
        id INTEGER PRIMARY KEY,
        share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
        at REAL NOT NULL,
        verifier TEXT,
        outcome TEXT NOT NULL
    )""",
    "CREATE INDEX share_accesses_share ON share_accesses(share_id, at)",
    """CREATE TABLE pending (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at REAL NOT NULL,
        used INTEGER NOT NULL DEFAULT 0
    )""",
)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Users, sessions, throttling, holder keys, cards, credentials, shares, pending exchanges."""
    for statement in _TABLES:
        db.execute(statement)


@migrations()
def m002_status_and_limits(db: sqlite_utils.Database) -> None:
    """Why a card has its verdict and when it was last checked; per-address rate windows."""
    db.execute("ALTER TABLE cards ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    # Cards stored before this migration were checked when received.
    db.execute("ALTER TABLE cards ADD COLUMN checked_at REAL")
    db.execute("UPDATE cards SET checked_at = received_at")
    # Fixed windows counted per key (an address, or an address and an action): sign-in failures
    # across accounts and sign-ups, so that one address cannot spray passwords or make accounts.
    db.execute(
        """CREATE TABLE address_limits (
            key TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            window_end REAL NOT NULL
        )"""
    )
