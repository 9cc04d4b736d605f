"""The verifier's own did:web and signing key, for signed OpenID4VP request objects.

The key is generated on first start into the instance folder (mode 600, never in the
database or in source) and published as `/.well-known/did.json` (did:web "Read").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from microcred import did, oid4vp
from microcred.keys import PrivateKey

KEY_FILE = "verifier-key.json"
KEY_ID = "key-1"


@dataclass(frozen=True)
class Identity:
    """Who this verifier is to wallets: its DID, key id, client_id and DID document."""

    did: str
    kid: str
    key: PrivateKey
    client_id: str
    document: dict[str, Any]


def init_app(app: Flask) -> None:
    """Load or create the key and keep the identity on the app."""
    key = PrivateKey.from_file(Path(app.instance_path) / KEY_FILE)
    identifier = did.did_web(app.config["BASE_URL"])
    document = did.did_web_document(identifier, [(KEY_ID, key.public_key)])
    app.extensions["verifier.identity"] = Identity(
        did=identifier,
        kid=f"{identifier}#{KEY_ID}",
        key=key,
        client_id=oid4vp.client_id_for(identifier),
        document=document,
    )


def identity() -> Identity:
    """The current app's identity."""
    found: Identity = current_app.extensions["verifier.identity"]
    return found
