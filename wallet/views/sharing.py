"""Sharing by link or QR: choose claims, see every access, withdraw; and the public share URL."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred import share

from .. import share_links, wording
from ..store import get_db, shares as share_store
from ..web import login_required
from . import bp
from .cards import owned_card


def owned_share(share_id: str) -> dict[str, Any]:
    """The signed-in learner's share, or 404."""
    found = share_store.get_share(get_db(), g.user["id"], share_id)
    if found is None:
        abort(404)
    return found


@bp.route("/cards/<card_id>/share", methods=["GET", "POST"])
@login_required
def new_share(card_id: str) -> Any:
    """The share form: tick claims, pick expiry and one-time; POST creates the link."""
    card = owned_card(card_id)
    options = share_links.choices(card)
    if request.method == "GET":
        mode = "sd-jwt" if options.can_select else "ob3"
        return render_template(
            "wallet/share_new.html", card=card, options=options, mode=mode, chosen=[], days=7
        )
    chosen = request.form.getlist("claim")
    mode = request.form.get("mode", "sd-jwt")
    made = share_links.make_share(
        card,
        mode=mode,
        claims=chosen,
        days=request.form.get("days", str(share.DEFAULT_DAYS)),
        one_time=request.form.get("one_time") == "1",
    )
    if not share_store.create_share(get_db(), g.user["id"], made):
        abort(404)
    return redirect(url_for("wallet.share_detail", share_id=made["id"]), 303)


@bp.get("/shares")
@login_required
def shares() -> Any:
    """Every share the learner made, with its state and how often it was fetched."""
    return render_template(
        "wallet/shares.html",
        shares=share_store.list_shares(get_db(), g.user["id"]),
        now=time.time(),
    )


@bp.get("/shares/<share_id>")
@login_required
def share_detail(share_id: str) -> Any:
    """A share's QR code and link, what it reveals, and its access log."""
    found = owned_share(share_id)
    card = owned_card(found["card_id"])
    options = share_links.choices(card)
    return render_template(
        "wallet/share.html",
        share=found,
        card=card,
        url=share_links.share_url(share_id),
        labels=[wording.claim_label(name) for name in found["claims"]],
        kept=[
            wording.claim_label(claim.name)
            for claim in options.claims
            if claim.name not in found["claims"]
        ],
        always=options.always,
        now=time.time(),
    )


@bp.get("/shares/<share_id>/qr.svg")
@login_required
def share_qr(share_id: str) -> Any:
    """The QR code of a share's URL."""
    owned_share(share_id)
    svg = share_links.qr_svg(share_links.share_url(share_id))
    return Response(
        svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"}
    )


@bp.post("/shares/<share_id>/withdraw")
@login_required
def withdraw(share_id: str) -> Any:
    """Withdraw a share: its link answers 410 Gone from now on."""
    owned_share(share_id)
    if share_store.withdraw_share(get_db(), g.user["id"], share_id, time.time()):
        flash(_("The share was withdrawn. The link no longer works."))
    return redirect(url_for("wallet.share_detail", share_id=share_id), 303)


@bp.get("/s/<share_id>")
def share_fetch(share_id: str) -> Any:
    """The public share URL: the presentation for verifiers, a short page for browsers."""
    if len(share_id) > 64:
        abort(404)
    if not share.wants_presentation(request.headers.get("Accept", "")):
        return render_template("wallet/share_public.html")
    verifier = share_links.verifier_name(request.headers.get("X-Verifier"))
    taken = share_store.take_share(get_db(), share_id, now=time.time(), verifier=verifier)
    if taken is None:
        return _gone(404, "share_unknown", "There is no share at this address.")
    if "refused" in taken:
        # The answer is for the verifier's program: its words are English, as the codes are.
        reasons = {
            "withdrawn": "The learner withdrew this share.",
            "expired": "This share has expired.",
            "used": "This one-time share was already used.",
        }
        return _gone(410, f"share_{taken['refused']}", reasons[taken["refused"]])
    media = share.media_type_for(taken["mode"])
    return Response(
        taken["presentation"],
        mimetype=media,
        headers={"Cache-Control": "no-store", "Vary": "Accept"},
    )


def _gone(status: int, code: str, message: str) -> Any:
    response = jsonify({"error": code, "error_description": message})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
