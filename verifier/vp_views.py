"""Ask with OpenID4VP: choose claims, show the QR and link, take the wallet's answer, show it."""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from microcred import qr
from microcred.errors import InputError
from microcred.oid4vp import REQUEST_MEDIA

from . import reports, store, throttling, vp_requests
from .blueprint import bp
from .owner import session_owner

# How often the waiting page asks whether the wallet has answered.
POLL_SECONDS = 2


def _ask_page(error: str | None = None, chosen: tuple[str, ...] = vp_requests.DEFAULT_KEYS) -> Any:
    issuers = store.list_issuers(store.get_db())
    return render_template(
        "verifier/ask.html",
        askable=vp_requests.ASKABLE,
        chosen=chosen,
        issuers=issuers,
        error=error,
    ), (422 if error else 200)


@bp.get("/ask")
def ask() -> Any:
    """Choose what to ask a learner's wallet for."""
    return _ask_page()


@bp.post("/ask")
def ask_create() -> Any:
    """Create a signed request and go to its QR page."""
    throttling.limit("verify")  # each request is a signature and a stored row (I11)
    keys = request.form.getlist("claims")
    issuer = request.form.get("issuer") or None
    db = store.get_db()
    if issuer is not None and issuer not in {row["did"] for row in store.list_issuers(db)}:
        return _ask_page(_("Choose an institution from your trust registry."), tuple(keys))
    try:
        created = vp_requests.create(db, keys, issuer, session_owner())
    except InputError:
        return _ask_page(_("Choose at least one thing to ask for."), tuple(keys))
    return redirect(url_for("verifier.vp_page", request_id=created.id), 303)


def _owned(request_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    try:
        return vp_requests.read(store.get_db(), request_id, session_owner())
    except KeyError:
        abort(404)


@bp.get("/vp/<request_id>")
def vp_page(request_id: str) -> Any:
    """The QR and link for the wallet; the status below turns into the verdict (htmx)."""
    row, report = _owned(request_id)
    qr_text, link = vp_requests.links(row["id"])
    return render_template(
        "verifier/vp_request.html",
        row=row,
        link=link,
        qr_text=qr_text,
        status=vp_requests.status_of(row),
        report=report,
        poll=POLL_SECONDS,
        r=reports,
    )


@bp.get("/vp/<request_id>/qr.svg")
def vp_qr(request_id: str) -> Any:
    """The request's QR code as SVG (no user text inside: only our own link)."""
    row, _report = _owned(request_id)
    svg = qr.encode_svg(vp_requests.links(row["id"])[0], error_correction="M")
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.get("/vp/<request_id>/status")
def vp_status(request_id: str) -> Any:
    """The status fragment the waiting page polls."""
    row, report = _owned(request_id)
    status = vp_requests.status_of(row)
    return render_template(
        "verifier/_vp_status.html",
        row=row,
        status=status,
        report=report,
        poll=POLL_SECONDS,
        r=reports,
    )


@bp.get("/vp/request/<request_id>")
def request_object(request_id: str) -> Any:
    """The signed request object, fetched by the wallet (same bytes on every fetch: F17)."""
    row = store.get_vp_request(store.get_db(), request_id)
    if row is None or vp_requests.status_of(row) != "pending":
        return jsonify(
            {"error": "invalid_request", "error_description": "unknown or closed request"}
        ), 404
    response = Response(row["request_jwt"], mimetype=REQUEST_MEDIA)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/vp/response/<request_id>")
def response(request_id: str) -> Any:
    """The response_uri: the wallet's direct_post answer (CSRF-exempt; bound by state)."""
    form = {key: value for key, value in request.form.items()}
    try:
        redirect_uri = vp_requests.answer(store.get_db(), request_id, form)
    except vp_requests.Rejected as rejected:
        answer = jsonify({"error": "invalid_request", "error_description": rejected.description})
        return answer, 400
    answer = jsonify({"redirect_uri": redirect_uri} if redirect_uri else {})
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.get("/vp/done/<request_id>")
def vp_done(request_id: str) -> Any:
    """Where the wallet sends this browser after a same-device answer (code in the fragment)."""
    return render_template("verifier/vp_done.html", request_id=request_id)


@bp.post("/vp/done/<request_id>")
def vp_done_result(request_id: str) -> Any:
    """The verdict for the owner session that also presents the response_code (F05)."""
    row, report = _owned(request_id)
    code = request.form.get("response_code", "")
    expected = row["response_code"] or ""
    if not expected or not hmac.compare_digest(code.encode(), expected.encode()):
        abort(404)
    return render_template(
        "verifier/_vp_status.html", row=row, status="answered", report=report, poll=0, r=reports
    )
