"""Detached JWS with an unencoded payload (RFC 7797), as the legacy Ed25519Signature2018 uses it.

The suite (W3C CCG "Ed25519 Signature 2018") puts `<header>..<signature>` in the proof's `jws`:
the payload is left out (detached) and signed as raw bytes, not base64url (`b64: false`), so the
signing input is ASCII(BASE64URL(header)) || "." || payload. This is the only place where `b64`
and `crit` are accepted, and only as exactly {"alg": "EdDSA", "b64": false, "crit": ["b64"]}
(SECURITY-CASES A08: JWTs never; a detached-JWS proof suite only with b64 in crit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import base64url, strictjson
from .errors import DataIntegrityError, MalformedEncoding, MalformedJSON
from .keys import PrivateKey

# The one protected header the suite defines, in the member order didkit (ssi) writes it, so
# both produce the same bytes (Ed25519 is deterministic).
HEADER = {"alg": "EdDSA", "crit": ["b64"], "b64": False}
# A header of that shape is ~50 characters and a signature 86: anything far longer is refused.
MAX_JWS_CHARS = 512
ED25519_SIGNATURE_LENGTH = 64


@dataclass(frozen=True)
class DetachedJWS:
    """A parsed detached JWS: the encoded protected header and the signature bytes."""

    header_b64: str
    signature: bytes

    def signing_input(self, payload: bytes) -> bytes:
        """The bytes the signature covers: the encoded header, a dot, the raw payload."""
        return self.header_b64.encode("ascii") + b"." + payload


def sign(payload: bytes, key: PrivateKey) -> str:
    """A detached `<header>..<signature>` over raw payload bytes with an Ed25519 key."""
    header_b64 = base64url.encode(strictjson.dumps(HEADER).encode())
    signature = key.sign(header_b64.encode("ascii") + b"." + payload)
    return f"{header_b64}..{base64url.encode(signature)}"


def parse(jws: Any) -> DetachedJWS:
    """Parse `<header>..<signature>`; refuse any header but the suite's, or a wrong length."""
    if not isinstance(jws, str) or len(jws) > MAX_JWS_CHARS:
        raise DataIntegrityError("jws is not a short string", code="malformed_proof")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1]:
        raise DataIntegrityError(
            "jws is not a detached JWS (header..signature)", code="malformed_proof"
        )
    header_b64, _, signature_b64 = parts
    try:
        header = strictjson.loads_object(base64url.decode(header_b64))
        signature = base64url.decode(signature_b64)
    except (MalformedEncoding, MalformedJSON):
        raise DataIntegrityError(
            "jws is not valid base64url JSON", code="malformed_proof"
        ) from None
    # Exact equality: another alg, b64 true or absent, an unknown crit or extra member is refused.
    if header != HEADER or header["b64"] is not False:  # 0 == False in Python: not here
        raise DataIntegrityError(
            "jws header must be exactly EdDSA with b64 false in crit", code="malformed_proof"
        )
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise DataIntegrityError("jws signature is not 64 bytes", code="malformed_proof_value")
    return DetachedJWS(header_b64, signature)
