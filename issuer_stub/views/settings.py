"""Institution settings: profile and logo, staff accounts, VC-API tokens, the audit log."""

from __future__ import annotations

import io
import re
import secrets
import sqlite3
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from PIL import Image

from microcred.errors import QRError
from microcred.image import image_size

from .. import auth, store
from ..identity import institution
from ..store import staff as staff_store, tokens as token_store
from . import bp

_COUNTRY = re.compile(r"[A-Z]{2}")
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MAX_LOGO_BYTES = 512_000
MAX_LOGO_PIXELS = 4_000_000
LOGO_SIZE = 256
AUDIT_PAGE = 100
TOKEN_PREFIX = "mcapi_"


def _logo(upload: Any) -> bytes:
    """A PNG of at most 256x256 from an uploaded PNG or JPEG, checked before decoding (H06)."""
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(_("the logo must be under 500 KB"))
    try:
        width, height, _alpha = image_size(data)
    except QRError:
        raise ValueError(_("the logo must be a PNG or JPEG image")) from None
    if width * height > MAX_LOGO_PIXELS:
        raise ValueError(_("the logo has too many pixels"))
    try:
        image = Image.open(io.BytesIO(data))
        image.thumbnail((LOGO_SIZE, LOGO_SIZE))
        out = io.BytesIO()
        image.convert("RGBA").save(out, format="PNG")  # re-encoded: nothing of the upload survives
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValueError(_("the logo cannot be read as an image")) from None
    return out.getvalue()


@bp.route("/settings/profile", methods=["GET", "POST"])
@auth.admin_required
def profile() -> Any:
    """The institution's name, country, website and logo; its DID follows from the base URL."""
    db = store.get_db()
    errors: dict[str, str] = {}
    values = staff_store.get_profile(db) or {"name": "", "country": "VN", "website": ""}
    if request.method == "POST":
        values = {
            "name": request.form.get("name", "").strip(),
            "country": request.form.get("country", "").strip().upper(),
            "website": request.form.get("website", "").strip() or None,
        }
        if not values["name"] or len(values["name"]) > 200:
            errors["name"] = _("give the institution's name (at most 200 characters)")
        if not _COUNTRY.fullmatch(values["country"] or ""):
            errors["country"] = _("use a two-letter country code like VN")
        if values["website"] and not re.fullmatch(r"https://[^\s]{3,200}", values["website"]):
            errors["website"] = _("use an https:// address")
        logo = None
        upload = request.files.get("logo")
        if upload is not None and upload.filename:
            try:
                logo = _logo(upload)
            except ValueError as error:
                errors["logo"] = str(error)
        if not errors:
            staff_store.save_profile(
                db,
                **values,
                logo=logo,
                remove_logo=request.form.get("remove_logo") == "on",
                actor=auth.actor(),
                now=auth.now(),
            )
            flash(_("The profile is saved."))
            return redirect(url_for("issuer.profile"), 303)
    inst = institution()
    page = render_template(
        "issuer/profile.html",
        values=values,
        errors=errors,
        did=inst.did,
        base_url=inst.base_url,
    )
    return page, 400 if errors else 200


@bp.get("/logo.png")
def logo() -> Any:
    """The institution's logo (public: wallets show it next to offers)."""
    data = staff_store.get_logo(store.get_db())
    if data is None:
        abort(404)
    return data, 200, {"Content-Type": "image/png", "Cache-Control": "public, max-age=300"}


@bp.route("/settings/staff", methods=["GET", "POST"])
@auth.admin_required
def staff() -> Any:
    """Staff accounts: list, add (administrators only), disable or enable."""
    db = store.get_db()
    errors: dict[str, str] = {}
    values = {"username": "", "display_name": "", "is_admin": False}
    if request.method == "POST":
        values = {
            "username": request.form.get("username", "").strip().lower(),
            "display_name": request.form.get("display_name", "").strip(),
            "is_admin": request.form.get("is_admin") == "on",
        }
        password = request.form.get("password", "")
        if not _USERNAME.fullmatch(str(values["username"])):
            errors["username"] = _("use 2-40 lower-case letters, digits, dots or dashes")
        if not values["display_name"] or len(str(values["display_name"])) > 100:
            errors["display_name"] = _("give the person's name")
        problem = auth.password_problem(password, str(values["username"]))
        if problem:
            errors["password"] = problem
        if not errors:
            try:
                staff_store.add_staff(
                    db,
                    username=str(values["username"]),
                    display_name=str(values["display_name"]),
                    password_hash=auth.hash_password(password),
                    is_admin=bool(values["is_admin"]),
                    actor=auth.actor(),
                    now=auth.now(),
                )
            except sqlite3.IntegrityError:
                errors["username"] = _("this user name is taken")
            else:
                flash(_("The account is created. Give the password to its owner in person."))
                return redirect(url_for("issuer.staff"), 303)
    page = render_template(
        "issuer/staff.html", accounts=staff_store.list_staff(db), values=values, errors=errors
    )
    return page, 400 if errors else 200


@bp.post("/settings/staff/<int:staff_id>/active")
@auth.admin_required
def staff_active(staff_id: int) -> Any:
    """Disable or enable an account (never one's own)."""
    if staff_id == g.staff["id"]:
        abort(400)
    if staff_store.get_staff(store.get_db(), staff_id) is None:
        abort(404)
    active = request.form.get("active") == "1"
    staff_store.set_active(store.get_db(), staff_id, active, actor=auth.actor(), now=auth.now())
    flash(_("The account is enabled.") if active else _("The account is disabled."))
    return redirect(url_for("issuer.staff"), 303)


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@auth.admin_required
def api_tokens() -> Any:
    """Bearer tokens for learning-management systems (VC-API); a secret is shown only once."""
    db = store.get_db()
    new_secret = None
    error = None
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name or len(name) > 100:
            error = _("name the system that will use the token")
        else:
            new_secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            token_store.create_token(db, name, new_secret, actor=auth.actor(), now=auth.now())
    page = render_template(
        "issuer/api_tokens.html",
        tokens=token_store.list_tokens(db),
        new_secret=new_secret,
        error=error,
        base_url=current_app.config["BASE_URL"],
    )
    return page, 400 if error else 200


@bp.post("/settings/api-tokens/<int:token_id>/revoke")
@auth.admin_required
def revoke_api_token(token_id: int) -> Any:
    """Revoke a token: the system using it is refused from now on."""
    if not token_store.revoke_token(store.get_db(), token_id, actor=auth.actor(), now=auth.now()):
        abort(404)
    flash(_("The token is revoked."))
    return redirect(url_for("issuer.api_tokens"), 303)


@bp.get("/settings/audit")
@auth.login_required
def audit() -> str:
    """Who did what and when, newest first."""
    db = store.get_db()
    page = max(1, request.args.get("page", 1, type=int))
    total = staff_store.count_audit(db)
    entries = staff_store.list_audit(db, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    pages = max(1, -(-total // AUDIT_PAGE))
    return render_template("issuer/audit.html", entries=entries, page=page, pages=pages)
