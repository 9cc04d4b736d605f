"""The in-memory rate limiter (SECURITY-CASES I09, G02)."""

from __future__ import annotations

import pytest

from microcred.rate_limit import RateLimit


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
