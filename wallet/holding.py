"""Holding credentials: verify what arrives, keep it as one card, read it back, re-check it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from microcred import strictjson
from microcred.card import (
    FORMAT_LABELS,
    HeldCredential,
    credential_digest,
    credential_text,
    display_credential,
    read_held,
)
from microcred.certificate import Certificate
from microcred.credential import LDP_VC
from microcred.did import did_key
from microcred.errors import CredentialError, MicrocredError
from microcred.holder import HolderIdentity
from microcred.model import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL, AnnexReport, annex_i
from microcred.report import Report
from microcred.trust import TrustLookup

from .account import new_id
from .outside import get_outside

# Worst first: a card shows the worst verdict of its formats.
_VERDICT_RANK = {"INVALID": 0, "UNVERIFIED": 1, "VALID": 2}


@dataclass(frozen=True)
class Received:
    """One credential as it came from an issuer or an import file, before it is stored."""

    format: str
    credential: str | dict[str, Any]
    configuration_id: str | None = None


@dataclass(frozen=True)
class Checked:
    """A received credential after the pipeline ran: its report and what it says."""

    received: Received
    report: Report
    held: HeldCredential


def payload_of(kind: str, body: str) -> str | dict[str, Any]:
    """The stored text of a credential as the pipeline wants it (JSON-LD as an object)."""
    return strictjson.loads_object(body) if kind == LDP_VC else body


def worst(verdicts: Sequence[str]) -> str:
    """The worst of several verdicts."""
    return min(verdicts, key=lambda v: _VERDICT_RANK.get(v, 0)) if verdicts else "UNVERIFIED"


def _bound_to(held: HeldCredential, holder: HolderIdentity | None) -> bool:
    if holder is None:
        return True
    if held.holder_jwk is not None:
        return held.holder_jwk == holder.public_jwk
    # The issuer may bind to either DID form of the key it was shown (did:jwk or did:key).
    return held.holder_did in (holder.did, did_key(holder.key.public_key))


def check_received(items: Sequence[Received], holder: HolderIdentity | None) -> list[Checked]:
    """Verify each credential with the core pipeline; refuse the lot if any is not acceptable.

    INVALID (forged, revoked, expired...) is refused; UNVERIFIED (issuer not in the registry,
    status list unreachable) is kept with its verdict. A credential bound to another holder
    than the key that asked for it is refused too (B19).
    """
    verifier = get_outside().verifier()
    checked = []
    for item in items:
        report = verifier.verify(item.credential)
        if report.verdict == "INVALID":
            raise CredentialError(
                _(
                    "The %(format)s credential failed verification (%(reason)s); nothing was kept.",
                    format=FORMAT_LABELS.get(item.format, item.format),
                    reason=report.reason,
                ),
                code=f"received_{report.reason or 'invalid'}",
            )
        if report.format != item.format:
            raise CredentialError(
                _("A credential is not in the format it was announced in; nothing was kept."),
                code="format_mismatch",
            )
        held = read_held(item.format, item.credential)
        if not _bound_to(held, holder):
            raise CredentialError(
                _("The issuer bound a credential to another key; nothing was kept."),
                code="holder_binding_mismatch",
            )
        checked.append(Checked(item, report, held))
    return checked


def card_rows(
    checked: Sequence[Checked], *, source: str, now: float | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The card row and credential rows for checked credentials of one achievement."""
    moment = time.time() if now is None else now
    shown = display_credential([item.held for item in checked])
    certificate = shown.certificate
    card = {
        "id": new_id(),
        "title": certificate.title or _("Untitled credential"),
        "issuer_did": shown.issuer,
        "issuer_name": certificate.awarding_body or certificate.issuer_name,
        "issued_on": certificate.date_of_issuance,
        "formats": ",".join(sorted(item.held.format for item in checked)),
        "verdict": worst([item.report.verdict for item in checked]),
        "source": source,
        "received_at": moment,
    }
    credentials = [
        {
            "id": new_id(),
            "format": item.received.format,
            "body": credential_text(item.received.credential),
            "digest": credential_digest(item.received.credential),
            "key_id": None,
            "configuration_id": item.received.configuration_id,
            "received_at": moment,
        }
        for item in checked
    ]
    return card, credentials


@dataclass(frozen=True)
class CardView:
    """What the card page shows."""

    card: dict[str, Any]
    certificate: Certificate
    annex: AnnexReport
    trust: TrustLookup | None
    formats: list[dict[str, Any]]
    mandatory: tuple[tuple[str, str], ...] = ANNEX_I_MANDATORY
    optional: tuple[tuple[str, str], ...] = ANNEX_I_OPTIONAL


def card_view(card: dict[str, Any]) -> CardView:
    """Read a stored card for display, without any network request."""
    formats, held = [], []
    for row in card["credentials"]:
        try:
            item = read_held(row["format"], payload_of(row["format"], row["body"]))
        except MicrocredError:
            continue  # unreadable rows are listed below as raw text only
        held.append(item)
        formats.append({**row, "label": FORMAT_LABELS.get(row["format"], row["format"])})
    shown = display_credential(held) if held else None
    certificate = shown.certificate if shown else Certificate(title=card["title"])
    registry = get_outside().registry()
    trust = registry.lookup(card["issuer_did"]) if registry is not None else None
    return CardView(card, certificate, annex_i(certificate), trust, formats)


def recheck(card: dict[str, Any]) -> list[tuple[dict[str, Any], Report]]:
    """Run the full pipeline again on every format of a card (status fetched anew)."""
    verifier = get_outside().verifier()
    return [
        (row, verifier.verify(payload_of(row["format"], row["body"])))
        for row in card["credentials"]
    ]
