"""Share links of a card: what can be chosen, the presentation made at creation, the public URL."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from microcred import qr, share
from microcred.credential import LDP_VC, SD_JWT_VC
from microcred.errors import InputError

from . import wording

# Longest X-Verifier value kept in the access log (the header is the verifier's own claim).
MAX_VERIFIER_CHARS = 200


@dataclass(frozen=True)
class ShareChoices:
    """What the share form offers for one card."""

    claims: list[share.ShareableClaim]
    always: list[str]
    can_select: bool
    can_send_whole: bool


def _credential(card: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((row for row in card["credentials"] if row["format"] == kind), None)


def choices(card: dict[str, Any]) -> ShareChoices:
    """The claims a learner may tick, those always shown, and which share modes exist."""
    sd = _credential(card, SD_JWT_VC)
    claims = share.shareable_claims(sd["body"]) if sd else []
    always = [wording.claim_label(n) for n in share.plain_claims(sd["body"])] if sd else []
    return ShareChoices(
        [c for c in claims if not c.always],
        always,
        sd is not None,
        _credential(card, LDP_VC) is not None,
    )


def make_share(
    card: dict[str, Any], *, mode: str, claims: list[str], days: str, one_time: bool
) -> dict[str, Any]:
    """A new share row of this card: the presentation is built now, with exactly these claims."""
    terms = share.terms(days, one_time, now=time.time())
    if mode == "sd-jwt":
        source = _credential(card, SD_JWT_VC)
        if source is None:
            raise InputError(_("This card has no SD-JWT VC to share from."), code="no_sd_jwt")
        presentation = share.present_claims(source["body"], claims)
    elif mode == "ob3":
        source = _credential(card, LDP_VC)
        if source is None:
            raise InputError(_("This card has no Open Badge to share."), code="no_open_badge")
        presentation, claims = source["body"], []
    else:
        raise InputError(_("Choose what to share."), code="bad_mode")
    return {
        "id": share.new_share_id(),
        "card_id": card["id"],
        "credential_id": source["id"],
        "mode": mode,
        "claims": sorted(set(claims)),
        "presentation": presentation,
        "created_at": terms.created_at,
        "expires_at": terms.expires_at,
        "one_time": terms.one_time,
        "used": False,
        "withdrawn_at": None,
    }


def share_url(share_id: str) -> str:
    """The public URL of a share: `{BASE_URL}/s/<id>` (interop contract)."""
    return f"{str(current_app.config['BASE_URL']).rstrip('/')}/s/{share_id}"


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """The QR code of a URL as SVG, cached (pure-Python QR encoding costs ~10 ms)."""
    return qr.encode_svg(url)


def verifier_name(header: str | None) -> str | None:
    """The X-Verifier header as a short printable string for the log, or None."""
    if not header:
        return None
    cleaned = "".join(ch for ch in header if ch.isprintable()).strip()
    return cleaned[:MAX_VERIFIER_CHARS] or None
