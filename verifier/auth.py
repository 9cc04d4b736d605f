"""Staff sign-in for the registry, settings and history: argon2id, server-side sessions, throttling.

Scanning, reading one's own result, asking with OpenID4VP and the VC-API stay open to whoever
reaches the verifier; what changes whom it trusts, how long it keeps data, or shows what it
verified needs a staff session. The cookie holds only a random session id whose digest lives in
the database, so signing out ends the session for good (SECURITY-CASES I06); signing in starts a
fresh cookie session (no fixation). Failed attempts are throttled per account and per address
(I09), and unknown accounts cost a hash too, so timing does not tell which user names exist.
"""

from __future__ import annotations

import functools
import secrets
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlite_utils import Database

from microcred.password import Passwords
from microcred.rate_limit import SignInLimits

from . import store
from .store import staff as staff_store

F = TypeVar("F", bound=Callable[..., Any])
MIN_PASSWORD, MAX_PASSWORD = 10, 200
# Failed sign-ins allowed per account and per address in the window below (per process).
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 30
FAILURE_WINDOW = 15 * 60
SESSION_KEY = "sid"


class StaffError(Exception):
    """An account that cannot be created as asked (taken name, weak password)."""


def init_app(app: Flask) -> None:
    """Set up the hasher, the throttles, the per-request staff lookup and `create-staff`."""
    app.extensions["verifier.passwords"] = Passwords(
        time_cost=app.config["PASSWORD_TIME_COST"],
        memory_cost=app.config["PASSWORD_MEMORY_KIB"],
        parallelism=app.config["PASSWORD_PARALLELISM"],
    )
    app.extensions["verifier.sign_in_limits"] = SignInLimits(
        ACCOUNT_FAILURES, ADDRESS_FAILURES, FAILURE_WINDOW
    )
    app.before_request(load_staff)
    app.cli.add_command(create_staff_command)


def now() -> float:
    """The app's clock (tests may inject CLOCK)."""
    clock: Callable[[], float] = current_app.config.get("CLOCK") or time.time
    return clock()


def passwords() -> Passwords:
    """The app's argon2id password hashing and checking."""
    found: Passwords = current_app.extensions["verifier.passwords"]
    return found


def password_problem(password: str, username: str) -> str | None:
    """What is wrong with a new password, in plain words, or None."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"use at most {MAX_PASSWORD} characters"
    # A short name (e.g. "hr") is in many good passwords by chance; a longer one is a weakness.
    if len(username) >= 4 and username.lower() in password.lower():
        return "do not include the user name"
    return None


def save_staff(db: Database, username: str, display_name: str, password: str) -> bool:
    """Create an account, or set the password of an existing one; True when created."""
    username = username.strip()
    if not username or len(username) > 100:
        raise StaffError("the user name must be 1 to 100 characters")
    problem = password_problem(password, username)
    if problem:
        raise StaffError(problem)
    hashed = passwords().hash(password)
    found = staff_store.find_staff(db, username)
    if found is not None:
        staff_store.set_password(db, found["id"], hashed)
        return False
    try:
        staff_store.add_staff(
            db, username=username, display_name=display_name.strip() or username,
            password_hash=hashed, now=time.time(),
        )  # fmt: skip
    except sqlite3.IntegrityError:  # another process created it between the two statements
        raise StaffError(f"the user name {username!r} is already taken") from None
    return True


def load_staff() -> None:
    """Find the signed-in staff member of this request, if any (g.staff)."""
    g.staff = None
    session_id = session.get(SESSION_KEY)
    if isinstance(session_id, str) and session_id:
        config = current_app.config
        g.staff = staff_store.session_staff(
            store.get_db(), session_id, now=now(),
            idle=config["SESSION_IDLE"], lifetime=config["SESSION_LIFETIME"],
        )  # fmt: skip


def retry_after(username: str) -> float:
    """Seconds before this account or address may try again; 0 when allowed."""
    limits: SignInLimits = current_app.extensions["verifier.sign_in_limits"]
    return limits.retry_after(username, request.remote_addr or "-")


def authenticate(username: str, password: str) -> dict[str, Any] | None:
    """The active account these credentials open (counting failures), or None."""
    db = store.get_db()
    account = staff_store.find_staff(db, username)
    active = account is not None and account["active"]
    # An unknown or disabled account costs a hash too (no user-name probing by timing).
    checked = passwords().check(account["password_hash"] if active else None, password)
    limits: SignInLimits = current_app.extensions["verifier.sign_in_limits"]
    if not checked.ok or account is None:
        limits.failed(username, request.remote_addr or "-")
        return None
    if checked.new_hash:
        staff_store.rehash_password(db, account["id"], checked.new_hash)
    limits.succeeded(username)
    return account


def sign_in(account: dict[str, Any]) -> None:
    """Start a new session for this account (the old cookie session is dropped)."""
    session.clear()
    session_id = secrets.token_urlsafe(32)
    moment = now()
    stale = moment - float(current_app.config["SESSION_LIFETIME"])
    staff_store.start_session(
        store.get_db(), session_id, account["id"], now=moment, stale_before=stale
    )
    session[SESSION_KEY] = session_id
    session.permanent = True


def sign_out() -> None:
    """End the session on the server and in the cookie."""
    session_id = session.get(SESSION_KEY)
    if isinstance(session_id, str) and session_id:
        staff_store.end_session(store.get_db(), session_id)
    session.clear()


def safe_next(target: str | None) -> str | None:
    """A same-app path to return to after sign-in, never another site (SECURITY-CASES I12)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def login_required(view: F) -> F:
    """Let signed-in staff through; send others to sign in (401 for anything but a page GET)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("staff") is None:
            if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
                return redirect(url_for("verifier.sign_in", next=request.full_path), 303)
            abort(401, description=_("Sign in as staff to do this."))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@click.command("create-staff")
@click.option("--username", prompt=True, help="Sign-in name, e.g. hr.officer")
@click.option("--name", "display_name", default="", help="Full name (default: the user name)")
@click.password_option(help=f"At least {MIN_PASSWORD} characters (asked for when not given)")
@with_appcontext
def create_staff_command(username: str, display_name: str, password: str) -> None:
    """Create a staff account, or set a new password for an existing one."""
    try:
        created = save_staff(store.get_db(), username, display_name, password)
    except StaffError as error:
        raise click.BadParameter(str(error)) from None
    click.echo(f"Staff account {username.strip()} {'created' if created else 'updated'}.")
