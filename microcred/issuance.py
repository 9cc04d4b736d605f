"""Issue one award of a course in the three formats: SD-JWT VC, Open Badges 3.0 (DI), VC-JWT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import data_integrity, sdjwt_vc, vcjwt
from .disclosure import SD
from .keys import PrivateKey
from .model import (
    SDJWT_SELECTIVE_CLAIMS,
    VCT,
    Award,
    Course,
    to_open_badge,
    to_sdjwt_claims,
    to_vcdm11,
)

BSL_ENTRY = "BitstringStatusListEntry"


@dataclass(frozen=True)
class IssuerIdentity:
    """Who signs: the issuer DID, the full verification method id, its key and display name."""

    did: str
    verification_method: str
    key: PrivateKey
    name: str


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def bitstring_status_entries(list_urls: dict[str, str], index: int) -> list[dict[str, Any]]:
    """`credentialStatus` entries (one per purpose) pointing at one index of each list."""
    return [
        {
            "id": f"{url}#{index}",
            "type": BSL_ENTRY,
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
        for purpose, url in sorted(list_urls.items())
    ]


def issue_sd_jwt_vc(
    identity: IssuerIdentity,
    course: Course,
    award: Award,
    *,
    holder_jwk: dict[str, Any] | None,
    issued_at: dt.datetime,
    expires_at: dt.datetime | None = None,
    status: tuple[str, int] | None = None,
) -> str:
    """An SD-JWT VC whose personal and optional claims are selectively disclosable."""
    claims: dict[str, Any] = {
        name: SD(value) if name in SDJWT_SELECTIVE_CLAIMS else value
        for name, value in to_sdjwt_claims(course, award).items()
    }
    return sdjwt_vc.issue_vc(
        claims,
        identity.key,
        issuer=identity.did,
        vct=VCT,
        holder_jwk=holder_jwk,
        kid=identity.verification_method,
        iat=int(issued_at.timestamp()),
        exp=int(expires_at.timestamp()) if expires_at else None,
        status={"status_list": {"idx": status[1], "uri": status[0]}} if status else None,
    )


def issue_open_badge(
    identity: IssuerIdentity,
    course: Course,
    award: Award,
    *,
    credential_id: str,
    subject_id: str,
    issued_at: dt.datetime,
    expires_at: dt.datetime | None = None,
    status: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Open Badges 3.0 credential with an eddsa-rdfc-2022 Data Integrity proof."""
    document = to_open_badge(
        course,
        award,
        credential_id=credential_id,
        issuer_id=identity.did,
        issuer_name=identity.name,
        subject_id=subject_id,
        valid_from=_timestamp(issued_at),
        valid_until=_timestamp(expires_at) if expires_at else None,
    )
    if status:
        document["credentialStatus"] = status
    return data_integrity.sign(
        document,
        identity.key,
        verification_method=identity.verification_method,
        created=_timestamp(issued_at),
    )


def issue_vc_jwt(
    identity: IssuerIdentity,
    course: Course,
    award: Award,
    *,
    credential_id: str,
    subject_id: str,
    issued_at: dt.datetime,
    expires_at: dt.datetime | None = None,
    status: list[dict[str, Any]] | None = None,
) -> str:
    """A VCDM 1.1 VC-JWT of the same achievement, for older verifiers."""
    document = to_vcdm11(
        course,
        award,
        credential_id=credential_id,
        issuer_id=identity.did,
        issuer_name=identity.name,
        subject_id=subject_id,
        issuance_date=_timestamp(issued_at),
        expiration_date=_timestamp(expires_at) if expires_at else None,
    )
    if status:
        document["credentialStatus"] = status[0] if len(status) == 1 else status
    return vcjwt.issue_jwt(document, identity.key, verification_method=identity.verification_method)
