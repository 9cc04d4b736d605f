"""Format detection and per-format proof checks, giving one verified `Credential` view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from . import data_integrity, sdjwt_vc, vcjwt
from .did import DIDResolver
from .errors import CredentialError, HolderBindingError, UnsupportedFormat
from .keys import PublicKey
from .model import (
    Certificate,
    certificate_from_open_badge,
    certificate_from_sdjwt,
    certificate_from_vcdm11,
)
from .status_cache import StatusRef
from .status_list_credential import parse_status_entries
from .token_status_list import parse_token_status_claim
from .vcdm11 import parse_datetime

if TYPE_CHECKING:
    from .verify import Policy

SD_JWT_VC = "sd-jwt-vc"
VC_JWT = "vc-jwt"
LDP_VC = "ldp-vc"
LDP_VP = "ldp-vp"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
# SD-JWT VC claims that describe the token itself rather than the achievement.
_TOKEN_CLAIMS = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "sub", "_sd_alg"})


@dataclass(frozen=True)
class Credential:
    """A credential whose proof verified, in a shape common to every format."""

    format: str
    issuer: str
    proof_type: str
    claims: dict[str, Any]
    certificate: Certificate
    disclosed: tuple[str, ...] = ()
    status_refs: tuple[StatusRef, ...] = ()
    holder_bound: bool = False


class Progress(Protocol):
    """Told which checks passed before a later one fails, so a report can say what held."""

    def key_resolved(self, issuer: str) -> None:
        """The issuer's DID document lists the signing key under assertionMethod."""

    def signature_verified(self) -> None:
        """A signature verified with that key."""


class _Silent:
    def key_resolved(self, issuer: str) -> None:
        pass

    def signature_verified(self) -> None:
        pass


_SILENT = _Silent()


@dataclass(frozen=True)
class _IssuerKey(PublicKey):
    """The issuer's resolved key; it reports each signature that verifies with it."""

    _progress: Progress = field(default=_SILENT, repr=False, compare=False, hash=False)

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify as PublicKey does, then report it."""
        super().verify(signature, data)
        self._progress.signature_verified()


def detect(document: Any) -> str:
    """Name the format of a loaded payload: a compact string or a JSON object."""
    if isinstance(document, dict):
        types = document.get("type")
        types = [types] if isinstance(types, str) else types
        if isinstance(types, list) and "VerifiablePresentation" in types:
            return LDP_VP
        if isinstance(types, list) and "VerifiableCredential" in types:
            return LDP_VC
        raise UnsupportedFormat("a JSON payload must be a verifiable credential or presentation")
    if isinstance(document, str) and "~" in document:
        return SD_JWT_VC
    if isinstance(document, str) and document.count(".") == 2:
        return VC_JWT
    raise UnsupportedFormat("not a credential: expected JSON-LD, a VC-JWT or an SD-JWT VC")


def verify_credential(
    document: Any,
    kind: str,
    resolver: DIDResolver,
    policy: Policy,
    progress: Progress = _SILENT,
) -> Credential:
    """Check the proof, key and validity period of a payload of a known format."""
    if kind == SD_JWT_VC:
        return _sd_jwt_vc(document, resolver, policy, progress)
    if kind == VC_JWT:
        return _vc_jwt(document, resolver, policy, progress)
    if kind == LDP_VC:
        return _ldp_vc(document, resolver, policy, progress)
    if kind == LDP_VP:
        return _ldp_vp(document, resolver, policy, progress)
    raise UnsupportedFormat(f"unsupported format {kind}")


def _issuer_lookup(
    resolver: DIDResolver, issuer: str, progress: Progress | None = None
) -> Callable[[str, str], PublicKey]:
    """Key lookup under `issuer`; with `progress`, it is the credential issuer's and reported."""

    def lookup(vm_url: str, relationship: str) -> PublicKey:
        vm = issuer + vm_url if isinstance(vm_url, str) and vm_url.startswith("#") else vm_url
        # A21: the key must be a method of the issuer's own DID, under the right relationship.
        key = resolver.key(vm, relationship, did=issuer)
        if progress is None:
            return key
        progress.key_resolved(issuer)
        return _IssuerKey(key.jwk, key._verifier, progress)

    return lookup


def _sd_jwt_vc(text: str, resolver: DIDResolver, policy: Policy, progress: Progress) -> Credential:
    def lookup(header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        issuer = payload.get("iss")
        if not isinstance(issuer, str) or not issuer.startswith("did:"):
            raise CredentialError("the issuer must be a DID", code="issuer_not_did")
        kid = str(header.get("kid", ""))
        return _issuer_lookup(resolver, issuer, progress)(kid, "assertionMethod")

    verified = sdjwt_vc.verify_vc(
        text,
        lookup,
        require_key_binding=policy.require_holder_binding,
        nonce=policy.nonce,
        audience=policy.audience,
        now=policy.now,
        leeway=policy.leeway,
    )
    payload = verified.payload
    claims = {k: v for k, v in payload.items() if k not in _TOKEN_CLAIMS}
    refs: tuple[StatusRef, ...] = ()
    if "status" in payload:
        uri, idx = parse_token_status_claim(payload["status"])
        refs = (StatusRef("token", None, uri, idx),)
    return Credential(
        format=SD_JWT_VC,
        issuer=str(payload["iss"]),
        proof_type=str(verified.header.get("alg")),
        claims=claims,
        certificate=certificate_from_sdjwt(claims),
        disclosed=tuple("/".join(map(str, path)) for path in verified.disclosed_paths),
        status_refs=refs,
        holder_bound=verified.key_binding_verified,
    )


def _status_refs(document: dict[str, Any]) -> tuple[StatusRef, ...]:
    if "credentialStatus" not in document:
        return ()
    return tuple(
        StatusRef(e.kind, e.purpose, e.list_url, e.index, e.size)
        for e in parse_status_entries(document["credentialStatus"])
    )


def _vc_jwt(token: str, resolver: DIDResolver, policy: Policy, progress: Progress) -> Credential:
    def lookup(kid: str, relationship: str) -> PublicKey:
        # vcjwt checks that the kid's DID is the token's iss before calling the lookup (A21).
        return _issuer_lookup(resolver, kid.partition("#")[0], progress)(kid, relationship)

    result = vcjwt.verify_jwt(token, lookup, now=policy.now, leeway=policy.leeway)
    vc = result.credential
    return Credential(
        format=VC_JWT,
        issuer=result.issuer,
        proof_type=str(result.header.get("alg")),
        claims=_subject(vc),
        certificate=certificate_from_vcdm11(vc),
        status_refs=_status_refs(vc),
    )


def _subject(document: dict[str, Any]) -> dict[str, Any]:
    subject = document.get("credentialSubject")
    return subject if isinstance(subject, dict) else {}


def _issuer_of(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer, str) or not issuer.startswith("did:"):
        raise CredentialError("the issuer must be a DID", code="issuer_not_did")
    return issuer


def _check_dates(document: dict[str, Any], policy: Policy) -> None:
    """VC 2.0 validFrom/validUntil, or VCDM 1.1 issuanceDate/expirationDate (A19)."""
    from . import jose

    times: dict[str, float] = {}
    for name, claim in (("validFrom", "nbf"), ("issuanceDate", "nbf")):
        if name in document and claim not in times:
            times[claim] = parse_datetime(document[name], name)
    for name in ("validUntil", "expirationDate"):
        if name in document and "exp" not in times:
            times["exp"] = parse_datetime(document[name], name)
    jose.check_times(times, now=policy.now, leeway=policy.leeway)


def _ldp_vc(
    document: dict[str, Any], resolver: DIDResolver, policy: Policy, progress: Progress
) -> Credential:
    issuer = _issuer_of(document)
    lookup = _issuer_lookup(resolver, issuer, progress)
    proof = data_integrity.verify(document, lookup, now=policy.now)
    _check_dates(document, policy)
    contexts = document.get("@context")
    is_v2 = isinstance(contexts, list) and contexts[:1] == [VC_V2]
    reader = certificate_from_open_badge if is_v2 else certificate_from_vcdm11
    return Credential(
        format=LDP_VC,
        issuer=issuer,
        proof_type=proof.cryptosuite or proof.proof_type,
        claims=_subject(document),
        certificate=reader(document),
        status_refs=_status_refs(document),
    )


def _ldp_vp(
    document: dict[str, Any], resolver: DIDResolver, policy: Policy, progress: Progress
) -> Credential:
    holder = document.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder, str) or not holder.startswith("did:"):
        raise CredentialError("a presentation needs a holder DID", code="holder_not_did")
    credentials = document.get("verifiableCredential")
    credentials = [credentials] if isinstance(credentials, dict) else credentials
    if not isinstance(credentials, list) or len(credentials) != 1:
        raise CredentialError("a presentation must hold exactly one credential", code="vp_shape")
    inner = credentials[0]
    if not isinstance(inner, dict):
        raise UnsupportedFormat("only embedded JSON-LD credentials are supported in a presentation")
    # C11: the presentation proof must carry this verifier's challenge (nonce) and domain.
    data_integrity.verify(
        document,
        _issuer_lookup(resolver, holder),
        expected_purpose="authentication",
        challenge=policy.nonce,
        domain=policy.audience,
        now=policy.now,
    )
    credential = _ldp_vc(inner, resolver, policy, progress)
    subject_id = credential.claims.get("id")
    if subject_id != holder:
        raise HolderBindingError(
            "the presenter is not the credential's subject", code="holder_mismatch"
        )
    fresh = policy.nonce is not None and policy.audience is not None
    return Credential(
        format=LDP_VP,
        issuer=credential.issuer,
        proof_type=credential.proof_type,
        claims=credential.claims,
        certificate=credential.certificate,
        status_refs=credential.status_refs,
        holder_bound=fresh,
    )
