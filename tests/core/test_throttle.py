"""Sign-in backoff: free attempts, then doubling waits up to a cap."""

from __future__ import annotations

import pytest

from microcred.throttle import Backoff, throttle_key


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0.0), (4, 0.0), (5, 2.0), (6, 4.0), (10, 64.0), (20, 900.0), (10_000, 900.0)],
    ids=["none", "still-free", "first-wait", "doubles", "ten", "capped", "huge"],
)
def test_delay_grows_then_caps(failures: int, delay: float) -> None:
    assert Backoff().delay(failures) == delay


def test_blocked_until_adds_the_delay() -> None:
    assert Backoff().blocked_until(6, now=1000.0) == 1004.0


def test_key_ignores_case_of_the_account_but_not_the_address() -> None:
    assert throttle_key("Learner", "10.0.0.1") == throttle_key(" learner", "10.0.0.1")
    assert throttle_key("learner", "10.0.0.1") != throttle_key("learner", "10.0.0.2")
    assert len(throttle_key("x", "y")) == 64
