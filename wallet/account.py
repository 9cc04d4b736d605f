"""Accounts: registration, password checks with throttling, and server-side sessions.

Limits (SECURITY-CASES I09, I11): a backoff per (account, address) against guessing one
password; a window of failed sign-ins per address across accounts against spraying one password
over many accounts; a window of sign-ups per address; and at most a few argon2 hashes at once
per process, since each takes 64 MiB (an unknown name is hashed too, so timing shows nothing).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_babel import gettext as _

from microcred import base64url
from microcred.throttle import Backoff, Window, address_key, throttle_key

from .outside import get_outside
from .store import accounts as store, get_db
from .web import session_hash

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,39}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
BACKOFF = Backoff()
# Defaults of the per-address windows (config: SIGNIN_FAILURES_PER_ADDRESS, SIGNUPS_PER_ADDRESS).
# Generous enough for a class signing up behind one school address, far below a spraying run.
FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = 15 * 60.0
SIGNUPS_PER_ADDRESS = 10
SIGNUP_WINDOW = 3600.0
# argon2 hashes running at once per process (config PASSWORD_HASH_SLOTS), and how long a request
# waits for a slot before it is told to come back.
HASH_SLOTS = 2
SLOT_WAIT = 10.0
BUSY_RETRY = 5
_slots_lock = threading.Lock()


class HashingBusy(Exception):
    """Every password-hashing slot stayed busy: the request should be retried shortly."""


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: the user, or why not and how long to wait."""

    user: dict[str, Any] | None
    error: str | None = None
    wait_seconds: int = 0


def _window(name: str, default: int, seconds: float) -> Window:
    return Window(int(current_app.config.get(name, default)), seconds)


def failure_window() -> Window:
    """Failed sign-ins allowed per address across accounts."""
    return _window("SIGNIN_FAILURES_PER_ADDRESS", FAILURES_PER_ADDRESS, FAILURE_WINDOW)


def signup_window() -> Window:
    """Sign-ups allowed per address."""
    return _window("SIGNUPS_PER_ADDRESS", SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW)


@contextmanager
def hash_slot() -> Iterator[None]:
    """Hold one of the process's argon2 slots (memory stays bounded under a flood)."""
    with _slots_lock:
        slots = current_app.extensions.get("wallet_hash_slots")
        if slots is None:
            size = int(current_app.config.get("PASSWORD_HASH_SLOTS", HASH_SLOTS))
            slots = current_app.extensions["wallet_hash_slots"] = threading.BoundedSemaphore(size)
    if not slots.acquire(timeout=SLOT_WAIT):
        raise HashingBusy
    try:
        yield
    finally:
        slots.release()


def _address_wait(key: str, window: Window, now: float) -> int:
    wait = window.wait(*store.window_state(get_db(), key), now)
    return int(wait) + 1 if wait > 0 else 0


def signup_wait(address: str) -> int:
    """Seconds this address must wait before another sign-up; 0 when it may sign up now."""
    return _address_wait(address_key("signup", address), signup_window(), time.time())


def count_signup(address: str) -> None:
    """Count a sign-up attempt from this address (each costs a password hash)."""
    store.count_event(
        get_db(),
        address_key("signup", address),
        now=time.time(),
        after_event=signup_window().after_event,
    )


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
    with hash_slot():
        password_hash = hasher().hash(password)
    created = store.create_user(
        get_db(),
        user_id=user_id,
        username=username,
        password_hash=password_hash,
        wrapped_dek=get_outside().vault.new_data_key(user_id),
        now=time.time(),
    )
    return store.user_by_id(get_db(), user_id) if created else None


def _password_ok(user: dict[str, Any] | None, password: str) -> bool:
    ph = hasher()
    with hash_slot():
        if user is None:
            # Spend the same time as for a real account, so timing does not reveal names; the
            # per-address window bounds how often one address can make the wallet do this.
            ph.hash(password[:MAX_PASSWORD])
            return False
        try:
            ph.verify(user["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return False
        rehash = ph.check_needs_rehash(user["password_hash"])
        fresh = ph.hash(password) if rehash else None
    if fresh is not None:
        store.update_password_hash(get_db(), user["id"], fresh)
    return True


def _record_failure(key: str, spray_key: str, now: float) -> int:
    """Count a failed sign-in for (account, address) and for the address; seconds to wait."""
    db = get_db()
    _count, blocked_until = store.record_failure(db, key, now=now, delay_for=BACKOFF.delay)
    store.count_event(db, spray_key, now=now, after_event=failure_window().after_event)
    return max(0, int(blocked_until - now))


def authenticate(username: str, password: str, address: str) -> SignInResult:
    """Check a password under the per-(account, address) backoff and the per-address window."""
    db, now = get_db(), time.time()
    key = throttle_key(username, address)
    spray_key = address_key("signin-failures", address)
    _failures, blocked_until = store.throttle_state(db, key)
    wait = int(blocked_until - now) + 1 if blocked_until > now else 0
    wait = max(wait, _address_wait(spray_key, failure_window(), now))
    if wait:
        return SignInResult(None, "throttled", wait)  # refused before any hashing
    user = store.user_by_name(db, username) if len(password) <= MAX_PASSWORD else None
    try:
        ok = _password_ok(user, password)
    except HashingBusy:
        return SignInResult(None, "busy", BUSY_RETRY)
    if not ok:
        return SignInResult(None, "wrong", _record_failure(key, spray_key, now))
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
