"""Offer identifiers and the codes derived from them: pre-authorized code and transaction code.

An offer id is 128 random bits (SECURITY-CASES I10). Its pre-authorized code (256 bits) and
six-digit transaction code are HMACs of the id under secrets derived from SECRET_KEY, so the
database keeps only the code's digest and no transaction code at all; the staff page and the
offer document recompute them when shown. Changing SECRET_KEY therefore ends all open offers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from microcred import base64url
from microcred.oid4vci import CONFIGURATION_IDS, CredentialOffer, TxCode, offer_link

from .identity import derived_secret
from .store.awards import NewOffer
from .store.staff import digest

TX_CODE_LENGTH = 6
TX_DESCRIPTION = "Enter the 6-digit code your institution gave you separately."


def new_offer_id() -> str:
    """A fresh offer id: 128 random bits, base64url."""
    return base64url.encode(secrets.token_bytes(16))


def pre_authorized_code(offer_id: str, secret: bytes | None = None) -> str:
    """The offer's pre-authorized code (single use, enforced by the store)."""
    key = secret if secret is not None else derived_secret("pre-authorized-code")
    return base64url.encode(hmac.new(key, offer_id.encode("ascii"), hashlib.sha256).digest())


def tx_code(offer_id: str, secret: bytes | None = None) -> str:
    """The offer's six-digit transaction code, for the learner to receive another way."""
    key = secret if secret is not None else derived_secret("transaction-code")
    number = int.from_bytes(hmac.new(key, offer_id.encode("ascii"), hashlib.sha256).digest()[:8])
    return f"{number % 10**TX_CODE_LENGTH:0{TX_CODE_LENGTH}d}"


def tx_matches(offer_id: str, given: str) -> bool:
    """Constant-time comparison of a submitted transaction code (SECURITY-CASES G02)."""
    return hmac.compare_digest(tx_code(offer_id).encode(), given.strip().encode("utf-8"))


def make_offer(now: float, lifetime: float, tx_required: bool) -> NewOffer:
    """A new offer row: id, digest of its code, transaction-code flag and expiry."""
    offer_id = new_offer_id()
    return NewOffer(offer_id, digest(pre_authorized_code(offer_id)), tx_required, now + lifetime)


def offer_state(
    offer: dict[str, Any] | None, delivered: int, token_expires: float | None, now: float
) -> tuple[str, bool]:
    """Where an award's newest offer stands for the staff page, and whether to keep polling.

    One of none, waiting, collecting, collected, abandoned, expired, withdrawn.

    A redeemed offer is not finished: the wallet holds an access token and fetches nonce and
    credentials next, so the page keeps polling until that token expires (§6, §8). Once one
    format is delivered it is "collected", still polled while the token may fetch more formats.
    """
    if offer is None:
        return "none", False
    token_valid = token_expires is not None and token_expires > now
    if delivered:
        return "collected", token_valid
    if offer["state"] == "redeemed":
        return ("collecting", True) if token_valid else ("abandoned", False)
    if offer["state"] == "dead":
        return "withdrawn", False
    if offer["expires_at"] <= now:
        return "expired", False
    return "waiting", True


def offer_uri(base_url: str, offer_id: str) -> str:
    """Where the offer is served (`credential_offer_uri`, also the learner's same-device page)."""
    return f"{base_url}/offers/{offer_id}"


def offer_links(base_url: str, offer_id: str) -> dict[str, str]:
    """The wallet link (QR content) and the https page of an offer."""
    uri = offer_uri(base_url, offer_id)
    return {"link": offer_link(uri), "page": uri}


def offer_document(base_url: str, offer_id: str, tx_required: bool) -> CredentialOffer:
    """The Credential Offer served by reference (§4.1.1)."""
    tx = TxCode("numeric", TX_CODE_LENGTH, TX_DESCRIPTION) if tx_required else None
    return CredentialOffer(base_url, CONFIGURATION_IDS, pre_authorized_code(offer_id), tx)
