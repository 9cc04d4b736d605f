"""Accounts: registration, password checks with throttling, and server-side sessions."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_babel import gettext as _

from microcred import base64url
from microcred.throttle import Backoff, throttle_key

from .outside import get_outside
from .store import accounts as store, get_db
from .web import session_hash

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,39}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
BACKOFF = Backoff()


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: the user, or why not and how long to wait."""

    user: dict[str, Any] | None
    error: str | None = None
    wait_seconds: int = 0


def hasher() -> PasswordHasher:
    """argon2id with this app's cost settings."""
    config = current_app.config
    return PasswordHasher(
        time_cost=int(config["PASSWORD_TIME_COST"]),
        memory_cost=int(config["PASSWORD_MEMORY_KIB"]),
        parallelism=int(config["PASSWORD_PARALLELISM"]),
    )


def new_id() -> str:
    """A 128-bit random identifier (I10)."""
    return base64url.encode(secrets.token_bytes(16))


def signup_problems(username: str, password: str, confirm: str) -> dict[str, str]:
    """What is wrong with a sign-up form, field by field."""
    problems: dict[str, str] = {}
    if not USERNAME.fullmatch(username):
        problems["username"] = _("3 to 40 letters, digits, dots, dashes or underscores.")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems["password"] = _("At least %(n)d characters.", n=MIN_PASSWORD)
    elif password != confirm:
        problems["confirm"] = _("The two passwords differ.")
    return problems


def register(username: str, password: str) -> dict[str, Any] | None:
    """Create an account with its own wrapped data key; None when the name is taken."""
    user_id = new_id()
    created = store.create_user(
        get_db(),
        user_id=user_id,
        username=username,
        password_hash=hasher().hash(password),
        wrapped_dek=get_outside().vault.new_data_key(user_id),
        now=time.time(),
    )
    return store.user_by_id(get_db(), user_id) if created else None


def _password_ok(user: dict[str, Any] | None, password: str) -> bool:
    ph = hasher()
    if user is None:
        # Spend the same time as for a real account, so timing does not reveal names.
        ph.hash(password[:MAX_PASSWORD])
        return False
    try:
        ph.verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False
    if ph.check_needs_rehash(user["password_hash"]):
        store.update_password_hash(get_db(), user["id"], ph.hash(password))
    return True


def authenticate(username: str, password: str, address: str) -> SignInResult:
    """Check a password under the per-(account, address) backoff (SECURITY-CASES I09)."""
    db, now = get_db(), time.time()
    key = throttle_key(username, address)
    _failures, blocked_until = store.throttle_state(db, key)
    if blocked_until > now:
        return SignInResult(None, "throttled", int(blocked_until - now) + 1)
    user = store.user_by_name(db, username) if len(password) <= MAX_PASSWORD else None
    if not _password_ok(user, password):
        _count, blocked_until = store.record_failure(db, key, now=now, delay_for=BACKOFF.delay)
        return SignInResult(None, "wrong", max(0, int(blocked_until - now)))
    store.clear_failures(db, key)
    return SignInResult(user)


def start_session(user: dict[str, Any]) -> None:
    """Begin a fresh session (new id, old cookie content dropped: no fixation, I06)."""
    end_session()
    session_id = base64url.encode(secrets.token_bytes(32))
    now = time.time()
    lifetime = float(current_app.config["SESSION_LIFETIME"])
    store.create_session(
        get_db(), session_hash(session_id), user["id"], now=now, expires_at=now + lifetime
    )
    session["sid"] = session_id


def end_session() -> None:
    """End the current session server-side and clear the cookie (sign-out really signs out)."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        store.delete_session(get_db(), session_hash(session_id))
    session.clear()
