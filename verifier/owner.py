"""Who may read a result: the browser session that asked for it, or an API result token.

A result (and an OpenID4VP answer) is stored with the SHA-256 of a 128-bit secret; the secret
itself lives only in the owner's session cookie or in the API client's hands (SECURITY-CASES
F06: reading a result needs a second secret bound to the frontend, not just the request id).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import session

from microcred.oid4vp import new_secret

SESSION_KEY = "owner"


def digest(secret: str) -> str:
    """The stored form of an owner secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def session_owner() -> str:
    """The digest of this browser session's owner secret, creating the secret on first use."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        secret = session[SESSION_KEY] = new_secret()
    return digest(secret)


def same(stored: str, candidate: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(stored, candidate)
