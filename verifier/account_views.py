"""Staff signing in and out."""

from __future__ import annotations

import math
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from . import auth
from .blueprint import bp


def _form(error: str | None, username: str, target: str | None, status: int) -> Any:
    page = render_template("verifier/sign_in.html", next=target, error=error, username=username)
    return page, status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """The staff sign-in form; throttled per account and address (SECURITY-CASES I09)."""
    target = auth.safe_next(request.values.get("next"))
    if g.get("staff") is not None:
        return redirect(target or url_for("verifier.history"), 303)
    if request.method == "GET":
        return _form(None, "", target, 200)
    username = request.form.get("username", "").strip()[:100]
    password = request.form.get("password", "")[: auth.MAX_PASSWORD]
    wait = auth.retry_after(username)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        error = ngettext(
            "Too many failed attempts. Try again in %(num)d minute.",
            "Too many failed attempts. Try again in %(num)d minutes.",
            minutes,
        )
        page, status = _form(error, username, target, 429)
        return page, status, {"Retry-After": str(math.ceil(wait))}
    account = auth.authenticate(username, password) if username and password else None
    if account is None:
        return _form(_("The user name or password is wrong."), username, target, 401)
    auth.sign_in(account)
    return redirect(target or url_for("verifier.history"), 303)


@bp.post("/sign-out")
def sign_out() -> Any:
    """End the session (POST with a CSRF token, so no other site can sign staff out)."""
    auth.sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("verifier.scan"), 303)
