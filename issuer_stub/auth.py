"""Staff sign-in: argon2 password hashes, server-side sessions, throttling and view guards.

The session cookie holds only a random session id (and Flask-WTF's CSRF token); the session
itself lives in the database, so signing out or disabling an account ends it for good
(SECURITY-CASES I06). Signing in starts a fresh cookie session (no fixation). Failed attempts
are throttled per account and per address (I09); unknown accounts cost a hash too, so timing
does not reveal which user names exist.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from microcred.password import Passwords
from microcred.rate_limit import SignInLimits

from . import store
from .store import staff as staff_store

F = TypeVar("F", bound=Callable[..., Any])
MIN_PASSWORD = 10
# Failed sign-ins allowed per account and per address in the window below.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 30
FAILURE_WINDOW = 15 * 60


def init_app(app: Flask) -> None:
    """Set up the password hasher, the throttles and the per-request staff lookup."""
    app.extensions["issuer_passwords"] = Passwords(
        time_cost=app.config["PASSWORD_TIME_COST"],
        memory_cost=app.config["PASSWORD_MEMORY_KIB"],
        parallelism=app.config["PASSWORD_PARALLELISM"],
    )
    app.extensions["issuer_sign_in_limits"] = SignInLimits(
        ACCOUNT_FAILURES, ADDRESS_FAILURES, FAILURE_WINDOW
    )
    app.before_request(load_staff)


def now() -> float:
    """The app's clock (tests may inject one)."""
    clock: Callable[[], float] = current_app.config.get("CLOCK") or time.time
    return clock()


def passwords() -> Passwords:
    """The app's argon2id password hashing and checking."""
    found: Passwords = current_app.extensions["issuer_passwords"]
    return found


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return passwords().hash(password)


def password_problem(password: str, username: str) -> str | None:
    """What is wrong with a new password, in plain words, or None."""
    if len(password) < MIN_PASSWORD:
        return _("use at least %(n)d characters", n=MIN_PASSWORD)
    if len(password) > 200:
        return _("use at most %(n)d characters", n=200)
    if username and username.lower() in password.lower():
        return _("do not include the user name")
    return None


def load_staff() -> None:
    """Find the signed-in staff member of this request, if any (g.staff)."""
    g.staff = None
    session_id = session.get("sid")
    if isinstance(session_id, str) and session_id:
        g.staff = staff_store.session_staff(
            store.get_db(),
            session_id,
            now=now(),
            idle=current_app.config["SESSION_IDLE"],
            lifetime=current_app.config["SESSION_LIFETIME"],
        )


def actor() -> str:
    """Who is acting, as the audit log names them."""
    return str(g.staff["username"]) if g.get("staff") else "anonymous"


def retry_after(username: str) -> float:
    """Seconds before this account or address may try again; 0 when allowed."""
    limits: SignInLimits = current_app.extensions["issuer_sign_in_limits"]
    return limits.retry_after(username, request.remote_addr or "-")


def authenticate(username: str, password: str) -> dict[str, Any] | None:
    """The active account these credentials open (counting failures), or None."""
    db = store.get_db()
    account = staff_store.find_staff(db, username)
    active = account is not None and account["active"]
    # An unknown or disabled account costs a hash too (no user-name probing by timing).
    checked = passwords().check(account["password_hash"] if active else None, password)
    limits: SignInLimits = current_app.extensions["issuer_sign_in_limits"]
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
    staff_store.start_session(
        store.get_db(), session_id, account["id"], actor=account["username"], now=now()
    )
    session["sid"] = session_id
    session.permanent = True


def sign_out() -> None:
    """End the session on the server and in the cookie."""
    session_id = session.get("sid")
    if isinstance(session_id, str) and session_id:
        staff_store.end_session(store.get_db(), session_id, actor=actor(), now=now())
    session.clear()


def safe_next(target: str | None) -> str | None:
    """A same-app path to return to after sign-in, never another site (SECURITY-CASES I12)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def login_required(view: F) -> F:
    """Let signed-in staff through; send others to sign in (or 401 for non-GET requests)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("staff") is None:
            if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
                return redirect(url_for("issuer.sign_in", next=request.full_path), 303)
            abort(401)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Like login_required, and the staff member must be an administrator."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("staff") is not None and not g.staff["is_admin"]:
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]
