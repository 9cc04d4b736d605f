"""The learner's cards: the list, one card as a certificate, a status re-check, deletion."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from microcred import language

from .. import holding, wording
from ..store import cards as card_store, get_db, shares as share_store
from ..web import login_required
from . import bp


def owned_card(card_id: str) -> dict[str, Any]:
    """The signed-in learner's card, or 404 (also for another learner's card id, I14)."""
    card = card_store.get_card(get_db(), g.user["id"], card_id)
    if card is None:
        abort(404)
    return card


@bp.get("/")
@login_required
def home() -> Any:
    """The learner's cards, newest first."""
    cards = card_store.list_cards(get_db(), g.user["id"])
    return render_template("wallet/home.html", cards=cards)


@bp.get("/cards/<card_id>")
@login_required
def card(card_id: str) -> Any:
    """One card as a readable certificate, with its formats, shares and raw credentials."""
    view = holding.card_view(owned_card(card_id))
    shares = share_store.list_shares(get_db(), g.user["id"], card_id)
    return render_template("wallet/card.html", view=view, shares=shares)


@bp.post("/cards/<card_id>/check")
@login_required
def check(card_id: str) -> Any:
    """Verify every format of the card again now (status lists fetched anew when stale)."""
    card = owned_card(card_id)
    results = holding.recheck(card)
    verdict, reason = holding.card_verdict([report for _row, report in results])
    card_store.set_verdict(
        get_db(), g.user["id"], card_id, verdict, reason=reason, checked_at=time.time()
    )
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render_template(
            "wallet/_status.html", results=results, verdict=verdict, reason=reason
        )
    flash(_("Checked just now: %(verdict)s.", verdict=wording.verdict_word(verdict)))
    return redirect(url_for("wallet.card", card_id=card_id), 303)


@bp.route("/cards/<card_id>/delete", methods=["GET", "POST"])
@login_required
def delete_card(card_id: str) -> Any:
    """Ask, then delete a card with all its formats, shares and its holder key."""
    card = owned_card(card_id)
    if request.method == "GET":
        return render_template("wallet/delete_card.html", card=card)
    card_store.delete_card(get_db(), g.user["id"], card_id)
    flash(_("“%(title)s” was deleted from this wallet.", title=card["title"]))
    return redirect(url_for("wallet.home"), 303)


def _static_bytes(name: str) -> bytes:
    return (Path(str(current_app.static_folder)) / name).read_bytes()


@bp.get("/manifest.webmanifest")
def manifest() -> Any:
    """The web app manifest (served from the root so the app's scope is the whole wallet)."""
    manifest = json.loads(_static_bytes("wallet/manifest.webmanifest"))
    # Browsers fetch the manifest without cookies: the installed app is named in the language
    # the phone asks for (Accept-Language), which is the language of its home screen.
    manifest.update(
        lang=language.current(),
        name=_("microcred Wallet"),
        short_name=_("Wallet"),
        description=_("Receive, keep and share your micro-credentials."),
    )
    return Response(
        json.dumps(manifest, ensure_ascii=False),
        mimetype="application/manifest+json",
        headers={"Cache-Control": "max-age=3600"},
    )


@bp.get("/wallet-sw.js")
def service_worker() -> Any:
    """The service worker script, from the root so that it may control every wallet page."""
    data = _static_bytes("js/wallet-sw.js")
    return Response(data, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
