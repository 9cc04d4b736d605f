"""Keeping the published status documents in step with the awards, and changing a status.

The documents are rebuilt from the database inside the transaction of every status change (or
of the award that opens a new list) and stored; GET requests only read them. At start the first
list is opened if there is none, and every list is rebuilt when its documents are signed for
another DID (the base URL changed), which also repairs anything an older crash left (E19).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app

from . import store
from .identity import Institution, institution
from .store import awards as award_store, status as status_store
from .store.staff import get_profile
from .store.status import Publisher

FALLBACK_NAME = "Unnamed institution"


def institution_name(db: Any) -> str:
    """The institution's display name (from the profile)."""
    profile = get_profile(db)
    return str(profile["name"]) if profile else FALLBACK_NAME


def publisher(db: Any, now: float) -> Publisher:
    """What signs the status documents now, under the institution's current name."""
    config = current_app.config
    ttl = int(config["STATUS_MAX_AGE"])
    return institution().status_publisher(
        institution_name(db), now, int(config["STATUS_LIST_SIZE"]), ttl
    )


def publish_at_start(app: Flask) -> None:
    """Open the first status list, and rebuild the documents if they name another issuer."""
    inst: Institution = app.extensions["issuer_institution"]
    size = _list_size(app)
    db = store.open_db(app.config["DATABASE"])
    try:
        missing = status_store.newest_list(db) is None
        if missing or status_store.documents_issuer(db) != {inst.did}:
            now = time.time()
            ttl = int(app.config["STATUS_MAX_AGE"])
            signer = inst.status_publisher(institution_name(db), now, size, ttl)
            status_store.publish_all(db, signer, now)
    finally:
        db.close()


def _list_size(app: Flask) -> int:
    size = app.config["STATUS_LIST_SIZE"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 8 or size % 8:
        raise ValueError("STATUS_LIST_SIZE must be a positive multiple of 8")
    return size


def change_status(award_id: str, wanted: str, *, actor: str, reason: str | None, now: float) -> str:
    """Change one award's status and republish its list atomically; returns the old status."""
    db = store.get_db()
    return award_store.change_status(
        db,
        award_id,
        wanted,
        publisher=publisher(db, now),
        actor=actor,
        reason=reason,
        now=now,
    )


def init_app(app: Flask) -> None:
    """Check the list size and make sure the status documents exist before the first request."""
    publish_at_start(app)
