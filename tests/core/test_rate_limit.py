"""The in-memory rate limiter (SECURITY-CASES I09, G02)."""

from __future__ import annotations

import pytest

from microcred.rate_limit import RateLimit, SignInLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_events_beyond_the_limit_wait_for_the_window() -> None:
    clock = Clock()
    limit = RateLimit(3, 60, clock=clock)
    for _ in range(3):
        assert limit.retry_after("ip") == 0
        limit.hit("ip")
    assert limit.retry_after("ip") == pytest.approx(60)
    assert limit.retry_after("other") == 0
    clock.now += 30
    assert limit.retry_after("ip") == pytest.approx(30)
    clock.now += 31
    assert limit.retry_after("ip") == 0


def test_reset_forgets_a_key() -> None:
    limit = RateLimit(1, 60, clock=Clock())
    limit.hit("user")
    limit.reset("user")
    assert limit.retry_after("user") == 0


def test_memory_is_bounded() -> None:
    limit = RateLimit(1, 60, clock=Clock(), max_keys=2)
    for key in ("a", "b", "c"):
        limit.hit(key)
    assert limit.retry_after("a") == 0  # the oldest key was forgotten
    assert limit.retry_after("c") > 0


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (1, 0)], ids=["no-events", "no-window"])
def test_nonsense_settings_are_programming_errors(limit: int, window: float) -> None:
    with pytest.raises(ValueError):
        RateLimit(limit, window)


def test_sign_in_failures_count_per_account_and_per_address() -> None:
    clock = Clock()
    limits = SignInLimits(2, 3, 60, clock=clock)
    limits.failed("Admin", "10.0.0.1")
    limits.failed("admin", "10.0.0.2")  # names count case-insensitively
    assert limits.retry_after("ADMIN", "10.0.0.9") == pytest.approx(60)
    assert limits.retry_after("other", "10.0.0.1") == 0
    limits.failed("other", "10.0.0.1")
    limits.failed("third", "10.0.0.1")
    assert limits.retry_after("fresh", "10.0.0.1") == pytest.approx(60)  # the address is spent
    clock.now += 61
    assert limits.retry_after("admin", "10.0.0.1") == 0


def test_a_success_clears_the_account_not_the_address() -> None:
    limits = SignInLimits(2, 2, 60, clock=Clock())
    limits.failed("admin", "10.0.0.1")
    limits.failed("admin", "10.0.0.1")
    limits.succeeded("Admin")
    assert limits.retry_after("admin", "10.0.0.2") == 0
    assert limits.retry_after("admin", "10.0.0.1") > 0  # one's own account cannot clear a spray
