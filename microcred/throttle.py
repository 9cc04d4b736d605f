"""Sign-in throttling: exponential backoff per (account, client address) after a few failures.

A few mistyped passwords cost nothing; then each further failure doubles the wait, up to a cap
(SECURITY-CASES I09, ASVS 6.3.1). Keyed by account AND address, so an attacker cannot lock a
learner out from elsewhere, and one address cannot walk through many passwords of one account.
The caller stores (failures, blocked_until) per key, e.g. in its database so that the backoff
survives restarts and holds across worker processes; this module only decides. (For in-memory
sliding-window limits, see `microcred.rate_limit`.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["Backoff", "throttle_key"]


@dataclass(frozen=True)
class Backoff:
    """How many failures are free, and how the wait grows after them."""

    free_attempts: int = 5
    base_seconds: float = 2.0
    max_seconds: float = 900.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` consecutive failures (0 while still free)."""
        if failures < self.free_attempts:
            return 0.0
        # Cap the exponent first: 2**10_000 is an OverflowError as a float.
        exponent = min(failures - self.free_attempts, 32)
        return float(min(self.max_seconds, self.base_seconds * 2**exponent))

    def blocked_until(self, failures: int, now: float) -> float:
        """When the next attempt may be made after `failures` failures, as a timestamp."""
        return now + self.delay(failures)


def throttle_key(account: str, address: str) -> str:
    """A fixed-length key for (account, address); account names compare case-insensitively."""
    material = account.strip().casefold() + "\x00" + address
    return hashlib.sha256(material.encode("utf-8", errors="replace")).hexdigest()
