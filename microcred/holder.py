"""A learner's holder key: an Ed25519 key and its did:jwk, used to bind and present credentials.

The DID is a did:jwk (its document is the key itself, so verifiers resolve it offline); the
OpenID4VCI proof names it as `did:jwk:...#0`, SD-JWT VCs bind its public JWK in `cnf.jwk`, and
Open Badges / VC-JWT credentials name the DID as their subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import strictjson
from .did import did_jwk
from .errors import InputError, InvalidKey
from .keys import PrivateKey

__all__ = ["HolderIdentity"]

# Serialised private JWKs are a few hundred bytes; anything far larger is not one.
MAX_KEY_BYTES = 4096


@dataclass(frozen=True)
class HolderIdentity:
    """A holder's private key with its DID and the DID URL of its verification method."""

    key: PrivateKey
    did: str
    kid: str

    def __repr__(self) -> str:
        return f"HolderIdentity({self.did[:24]}...)"

    @classmethod
    def generate(cls, kind: str = "Ed25519") -> HolderIdentity:
        """A fresh holder key (Ed25519 by default; P-256 for issuers that only take ES256)."""
        return cls.from_private_key(PrivateKey.generate(kind))

    @classmethod
    def from_private_key(cls, key: PrivateKey) -> HolderIdentity:
        """Wrap an existing private key, deriving its did:jwk and `#0` verification method."""
        did = did_jwk(key.public_key)
        return cls(key, did, f"{did}#0")

    @classmethod
    def from_private_jwk(cls, jwk: Any) -> HolderIdentity:
        """Load a private JWK (with `d`), e.g. from an opened vault blob or an import file."""
        return cls.from_private_key(PrivateKey.from_jwk(jwk))

    @classmethod
    def from_bytes(cls, data: bytes) -> HolderIdentity:
        """Load the serialised form made by `to_bytes`."""
        try:
            jwk = strictjson.loads_object(data, max_bytes=MAX_KEY_BYTES)
        except InputError:
            raise InvalidKey("stored holder key is not a JWK") from None
        return cls.from_private_jwk(jwk)

    def to_bytes(self) -> bytes:
        """The private JWK as compact JSON bytes: seal it before it goes anywhere."""
        return strictjson.dumps(self.key.to_jwk()).encode("utf-8")

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public JWK (no private member)."""
        return dict(self.key.public_key.jwk)

    @property
    def thumbprint(self) -> str:
        """RFC 7638 thumbprint of the public key: a stable identifier for de-duplication."""
        return self.key.public_key.thumbprint()
