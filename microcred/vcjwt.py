"""VCDM 1.1 credentials as VC-JWT (native) and with LDP proofs (didkit 0.3.3), for older verifiers.

All didkit use sits here (its event loop in `didkit_loop`), so it can be swapped out. didkit adds
and checks Ed25519Signature2018 proofs and is the reference VC-JWT implementation for did:key. The
verification pipeline does not call it: it verifies Ed25519Signature2018 natively
(`data_integrity`, any DID its resolver handles), and `verify_ldp` here is didkit's own check.
VC-JWTs are issued natively because didkit resolves the verification method before signing and its
did:web resolver cannot handle a port (`did:web:localhost%3A5001`: "invalid domain character");
they are verified natively because keys must come from the injected resolver (guarded HTTP), never
from didkit's own HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import didkit

from . import jose, strictjson
from .didkit_loop import call as _didkit_call, shutdown
from .errors import (
    CredentialError,
    DataIntegrityError,
    DataLoss,
    DIDError,
    DIDResolutionError,
    InvalidKey,
    TokenError,
    UnknownContext,
    UnsupportedDIDMethod,
    VerificationMethodError,
)
from .keys import SUPPORTED_ALGS, PrivateKey, PublicKey
from .vcdm11 import (
    check_credential,
    check_dates,
    check_shape,
    did,
    issuer_id,
    method_of,
    parse_datetime,
    single_subject,
    xsd_datetime,
)

__all__ = [
    "VerifiedLDP",
    "VerifiedVCJWT",
    "issue_jwt",
    "issue_jwt_didkit",
    "issue_ldp",
    "shutdown",
    "verify_jwt",
    "verify_jwt_didkit",
    "verify_ldp",
    "verify_ldp_didkit",
]

# VCDM 1.1 §6.3.1: "typ, if present, MUST be set to JWT" (didkit omits it, so absent is accepted).
JWT_TYP = "JWT"
ASSERTION_METHOD = "assertionMethod"
# A NumericDate and its dateTime may differ by sub-second rounding (issuers truncate nbf/exp).
DATE_TOLERANCE = 1.0
# didkit's stub declares its exception as an instance; it is a class (plus ValueError for bad JSON).
_DIDKIT_ERRORS = (cast("type[Exception]", didkit.DIDKitException), ValueError)

KeyResolver = Callable[[str, str], PublicKey]


@dataclass(frozen=True)
class VerifiedVCJWT:
    """A verified VC-JWT: the rebuilt VCDM 1.1 credential, the JOSE header and the issuer DID."""

    credential: dict[str, Any]
    header: dict[str, Any]
    payload: dict[str, Any]
    issuer: str
    kid: str


@dataclass(frozen=True)
class VerifiedLDP:
    """A credential whose LDP proof didkit verified, with the checks and warnings it reported."""

    credential: dict[str, Any]
    issuer: str
    verification_method: str
    checks: tuple[str, ...]
    warnings: tuple[str, ...]


def issue_jwt(credential: dict[str, Any], key: PrivateKey, *, verification_method: str) -> str:
    """Sign a VCDM 1.1 credential as a VC-JWT (typ JWT) with the §6.3.1 registered claims."""
    vc = check_credential(credential)
    issuer = issuer_id(vc)
    kid = method_of(verification_method, issuer)
    # §6.3.1: the claims stand "instead of, or in addition to" the properties; keeping them makes
    # the vc claim a complete credential for verifiers that read only it (didkit does the same).
    claims: dict[str, Any] = {"iss": issuer}
    subject = single_subject(vc)
    if subject is not None and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    claims["nbf"] = _numeric_date(parse_datetime(vc["issuanceDate"], "issuanceDate"))
    if "expirationDate" in vc:
        claims["exp"] = _numeric_date(parse_datetime(vc["expirationDate"], "expirationDate"))
    if isinstance(vc.get("id"), str):
        claims["jti"] = vc["id"]
    claims["vc"] = vc
    return jose.sign(claims, key, typ=JWT_TYP, kid=kid)


def verify_jwt(
    token: Any,
    resolve_key: KeyResolver,
    *,
    now: float | None = None,
    leeway: int = jose.DEFAULT_LEEWAY,
) -> VerifiedVCJWT:
    """Verify a VCDM 1.1 VC-JWT natively and return the credential rebuilt per §6.3.2."""
    jws = jose.parse(token, algs=SUPPORTED_ALGS)
    _check_typ(jws.header)
    issuer = did(jws.payload.get("iss"), "iss")
    if not isinstance(jws.header.get("kid"), str):
        raise TokenError("a VC-JWT needs a kid naming the issuer's key", code="missing_kid")
    # A21: the key must be one of the issuer's own methods, checked before any lookup or fetch.
    kid = method_of(jws.header["kid"], issuer)
    public = resolve_key(kid, ASSERTION_METHOD)
    if not isinstance(public, PublicKey):
        raise InvalidKey("the key resolver returned no public key")
    jose.verify_parsed(jws, public)
    credential = _decode_claims(jws.payload, issuer)
    jose.check_times(jws.payload, now=now, leeway=leeway)
    check_dates(credential, now, leeway)
    return VerifiedVCJWT(credential, jws.header, jws.payload, issuer, kid)


def issue_jwt_didkit(
    credential: dict[str, Any], key: PrivateKey, *, verification_method: str
) -> str:
    """Sign a VC-JWT with didkit (the reference: no typ, decimal nbf) for DIDs it can resolve."""
    vc = check_credential(credential)
    method = method_of(verification_method, _require_resolvable(issuer_id(vc)))
    options = {"proofFormat": "jwt", "verificationMethod": method, "proofPurpose": ASSERTION_METHOD}
    return _call(
        didkit.issue_credential, strictjson.dumps(vc), strictjson.dumps(options), _jwk(key)
    )


def issue_ldp(
    credential: dict[str, Any],
    key: PrivateKey,
    *,
    verification_method: str,
    created: str | None = None,
) -> dict[str, Any]:
    """Add an Ed25519Signature2018 proof with didkit (built-in contexts only: VC v1, OB draft)."""
    vc = check_credential(credential)
    method = method_of(verification_method, _require_resolvable(issuer_id(vc)))
    options = {"proofFormat": "ldp", "verificationMethod": method, "proofPurpose": ASSERTION_METHOD}
    if created is not None:
        options["created"] = created
    document, proof_options = strictjson.dumps(vc), strictjson.dumps(options)
    return strictjson.loads_object(
        _call(didkit.issue_credential, document, proof_options, _jwk(key))
    )


def verify_jwt_didkit(token: Any) -> dict[str, Any]:
    """didkit's own result ({checks, warnings, errors}) for a did:key VC-JWT (the reference)."""
    jws = jose.parse(token, algs=SUPPORTED_ALGS)  # size cap and strict JSON before didkit sees it
    _require_did_key(jws.payload.get("iss"))
    if "kid" in jws.header:
        _require_did_key(jws.header["kid"])
    options = strictjson.dumps({"proofFormat": "jwt", "proofPurpose": ASSERTION_METHOD})
    return strictjson.loads_object(_call(didkit.verify_credential, token, options))


def verify_ldp_didkit(credential: dict[str, Any]) -> dict[str, Any]:
    """didkit's own result ({checks, warnings, errors}) for a did:key credential's LDP proof."""
    _require_did_key(issuer_id(check_shape(credential)))
    proof = credential.get("proof")
    if isinstance(proof, dict):
        _require_did_key(proof.get("verificationMethod"))
    # Without proofPurpose didkit accepts an authentication proof on a credential (C12).
    options = strictjson.dumps({"proofFormat": "ldp", "proofPurpose": ASSERTION_METHOD})
    document = strictjson.dumps(credential)
    return strictjson.loads_object(_call(didkit.verify_credential, document, options))


def verify_ldp(
    credential: dict[str, Any], *, now: float | None = None, leeway: int = jose.DEFAULT_LEEWAY
) -> VerifiedLDP:
    """Verify a did:key credential's LDP proof with didkit; raise DataIntegrityError on errors."""
    vc = check_credential(credential)
    issuer = issuer_id(vc)
    proof = vc.get("proof")
    if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
        # DI "Verify Proof Sets and Chains": one proof only, so no set can hide a bad member (C13).
        raise DataIntegrityError("exactly one proof object is required", code="proof_missing")
    if proof.get("proofPurpose") != ASSERTION_METHOD:
        raise DataIntegrityError(
            "a credential proof must be for assertionMethod", code="wrong_purpose"
        )
    method = method_of(proof["verificationMethod"], issuer)
    result = verify_ldp_didkit(vc)
    errors = [str(e) for e in result.get("errors", [])]
    if errors or "proof" not in result.get("checks", []):
        raise _from_didkit_text("; ".join(errors) or "didkit checked no proof")
    # didkit 0.3.3 checks neither issuanceDate nor expirationDate of an LDP credential.
    check_dates(vc, now, leeway)
    warnings = tuple(str(w) for w in result.get("warnings", []))
    return VerifiedLDP(vc, issuer, method, tuple(str(c) for c in result["checks"]), warnings)


def _check_typ(header: dict[str, Any]) -> None:
    # VCDM 1.1 §6.3.1 allows only JWT (RFC 7519 §5.1 makes typ optional). vc+jwt is VC-JOSE-COSE's
    # VCDM 2.0 type, whose payload is the credential itself; kb+jwt, statuslist+jwt, dc+sd-jwt and
    # openid4vci-proof+jwt are other kinds of token: all refused, so rule sets never mix (A18).
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.upper() != JWT_TYP):
        raise TokenError(f"typ {str(typ)[:40]!r} is not a VCDM 1.1 VC-JWT", code="wrong_typ")


def _decode_claims(payload: dict[str, Any], issuer: str) -> dict[str, Any]:
    """§6.3.2: rebuild the credential; a claim that disagrees with its property is refused."""
    if "vp" in payload or not isinstance(payload.get("vc"), dict):
        raise CredentialError("the JWT carries no vc claim", code="missing_vc")
    # The payload was parsed for this call alone: copying the levels _restore writes is enough.
    credential = dict(check_shape(payload["vc"]))
    stated = credential.setdefault("issuer", issuer)
    if (stated.get("id") if isinstance(stated, dict) else stated) != issuer:
        raise TokenError("iss differs from the credential's issuer", code="issuer_mismatch")  # A20
    _restore(credential, "id", payload, "jti")
    if "sub" in payload:
        subject = single_subject(credential)
        if subject is None:
            raise TokenError("sub is ambiguous with several subjects", code="sub_mismatch")
        subject = dict(subject)
        listed = isinstance(credential["credentialSubject"], list)
        credential["credentialSubject"] = [subject] if listed else subject
        _restore(subject, "id", payload, "sub")
    _restore_date(credential, "issuanceDate", payload, "nbf")
    _restore_date(credential, "expirationDate", payload, "exp")
    if "issuanceDate" not in credential:
        raise CredentialError("neither nbf nor issuanceDate", code="missing_issuance_date")
    return credential


def _restore(target: dict[str, Any], prop: str, payload: dict[str, Any], claim: str) -> None:
    if claim not in payload:
        return
    value = payload[claim]
    if not isinstance(value, str) or target.setdefault(prop, value) != value:
        raise TokenError(f"{claim} differs from the credential's {prop}", code=f"{claim}_mismatch")


def _restore_date(
    credential: dict[str, Any], prop: str, payload: dict[str, Any], claim: str
) -> None:
    numeric = jose.numeric_date(payload, claim)  # a decimal nbf (didkit) is a valid NumericDate
    if prop in credential:
        stated = parse_datetime(credential[prop], prop)
        if numeric is not None and abs(stated - numeric) >= DATE_TOLERANCE:
            raise TokenError(f"{claim} differs from {prop}", code="date_mismatch")
    elif numeric is not None:
        credential[prop] = xsd_datetime(numeric)


def _numeric_date(timestamp: float) -> int | float:
    # Whole seconds as an integer: many JWT libraries refuse a decimal NumericDate.
    return int(timestamp) if timestamp.is_integer() else timestamp


def _call(function: Callable[..., Any], *args: str) -> str:
    try:
        return str(_didkit_call(function, *args))
    except _DIDKIT_ERRORS as exc:
        raise _from_didkit_text(str(exc)) from None


def _from_didkit_text(text: str) -> DataIntegrityError | DIDError:
    """The most specific error for a didkit message (its exceptions carry no codes)."""
    message = "didkit: " + text[:300]
    if "Key expansion failed" in text:
        return DataLoss(message)  # a term that no built-in context defines (C04)
    if "context" in text.lower():
        return UnknownContext(message)
    if "verification relationship" in text:
        return VerificationMethodError(message)
    if "resolve" in text.lower() or "HTTP request" in text:
        return DIDResolutionError(message)
    return DataIntegrityError(message)


def _jwk(key: PrivateKey) -> str:
    if not key.public_key.is_ed25519:
        raise InvalidKey("didkit is used with Ed25519 keys only")
    return strictjson.dumps(key.to_jwk())


def _require_did_key(value: Any) -> None:
    # didkit fetches did:web documents with its own HTTP client, past the SSRF guard (G6, D01):
    # for untrusted input it only ever gets did:key, which resolves offline.
    if not isinstance(value, str) or not value.startswith("did:key:"):
        raise UnsupportedDIDMethod("didkit verifies did:key only", code="didkit_did_key_only")


def _require_resolvable(issuer: str) -> str:
    # didkit does not percent-decode the did:web host, so a port breaks its HTTP request.
    if issuer.startswith("did:web:") and "%3a" in issuer.split(":")[2].lower():
        raise UnsupportedDIDMethod(
            "didkit cannot resolve did:web with a port", code="didkit_web_port"
        )
    return issuer
