"""Random, unique status-list indices and the allowed status changes (SECURITY-CASES E18)."""

from __future__ import annotations

import itertools

import pytest

from microcred.errors import CredentialError, StatusListError
from microcred.status_index import (
    ACTIVE,
    MAX_DRAWS,
    REVOKED,
    SUSPENDED,
    check_transition,
    draw_index,
    draw_indices,
    list_capacity,
    token_value,
)


def test_draws_are_random_and_avoid_taken_indices() -> None:
    sequence = itertools.chain([5, 5, 7], itertools.repeat(9))
    assert draw_index({5}, size=16, randbelow=lambda n: next(sequence)) == 7
    drawn = {draw_index(set(), size=131_072) for _ in range(50)}
    assert len(drawn) > 45  # not sequential: issuing order does not show in the list


def test_a_nearly_full_list_is_reported() -> None:
    with pytest.raises(StatusListError) as caught:
        draw_index(set(range(15)), size=16, randbelow=lambda n: 3)
    assert caught.value.code == "status_list_full"


def test_bulk_draws_are_distinct_and_marked_taken() -> None:
    taken = {1, 2, 3}
    picked = draw_indices(100, taken, size=1024)
    assert len(set(picked)) == 100 and not set(picked) & {1, 2, 3}
    assert set(picked) <= taken  # the caller's set now holds them too


def test_bulk_draws_beyond_the_room_left_are_refused() -> None:
    with pytest.raises(StatusListError):
        draw_indices(20, set(range(10)), size=16)


@pytest.mark.parametrize(
    ("current", "wanted", "code"),
    [
        (REVOKED, ACTIVE, "status_transition_refused"),
        (REVOKED, SUSPENDED, "status_transition_refused"),
        (ACTIVE, ACTIVE, "status_unchanged"),
        (ACTIVE, "deleted", "unknown_status"),
    ],
    ids=["unrevoke", "suspend-revoked", "same", "unknown"],
)
def test_refused_transitions(current: str, wanted: str, code: str) -> None:
    with pytest.raises(CredentialError) as caught:
        check_transition(current, wanted)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(ACTIVE, SUSPENDED), (SUSPENDED, ACTIVE), (ACTIVE, REVOKED), (SUSPENDED, REVOKED)],
)
def test_allowed_transitions(current: str, wanted: str) -> None:
    check_transition(current, wanted)


def test_token_list_values() -> None:
    assert [token_value(s) for s in (ACTIVE, REVOKED, SUSPENDED)] == [0, 1, 2]


def test_a_list_takes_four_fifths_of_its_size_so_draws_stay_cheap() -> None:
    assert list_capacity(131_072) == 104_857 and list_capacity(16) == 12
    # At that fill, a draw of MAX_DRAWS random tries practically never fails.
    assert 0.8**MAX_DRAWS < 1e-6
