"""A did:key institution that issues the demo award offline, for wallet tests without an issuer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from microcred import issuance
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.did import did_key
from microcred.holder import HolderIdentity
from microcred.keys import PrivateKey

ISSUER_KEY = PrivateKey.from_ed25519_seed(bytes(range(1, 33)))
ISSUER_DID = did_key(ISSUER_KEY.public_key)
IDENTITY = issuance.IssuerIdentity(
    ISSUER_DID, f"{ISSUER_DID}#{ISSUER_DID.removeprefix('did:key:')}", ISSUER_KEY, "Demo Uni"
)
ISSUED_AT = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def issue_all(
    holder: HolderIdentity, *, grade: str | None = "8.5", expires_at: dt.datetime | None = None
) -> list[tuple[str, Any]]:
    """The demo award in the three formats, bound to `holder` (expiring when asked)."""
    award = dataclasses.replace(DEMO_AWARD, grade=grade)
    tag = holder.thumbprint[:12]
    return [
        (
            "sd-jwt-vc",
            issuance.issue_sd_jwt_vc(
                IDENTITY,
                DEMO_COURSE,
                award,
                holder_jwk=holder.public_jwk,
                issued_at=ISSUED_AT,
                expires_at=expires_at,
            ),
        ),
        (
            "ldp-vc",
            issuance.issue_open_badge(
                IDENTITY,
                DEMO_COURSE,
                award,
                credential_id=f"urn:uuid:{tag}",
                subject_id=holder.did,
                issued_at=ISSUED_AT,
                expires_at=expires_at,
            ),
        ),
        (
            "vc-jwt",
            issuance.issue_vc_jwt(
                IDENTITY,
                DEMO_COURSE,
                award,
                credential_id=f"urn:uuid:{tag}-jwt",
                subject_id=holder.did,
                issued_at=ISSUED_AT,
                expires_at=expires_at,
            ),
        ),
    ]
