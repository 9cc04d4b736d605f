"""Sign-in backoff: free attempts, then doubling waits up to a cap; per-address windows."""

from __future__ import annotations

import pytest

from microcred.throttle import Backoff, Window, address_key, throttle_key


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


def test_a_window_allows_its_limit_then_waits_until_it_ends() -> None:
    window = Window(limit=3, seconds=60)
    count, end = 0, 0.0
    for moment in (100.0, 110.0, 120.0):
        assert window.wait(count, end, moment) == 0.0
        count, end = window.after_event(count, end, moment)
    assert (count, end) == (3, 160.0)
    assert window.wait(count, end, 130.0) == 30.0
    assert window.wait(count, end, 160.0) == 0.0
    assert window.after_event(count, end, 161.0) == (1, 221.0)


def test_a_window_needs_a_limit() -> None:
    with pytest.raises(ValueError):
        Window(limit=0, seconds=60)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("10.0.0.1", "10.0.0.2", False),
        ("::ffff:10.0.0.1", "10.0.0.1", True),
        ("fe80::1%eth0", "fe80::2", True),
        ("not-an-ip", "not-an-ip", True),
    ],
    ids=["ipv6-same-64", "ipv6-other-64", "ipv4", "mapped-ipv4", "zone", "label"],
)
def test_address_keys_count_an_ipv6_subscriber_once(one: str, other: str, same: bool) -> None:
    assert (address_key("signin", one) == address_key("signin", other)) is same
    assert address_key("signin", one) != address_key("signup", one)
