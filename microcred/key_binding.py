"""Key Binding JWTs (RFC 9901 §4.3, §7.3): the holder's proof of possession for one presentation."""

from __future__ import annotations

from typing import Any

from . import jose
from .disclosure import digest
from .errors import CryptoError, InputError, KeyBindingError, TokenError
from .keys import PrivateKey, PublicKey

KB_TYP = "kb+jwt"
# Oldest key-binding JWT accepted, in seconds (B16): presentations are answered within minutes.
DEFAULT_MAX_KB_AGE = 300


def create(
    sd_jwt: str, key: PrivateKey, *, nonce: str, audience: str, iat: int, hash_alg: str
) -> str:
    """Sign a KB-JWT over `sd_jwt` (the presentation up to and including its last `~`)."""
    payload = {"iat": iat, "aud": audience, "nonce": nonce, "sd_hash": digest(sd_jwt, hash_alg)}
    return jose.sign(payload, key, typ=KB_TYP)


def holder_key(cnf_jwk: Any) -> PublicKey:
    """The holder's public key from the SD-JWT's `cnf.jwk` (RFC 9901 §4.1.2, RFC 7800)."""
    if cnf_jwk is None:
        raise KeyBindingError("the SD-JWT has no cnf.jwk to bind to", code="cnf_missing")
    try:
        return PublicKey.from_jwk(cnf_jwk)
    except CryptoError:
        raise KeyBindingError("cnf.jwk is not a usable public key", code="cnf_invalid") from None


def verify(
    kb_jwt: str,
    cnf_jwk: Any,
    sd_jwt: str,
    *,
    hash_alg: str,
    nonce: str | None,
    audience: str | None,
    now: float,
    leeway: int,
    max_kb_age: int,
) -> bool:
    """Check a KB-JWT (RFC 9901 §7.3 step 5); True when nonce and audience were both checked."""
    key = holder_key(cnf_jwk)
    try:
        # Steps 5.2-5.4: allow-listed alg, typ kb+jwt, signature by the cnf key only (B13, B14).
        jws = jose.parse(kb_jwt, typ=KB_TYP)
        jose.verify_parsed(jws, key)
        iat = jose.numeric_date(jws.payload, "iat", required=True)
    except (InputError, CryptoError, TokenError) as exc:
        raise KeyBindingError(f"key-binding JWT: {exc.message}", code=f"kb_{exc.code}") from None
    if iat is None:  # unreachable with required=True; keeps the type narrow without assert
        raise KeyBindingError("key-binding JWT lacks 'iat'", code="kb_missing_claim")
    # Step 5.5: creation time within the window (B16).
    if iat > now + leeway:
        raise KeyBindingError("key-binding JWT issued in the future", code="kb_iat_future")
    if iat < now - max_kb_age:
        raise KeyBindingError("key-binding JWT is too old", code="kb_iat_too_old")
    claims = {name: _text_claim(jws.payload, name) for name in ("nonce", "aud", "sd_hash")}
    # Step 5.6: bound to this transaction and this verifier (B15).
    if nonce is not None and claims["nonce"] != nonce:
        raise KeyBindingError("key-binding JWT nonce does not match", code="kb_nonce_mismatch")
    if audience is not None and claims["aud"] != audience:
        raise KeyBindingError("key-binding JWT audience does not match", code="kb_aud_mismatch")
    # Step 5.7: sd_hash over exactly the presented string, with the SD-JWT's _sd_alg (B10).
    if claims["sd_hash"] != digest(sd_jwt, hash_alg):
        raise KeyBindingError("sd_hash does not match the presentation", code="sd_hash_mismatch")
    try:
        # Step 5.8: a KB-JWT that carries exp/nbf must honour them too.
        jose.check_times(jws.payload, now=now, leeway=leeway)
    except TokenError as exc:
        raise KeyBindingError(f"key-binding JWT: {exc.message}", code=f"kb_{exc.code}") from None
    return nonce is not None and audience is not None


def _text_claim(payload: dict[str, Any], name: str) -> str:
    # A missing or mistyped claim is a clean rejection, never a KeyError (B17).
    if name not in payload:
        raise KeyBindingError(f"key-binding JWT lacks {name!r}", code="kb_missing_claim")
    value = payload[name]
    if not isinstance(value, str):
        raise KeyBindingError(f"key-binding JWT {name!r} is not a string", code="kb_invalid_claim")
    return value
