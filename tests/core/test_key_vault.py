"""Envelope encryption: a KEK file outside the database, per-user data keys, sealed secrets."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from microcred.errors import CryptoError, InputError
from microcred.key_vault import KEY_BYTES, KeyVault, load_or_create_kek

SECRET = b'{"kty":"OKP","crv":"Ed25519","d":"private"}'


@pytest.fixture
def vault() -> KeyVault:
    return KeyVault(bytes(range(32)))


def test_kek_file_is_created_once_with_mode_600(tmp_path: Path) -> None:
    path = tmp_path / "kek"
    first = load_or_create_kek(path)
    assert len(first) == KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_kek(path) == first


def test_kek_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kek"
    load_or_create_kek(path)
    os.chmod(path, 0o640)
    with pytest.raises(CryptoError) as caught:
        load_or_create_kek(path)
    assert caught.value.code == "kek_permissions"


def test_kek_file_of_wrong_length_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kek"
    path.write_bytes(b"short")
    os.chmod(path, 0o600)
    with pytest.raises(CryptoError) as caught:
        load_or_create_kek(path)
    assert caught.value.code == "kek_invalid"


def test_seal_and_open(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = vault.seal(wrapped, "user-1", "holder-key:k1", SECRET)
    assert SECRET not in sealed
    assert vault.open(wrapped, "user-1", "holder-key:k1", sealed) == SECRET


def test_each_user_gets_a_different_data_key(vault: KeyVault) -> None:
    one, two = vault.new_data_key("user-1"), vault.new_data_key("user-2")
    sealed = vault.seal(one, "user-1", "label", SECRET)
    with pytest.raises(CryptoError):
        vault.open(two, "user-1", "label", sealed)


@pytest.mark.parametrize(
    ("owner", "label"),
    [("user-2", "holder-key:k1"), ("user-1", "holder-key:k2")],
    ids=["other-owner", "other-label"],
)
def test_sealed_blob_is_bound_to_owner_and_label(vault: KeyVault, owner: str, label: str) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = vault.seal(wrapped, "user-1", "holder-key:k1", SECRET)
    with pytest.raises(CryptoError) as caught:
        vault.open(wrapped, owner, label, sealed)
    assert caught.value.code == "vault_open_failed"


def test_another_kek_opens_nothing(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = vault.seal(wrapped, "user-1", "label", SECRET)
    with pytest.raises(CryptoError):
        KeyVault(bytes(32)).open(wrapped, "user-1", "label", sealed)


def test_wrapped_data_key_cannot_be_opened_as_a_secret(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    with pytest.raises(CryptoError):
        vault.open(wrapped, "user-1", "", wrapped)


@pytest.mark.parametrize("position", [0, 5, 20, -1], ids=["version", "nonce", "body", "tag"])
def test_changed_byte_is_refused(vault: KeyVault, position: int) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = bytearray(vault.seal(wrapped, "user-1", "label", SECRET))
    sealed[position] ^= 0x01
    with pytest.raises((CryptoError, InputError)):
        vault.open(wrapped, "user-1", "label", bytes(sealed))


def test_truncated_blob_is_refused(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    with pytest.raises(InputError) as caught:
        vault.open(wrapped, "user-1", "label", b"\x01" + bytes(10))
    assert caught.value.code == "vault_blob_truncated"


def test_unknown_version_is_refused(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = b"\x02" + vault.seal(wrapped, "user-1", "label", SECRET)[1:]
    with pytest.raises(InputError) as caught:
        vault.open(wrapped, "user-1", "label", sealed)
    assert caught.value.code == "vault_blob_version"


def test_rewrap_moves_a_data_key_to_a_new_kek(vault: KeyVault) -> None:
    wrapped = vault.new_data_key("user-1")
    sealed = vault.seal(wrapped, "user-1", "label", SECRET)
    new_vault = KeyVault(bytes(reversed(range(32))))
    rewrapped = vault.rewrap(wrapped, "user-1", new_vault)
    assert new_vault.open(rewrapped, "user-1", "label", sealed) == SECRET


def test_repr_hides_the_kek(vault: KeyVault) -> None:
    assert "hidden" in repr(vault)
    assert bytes(range(32)).hex() not in repr(vault)


@pytest.mark.parametrize("kek", [b"", bytes(31), bytes(33)], ids=["empty", "31", "33"])
def test_kek_must_be_32_bytes(kek: bytes) -> None:
    with pytest.raises(ValueError):
        KeyVault(kek)


def test_owner_must_be_named(vault: KeyVault) -> None:
    with pytest.raises(ValueError):
        vault.new_data_key("")
