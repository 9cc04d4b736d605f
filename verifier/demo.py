"""Demo data for the verifier: the demo institution in the trust registry."""

from __future__ import annotations

from flask import Flask

from microcred.trust import TrustRegistry

from . import store
from .pipeline import start_prefetch

DEMO_SOURCE = "demo"


def seed(
    app: Flask,
    *,
    issuer_did: str,
    issuer_name: str,
    country: str = "VN",
    accrediting_body: str = "Demo Ministry of Education",
) -> None:
    """Add the demo institution to the trust registry (idempotent) and prefetch its documents."""
    entry = {"did": issuer_did, "name": issuer_name, "country": country,
             "accreditingBody": accrediting_body}  # fmt: skip
    # Validated like any registry file entry (DID syntax, country code, lengths).
    issuer = TrustRegistry.from_json({"name": "demo", "issuers": [entry]}, source="demo").entries()[
        0
    ]
    db = store.connect(app.config["DATABASE"])
    try:
        store.add_issuer(db, issuer, DEMO_SOURCE)
    finally:
        db.conn.close()
    start_prefetch(app)
