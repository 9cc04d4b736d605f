"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): typed SD-JWTs with `vct`, `iss` and holder binding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import jose, sdjwt
from .disclosure import SD
from .errors import SDJWTError
from .jose import KeyLookup
from .key_binding import DEFAULT_MAX_KB_AGE
from .keys import PrivateKey, PublicKey
from .sdjwt import Verified

VC_TYP = "dc+sd-jwt"
# Verifiers still meet credentials issued under the media type used before 2025.
ACCEPTED_TYPS = (VC_TYP, "vc+sd-jwt")
# SD-JWT VC "Registered JWT Claims": these MUST NOT be selectively disclosable (B07).
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
# Claims issue_vc sets from its own arguments, always in plaintext.
_MANAGED = frozenset({"iss", "iat", "exp", "vct", "cnf", "status"})
# Claims every SD-JWT VC must carry in plaintext, as non-empty strings.
REQUIRED_CLAIMS = ("iss", "vct")


def issue_vc(
    claims: dict[str, Any],
    key: PrivateKey,
    *,
    issuer: str,
    vct: str,
    holder_jwk: dict[str, Any] | None,
    kid: str,
    iat: int,
    exp: int | None,
    status: dict[str, Any] | None = None,
    salt: Callable[[], str] | None = None,
    decoys: int = 0,
) -> str:
    """Issue an SD-JWT VC (typ dc+sd-jwt); registered claims stay plaintext, SD() marks the rest."""
    for name, value in claims.items():
        if isinstance(value, SD) and (name in NEVER_DISCLOSABLE or name in _MANAGED):
            raise SDJWTError(
                f"{name!r} must not be disclosable", code="registered_claim_disclosable"
            )
        if name in _MANAGED:
            raise SDJWTError(f"{name!r} is set by its own argument", code="duplicate_claim")
    for name, text in (("iss", issuer), ("vct", vct)):
        if not isinstance(text, str) or not text:
            raise SDJWTError(f"{name!r} must be a non-empty string", code="invalid_claim")
    payload: dict[str, Any] = {"iss": issuer, "iat": iat, "vct": vct}
    if exp is not None:
        payload["exp"] = exp
    if status is not None:
        payload["status"] = status
    if holder_jwk is not None:
        # Normalised public JWK: refuses private members and unsupported key types.
        payload["cnf"] = {"jwk": PublicKey.from_jwk(holder_jwk).jwk}
    payload.update(claims)
    return sdjwt.issue(payload, key, typ=VC_TYP, kid=kid, salt=salt, decoys=decoys)


def verify_vc(
    presentation: str,
    issuer_key_lookup: PublicKey | KeyLookup,
    *,
    require_key_binding: bool,
    nonce: str | None = None,
    audience: str | None = None,
    now: float | None = None,
    leeway: int = jose.DEFAULT_LEEWAY,
    max_kb_age: int = DEFAULT_MAX_KB_AGE,
) -> Verified:
    """Verify an SD-JWT VC presentation: RFC 9901 checks plus the SD-JWT VC claim rules."""
    verified = sdjwt.verify(
        presentation,
        issuer_key_lookup,
        typ=ACCEPTED_TYPS,
        require_key_binding=require_key_binding,
        nonce=nonce,
        audience=audience,
        now=now,
        leeway=leeway,
        max_kb_age=max_kb_age,
        required_claims=REQUIRED_CLAIMS,
        never_disclosable=NEVER_DISCLOSABLE,
    )
    for name in REQUIRED_CLAIMS:
        value = verified.payload[name]
        if not isinstance(value, str) or not value:
            raise SDJWTError(f"{name!r} must be a non-empty string", code="invalid_claim")
    return verified
