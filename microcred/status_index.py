"""Status of issued awards: the three states, allowed changes and random list indices.

Every award gets one index into one of the issuer's status lists, drawn at random so that the
lists do not reveal the order of issuing (BSL "Privacy Considerations", TSL "Linkability") and
never reused. When a list reaches `list_capacity` the issuer opens the next one. Uniqueness is
the caller's database constraint (SECURITY-CASES E18); `draw_index` only avoids indices it
already knows to be taken.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Container

from .errors import CredentialError, StatusListError

# Entries per list: the BSL herd-privacy minimum (131,072), also the size of the token list.
LIST_SIZE = 131_072
ACTIVE = "active"
SUSPENDED = "suspended"
REVOKED = "revoked"
STATES = (ACTIVE, SUSPENDED, REVOKED)
# (from, to): revocation is final; a suspension can be lifted or turned into a revocation.
TRANSITIONS = frozenset(
    {(ACTIVE, SUSPENDED), (SUSPENDED, ACTIVE), (ACTIVE, REVOKED), (SUSPENDED, REVOKED)}
)
# Random draws before giving up: a list 90% full still succeeds with probability 1 - 0.9**64.
MAX_DRAWS = 64
# A list takes new awards until 4/5 of it is used, then the issuer opens another: at that fill
# a single draw fails with probability 0.8**64 (about 6e-7) and the used entries still hide
# among many unused ones.
FILL_NUMERATOR, FILL_DENOMINATOR = 4, 5


def list_capacity(size: int) -> int:
    """How many awards a list of `size` entries takes before a new list is opened."""
    return size * FILL_NUMERATOR // FILL_DENOMINATOR


def draw_index(
    taken: Container[int],
    *,
    size: int = LIST_SIZE,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> int:
    """A random index in [0, size) that is not in `taken` (a set, or a database-backed check)."""
    for _ in range(MAX_DRAWS):
        index = randbelow(size)
        if index not in taken:
            return index
    raise StatusListError(
        "the status list is nearly full; a new list is needed", code="status_list_full"
    )


def draw_indices(
    count: int,
    taken: set[int],
    *,
    size: int = LIST_SIZE,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> list[int]:
    """`count` distinct random free indices at once (bulk issuing), or StatusListError."""
    if count > size - len(taken):
        raise StatusListError(
            f"the status list has room for {size - len(taken)} more awards",
            code="status_list_full",
        )
    chosen: set[int] = set()
    picked: list[int] = []
    while len(picked) < count:
        index = draw_index(taken, size=size, randbelow=randbelow)
        if index not in chosen:
            chosen.add(index)
            picked.append(index)
            taken.add(index)
    return picked


def check_transition(current: str, wanted: str) -> None:
    """Raise CredentialError unless an award may move from `current` to `wanted`."""
    if wanted not in STATES:
        raise CredentialError(f"unknown status {wanted[:20]!r}", code="unknown_status")
    if current == wanted:
        raise CredentialError(f"the credential is already {current}", code="status_unchanged")
    if (current, wanted) not in TRANSITIONS:
        raise CredentialError(
            f"a {current} credential cannot become {wanted}", code="status_transition_refused"
        )


def token_value(state: str) -> int:
    """The IETF Token Status List value of a state: 0 valid, 1 invalid (revoked), 2 suspended."""
    return {ACTIVE: 0, REVOKED: 1, SUSPENDED: 2}[state]
