"""Staff passwords: argon2id hashes, checked so that timing never tells which accounts exist.

A check of an unknown or disabled account verifies the password against a dummy hash made with
the same costs, so it takes as long as a real one and user names cannot be probed by timing
(SECURITY-CASES I09). A hash made with older costs is replaced by a fresh one at the next
successful check (the caller stores `PasswordCheck.new_hash`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["PasswordCheck", "Passwords"]


@dataclass(frozen=True)
class PasswordCheck:
    """Whether a password matched, and the hash to store instead when the costs changed."""

    ok: bool
    new_hash: str | None = None


class Passwords:
    """argon2id hashing with one app's costs, and checks that cost the same for every account."""

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=int(time_cost), memory_cost=int(memory_cost), parallelism=int(parallelism)
        )
        self._dummy: str | None = None

    def __repr__(self) -> str:
        hasher = self._hasher
        return f"Passwords(t={hasher.time_cost}, m={hasher.memory_cost}, p={hasher.parallelism})"

    def hash(self, password: str) -> str:
        """A new argon2id hash of a password (random salt, this object's costs)."""
        return self._hasher.hash(password)

    def check(self, stored: str | None, password: str) -> PasswordCheck:
        """Check a password against its stored hash; None for an unknown or disabled account."""
        try:
            if stored is None:
                # Spend the same time as for a real account; never a match.
                self._hasher.verify(self._dummy_hash(), password)
                return PasswordCheck(False)
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return PasswordCheck(False)
        fresh = self.hash(password) if self._hasher.check_needs_rehash(stored) else None
        return PasswordCheck(True, fresh)

    def _dummy_hash(self) -> str:
        # Made on first need (not in the constructor); two threads racing make two, both fine.
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_urlsafe(16))
        return self._dummy
