"""Answering an employer's request (OpenID4VP): fetch and check it, consent or decline, respond."""

from __future__ import annotations

import time
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred.errors import MicrocredError

from .. import answers
from ..account import new_id
from ..store import get_db, shares as pending_store
from ..web import login_required, page_status
from . import bp


def _failed(error: MicrocredError) -> Any:
    return render_template("wallet/request_failed.html", error=error), page_status(error)


@bp.get("/vp")
@login_required
def vp() -> Any:
    """A request link (`/vp?client_id=..&request_uri=..`): fetch and verify it, then ask."""
    client_id = request.args.get("client_id", "")
    try:
        token = answers.fetch(client_id, request.args.get("request_uri", ""))
        answers.verify(client_id, token)
    except MicrocredError as error:
        return _failed(error)
    pending_id = new_id()
    data = {"client_id": client_id, "token": token}
    pending_store.add_pending(get_db(), pending_id, g.user["id"], "request", data, time.time())
    return redirect(url_for("wallet.consent", pending_id=pending_id), 303)


def _pending_request(pending_id: str) -> dict[str, Any]:
    since = time.time() - float(current_app.config["PENDING_SECONDS"])
    found = pending_store.get_pending(get_db(), g.user["id"], pending_id, "request", since=since)
    if found is None:
        abort(404)
    return found


@bp.route("/vp/<pending_id>", methods=["GET", "POST"])
@login_required
def consent(pending_id: str) -> Any:
    """Who asks for what, which credentials match, what would leave; share or decline."""
    pending = _pending_request(pending_id)
    try:
        checked = answers.verify(pending["client_id"], pending["token"])
        view = answers.consent(g.user["id"], checked)
    except MicrocredError as error:
        return _failed(error)
    if request.method == "GET":
        return render_template("wallet/request.html", view=view, pending_id=pending_id)
    sharing = request.form.get("action") == "share"
    if sharing and view.needs_confirmation and request.form.get("confirm_destination") != "yes":
        # F08: a bare-key verifier is not tied to its response_uri; the learner must say so.
        error = _("Tick the box to confirm where your answer goes, or decline.")
        page = render_template(
            "wallet/request.html", view=view, pending_id=pending_id, confirm_error=error
        )
        return page, 400
    if not pending_store.consume_pending(get_db(), g.user["id"], pending_id, "request"):
        abort(404)  # J04: answered already (second click, other tab)
    if not sharing:
        answer = answers.decline(checked)
        return render_template(
            "wallet/vp_done.html", shared=False, next_url=answers.next_url(answer, checked)
        )
    choices = {key: request.form.get(f"choice-{key}", "") for key in view.options}
    try:
        answer = answers.respond(g.user, view, choices)
    except MicrocredError as error:
        return _failed(error)
    return render_template(
        "wallet/vp_done.html",
        shared=True,
        next_url=answers.next_url(answer, checked),
        raw_next=str(answer.get("redirect_uri", ""))[:300],
        view=view,
    )
