"""A small in-memory rate limiter: at most `limit` events per key in a sliding window.

Used against online guessing (sign-in passwords, transaction codes: SECURITY-CASES I09, G02)
and floods of protocol requests (I11). Per process and thread-safe; memory is bounded by
`max_keys` (the oldest keys are forgotten first, which only ever makes it more lenient).
`SignInLimits` pairs two of them for staff sign-in: failures per account and per address.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

# Distinct keys remembered at once (an address or an account name each).
DEFAULT_MAX_KEYS = 10_000


class RateLimit:
    """Counts events per key in a sliding window of `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("limit, window and max_keys must be positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            events = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may act again; 0 when it is not limited."""
        now = self._clock()
        with self._lock:
            events = self._recent(key, now)
            if len(events) < self.limit:
                return 0.0
            return max(events[0] + self.window - now, 0.001)

    def hit(self, key: str) -> None:
        """Record one event for `key`."""
        now = self._clock()
        with self._lock:
            events = self._recent(key, now)
            events.append(now)
            self._events[key] = events
            self._events.move_to_end(key)
            while len(self._events) > self._max_keys:
                self._events.popitem(last=False)

    def reset(self, key: str) -> None:
        """Forget the events of `key` (e.g. after a successful sign-in)."""
        with self._lock:
            self._events.pop(key, None)


class SignInLimits:
    """Failed sign-ins allowed per account and per address in one sliding window (I09).

    The per-account limit stops guessing one account's password from many addresses; the
    per-address one stops one address from trying a password on many accounts. Account names
    count case-insensitively, as the apps look them up.
    """

    def __init__(
        self,
        per_account: int,
        per_address: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = RateLimit(per_account, window, clock=clock)
        self._addresses = RateLimit(per_address, window, clock=clock)

    def retry_after(self, account: str, address: str) -> float:
        """Seconds before this account or address may try again; 0 when allowed."""
        return max(
            self._accounts.retry_after(account.lower()), self._addresses.retry_after(address)
        )

    def failed(self, account: str, address: str) -> None:
        """Count a failed sign-in against the account and the address."""
        self._accounts.hit(account.lower())
        self._addresses.hit(address)

    def succeeded(self, account: str) -> None:
        """Forget the account's failures (not the address's: a sprayer's own account would)."""
        self._accounts.reset(account.lower())
