"""The verifier app for the tests: the app, its staff, trust registry and requests, and what a
wallet shows it.

`make_app` builds a verifier for the demo's loopback setting (the verifier and wallet tests use
it); the institution it checks comes from tests/issuer_site.py, issuing at the real time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from issuer_site import HOLDER, HOLDER_DID, Institution

from microcred import data_integrity, sdjwt
from microcred.issuance import IssuerIdentity
from microcred.trust import TrustRegistry
from verifier import auth, create_app, store

SHARE_MEDIA = "application/dc+sd-jwt"


def bearer(sd_jwt: str, names: Iterable[str] = ("given_name", "family_name")) -> str:
    """What a wallet's share link serves: chosen disclosures, no key binding."""
    return sdjwt.present(sd_jwt, disclose=[(name,) for name in names])


def bound(sd_jwt: str, *, nonce: str, audience: str, names: Iterable[str] = ()) -> str:
    """A presentation with a KB-JWT for this nonce and audience."""
    return sdjwt.present(
        sd_jwt,
        disclose=[(name,) for name in names],
        holder_key=HOLDER,
        nonce=nonce,
        audience=audience,
    )


def ld_presentation(credential: dict[str, Any], *, challenge: str, domain: str) -> dict[str, Any]:
    """A JSON-LD VerifiablePresentation of one credential, signed by HOLDER (Data Integrity)."""
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER_DID,
        "verifiableCredential": [credential],
    }
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return data_integrity.sign(
        vp, HOLDER, verification_method=f"{HOLDER_DID}#{HOLDER_DID.removeprefix('did:key:')}",
        created=created, proof_purpose="authentication", challenge=challenge, domain=domain,
    )  # fmt: skip


# --- the verifier app -----------------------------------------------------------------------


# Cheap argon2 parameters for tests; production uses the app's defaults.
FAST_HASH = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 1024, "PASSWORD_PARALLELISM": 1}
STAFF_USER, STAFF_PASSWORD = "hr.officer", "a long staff passphrase"


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """A verifier app with its own database and instance folder, for the demo's loopback world."""
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": tmp_path,
        "DATABASE": tmp_path / "verifier.sqlite",
        "BASE_URL": "http://localhost:5003",
        "ALLOW_INSECURE_LOCALHOST": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        **FAST_HASH,
        **config,
    }
    return create_app(settings)


def add_staff(app: Flask, username: str = STAFF_USER, password: str = STAFF_PASSWORD) -> None:
    """Create a staff account (as `flask create-staff` does)."""
    db = store.connect(app.config["DATABASE"])
    try:
        with app.app_context():
            auth.save_staff(db, username, "HR officer", password)
    finally:
        db.conn.close()


def signed_in(app: Flask) -> FlaskClient:
    """A test client signed in as a staff member (the account is created if needed)."""
    add_staff(app)
    client = app.test_client()
    answer = client.post("/sign-in", data={"username": STAFF_USER, "password": STAFF_PASSWORD})
    assert answer.status_code == 303, answer.status_code
    return client


def trust(app: Flask, inst: Institution | IssuerIdentity, **period: str) -> None:
    """Put the institution (its DID and name) in the app's trust registry."""
    entry = {"did": inst.did, "name": inst.name, "country": "VN",
             "accreditingBody": "Ministry of Education and Training", **period}  # fmt: skip
    registry = TrustRegistry.from_json({"name": "t", "issuers": [entry]}, source="test")
    db = store.connect(app.config["DATABASE"])
    try:
        store.add_issuer(db, registry.entries()[0], "test")
    finally:
        db.conn.close()


def ask(employer: FlaskClient, *claims: str, issuer: str = "") -> tuple[str, str]:
    """Create a request as the employer; return (request id, the QR text for the wallet)."""
    response = employer.post("/ask", data={"claims": list(claims), "issuer": issuer})
    assert response.status_code == 303
    request_id = response.headers["Location"].rsplit("/", 1)[1]
    page = employer.get(f"/vp/{request_id}").get_data(as_text=True)
    link = re.search(r'id="vp-link" value="([^"]+)"', page)
    assert link is not None
    return request_id, link.group(1).replace("&amp;", "&")


def table_counts(app: Flask) -> dict[str, int]:
    """Rows per table, to assert that bad input changed nothing."""
    db = store.connect(app.config["DATABASE"])
    try:
        tables = ("results", "history", "issuers", "vp_requests", "staff", "sessions")
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        db.conn.close()


def snapshot(app: Flask) -> list[str]:
    """Every row of the database as SQL, to assert that a refused action changed nothing."""
    db = store.connect(app.config["DATABASE"])
    try:
        return list(db.conn.iterdump())
    finally:
        db.conn.close()
