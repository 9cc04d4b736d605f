"""Credentials a wallet holds, issued offline by a did:key institution (no network needed)."""

from __future__ import annotations

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
HOLDER = HolderIdentity.from_private_key(PrivateKey.from_ed25519_seed(bytes(range(2, 34))))
ISSUED_AT = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def sd_jwt(holder: HolderIdentity = HOLDER) -> str:
    """An SD-JWT VC of the demo award, bound to the holder's key."""
    return issuance.issue_sd_jwt_vc(
        IDENTITY, DEMO_COURSE, DEMO_AWARD, holder_jwk=holder.public_jwk, issued_at=ISSUED_AT
    )


def open_badge(holder: HolderIdentity = HOLDER) -> dict[str, Any]:
    """An Open Badges 3.0 credential of the demo award for the holder's DID."""
    return issuance.issue_open_badge(
        IDENTITY,
        DEMO_COURSE,
        DEMO_AWARD,
        credential_id="urn:uuid:wallet-test-ob3",
        subject_id=holder.did,
        issued_at=ISSUED_AT,
    )


def vc_jwt(holder: HolderIdentity = HOLDER) -> str:
    """A VC-JWT of the demo award for the holder's DID."""
    return issuance.issue_vc_jwt(
        IDENTITY,
        DEMO_COURSE,
        DEMO_AWARD,
        credential_id="urn:uuid:wallet-test-jwt",
        subject_id=holder.did,
        issued_at=ISSUED_AT,
    )
