"""Sign up, sign in, sign out."""

from __future__ import annotations

from typing import Any

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import account
from . import bp


def safe_next(target: str | None) -> str:
    """A same-app relative path to go to after signing in, else the home page (I12)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and all(ch.isprintable() and ch not in "\\" for ch in target)
        and len(target) < 2000
    ):
        return target
    return url_for("wallet.home")


def refusal(result: account.SignInResult) -> str:
    """What the learner is told when a sign-in (or a password check) did not succeed."""
    if result.error == "throttled":
        return _("Too many attempts. Wait %(s)d seconds, then try again.", s=result.wait_seconds)
    if result.error == "busy":
        return _("The wallet is busy. Try again in a few seconds.")
    return _("Wrong name or password.")


def _signup_refused(message: str, wait: int, username: str) -> Any:
    page = render_template("wallet/signup.html", error=message, errors={}, username=username)
    return make_response(page, 429, {"Retry-After": str(wait)})


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    """Create an account, then sign in."""
    if request.method == "GET":
        return render_template("wallet/signup.html", errors={}, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    errors = account.signup_problems(username, password, request.form.get("confirm", ""))
    if errors:
        return render_template("wallet/signup.html", errors=errors, username=username), 400
    address = request.remote_addr or "-"
    wait = account.signup_wait(address)
    if wait:
        message = _("Too many new accounts from your network. Wait %(s)d seconds.", s=wait)
        return _signup_refused(message, wait, username)
    account.count_signup(address)
    try:
        user = account.register(username, password)
    except account.HashingBusy:
        message = _("The wallet is busy. Try again in a few seconds.")
        return _signup_refused(message, account.BUSY_RETRY, username)
    if user is None:
        errors["username"] = _("That name is taken; choose another.")
        return render_template("wallet/signup.html", errors=errors, username=username), 400
    account.start_session(user)
    return redirect(url_for("wallet.home"), 303)


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    """Sign in with name and password; too many failures slow down this name from this address."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        if g.user is not None:
            return redirect(safe_next(next_url), 303)
        return render_template("wallet/signin.html", error=None, username="", next=next_url)
    username = request.form.get("username", "").strip()
    result = account.authenticate(
        username, request.form.get("password", ""), request.remote_addr or "-"
    )
    if result.user is None:
        status = 401 if result.error == "wrong" else 429
        page = render_template(
            "wallet/signin.html", error=refusal(result), username=username, next=next_url
        )
        response = make_response(page, status)
        if result.wait_seconds:
            response.headers["Retry-After"] = str(result.wait_seconds)
        return response
    account.start_session(result.user)
    return redirect(safe_next(next_url), 303)


@bp.post("/signout")
def signout() -> Any:
    """Sign out and wipe what this browser kept of the wallet (offline copies included)."""
    account.end_session()
    response = redirect(url_for("wallet.signin"), 303)
    # Removes the service worker's saved card pages on a shared phone.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
