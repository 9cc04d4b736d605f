"""The verifier tests' world: the app, and loopback stand-ins for the institution and wallet.

`make_app` builds a verifier for the demo's loopback setting; `Site` is a tiny WSGI app serving
documents by path (run it with `live_server`); `Institution` publishes a did:web, bitstring
lists and a token list on one and issues credentials with microcred.issuance at the real time
(the verifier app checks against the real clock).
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from microcred import data_integrity, did, issuance, sdjwt, strictjson
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.did import did_key
from microcred.keys import PrivateKey
from microcred.model import Award, Course
from microcred.status_list import Bitstring
from microcred.status_list_credential import status_list_credential
from microcred.token_status_list import TokenStatusList, sign_status_list_token
from microcred.trust import TrustRegistry
from verifier import auth, create_app, store

LIST_SIZE = 131_072
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))
HOLDER_DID = did_key(HOLDER.public_key)
SHARE_MEDIA = "application/dc+sd-jwt"


class Site:
    """Serves (status, content type, body) by path, and counts the hits per path."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, str, bytes]] = {}
        self.hits: Counter[str] = Counter()

    def put(self, path: str, body: str | bytes, content_type: str, status: str = "200 OK") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.documents[path] = (status, content_type, data)

    def put_json(self, path: str, value: Any, content_type: str = "application/json") -> None:
        self.put(path, strictjson.dumps(value), content_type)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        self.hits[path] += 1
        found = self.documents.get(path)
        if found is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"not_found"}']
        status, content_type, body = found
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(status, [*headers, ("Cache-Control", "max-age=60")])
        return [body]


class Institution:
    """An issuer with a did:web on a site, two bitstring lists and one token list."""

    def __init__(self, site: Site, base_url: str, name: str = "Demo University of Science") -> None:
        self.site, self.base = site, base_url
        self.did = did.did_web(base_url)
        self.key = PrivateKey.generate()
        self.identity = issuance.IssuerIdentity(self.did, f"{self.did}#key-1", self.key, name)
        self.name = name
        site.put_json(
            "/.well-known/did.json",
            did.did_web_document(self.did, [("key-1", self.key.public_key)]),
        )
        self.lists = {p: Bitstring(LIST_SIZE) for p in ("revocation", "suspension")}
        self.token_list = TokenStatusList(bits=2, size=LIST_SIZE)
        self.publish()

    def publish(self) -> None:
        """Sign and serve every list as it is now."""
        for purpose, bits in self.lists.items():
            url = f"{self.base}/status/{purpose}"
            doc = status_list_credential(
                list_id=url,
                issuer=self.did,
                purpose=purpose,
                encoded_list=bits.encode(),
                valid_from="2026-01-01T00:00:00Z",
            )
            signed = data_integrity.sign(
                doc,
                self.key,
                verification_method=self.identity.verification_method,
                created="2026-01-01T00:00:00Z",
            )
            self.site.put_json(f"/status/{purpose}", signed, "application/vc+ld+json")
        token = sign_status_list_token(
            self.token_list,
            self.key,
            sub=f"{self.base}/status/token",
            kid=self.identity.verification_method,
            iat=int(time.time()),
            ttl=60,
        )
        self.site.put("/status/token", token, "application/statuslist+jwt")

    def revoke(self, index: int) -> None:
        """Mark an award revoked in every list and republish."""
        self.lists["revocation"].set(index)
        self.token_list.set(index, 1)
        self.publish()

    def suspend(self, index: int) -> None:
        """Mark an award suspended in every list and republish."""
        self.lists["suspension"].set(index)
        self.token_list.set(index, 2)
        self.publish()

    def sd_jwt(
        self,
        index: int = 1,
        *,
        course: Course = DEMO_COURSE,
        award: Award = DEMO_AWARD,
        issued_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
    ) -> str:
        """An SD-JWT VC bound to HOLDER, with token-list status at `index`."""
        return issuance.issue_sd_jwt_vc(
            self.identity,
            course,
            award,
            holder_jwk=HOLDER.public_key.jwk,
            status=(f"{self.base}/status/token", index),
            issued_at=issued_at or dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
            expires_at=expires_at,
        )

    def open_badge(self, index: int = 1, **times: dt.datetime | None) -> dict[str, Any]:
        """An Open Badges 3.0 credential with bitstring status entries at `index`."""
        urls = {p: f"{self.base}/status/{p}" for p in self.lists}
        return issuance.issue_open_badge(
            self.identity,
            DEMO_COURSE,
            DEMO_AWARD,
            credential_id="urn:uuid:1b7c0f7e-0000-4000-8000-000000000001",
            subject_id=HOLDER_DID,
            status=issuance.bitstring_status_entries(urls, index),
            issued_at=times.get("issued_at") or dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
            expires_at=times.get("expires_at"),
        )

    def vc_jwt(self, index: int = 1) -> str:
        """A VC-JWT (VCDM 1.1) with bitstring status entries at `index`."""
        urls = {p: f"{self.base}/status/{p}" for p in self.lists}
        return issuance.issue_vc_jwt(
            self.identity,
            DEMO_COURSE,
            DEMO_AWARD,
            credential_id="urn:uuid:1b7c0f7e-0000-4000-8000-000000000002",
            subject_id=HOLDER_DID,
            status=issuance.bitstring_status_entries(urls, index),
            issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )


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


def free_port() -> int:
    """A TCP port free on loopback now (the app must know its URL before it starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def trust(app: Flask, inst: Institution, **period: str) -> None:
    """Put the institution in the app's trust registry."""
    entry = {"did": inst.did, "name": inst.name, "country": "VN",
             "accreditingBody": "Ministry of Education and Training", **period}  # fmt: skip
    registry = TrustRegistry.from_json({"name": "t", "issuers": [entry]}, source="test")
    db = store.connect(app.config["DATABASE"])
    try:
        store.add_issuer(db, registry.entries()[0], "test")
    finally:
        db.conn.close()


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
