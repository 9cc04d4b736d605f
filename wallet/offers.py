"""Receiving: read an offer, show who offers what, then run OpenID4VCI and keep the result.

The protocol is `microcred.oid4vci_client.WalletClient`'s; this module adds the wallet's part:
a fresh holder key per card (unlinkable cards), every configuration the wallet understands
asked for (SD-JWT VC, Open Badges 3.0 and VC-JWT), every credential verified by the pipeline,
and one transaction that stores the card, its credentials and its sealed key (G3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from microcred import did
from microcred.card import FORMAT_LABELS
from microcred.credential import LDP_VC, SD_JWT_VC, VC_JWT
from microcred.errors import CredentialError, InputError, MicrocredError
from microcred.holder import HolderIdentity
from microcred.oid4vci_client import ResolvedOffer, WalletClient

from . import wording
from .account import new_id
from .holding import Received, card_rows, check_received
from .outside import get_outside
from .portability import seal_key
from .store import cards as card_store, get_db

# OpenID4VCI format identifiers -> the core's format names.
FORMAT_OF = {"dc+sd-jwt": SD_JWT_VC, "ldp_vc": LDP_VC, "jwt_vc_json": VC_JWT}
_DIGITS = re.compile(r"[0-9]+")


class TokenStepFailed(Exception):
    """The token request failed: nothing was issued, so the learner may try again."""

    def __init__(self, error: MicrocredError) -> None:
        super().__init__(error.message)
        self.error = error


def client(holder: HolderIdentity) -> WalletClient:
    """An OpenID4VCI client over the wallet's guarded fetcher, for one holder key."""
    insecure = bool(current_app.config["ALLOW_INSECURE_LOCALHOST"])
    return WalletClient(get_outside().fetcher, holder.key, allow_http=insecure)


def _issuer_did(credential_issuer: str) -> str | None:
    try:
        return did.did_web(credential_issuer)
    except MicrocredError:
        return None


def summary(link: str, resolved: ResolvedOffer) -> dict[str, Any]:
    """What the offer page shows (kept as JSON until the learner decides)."""
    issuer = resolved.offer.credential_issuer
    issuer_did = _issuer_did(issuer)
    registry = get_outside().registry()
    trust = registry.lookup(issuer_did) if registry is not None and issuer_did else None
    tx = resolved.offer.tx_code
    configurations = []
    for config_id in resolved.offer.configuration_ids:
        fmt = resolved.metadata.configurations[config_id].format
        kind = FORMAT_OF.get(fmt)
        label = FORMAT_LABELS.get(kind, fmt) if kind else fmt
        configurations.append(
            {"id": config_id, "format": fmt, "kind": kind, "label": label, "known": bool(kind)}
        )
    return {
        "link": link,
        "issuer": issuer,
        "issuer_name": resolved.metadata.name,
        "issuer_did": issuer_did,
        "trust": trust.status if trust else None,
        "trusted_name": trust.entry.name if trust and trust.entry else None,
        "configurations": configurations,
        "tx_code": None
        if tx is None
        else {"input_mode": tx.input_mode, "length": tx.length, "description": tx.description},
    }


def look_up(link: str) -> dict[str, Any]:
    """Fetch an offer and its issuer's metadata (SSRF-guarded), and summarise it."""
    resolved = client(HolderIdentity.generate()).resolve(link)
    if not any(c["known"] for c in summary(link, resolved)["configurations"]):
        raise InputError(
            _("This offer has no credential format this wallet understands."),
            code="no_known_format",
        )
    return summary(link, resolved)


def check_tx_code(offer: dict[str, Any], code: str) -> str | None:
    """The transaction code to send, checked against what the offer announced."""
    wanted = offer.get("tx_code")
    if wanted is None:
        return None
    code = code.strip()
    length = wanted.get("length")
    if not code or len(code) > 64:
        raise InputError(_("Enter the transaction code the institution gave you."), code="tx_code")
    if wanted.get("input_mode") == "numeric" and not _DIGITS.fullmatch(code):
        raise InputError(_("The transaction code is digits only."), code="tx_code")
    if length and len(code) != length:
        raise InputError(_("The transaction code has %(n)d characters.", n=length), code="tx_code")
    return code


@dataclass(frozen=True)
class Accepted:
    """What accepting an offer kept: the card, and the formats the issuer failed to deliver."""

    card_id: str
    missing: tuple[tuple[str, str], ...] = ()  # (format label, why) per failed request


def _request_all(
    wallet: WalletClient, resolved: ResolvedOffer, token: str, wanted: list[str]
) -> tuple[list[Received], list[tuple[str, str]]]:
    """Ask for each configuration; a failed request does not throw away the ones before it.

    The pre-authorized code is spent by now (single use, G01): what did arrive is all the
    learner will get from this offer, so each failure is noted per format instead.
    """
    received, missing = [], []
    for config_id in wanted:
        fmt = resolved.metadata.configurations[config_id].format
        try:
            issued = wallet.request_credential(resolved, token, config_id)
        except MicrocredError as error:
            label = wording.format_name(FORMAT_OF[fmt]) if fmt in FORMAT_OF else fmt
            missing.append((label, wording.error(error)))
            continue
        received.append(Received(FORMAT_OF[issued.format], issued.credential, config_id))
    return received, missing


def receive_offer(user: dict[str, Any], offer: dict[str, Any], tx_code: str | None) -> Accepted:
    """Run the token and credential requests, verify, and store one card."""
    holder = HolderIdentity.generate()
    wallet = client(holder)
    resolved = wallet.resolve(offer["link"])
    if resolved.offer.credential_issuer != offer["issuer"] or [
        c["id"] for c in offer["configurations"]
    ] != list(resolved.offer.configuration_ids):
        raise CredentialError(_("The offer changed since you looked at it."), code="offer_changed")
    # Every credential must come from the DID of the issuer the offer page showed (and whose
    # registry entry it showed as "Known issuer").
    expected = _issuer_did(resolved.offer.credential_issuer)
    if expected is None:
        raise CredentialError(
            _("The offering institution's address gives no identifier to check credentials by."),
            code="issuer_mismatch",
        )
    wanted = [c["id"] for c in offer["configurations"] if c["known"]]
    try:
        token = wallet.request_token(resolved, tx_code)
    except MicrocredError as error:
        raise TokenStepFailed(error) from None
    received, missing = _request_all(wallet, resolved, token, wanted)
    if not received:
        raise CredentialError(
            _(
                "The institution accepted the code but sent no credential (%(why)s). Nothing was "
                "received; ask the institution for a new offer.",
                why="; ".join(f"{label}: {why}" for label, why in missing),
            ),
            code="nothing_issued",
        )
    checked = check_received(received, holder, issuer=expected)
    card, credentials = card_rows(checked, source="offer")
    key_row = seal_key(user, holder, new_id())
    card_store.save_card(get_db(), user["id"], card, credentials, key_row)
    return Accepted(str(card["id"]), tuple(missing))


def accept(user: dict[str, Any], offer: dict[str, Any], tx_code: str | None) -> str:
    """Accept an offer and store its card; return the card's id."""
    return receive_offer(user, offer, tx_code).card_id
