"""Envelope encryption for a wallet: per-user data keys, wrapped by a key-encryption key on disk.

The key-encryption key (KEK) lives in a file of its own (mode 600, outside the database), so a
copy of the database alone reveals no holder key (SECURITY-CASES J09). Each user gets a random
data key (DEK); the database keeps it only wrapped (AES-256-GCM under the KEK, bound to the user
id). Secrets such as holder private keys are sealed under the DEK, bound to the user and to a
label naming the secret, so a sealed blob copied to another user or row does not open. Deleting
a user's wrapped DEK makes every secret of that user unreadable at once.

Blob layout (all binary): version byte, 12-byte nonce, AES-GCM ciphertext with its 16-byte tag.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import secret_file
from .errors import CryptoError, InputError

__all__ = ["KEY_BYTES", "KeyVault", "load_or_create_kek"]

# AES-256: 32-byte keys for the KEK and every data key.
KEY_BYTES = 32
# 96-bit random nonces (NIST SP 800-38D §8.2.2); a fresh one for every encryption.
NONCE_BYTES = 12
_TAG_BYTES = 16
# First byte of every blob, so the format can change without guessing.
VERSION = 1
# Associated-data prefixes: a wrapped data key can never be opened as a sealed secret or back.
_WRAP_CONTEXT = b"microcred/key-vault/data-key/v1\x00"
_SEAL_CONTEXT = b"microcred/key-vault/secret/v1\x00"
# Group or other permission bits on the KEK file mean someone else could read it.
_OPEN_BITS = stat.S_IRWXG | stat.S_IRWXO


def load_or_create_kek(path: str | os.PathLike[str]) -> bytes:
    """Read the KEK file, creating it with 32 random bytes (mode 600) when it does not exist."""
    location = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if location.stat().st_mode & _OPEN_BITS:
            # A KEK others could read protects nothing: refuse to start rather than run exposed
            # (stricter than other secret files, which are tightened when read).
            raise CryptoError(
                "the key-encryption key file must be readable by its owner only (chmod 600)",
                code="kek_permissions",
            )
    key = secret_file.read_or_create(location, lambda: secrets.token_bytes(KEY_BYTES))
    if len(key) != KEY_BYTES:
        raise CryptoError("the key-encryption key file is not 32 bytes", code="kek_invalid")
    return key


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, blob: bytes, aad: bytes, what: str) -> bytes:
    if not isinstance(blob, bytes | bytearray) or len(blob) < 1 + NONCE_BYTES + _TAG_BYTES:
        raise InputError(f"{what} is truncated", code="vault_blob_truncated")
    if blob[0] != VERSION:
        raise InputError(f"{what} has an unknown format version", code="vault_blob_version")
    nonce, body = bytes(blob[1 : 1 + NONCE_BYTES]), bytes(blob[1 + NONCE_BYTES :])
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        # Wrong key, wrong owner/label, or changed bytes: indistinguishable on purpose.
        raise CryptoError(f"{what} does not open with this key", code="vault_open_failed") from None


def _owner_bytes(owner: str) -> bytes:
    if not isinstance(owner, str) or not owner or "\x00" in owner:
        raise ValueError("owner must be a non-empty string without NUL")
    return owner.encode("utf-8")


class KeyVault:
    """Wraps per-user data keys with the KEK and seals secrets under those data keys."""

    def __init__(self, kek: bytes) -> None:
        if not isinstance(kek, bytes) or len(kek) != KEY_BYTES:
            raise ValueError("the KEK must be 32 bytes")
        self._kek = kek

    def __repr__(self) -> str:
        return "KeyVault(<kek hidden>)"

    def new_data_key(self, owner: str) -> bytes:
        """A fresh data key for `owner`, returned wrapped (only the wrapped form is stored)."""
        return self._wrap(secrets.token_bytes(KEY_BYTES), owner)

    def _wrap(self, data_key: bytes, owner: str) -> bytes:
        return _encrypt(self._kek, data_key, _WRAP_CONTEXT + _owner_bytes(owner))

    def _unwrap(self, wrapped: bytes, owner: str) -> bytes:
        return _decrypt(self._kek, wrapped, _WRAP_CONTEXT + _owner_bytes(owner), "data key")

    def seal(self, wrapped: bytes, owner: str, label: str, plaintext: bytes) -> bytes:
        """Encrypt `plaintext` under the owner's data key, bound to owner and label."""
        data_key = self._unwrap(wrapped, owner)
        return _encrypt(data_key, plaintext, _seal_aad(owner, label))

    def open(self, wrapped: bytes, owner: str, label: str, sealed: bytes) -> bytes:
        """Decrypt a blob made by `seal` with the same owner and label."""
        data_key = self._unwrap(wrapped, owner)
        return _decrypt(data_key, sealed, _seal_aad(owner, label), "sealed secret")

    def rewrap(self, wrapped: bytes, owner: str, new_vault: KeyVault) -> bytes:
        """The same data key wrapped under another vault's KEK (KEK rotation)."""
        return new_vault._wrap(self._unwrap(wrapped, owner), owner)


def _seal_aad(owner: str, label: str) -> bytes:
    if not isinstance(label, str) or "\x00" in label:
        raise ValueError("label must be a string without NUL")
    return _SEAL_CONTEXT + _owner_bytes(owner) + b"\x00" + label.encode("utf-8")
