"""The encrypted backup file: a passphrase-protected container for a wallet export.

Layout (SECURITY-CASES J07; ARF Mig_05: confidentiality and integrity by password-based
encryption), all integers big-endian:

    magic "MCWX" | version 1 | kdf 1 = argon2id | time cost (1 byte) | memory KiB (4 bytes)
    | parallelism (1 byte) | salt (16 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext + tag

The whole header is the AEAD's associated data, so a changed parameter fails like a changed
byte of the body. Opening checks the header's shape, then that its KDF settings are within the
opener's limit (by default this wallet's own setting: a forged header cannot make the KDF eat a
gigabyte or run for minutes), then the GCM tag, before any plaintext is looked at; the
plaintext is zlib-compressed JSON, inflated under a hard cap (J08), then parsed strictly.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import strictjson
from .errors import CryptoError, InputError, PayloadTooLarge

__all__ = ["DEFAULT_KDF", "KdfParams", "open_backup", "seal_backup"]

MAGIC = b"MCWX"
VERSION = 1
KDF_ARGON2ID = 1
_HEADER = struct.Struct(">4sBBBIB16s12s")
HEADER_BYTES = _HEADER.size
_TAG_BYTES = 16
# Exports of thousands of credentials are tens of MB as JSON; refuse to inflate past this (J08).
MAX_PLAINTEXT_BYTES = 128_000_000
# Passphrases shorter than this are refused when sealing (they would fall to a guessing attack).
MIN_PASSPHRASE_CHARS = 10
MAX_PASSPHRASE_CHARS = 1024


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (RFC 9106); bounded so a file cannot demand absurd work."""

    time_cost: int = 3
    memory_kib: int = 65_536
    parallelism: int = 4

    def check(self) -> None:
        """Refuse parameters outside what this wallet writes or will spend time on."""
        if not (
            1 <= self.time_cost <= 10
            and 1_024 <= self.memory_kib <= 1_048_576
            and 1 <= self.parallelism <= 16
            and self.memory_kib >= 8 * self.parallelism
        ):
            raise InputError(
                "the backup's key-derivation settings are out of range", code="backup_params"
            )

    def within(self, limit: KdfParams) -> bool:
        """True when no cost parameter is above the limit's."""
        return (
            self.time_cost <= limit.time_cost
            and self.memory_kib <= limit.memory_kib
            and self.parallelism <= limit.parallelism
        )

    def widest(self, other: KdfParams) -> KdfParams:
        """The larger of each parameter of two settings (a limit that accepts both)."""
        return KdfParams(
            max(self.time_cost, other.time_cost),
            max(self.memory_kib, other.memory_kib),
            max(self.parallelism, other.parallelism),
        )


# RFC 9106 §4 second recommended option (64 MiB, t=3, p=4): ~0.13 s here. Also the most a
# backup may ask of the KDF when it is opened, unless the opener allows more.
DEFAULT_KDF = KdfParams()


def _key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _check_passphrase(passphrase: Any, *, sealing: bool) -> str:
    if not isinstance(passphrase, str) or len(passphrase) > MAX_PASSPHRASE_CHARS:
        raise InputError("the passphrase must be text", code="backup_passphrase")
    if sealing and len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise InputError(
            f"choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters",
            code="backup_passphrase_short",
        )
    return passphrase


def seal_backup(
    document: dict[str, Any],
    passphrase: str,
    *,
    params: KdfParams = DEFAULT_KDF,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """Encrypt an export document into a backup file's bytes."""
    _check_passphrase(passphrase, sealing=True)
    params.check()
    salt = secrets.token_bytes(16) if salt is None else salt
    nonce = secrets.token_bytes(12) if nonce is None else nonce
    if len(salt) != 16 or len(nonce) != 12:
        raise ValueError("salt must be 16 bytes and nonce 12 bytes")
    header = _HEADER.pack(
        MAGIC,
        VERSION,
        KDF_ARGON2ID,
        params.time_cost,
        params.memory_kib,
        params.parallelism,
        salt,
        nonce,
    )
    plaintext = zlib.compress(strictjson.dumps(document).encode("utf-8"), 6)
    return header + AESGCM(_key(passphrase, salt, params)).encrypt(nonce, plaintext, header)


def _read_header(data: bytes, limit: KdfParams) -> tuple[KdfParams, bytes, bytes]:
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise InputError("this file is not a wallet backup", code="backup_not_a_backup")
    if len(data) < HEADER_BYTES + _TAG_BYTES:
        raise InputError("the backup file is incomplete (truncated)", code="backup_truncated")
    _magic, version, kdf, time_cost, memory, parallelism, salt, nonce = _HEADER.unpack_from(data)
    if version != VERSION:
        raise InputError(f"backup format version {version} is not supported", code="backup_version")
    if kdf != KDF_ARGON2ID:
        raise InputError("the backup uses an unknown key derivation", code="backup_params")
    params = KdfParams(time_cost, memory, parallelism)
    params.check()
    if not params.within(limit):
        # Checked before any key derivation: the header is not authenticated until after it.
        raise InputError(
            f"the backup asks for {params.memory_kib // 1024} MiB of memory, "
            f"{params.time_cost} passes and {params.parallelism} lanes to open; this wallet "
            f"allows at most {limit.memory_kib // 1024} MiB, {limit.time_cost} passes and "
            f"{limit.parallelism} lanes, so the file was changed or made elsewhere",
            code="backup_params",
        )
    return params, salt, nonce


def open_backup(data: bytes, passphrase: str, *, limit: KdfParams = DEFAULT_KDF) -> dict[str, Any]:
    """Decrypt and parse a backup file; nothing is returned unless its tag verifies.

    `limit`: the most key-derivation work the file's header may ask for.
    """
    if not isinstance(data, bytes | bytearray):
        raise InputError("a backup is binary data", code="backup_not_a_backup")
    data = bytes(data)
    params, salt, nonce = _read_header(data, limit)
    _check_passphrase(passphrase, sealing=False)
    header = data[:HEADER_BYTES]
    try:
        plaintext = AESGCM(_key(passphrase, salt, params)).decrypt(
            nonce, data[HEADER_BYTES:], header
        )
    except InvalidTag:
        # Wrong passphrase, tampering and truncation of the body look the same by design.
        raise CryptoError(
            "the passphrase is wrong, or the file was changed or cut short",
            code="backup_auth_failed",
        ) from None
    return strictjson.loads_object(_inflate(plaintext), max_bytes=MAX_PLAINTEXT_BYTES)


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, MAX_PLAINTEXT_BYTES + 1)
    except zlib.error:
        raise InputError("the backup's content is damaged", code="backup_damaged") from None
    if len(out) > MAX_PLAINTEXT_BYTES or inflater.unconsumed_tail:
        raise PayloadTooLarge("the backup's content is too large", code="backup_too_large")
    if not inflater.eof or inflater.unused_data:
        raise InputError("the backup's content is damaged", code="backup_damaged")
    return out
