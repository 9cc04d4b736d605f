"""Sign-in throttling: exponential backoff per (account, client address) after a few failures.

A few mistyped passwords cost nothing; then each further failure doubles the wait, up to a cap
(SECURITY-CASES I09, ASVS 6.3.1). Keyed by account AND address, so an attacker cannot lock a
learner out from elsewhere, and one address cannot walk through many passwords of one account.
The caller stores (failures, blocked_until) per key, e.g. in its database so that the backoff
survives restarts and holds across worker processes; this module only decides. (For in-memory
sliding-window limits, see `microcred.rate_limit`.)

A `Window` caps events per client address whatever the account: failed sign-ins (one address
trying one password on many accounts, "password spraying") and sign-ups. `address_key` counts
an IPv6 client by its /64, the block one subscriber usually gets.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

__all__ = ["Backoff", "Window", "address_key", "throttle_key"]


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


@dataclass(frozen=True)
class Window:
    """At most `limit` events per key in a fixed window of `seconds` opened by the first event."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError("a window needs a positive limit and length")

    def after_event(self, count: int, window_end: float, now: float) -> tuple[int, float]:
        """(count, window end) once one more event happened at `now`."""
        if now >= window_end:
            return 1, now + self.seconds
        return count + 1, window_end

    def wait(self, count: int, window_end: float, now: float) -> float:
        """Seconds until the key may act again; 0 while it is under the limit."""
        if now >= window_end or count < self.limit:
            return 0.0
        return window_end - now


def address_key(purpose: str, address: str) -> str:
    """A fixed-length key for a per-address limit; IPv6 addresses count by their /64."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        bucket = address  # not an IP (a test client, a proxy's label): counted as it is
    else:
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        if mapped is not None:
            bucket = str(mapped)
        elif isinstance(ip, ipaddress.IPv6Address):
            bucket = str(ipaddress.IPv6Network((ip, 64), strict=False))
        else:
            bucket = str(ip)
    material = purpose + "\x00" + bucket
    return hashlib.sha256(material.encode("utf-8", errors="replace")).hexdigest()
