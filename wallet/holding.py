"""Holding credentials: verify what arrives, keep it as one card, read it back, re-check it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from microcred import strictjson
from microcred.card import (
    HeldCredential,
    credential_digest,
    credential_text,
    display_credential,
    genuine_but_lapsed,
    read_held,
    same_achievement,
)
from microcred.certificate import Certificate
from microcred.credential import LDP_VC
from microcred.did import did_key
from microcred.errors import CredentialError, MicrocredError
from microcred.holder import HolderIdentity
from microcred.model import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL, AnnexReport, annex_i
from microcred.report import Report
from microcred.trust import TrustLookup

from . import wording
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


def card_verdict(reports: Sequence[Report]) -> tuple[str, str]:
    """A card's verdict (the worst of its formats) and the reason code that decided it."""
    if not reports:
        return "UNVERIFIED", ""
    decisive = min(reports, key=lambda r: _VERDICT_RANK.get(r.verdict, 0))
    return decisive.verdict, decisive.reason


def _bound_to(held: HeldCredential, holder: HolderIdentity | None) -> bool:
    if holder is None:
        return True
    if held.holder_jwk is not None:
        return held.holder_jwk == holder.public_jwk
    # The issuer may bind to either DID form of the key it was shown (did:jwk or did:key).
    return held.holder_did in (holder.did, did_key(holder.key.public_key))


def _label(item: Received) -> str:
    return wording.format_name(item.format)


def _refused(item: Received, report: Report) -> CredentialError:
    try:
        title = read_held(item.format, item.credential).certificate.title
    except MicrocredError:
        title = None
    # Named, so the learner can tell which credential it was; the title is quoted as text only.
    named = f"“{title[:80]}”" if title else _("untitled")
    return CredentialError(
        _(
            "The %(format)s credential %(title)s failed verification (%(reason)s); "
            "nothing was kept.",
            format=_label(item),
            title=named,
            reason=wording.reason(report.reason or "invalid"),
        ),
        code=f"received_{report.reason or 'invalid'}",
    )


def _acceptable(item: Received, report: Report, keep_lapsed: bool) -> bool:
    if report.verdict != "INVALID":
        return True
    resolver = get_outside().resolver
    return keep_lapsed and genuine_but_lapsed(item.format, item.credential, report, resolver)


def _check_one(
    item: Received, report: Report, holder: HolderIdentity | None, issuer: str | None
) -> HeldCredential:
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
    if issuer is not None and held.issuer != issuer:
        raise CredentialError(
            _(
                "The %(format)s credential was issued by %(found)s, not by the institution that "
                "made the offer (%(expected)s); nothing was kept.",
                format=_label(item),
                found=held.issuer[:120],
                expected=issuer,
            ),
            code="issuer_mismatch",
        )
    return held


def check_received(
    items: Sequence[Received],
    holder: HolderIdentity | None,
    *,
    issuer: str | None = None,
    keep_lapsed: bool = False,
) -> list[Checked]:
    """Verify credentials of one card with the core pipeline; refuse the lot if any is not fit.

    INVALID (forged, revoked, expired...) is refused; UNVERIFIED (issuer not in the registry,
    status list unreachable) is kept with its verdict. With `keep_lapsed` (the learner's own
    backup) a genuine credential that expired or was revoked is kept with its INVALID verdict,
    while a forged one is still refused (J07). Refused too: a credential bound to another holder
    than the key that asked for it (B19), one from another issuer than `issuer` (the offer's),
    and credentials that are not one achievement (one issuer, title and date of issue).
    """
    verifier = get_outside().verifier()
    checked: list[Checked] = []
    for item in items:
        report = verifier.verify(item.credential)
        if not _acceptable(item, report, keep_lapsed):
            raise _refused(item, report)
        held = _check_one(item, report, holder, issuer)
        if checked and not same_achievement(checked[0].held, held):
            raise CredentialError(
                _(
                    "The %(format)s credential is not the same achievement as the %(first)s one "
                    "(issuer, title or date differ); nothing was kept.",
                    format=_label(item),
                    first=_label(checked[0].received),
                ),
                code="not_one_achievement",
            )
        checked.append(Checked(item, report, held))
    return checked


def card_rows(
    checked: Sequence[Checked], *, source: str, now: float | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The card row and credential rows for checked credentials of one achievement.

    `now` is when the card was received (an import keeps the original time); the verdict is
    from the check that just ran.
    """
    checked_at = time.time()
    moment = checked_at if now is None else now
    shown = display_credential([item.held for item in checked])
    certificate = shown.certificate
    verdict, reason = card_verdict([item.report for item in checked])
    card = {
        "id": new_id(),
        "title": certificate.title or _("Untitled credential"),
        "issuer_did": shown.issuer,
        "issuer_name": certificate.awarding_body or certificate.issuer_name,
        "issued_on": certificate.date_of_issuance,
        "formats": ",".join(sorted(item.held.format for item in checked)),
        "verdict": verdict,
        "reason": reason,
        "source": source,
        "received_at": moment,
        "checked_at": checked_at,
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
        formats.append({**row, "label": wording.format_name(row["format"])})
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
