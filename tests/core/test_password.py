"""Staff passwords: argon2id checks that cost the same for unknown accounts, and rehashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from microcred.password import PasswordCheck, Passwords

# The lowest costs argon2 accepts, so the tests stay fast.
CHEAP = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(**CHEAP)


@pytest.fixture
def argon2_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The argon2 computations done, in order ("hash" or "verify")."""
    done: list[str] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def hash_(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        done.append("hash")
        return real_hash(self, password, salt=salt)

    def verify(self: PasswordHasher, stored: str | bytes, password: str | bytes) -> bool:
        done.append("verify")
        return real_verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return done


def test_the_right_password_matches(passwords: Passwords) -> None:
    stored = passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert passwords.check(stored, "correct horse") == PasswordCheck(True, None)
    assert passwords.check(stored, "wrong horse") == PasswordCheck(False)


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_damaged_stored_hash_is_a_mismatch_not_an_error(
    passwords: Passwords, stored: str
) -> None:
    assert not passwords.check(stored, "anything").ok


def test_an_unknown_account_costs_one_verification_like_a_known_one(
    passwords: Passwords, argon2_work: list[str]
) -> None:
    stored = passwords.hash("correct horse")
    passwords.check(None, "first guess")  # the dummy hash is made once, on first need
    argon2_work.clear()
    assert not passwords.check(None, "guess").ok
    assert not passwords.check(stored, "guess").ok
    assert argon2_work == ["verify", "verify"]


def test_the_dummy_never_opens_even_with_its_own_secret(
    passwords: Passwords, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("microcred.password.secrets.token_urlsafe", lambda _n: "guessed")
    assert passwords.check(None, "guessed") == PasswordCheck(False)


def test_a_hash_with_older_costs_is_replaced_on_success() -> None:
    old = Passwords(**CHEAP).hash("correct horse")
    stronger = Passwords(**{**CHEAP, "time_cost": 2})
    checked = stronger.check(old, "correct horse")
    assert checked.ok and checked.new_hash is not None
    assert "t=2" in checked.new_hash
    assert stronger.check(checked.new_hash, "correct horse") == PasswordCheck(True, None)
    assert stronger.check(old, "wrong").new_hash is None  # never for a failed check
