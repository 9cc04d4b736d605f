"""The institution's cryptographic identity: its did:web, signing key file and derived secrets.

The Ed25519 signing key is generated on first start into the instance folder (mode 600), never
into the database, a log or a page (SECURITY-CASES J10). Secrets for pre-authorized codes,
transaction codes and c_nonces are derived from the app's SECRET_KEY with HMAC, one label each,
so none of them needs storing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from microcred import did, status_documents
from microcred.issuance import IssuerIdentity
from microcred.keys import PrivateKey
from microcred.status_documents import StatusDocument

from .store.status import Publisher

KEY_FILE = "issuer-signing-key.jwk"
KEY_FRAGMENT = "key-1"


@dataclass(frozen=True)
class Institution:
    """What the app signs with and publishes: base URL, DID, method id and the key."""

    base_url: str
    did: str
    verification_method: str
    key: PrivateKey

    def identity(self, name: str) -> IssuerIdentity:
        """The core's issuer identity under the institution's current display name."""
        return IssuerIdentity(self.did, self.verification_method, self.key, name)

    def did_document(self) -> dict[str, Any]:
        """The did.json served at /.well-known/did.json."""
        return did.did_web_document(self.did, [(KEY_FRAGMENT, self.key.public_key)])

    def status_publisher(self, name: str, now: float, new_list_size: int, ttl: int) -> Publisher:
        """What signs a status list's documents under this identity, dated `now`."""

        def sign(list_id: int, size: int, entries: list[tuple[int, str]]) -> list[StatusDocument]:
            moment = dt.datetime.fromtimestamp(now, dt.UTC)
            documents = status_documents.status_documents(
                self.identity(name),
                self.base_url,
                entries,
                now=moment,
                size=size,
                list_id=list_id,
                ttl=ttl,
            )
            return list(documents)

        return Publisher(self.did, sign, new_list_size)


def init_app(app: Flask) -> None:
    """Load or create the key and keep the institution's identity on the app."""
    base_url = str(app.config["BASE_URL"]).rstrip("/")
    app.config["BASE_URL"] = base_url
    issuer_did = did.did_web(base_url)
    key = PrivateKey.from_file(Path(app.instance_path) / KEY_FILE)  # made on first start
    app.extensions["issuer_institution"] = Institution(
        base_url, issuer_did, f"{issuer_did}#{KEY_FRAGMENT}", key
    )


def institution() -> Institution:
    """The current app's institution."""
    found: Institution = current_app.extensions["issuer_institution"]
    return found


def derived_secret(label: str) -> bytes:
    """A secret for one purpose, derived from the app's SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"]
    raw = secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
    return hmac.new(raw, label.encode("ascii"), hashlib.sha256).digest()
