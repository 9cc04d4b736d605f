"""The issuer's schema as sqlite-utils migrations; times are Unix seconds (REAL) in UTC.

No key material lives here: the signing key is a file in the instance folder, pre-authorized
and transaction codes are derived from the app secret when needed, and access tokens, API
tokens, session ids and spent nonces are stored only as SHA-256 digests.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("issuer_stub")
# The size of the one list that every award made before m002 belongs to.
FIRST_LIST_SIZE = 131_072

_TABLES = (
    """CREATE TABLE profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        country TEXT NOT NULL,
        website TEXT,
        logo BLOB,
        updated_at REAL NOT NULL
    )""",
    """CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL
    )""",
    """CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        last_seen REAL NOT NULL
    )""",
    """CREATE TABLE courses (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        code TEXT,
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'archived')),
        data TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        updated_by TEXT NOT NULL
    )""",
    """CREATE TABLE bulk_jobs (
        id TEXT PRIMARY KEY,
        course_id INTEGER NOT NULL REFERENCES courses(id),
        filename TEXT,
        row_count INTEGER NOT NULL,
        tx_required INTEGER NOT NULL,
        created_at REAL NOT NULL,
        created_by TEXT NOT NULL
    )""",
    """CREATE TABLE awards (
        id TEXT PRIMARY KEY,
        course_id INTEGER NOT NULL REFERENCES courses(id),
        course_snapshot TEXT NOT NULL,
        given_name TEXT NOT NULL,
        family_name TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        email TEXT,
        grade TEXT,
        date_of_issuance TEXT NOT NULL,
        valid_until TEXT,
        status_index INTEGER NOT NULL UNIQUE CHECK (status_index >= 0),
        status TEXT NOT NULL DEFAULT 'active'
            CHECK (status IN ('active', 'suspended', 'revoked')),
        external_id TEXT UNIQUE,
        bulk_job_id TEXT REFERENCES bulk_jobs(id),
        created_at REAL NOT NULL,
        created_by TEXT NOT NULL,
        collected_at REAL
    )""",
    "CREATE INDEX awards_course ON awards(course_id, learner_id)",
    "CREATE INDEX awards_created ON awards(created_at)",
    "CREATE INDEX awards_bulk ON awards(bulk_job_id)",
    """CREATE TABLE offers (
        id TEXT PRIMARY KEY,
        award_id TEXT NOT NULL REFERENCES awards(id),
        code_hash TEXT NOT NULL UNIQUE,
        tx_required INTEGER NOT NULL,
        tx_failures INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'redeemed', 'dead')),
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        redeemed_at REAL
    )""",
    "CREATE INDEX offers_award ON offers(award_id)",
    """CREATE TABLE access_tokens (
        token_hash TEXT PRIMARY KEY,
        offer_id TEXT NOT NULL REFERENCES offers(id),
        expires_at REAL NOT NULL
    )""",
    """CREATE TABLE deliveries (
        offer_id TEXT NOT NULL REFERENCES offers(id),
        configuration_id TEXT NOT NULL,
        delivered_at REAL NOT NULL,
        PRIMARY KEY (offer_id, configuration_id)
    )""",
    """CREATE TABLE spent_nonces (
        nonce_hash TEXT PRIMARY KEY,
        expires_at REAL NOT NULL
    )""",
    """CREATE TABLE status_documents (
        path TEXT PRIMARY KEY,
        media_type TEXT NOT NULL,
        body BLOB NOT NULL,
        etag TEXT NOT NULL,
        issuer TEXT NOT NULL,
        updated_at REAL NOT NULL
    )""",
    """CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at REAL NOT NULL,
        last_used_at REAL,
        revoked_at REAL
    )""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT
    )""",
)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Every table of the first release."""
    for statement in _TABLES:
        db.execute(statement)


@migrations()
def m002_status_lists(db: sqlite_utils.Database) -> None:
    """Numbered status lists, so that issuing goes on in a new list when one fills up.

    An award's `status_index` is its slot in the issuer's run of lists: list n covers the slots
    [first_slot, first_slot + size), and the credential's index is `status_index - first_slot`.
    The slots of the awards made before lists were numbered are exactly the first list's.
    """
    db.execute(
        """CREATE TABLE status_lists (
            id INTEGER PRIMARY KEY CHECK (id >= 1),
            first_slot INTEGER NOT NULL UNIQUE CHECK (first_slot >= 0),
            size INTEGER NOT NULL CHECK (size >= 8 AND size % 8 = 0),
            opened_at REAL NOT NULL
        )"""
    )
    if db.execute("SELECT 1 FROM awards LIMIT 1").fetchone():
        db.execute(
            "INSERT INTO status_lists (id, first_slot, size, opened_at)"
            " VALUES (1, 0, ?, strftime('%s', 'now'))",
            [FIRST_LIST_SIZE],
        )
