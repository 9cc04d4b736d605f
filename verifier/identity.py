"""The verifier's own did:web and signing key, for signed OpenID4VP request objects.

The key is generated on first start into the instance folder (mode 600, never in the
database or in source) and published as `/.well-known/did.json` (did:web "Read").
"""

from __future__ import annotations

import json
import os
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


def _load_key(folder: Path) -> PrivateKey:
    path = folder / KEY_FILE
    if not path.exists():
        key = PrivateKey.generate("Ed25519")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race: use its key
            return _load_key(folder)
        with os.fdopen(fd, "w") as handle:
            json.dump(key.to_jwk(), handle)
        return key
    return PrivateKey.from_jwk(json.loads(path.read_text()))


def init_app(app: Flask) -> None:
    """Load or create the key and keep the identity on the app."""
    key = _load_key(Path(app.instance_path))
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
