"""Signing in and out, and changing one's own password."""

from __future__ import annotations

import math
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from .. import auth, store
from ..store import staff as staff_store
from . import bp


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """The staff sign-in form; throttled per account and address (SECURITY-CASES I09)."""
    target = auth.safe_next(request.values.get("next"))
    if g.get("staff") is not None:
        return redirect(target or url_for("issuer.dashboard"), 303)
    if request.method == "GET":
        return render_template("issuer/sign_in.html", next=target, error=None)
    username = request.form.get("username", "").strip()[:100]
    password = request.form.get("password", "")[:200]
    wait = auth.retry_after(username)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        error = ngettext(
            "Too many failed attempts. Try again in %(num)d minute.",
            "Too many failed attempts. Try again in %(num)d minutes.",
            minutes,
        )
        page = render_template("issuer/sign_in.html", next=target, error=error, username=username)
        return page, 429, {"Retry-After": str(math.ceil(wait))}
    account = auth.authenticate(username, password) if username and password else None
    if account is None:
        error = _("The user name or password is wrong.")
        page = render_template("issuer/sign_in.html", next=target, error=error, username=username)
        return page, 401
    auth.sign_in(account)
    return redirect(target or url_for("issuer.dashboard"), 303)


@bp.post("/sign-out")
def sign_out() -> Any:
    """End the session (POST with CSRF token, so no other site can sign staff out)."""
    auth.sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("issuer.sign_in"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@auth.login_required
def change_password() -> Any:
    """Change one's own password; every session of the account ends."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        account = staff_store.get_staff(store.get_db(), g.staff["id"])
        assert account is not None
        if not auth.passwords().check(account["password_hash"], current).ok:
            errors["current"] = _("This is not your current password.")
        problem = auth.password_problem(new, account["username"])
        if problem:
            errors["new"] = problem
        elif new != request.form.get("repeat", ""):
            errors["repeat"] = _("The two new passwords differ.")
        if not errors:
            hashed = auth.hash_password(new)
            staff_store.set_password(
                store.get_db(), account["id"], hashed, actor=auth.actor(), now=auth.now()
            )
            auth.sign_in(account)
            flash(_("Your password is changed. Other sessions were signed out."))
            return redirect(url_for("issuer.dashboard"), 303)
    status = 400 if errors else 200
    return render_template("issuer/password.html", errors=errors), status
