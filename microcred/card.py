"""A learner's card: the formats of one achievement, read from the wallet's store without network.

Credentials reach a card only after the verification pipeline accepted them at receipt (or at
import); reading them back for display therefore parses without checking signatures again, and
the "check status now" action runs the full pipeline. A card shows the richest format it holds:
the SD-JWT VC (the holder has every Disclosure), else Open Badges 3.0, else the VC-JWT.

A credential that has since expired or been revoked is still the learner's own record: it is
kept (on import) and shown with its verdict. `genuine_but_lapsed` tells such a credential from
a forged one, whose signature fails (SECURITY-CASES J07: import re-verifies signature and status).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import jose, sdjwt, strictjson
from .certificate import Certificate, obj, objs, text
from .credential import LDP_VC, SD_JWT_VC, VC_JWT, verify_credential
from .did import DIDResolver
from .disclosure import process
from .errors import CredentialError, InputError, MicrocredError
from .model import certificate_from_open_badge, certificate_from_sdjwt, certificate_from_vcdm11
from .report import Report
from .vcdm11 import parse_datetime
from .verify import Policy

__all__ = [
    "DISPLAY_ORDER",
    "FORMAT_LABELS",
    "LAPSED_REASONS",
    "HeldCredential",
    "credential_digest",
    "credential_text",
    "display_credential",
    "genuine_but_lapsed",
    "read_held",
    "same_achievement",
    "valid_from",
]

# Which format a card reads its certificate from, richest first.
DISPLAY_ORDER = (SD_JWT_VC, LDP_VC, VC_JWT)
FORMAT_LABELS = {
    SD_JWT_VC: "SD-JWT VC (selective disclosure)",
    LDP_VC: "Open Badges 3.0 (Data Integrity)",
    VC_JWT: "VC-JWT (VC Data Model 1.1)",
}
# Reasons of an INVALID verdict that time alone gives a genuine credential.
LAPSED_REASONS = frozenset({"expired", "not_yet_valid", "revoked", "suspended"})
_STATUS_REASONS = frozenset({"revoked", "suspended"})


@dataclass(frozen=True)
class HeldCredential:
    """A stored credential read back: who issued it, to which holder, and what it says."""

    format: str
    issuer: str
    certificate: Certificate
    holder_did: str | None = None
    holder_jwk: dict[str, Any] | None = None


def credential_text(credential: str | dict[str, Any]) -> str:
    """The stored text of a credential: compact tokens as they are, JSON-LD compactly."""
    return credential if isinstance(credential, str) else strictjson.dumps(credential)


def credential_digest(credential: str | dict[str, Any]) -> str:
    """SHA-256 (hex) of the stored text: the same credential twice is one credential."""
    return hashlib.sha256(credential_text(credential).encode("utf-8")).hexdigest()


def read_held(kind: str, credential: str | dict[str, Any]) -> HeldCredential:
    """Read a stored credential of a known format (already verified when it was stored)."""
    if kind == SD_JWT_VC and isinstance(credential, str):
        return _sd_jwt(credential)
    if kind == LDP_VC:
        document = (
            strictjson.loads_object(credential) if isinstance(credential, str) else credential
        )
        return _open_badge(document)
    if kind == VC_JWT and isinstance(credential, str):
        return _vc_jwt(credential)
    raise InputError(f"not a stored credential of format {kind[:20]!r}", code="unsupported_format")


def _sd_jwt(text_form: str) -> HeldCredential:
    parsed = sdjwt.parse(text_form)
    claims = process(parsed.jws.payload, parsed.disclosures).claims
    issuer = claims.get("iss")
    if not isinstance(issuer, str):
        raise CredentialError("the SD-JWT VC names no issuer", code="issuer_not_did")
    cnf = obj(claims.get("cnf"))
    jwk = cnf.get("jwk") if isinstance(cnf.get("jwk"), dict) else None
    return HeldCredential(SD_JWT_VC, issuer, certificate_from_sdjwt(claims), holder_jwk=jwk)


def _issuer_id(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    issuer = obj(issuer).get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer, str):
        raise CredentialError("the credential names no issuer", code="issuer_not_did")
    return issuer


def _subject_id(document: dict[str, Any]) -> str | None:
    subjects = objs(document.get("credentialSubject"))
    return text(subjects[0].get("id")) if subjects else None


def _open_badge(document: dict[str, Any]) -> HeldCredential:
    return HeldCredential(
        LDP_VC,
        _issuer_id(document),
        certificate_from_open_badge(document),
        holder_did=_subject_id(document),
    )


def _vc_jwt(token: str) -> HeldCredential:
    payload = jose.parse(token).payload
    vc = obj(payload.get("vc"))
    issuer = payload.get("iss")
    if not isinstance(issuer, str):
        raise CredentialError("the VC-JWT names no issuer", code="issuer_not_did")
    subject = text(payload.get("sub")) or _subject_id(vc)
    return HeldCredential(VC_JWT, issuer, certificate_from_vcdm11(vc), holder_did=subject)


def display_credential(held: Sequence[HeldCredential]) -> HeldCredential:
    """The credential whose certificate a card shows (richest format first)."""
    if not held:
        raise ValueError("a card holds at least one credential")
    return min(held, key=lambda item: DISPLAY_ORDER.index(item.format))


def same_achievement(first: HeldCredential, second: HeldCredential) -> bool:
    """Whether two credentials are the same award: one issuer, title and date of issue."""
    a, b = first.certificate, second.certificate
    return (
        first.issuer == second.issuer
        and a.title is not None
        and a.title == b.title
        and a.date_of_issuance == b.date_of_issuance
    )


def _jwt_starts(payload: dict[str, Any]) -> list[float]:
    moments = (jose.numeric_date(payload, name) for name in ("iat", "nbf"))
    return [moment for moment in moments if moment is not None]


def _ldp_starts(document: dict[str, Any]) -> list[float]:
    starts = [
        parse_datetime(document[name], name)
        for name in ("validFrom", "issuanceDate")
        if name in document
    ]
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and "created" in proof:
            starts.append(parse_datetime(proof["created"], "created"))
    return starts


def valid_from(kind: str, credential: str | dict[str, Any]) -> float | None:
    """The latest start of validity a credential states (iat, nbf, validFrom, proof created).

    None when it states none or the dates cannot be read.
    """
    try:
        if kind == SD_JWT_VC and isinstance(credential, str):
            starts = _jwt_starts(sdjwt.parse(credential).jws.payload)
        elif kind == VC_JWT and isinstance(credential, str):
            starts = _jwt_starts(jose.parse(credential).payload)
        elif kind == LDP_VC and isinstance(credential, dict):
            starts = _ldp_starts(credential)
        else:
            return None
    except MicrocredError:
        return None
    return max(starts) if starts else None


def genuine_but_lapsed(
    kind: str, credential: str | dict[str, Any], report: Report, resolver: DIDResolver
) -> bool:
    """Whether an INVALID credential is the issuer's own, only expired, not yet valid or revoked.

    Status lists are asked only after the signature passed, so a revoked or suspended one is
    genuine when its report says so. An expired one is verified again as of its own start of
    validity: a Data Integrity proof's `expires` is read before its signature, so the first
    report alone cannot tell a forged expired credential from a genuine one.
    """
    if report.verdict != "INVALID" or report.reason not in LAPSED_REASONS:
        return False
    if report.reason in _STATUS_REASONS:
        return report.check("signature").state == "passed"
    moment = valid_from(kind, credential)
    if moment is None:
        return False
    try:
        verify_credential(credential, kind, resolver, Policy(now=moment))
    except MicrocredError:
        return False
    return True
