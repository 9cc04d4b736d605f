"""Demo data for the verifier: the demo institution in the trust registry, a staff account."""

from __future__ import annotations

from flask import Flask

from microcred.trust import TrustRegistry

from . import auth, store
from .pipeline import start_prefetch

DEMO_SOURCE = "demo"
DEMO_STAFF = "staff"


def seed(
    app: Flask,
    *,
    issuer_did: str,
    issuer_name: str,
    country: str = "VN",
    accrediting_body: str = "Demo Ministry of Education",
    staff_password: str | None = None,
) -> None:
    """Trust the demo institution and, given a password, make `staff` sign in with it.

    Idempotent: run again, the registry entry is updated and the staff password reset.
    A password refused by the rules (under 10 characters...) raises auth.StaffError.
    """
    entry = {"did": issuer_did, "name": issuer_name, "country": country,
             "accreditingBody": accrediting_body}  # fmt: skip
    # Validated like any registry file entry (DID syntax, country code, lengths).
    registry = TrustRegistry.from_json({"name": "demo", "issuers": [entry]}, source="demo")
    db = store.connect(app.config["DATABASE"])
    try:
        store.add_issuer(db, registry.entries()[0], DEMO_SOURCE)
        if staff_password is not None:
            with app.app_context():
                auth.save_staff(db, DEMO_STAFF, "Demo HR officer", staff_password)
    finally:
        db.conn.close()
    start_prefetch(app)
