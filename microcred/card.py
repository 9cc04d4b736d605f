"""A learner's card: the formats of one achievement, read from the wallet's store without network.

Credentials reach a card only after the verification pipeline accepted them at receipt (or at
import); reading them back for display therefore parses without checking signatures again, and
the "check status now" action runs the full pipeline. A card shows the richest format it holds:
the SD-JWT VC (the holder has every Disclosure), else Open Badges 3.0, else the VC-JWT.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import jose, sdjwt, strictjson
from .certificate import Certificate, obj, objs, text
from .credential import LDP_VC, SD_JWT_VC, VC_JWT
from .disclosure import process
from .errors import CredentialError, InputError
from .model import certificate_from_open_badge, certificate_from_sdjwt, certificate_from_vcdm11

__all__ = [
    "DISPLAY_ORDER",
    "FORMAT_LABELS",
    "HeldCredential",
    "credential_digest",
    "credential_text",
    "display_credential",
    "read_held",
    "same_achievement",
]

# Which format a card reads its certificate from, richest first.
DISPLAY_ORDER = (SD_JWT_VC, LDP_VC, VC_JWT)
FORMAT_LABELS = {
    SD_JWT_VC: "SD-JWT VC (selective disclosure)",
    LDP_VC: "Open Badges 3.0 (Data Integrity)",
    VC_JWT: "VC-JWT (VC Data Model 1.1)",
}


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
