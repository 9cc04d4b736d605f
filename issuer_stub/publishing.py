"""Keeping the published status documents in step with the awards, and changing a status.

The documents are rebuilt from the database inside the transaction of every status change and
stored; GET requests only read them. At start they are rebuilt when missing or signed for
another DID (the base URL changed), which also repairs anything an older crash left (E19).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from . import store
from .identity import Institution, institution
from .store import awards as award_store
from .store.staff import get_profile

FALLBACK_NAME = "Unnamed institution"


def institution_name(db: Any) -> str:
    """The institution's display name (from the profile)."""
    profile = get_profile(db)
    return str(profile["name"]) if profile else FALLBACK_NAME


def publish_at_start(app: Flask) -> None:
    """Rebuild the status documents if none exist yet or they name another issuer."""
    inst: Institution = app.extensions["issuer_institution"]
    db = store.open_db(app.config["DATABASE"])
    try:
        if award_store.documents_issuer(db) != {inst.did}:
            now = time.time()
            publisher = inst.status_publisher(institution_name(db), now)
            award_store.publish_status(db, publisher, inst.did, now)
    finally:
        db.close()


def change_status(award_id: str, wanted: str, *, actor: str, reason: str | None, now: float) -> str:
    """Change one award's status and republish the lists atomically; returns the old status."""
    db = store.get_db()
    inst = institution()
    return award_store.change_status(
        db,
        award_id,
        wanted,
        publisher=inst.status_publisher(institution_name(db), now),
        issuer=inst.did,
        actor=actor,
        reason=reason,
        now=now,
    )


def init_app(app: Flask) -> None:
    """Make sure the status documents exist before the first request."""
    publish_at_start(app)
