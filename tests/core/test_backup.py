"""The encrypted backup file: versioned header, tag checked first, bounded work, strict content."""

from __future__ import annotations

import struct
import zlib

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from microcred import backup
from microcred.errors import CryptoError, InputError, MicrocredError, PayloadTooLarge

FAST = backup.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
PASS = "correct horse battery"
DOC = {"type": "test", "items": list(range(10)), "name": "Nguyễn"}


def sealed() -> bytes:
    return backup.seal_backup(DOC, PASS, params=FAST)


def test_round_trip() -> None:
    data = sealed()
    assert data.startswith(b"MCWX\x01\x01")
    assert backup.open_backup(data, PASS) == DOC


def test_each_file_has_its_own_salt_and_nonce() -> None:
    assert sealed()[: backup.HEADER_BYTES] != sealed()[: backup.HEADER_BYTES]


def test_plaintext_does_not_appear_in_the_file() -> None:
    assert "Nguyễn".encode() not in sealed()


def corrupt(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: backup.open_backup(d, "wrong passphrase!"), "backup_auth_failed"),
        (lambda d: backup.open_backup(corrupt(d, len(d) - 1), PASS), "backup_auth_failed"),
        (
            lambda d: backup.open_backup(corrupt(d, backup.HEADER_BYTES + 3), PASS),
            "backup_auth_failed",
        ),
        (lambda d: backup.open_backup(corrupt(d, 20), PASS), "backup_auth_failed"),  # salt
        (lambda d: backup.open_backup(d[:-5], PASS), "backup_auth_failed"),
        (lambda d: backup.open_backup(d + b"extra", PASS), "backup_auth_failed"),
        (lambda d: backup.open_backup(d[:30], PASS), "backup_truncated"),
        (lambda d: backup.open_backup(b"PK\x03\x04" + d[4:], PASS), "backup_not_a_backup"),
        (lambda d: backup.open_backup(b"", PASS), "backup_not_a_backup"),
        (lambda d: backup.open_backup(d[:4] + b"\x02" + d[5:], PASS), "backup_version"),
        (lambda d: backup.open_backup(d[:5] + b"\x09" + d[6:], PASS), "backup_params"),
    ],
    ids=[
        "wrong-passphrase",
        "tag-changed",
        "body-changed",
        "salt-changed",
        "truncated-body",
        "appended",
        "truncated-header",
        "not-a-backup",
        "empty",
        "future-version",
        "unknown-kdf",
    ],
)
def test_bad_files_are_refused(make: object, code: str) -> None:
    with pytest.raises(MicrocredError) as caught:
        make(sealed())  # type: ignore[operator]
    assert caught.value.code == code


def test_a_changed_cost_parameter_fails_the_tag() -> None:
    data = sealed()
    time_cost_at = 6
    changed = data[:time_cost_at] + b"\x02" + data[time_cost_at + 1 :]
    with pytest.raises(CryptoError):
        backup.open_backup(changed, PASS)


@pytest.mark.parametrize(
    "params",
    [(0, 1024, 1), (11, 1024, 1), (1, 1023, 1), (1, 2_000_000, 1), (1, 1024, 0), (1, 1024, 200)],
    ids=["t0", "t11", "m-small", "m-huge", "p0", "p-huge"],
)
def test_header_asking_for_absurd_work_is_refused_before_any_kdf(params: tuple[int, ...]) -> None:
    data = sealed()
    header = bytearray(data[: backup.HEADER_BYTES])
    struct.pack_into(">BIB", header, 6, *params)
    with pytest.raises(InputError) as caught:
        backup.open_backup(bytes(header) + data[backup.HEADER_BYTES :], PASS)
    assert caught.value.code == "backup_params"


@pytest.mark.parametrize(
    "params",
    [(3, 1_048_576, 4), (10, 65_536, 4), (3, 65_536, 16), (3, 65_537, 4)],
    ids=["1-gib", "ten-passes", "sixteen-lanes", "one-kib-over"],
)
def test_header_above_the_wallets_own_setting_is_refused_before_any_kdf(
    params: tuple[int, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sealed()
    header = bytearray(data[: backup.HEADER_BYTES])
    struct.pack_into(">BIB", header, 6, *params)
    derived: list[bytes] = []
    monkeypatch.setattr(backup, "_key", lambda *args: derived.append(b"") or bytes(32))
    with pytest.raises(InputError) as caught:
        backup.open_backup(bytes(header) + data[backup.HEADER_BYTES :], PASS)
    assert caught.value.code == "backup_params" and derived == []
    assert "this wallet allows at most 64 MiB, 3 passes and 4 lanes" in caught.value.message


def test_the_default_setting_opens_and_a_wider_limit_admits_more() -> None:
    strong = backup.KdfParams(time_cost=1, memory_kib=131_072, parallelism=1)
    data = backup.seal_backup(DOC, PASS, params=strong)
    with pytest.raises(InputError, match="128 MiB"):
        backup.open_backup(data, PASS)
    limit = backup.DEFAULT_KDF.widest(strong)
    assert limit == backup.KdfParams(3, 131_072, 4)
    assert backup.open_backup(data, PASS, limit=limit) == DOC


def test_short_passphrase_is_refused_when_sealing() -> None:
    with pytest.raises(InputError) as caught:
        backup.seal_backup(DOC, "short", params=FAST)
    assert caught.value.code == "backup_passphrase_short"


def _container(plaintext: bytes) -> bytes:
    """A well-encrypted file around any plaintext (what a forger with the passphrase makes)."""
    salt, nonce = bytes(16), bytes(12)
    header = backup._HEADER.pack(backup.MAGIC, 1, 1, 1, 1024, 1, salt, nonce)
    key = backup._key(PASS, salt, FAST)
    return header + AESGCM(key).encrypt(nonce, plaintext, header)


@pytest.mark.parametrize(
    ("plaintext", "error", "code"),
    [
        (b"not zlib", InputError, "backup_damaged"),
        (zlib.compress(b'{"a":1}') + b"junk", InputError, "backup_damaged"),
        (zlib.compress(b'{"a":1}')[:-3], InputError, "backup_damaged"),
        (zlib.compress(b"[1, 2]"), InputError, "malformed_json"),
        (zlib.compress(b'{"a":1,"a":2}'), InputError, "malformed_json"),
    ],
    ids=["not-compressed", "trailing-garbage", "cut-stream", "not-object", "duplicate-key"],
)
def test_content_is_checked_strictly(plaintext: bytes, error: type, code: str) -> None:
    with pytest.raises(error) as caught:
        backup.open_backup(_container(plaintext), PASS)
    assert caught.value.code == code


def test_inflation_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "MAX_PLAINTEXT_BYTES", 10_000)
    bomb = zlib.compress(b'{"a":"' + b"x" * 1_000_000 + b'"}')
    with pytest.raises(PayloadTooLarge):
        backup.open_backup(_container(bomb), PASS)
