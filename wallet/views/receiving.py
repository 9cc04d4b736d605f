"""Receiving: scan or paste a link, look at the offer, accept it (OpenID4VCI) or decline."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred import oid4vp, qr
from microcred.errors import MicrocredError, QRError
from microcred.wallet_link import classify

from .. import offers, wording
from ..account import new_id
from ..store import get_db, shares as pending_store
from ..web import login_required, page_status
from . import bp

# A camera frame sent for decoding: a JPEG of a 720p frame is ~100 KB.
MAX_FRAME_BYTES = 1_500_000
MAX_PHOTO_BYTES = 12_000_000


def _insecure() -> bool:
    return bool(current_app.config["ALLOW_INSECURE_LOCALHOST"])


def _receive_page(link: str = "", error: str | None = None, status: int = 200) -> Any:
    return render_template("wallet/receive.html", link=link, error=error), status


def dispatch(text: str) -> Any:
    """Act on a scanned or pasted link: an offer is looked up, a request goes to /vp."""
    kind = classify(text, allow_http=_insecure())
    if kind == "request":
        client_id, request_uri = oid4vp.parse_request_link(text.strip())
        query = urlencode({"client_id": client_id, "request_uri": request_uri})
        return redirect(url_for("wallet.vp") + "?" + query, 303)
    offer = offers.look_up(text.strip())
    pending_id = new_id()
    pending_store.add_pending(get_db(), pending_id, g.user["id"], "offer", offer, time.time())
    return redirect(url_for("wallet.offer", pending_id=pending_id), 303)


@bp.route("/receive", methods=["GET", "POST"])
@login_required
def receive() -> Any:
    """Scan a QR code, upload a photo of one, or paste the link an institution gave."""
    if request.method == "GET":
        # A same-device link to the wallet carries the offer parameters in its query.
        if request.args.get("credential_offer_uri") or request.args.get("credential_offer"):
            return _receive_page("openid-credential-offer://?" + urlencode(request.args))
        return _receive_page(request.args.get("link", ""))
    text = request.form.get("link", "")
    try:
        return dispatch(text)
    except MicrocredError as error:
        return _receive_page(text[:4296], wording.error(error), page_status(error))


@bp.post("/scan/photo")
@login_required
def scan_photo() -> Any:
    """Decode the QR code in an uploaded photo on the server, then act on it."""
    upload = request.files.get("photo")
    data = upload.read(MAX_PHOTO_BYTES + 1) if upload else b""
    try:
        if not data:
            raise QRError(_("Choose a photo of the QR code."), code="no_image")
        if len(data) > MAX_PHOTO_BYTES:
            raise QRError(_("That photo is too large."), code="image_too_large")
        texts = qr.decode(data)
        if not texts:
            raise QRError(_("No QR code found in the photo."), code="qr_not_found")
        return dispatch(texts[0])
    except MicrocredError as error:
        return _receive_page("", wording.error(error), page_status(error))


@bp.post("/scan/frame")
@login_required
def scan_frame() -> Any:
    """Decode one camera frame (PNG/JPEG) for browsers without a QR decoder: {"text": ...}."""
    data = request.get_data(cache=False)
    if not data or len(data) > MAX_FRAME_BYTES:
        return jsonify({"error": "frame_invalid", "error_description": "send one small image"}), 400
    try:
        texts = qr.decode(data, thorough=False)
    except QRError as error:
        return jsonify({"error": error.code, "error_description": error.message}), 400
    return jsonify({"text": texts[0] if texts else None})


def _pending_offer(pending_id: str) -> dict[str, Any]:
    since = time.time() - float(current_app.config["PENDING_SECONDS"])
    offer = pending_store.get_pending(get_db(), g.user["id"], pending_id, "offer", since=since)
    if offer is None:
        abort(404)
    return offer


@bp.route("/receive/<pending_id>", methods=["GET", "POST"])
@login_required
def offer(pending_id: str) -> Any:
    """Who offers what and whether the issuer is known; accept (code if asked) or decline."""
    offer = _pending_offer(pending_id)
    if request.method == "GET":
        return render_template("wallet/offer.html", offer=offer, pending_id=pending_id, error=None)
    if request.form.get("action") != "accept":
        pending_store.consume_pending(get_db(), g.user["id"], pending_id, "offer")
        flash(_("You declined the offer. Nothing was received."))
        return redirect(url_for("wallet.home"), 303)
    try:
        tx_code = offers.check_tx_code(offer, request.form.get("tx_code", ""))
    except MicrocredError as error:
        page = render_template("wallet/offer.html", offer=offer, pending_id=pending_id, error=error)
        return page, 400
    if not pending_store.consume_pending(get_db(), g.user["id"], pending_id, "offer"):
        abort(404)  # J04: a second click (or tab) on the same offer does nothing
    try:
        accepted = offers.receive_offer(g.user, offer, tx_code)
    except offers.TokenStepFailed as failed:
        pending_store.release_pending(get_db(), g.user["id"], pending_id, "offer")
        page = render_template(
            "wallet/offer.html", offer=offer, pending_id=pending_id, error=failed.error
        )
        return page, page_status(failed.error)
    except MicrocredError as error:
        return render_template("wallet/offer_failed.html", offer=offer, error=error), page_status(
            error
        )
    flash(_("Received and verified. It is in your wallet."))
    for label, why in accepted.missing:
        flash(
            _(
                "The %(format)s format could not be received (%(why)s). The other formats are "
                "kept; ask the institution for a new offer if you need this one.",
                format=label,
                why=why,
            ),
            "warning",
        )
    return redirect(url_for("wallet.card", card_id=accepted.card_id), 303)
