"""Issuing to one learner, the list of issued credentials, and suspending or revoking them."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred import qr

from .. import auth, store
from ..forms import LearnerForm, read_learner_form
from ..issuing import award_row
from ..offers import make_offer, offer_links, offer_state, tx_code
from ..publishing import change_status, publisher
from ..store import awards as award_store, courses as course_store, staff as staff_store
from . import bp, is_htmx

# Staff actions and the status each leads to.
ACTIONS = {"suspend": "suspended", "unsuspend": "active", "revoke": "revoked"}
FORMAT_NAMES = {
    "MicroCredential_sd_jwt": "SD-JWT VC",
    "MicroCredential_ob3": "Open Badges 3.0",
    "MicroCredential_jwt_vc": "VC-JWT",
}


def today() -> str:
    """Today's date (UTC) in ISO form, by the app's clock."""
    return dt.datetime.fromtimestamp(auth.now(), dt.UTC).date().isoformat()


def _issue_page(form: LearnerForm | None, course_id: int | None, status: int = 200) -> Any:
    published = course_store.list_courses(store.get_db(), states=("published",))
    values = form.award if form else None
    page = render_template(
        "issuer/issue.html",
        courses=published,
        course_id=course_id,
        values=values,
        email=form.email if form else None,
        errors=form.errors if form else {},
        today=today(),
        tx_checked=request.form.get("tx_code") == "on" if request.method == "POST" else True,
    )
    return page, status


@bp.route("/issue", methods=["GET", "POST"])
@auth.login_required
def issue() -> Any:
    """Issue one micro-credential: the learner's details in, an OpenID4VCI offer out."""
    course_id = request.values.get("course", type=int)
    if request.method == "GET":
        return _issue_page(None, course_id)
    db = store.get_db()
    course = course_store.get_course(db, course_id) if course_id else None
    form = read_learner_form(request.form, today=today())
    if course is None or course["state"] != "published":
        form.errors["course"] = _("choose a published micro-credential")
    elif existing := award_store.learner_has_award(db, course["id"], form.award.learner_id):
        form.errors["learner_id"] = _("this learner already has this micro-credential")
        form.errors["existing"] = existing
    if form.errors:
        return _issue_page(form, course_id, 400)
    assert course is not None
    now = auth.now()
    award_id = uuid.uuid4().hex
    record = award_row(award_id, course, form.award, form.email)
    offer = make_offer(
        now, current_app.config["OFFER_LIFETIME"], request.form.get("tx_code") == "on"
    )
    award_store.create_award(
        db, record, offer=offer, actor=auth.actor(), now=now, publisher=publisher(db, now)
    )
    return redirect(url_for("issuer.award", award_id=award_id), 303)


def _award_or_404(award_id: str) -> dict[str, Any]:
    found = award_store.get_award(store.get_db(), award_id) if len(award_id) == 32 else None
    if found is None:
        abort(404)
    return found


def _offer_view(award: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of the award's newest offer: its state, links, code and deliveries."""
    db = store.get_db()
    offer = award_store.current_offer(db, award["id"])
    delivered = award_store.offer_deliveries(db, offer["id"]) if offer else []
    expiry = award_store.token_expiry(db, offer["id"]) if offer else None
    state, polling = offer_state(offer, len(delivered), expiry, auth.now())
    view: dict[str, Any] = {"offer": offer, "offer_state": state, "polling": polling}
    view["formats"] = [FORMAT_NAMES.get(d["configuration_id"], "") for d in delivered]
    view["collected_at"] = delivered[0]["delivered_at"] if delivered else None
    if offer is not None:
        view.update(offer_links(current_app.config["BASE_URL"], offer["id"]))
        waiting = state == "waiting"
        view["tx_code"] = tx_code(offer["id"]) if offer["tx_required"] and waiting else None
    return view


@bp.get("/awards")
@auth.login_required
def awards() -> str:
    """Issued micro-credentials, searchable and filterable; htmx swaps the rows only."""
    db = store.get_db()
    query = request.args.get("q", "").strip()[:100]
    course_id = request.args.get("course", type=int)
    state = request.args.get("state", "")
    page = max(1, request.args.get("page", 1, type=int))
    found, total = award_store.list_awards(
        db, query=query, course_id=course_id, state=state, page=page
    )
    context = {
        "awards": found,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // award_store.PAGE_SIZE)),
        "query": query,
        "course_id": course_id,
        "state": state,
        "courses": course_store.list_courses(db, states=("published", "archived")),
    }
    if is_htmx():
        return render_template("issuer/_award_rows.html", **context)
    return render_template("issuer/awards.html", **context)


@bp.get("/awards/<award_id>")
@auth.login_required
def award(award_id: str) -> str:
    """One award: its offer (QR, link, separate transaction code), status and history."""
    found = _award_or_404(award_id)
    history = staff_store.list_audit(store.get_db(), limit=50, target=f"award:{award_id}")
    return render_template("issuer/award.html", award=found, history=history, **_offer_view(found))


@bp.get("/awards/<award_id>/offer-status")
@auth.login_required
def offer_status(award_id: str) -> str:
    """The polled fragment; when the offer is no longer waiting it also clears QR and code."""
    found = _award_or_404(award_id)
    shown = request.args.get("shown", "")[:20]
    view = _offer_view(found)
    return render_template("issuer/_offer_status.html", award=found, oob=True, shown=shown, **view)


@functools.lru_cache(maxsize=4096)
def _qr_png(text: str) -> bytes:
    # QR generation costs 10-40 ms (MEASURED.md); an offer link never changes, so keep them.
    return qr.encode_png(text, box_size=6)


@bp.get("/awards/<award_id>/qr.png")
@auth.login_required
def award_qr(award_id: str) -> Any:
    """The QR code of the award's current offer link (PNG)."""
    found = _award_or_404(award_id)
    offer = award_store.current_offer(store.get_db(), found["id"])
    if offer is None:
        abort(404)
    link = offer_links(current_app.config["BASE_URL"], offer["id"])["link"]
    headers = {"Content-Type": "image/png", "Cache-Control": "private, max-age=600"}
    return _qr_png(link), 200, headers


@bp.post("/awards/<award_id>/status")
@auth.login_required
def award_status(award_id: str) -> Any:
    """Suspend, unsuspend or revoke; the status lists change in the same transaction."""
    _award_or_404(award_id)
    wanted = ACTIONS.get(request.form.get("action", ""))
    if wanted is None:
        abort(400)
    reason = request.form.get("reason", "").strip()[:500] or None
    if wanted == "revoked" and request.form.get("confirm") != "on":
        flash(_("Tick the box to confirm the revocation: it cannot be undone."), "error")
        return redirect(url_for("issuer.award", award_id=award_id), 303)
    change_status(award_id, wanted, actor=auth.actor(), reason=reason, now=auth.now())
    messages = {
        "suspended": _("Suspended. Verifiers now see this credential as suspended."),
        "active": _("The suspension is lifted. The credential is valid again."),
        "revoked": _("Revoked. Verifiers now see this credential as revoked."),
    }
    flash(messages[wanted])
    return redirect(url_for("issuer.award", award_id=award_id), 303)


@bp.post("/awards/<award_id>/offer")
@auth.login_required
def renew_offer(award_id: str) -> Any:
    """A new offer for an award whose offer expired, was lost or was used on a lost phone."""
    found = _award_or_404(award_id)
    if found["status"] == "revoked":
        abort(409)
    now = auth.now()
    offer = make_offer(
        now, current_app.config["OFFER_LIFETIME"], request.form.get("tx_code") == "on"
    )
    award_store.new_offer(store.get_db(), award_id, offer, actor=auth.actor(), now=now)
    flash(_("A new offer is ready; earlier offers for this credential no longer work."))
    return redirect(url_for("issuer.award", award_id=award_id), 303)
