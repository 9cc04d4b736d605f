"""OpenID4VCI key proofs: the `jwt` proof type (Appendix F.1, F.4) and the issuer's c_nonces (§7).

The wallet signs a proof with the holder key (`make_proof`); the issuer checks it
(`verify_proof`) and binds the credential to the key it names. c_nonces are self-verifying
(HMAC over a random part and the time of minting), so the unauthenticated nonce endpoint stores
nothing; the issuer records a nonce only when a proof spends it, which makes it single use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from . import base64url, did, jose
from .errors import (
    CryptoError,
    DIDError,
    InputError,
    MalformedEncoding,
    MicrocredError,
    TokenError,
)
from .keys import PrivateKey, PublicKey

PROOF_TYP = "openid4vci-proof+jwt"
DEFAULT_ALGS = ("EdDSA", "ES256")
# DID methods a holder may name in `kid`: both resolve offline, so a proof never makes us fetch.
HOLDER_DID_METHODS = ("did:key:", "did:jwk:")
# A proof older than this is stale even with a fresh nonce; clocks may run this far ahead.
MAX_PROOF_AGE = 300
FUTURE_LEEWAY = 60
# How long a c_nonce may be spent after it was minted (§13.8: server-provided freshness).
NONCE_LIFETIME = 300
_NONCE_RANDOM = 16
_NONCE_MAC = 16
# Header members that name the key: exactly one of jwk and kid is accepted; x5c is not supported.
_KEY_HEADERS = ("jwk", "kid", "x5c")


def _invalid(message: str) -> TokenError:
    return TokenError(message, code="invalid_proof")


def issue_c_nonce(secret: bytes, *, now: float | None = None) -> str:
    """A fresh, unpredictable c_nonce that `check_c_nonce` can later verify without storage."""
    minted = int(time.time() if now is None else now)
    body = secrets.token_bytes(_NONCE_RANDOM) + struct.pack(">Q", minted)
    mac = hmac.new(secret, b"c_nonce" + body, hashlib.sha256).digest()[:_NONCE_MAC]
    return base64url.encode(body + mac)


def check_c_nonce(
    secret: bytes, nonce: str, *, now: float | None = None, lifetime: int = NONCE_LIFETIME
) -> None:
    """Raise `invalid_nonce` unless this issuer minted the nonce within `lifetime` seconds."""
    try:
        raw = base64url.decode(nonce) if len(nonce) <= 64 else b""
    except MalformedEncoding:
        raw = b""
    body, mac = raw[:-_NONCE_MAC], raw[-_NONCE_MAC:]
    expected = hmac.new(secret, b"c_nonce" + body, hashlib.sha256).digest()[:_NONCE_MAC]
    if len(raw) != _NONCE_RANDOM + 8 + _NONCE_MAC or not hmac.compare_digest(mac, expected):
        raise TokenError("the nonce was not issued by this issuer", code="invalid_nonce")
    (minted,) = struct.unpack(">Q", body[_NONCE_RANDOM:])
    current = time.time() if now is None else now
    if not minted - FUTURE_LEEWAY <= current <= minted + lifetime:
        raise TokenError("the nonce has expired; fetch a new one", code="invalid_nonce")


def nonce_digest(nonce: str) -> str:
    """The stored form of a spent nonce (the nonce itself never needs to be kept)."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class HolderKey:
    """The key a credential is bound to: its public key, DID and verification method."""

    public_key: PublicKey
    did: str
    verification_method: str


@dataclass(frozen=True)
class VerifiedProof:
    """A key proof whose signature and claims verified; the nonce is still to be spent."""

    holder: HolderKey
    nonce: str
    iat: float


def holder_from_jwk(public: PublicKey) -> HolderKey:
    """The holder of a bare JWK: its did:jwk (the DID a W3C credential's subject then names)."""
    holder_did = did.did_jwk(public)
    return HolderKey(public, holder_did, holder_did + "#0")


def holder_from_kid(kid: str) -> HolderKey:
    """The holder named by a did:key or did:jwk DID URL, resolved offline."""
    if not isinstance(kid, str) or not kid.startswith(HOLDER_DID_METHODS) or "#" not in kid:
        raise _invalid("kid must be a did:key or did:jwk DID URL")
    holder_did = kid.partition("#")[0]
    try:
        method = did.resolve(holder_did).method(kid, "authentication")
    except (DIDError, CryptoError, InputError) as error:
        raise _invalid(f"kid does not resolve to a key ({error.code})") from None
    return HolderKey(method.public_key, holder_did, kid)


def holder_from_did(holder_did: str) -> HolderKey:
    """The holder key of a did:key or did:jwk given without a key proof (e.g. by an LMS)."""
    if not isinstance(holder_did, str) or not holder_did.startswith(HOLDER_DID_METHODS):
        raise InputError("the holder must be a did:key or did:jwk", code="invalid_holder")
    try:
        document = did.resolve(holder_did)
    except (DIDError, CryptoError, InputError) as error:
        message = f"the holder DID does not resolve ({error.code})"
        raise InputError(message, code="invalid_holder") from None
    methods = sorted(document.relationships.get("authentication", ()))
    if len(methods) != 1:
        raise InputError("the holder DID must have exactly one key", code="invalid_holder")
    return HolderKey(
        document.method(methods[0], "authentication").public_key, holder_did, methods[0]
    )


def make_proof(
    key: PrivateKey, *, audience: str, nonce: str, iat: int, kid: str | None = None
) -> str:
    """The wallet's key proof: `kid` names a DID URL of the key, else the public JWK is sent."""
    payload: dict[str, Any] = {"aud": audience, "iat": iat, "nonce": nonce}
    if kid is not None:
        return jose.sign(payload, key, typ=PROOF_TYP, kid=kid)
    return jose.sign(payload, key, typ=PROOF_TYP, header={"jwk": key.public_key.jwk})


def _holder(header: dict[str, Any]) -> HolderKey:
    named = [name for name in _KEY_HEADERS if name in header]
    if named == ["jwk"]:
        try:
            return holder_from_jwk(PublicKey.from_jwk(header["jwk"]))
        except CryptoError as error:
            # Includes a private key in the header (Appendix F.4: "does not contain a private key").
            raise _invalid(f"the jwk header is not a usable public key: {error.message}") from None
    if named == ["kid"]:
        return holder_from_kid(header["kid"])
    raise _invalid("the proof must name its key by exactly one of jwk or kid")


def _claims(payload: dict[str, Any], audience: str, now: float) -> tuple[str, float]:
    aud = payload.get("aud")
    # aud is a string (F.1); a one-element array holding the same value is tolerated.
    if not (aud == audience or (isinstance(aud, list) and aud == [audience])):
        raise _invalid("the proof's aud is not this credential issuer")
    try:
        iat = jose.numeric_date(payload, "iat", required=True)
        jose.check_times(payload, now=now, leeway=FUTURE_LEEWAY)
    except TokenError as error:
        raise _invalid(f"proof times: {error.message}") from None
    assert iat is not None
    if iat < now - MAX_PROOF_AGE:
        raise _invalid("the proof is too old")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        # F.4: a proof without the server-provided c_nonce is invalid_proof, not invalid_nonce.
        raise _invalid("the proof carries no nonce")
    return nonce, iat


def verify_proof(
    token: Any,
    *,
    audience: str,
    algs: Collection[str] = DEFAULT_ALGS,
    now: float | None = None,
) -> VerifiedProof:
    """Check a `jwt` key proof (F.4): typ, asymmetric alg, signature by the named key, claims."""
    current = time.time() if now is None else now
    try:
        jws = jose.parse(token, typ=PROOF_TYP, algs=algs, max_bytes=16_000)
        holder = _holder(jws.header)
        jose.verify_parsed(jws, holder.public_key)
    except TokenError as error:
        if error.code == "invalid_proof":
            raise
        raise _invalid(f"proof header: {error.message}") from None
    except MicrocredError as error:
        # alg none/HS256 (A01/A02), bad signature, other key than the header's (G07): one answer.
        raise _invalid(f"proof rejected ({error.code})") from None
    nonce, iat = _claims(jws.payload, audience, current)
    return VerifiedProof(holder, nonce, iat)
