"""Multibase (base58btc, base64url), unsigned varints and Multikey public keys (did:key D08)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import base64url, multibase
from microcred.errors import InvalidKey, MalformedEncoding
from microcred.keys import PrivateKey, PublicKey
from microcred.multibase import ED25519_PUB, P256_PUB, X25519_PUB

ED25519_SEED = bytes(range(32))
SECP256K1_PUB = 0xE7


def _multikey(codec: int, raw: bytes) -> str:
    return multibase.encode_base58btc(multibase.encode_varint(codec) + raw)


@pytest.fixture(scope="module")
def ed25519() -> PublicKey:
    return PrivateKey.from_ed25519_seed(ED25519_SEED).public_key


@pytest.fixture(scope="module")
def p256() -> PublicKey:
    return PrivateKey.generate("P-256").public_key


# draft-msporny-base58 examples (Bitcoin alphabet).
@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
    ],
    ids=["empty", "one-zero", "hello-world", "leading-zeros", "quick-brown-fox"],
)
def test_base58btc_known_values(data: bytes, text: str) -> None:
    assert multibase.base58btc_encode(data) == text
    assert multibase.base58btc_decode(text) == data


@pytest.mark.parametrize(
    "data",
    [b"\0\0\0", b"\0\xff", b"\xff" * 40, bytes(range(256)), b"\0\0\x01\0"],
    ids=["zeros", "zero-then-ff", "40-ff", "all-bytes", "zero-padded"],
)
def test_base58btc_round_trip_keeps_leading_zeros(data: bytes) -> None:
    assert multibase.base58btc_decode(multibase.base58btc_encode(data)) == data


@pytest.mark.parametrize(
    "text",
    ["0abc", "Oabc", "Iabc", "labc", "ab+c", "ab c", "abc\n", "ab=", "ａbc"],
    ids=[
        "zero",
        "capital-o",
        "capital-i",
        "small-l",
        "plus",
        "space",
        "newline",
        "pad",
        "fullwidth",
    ],
)
def test_base58btc_refuses_characters_outside_the_alphabet(text: str) -> None:
    with pytest.raises(MalformedEncoding):
        multibase.base58btc_decode(text)


def test_base58btc_refuses_oversized_text_and_non_strings() -> None:
    with pytest.raises(MalformedEncoding):
        multibase.base58btc_decode("2" * (multibase.MAX_BASE58_CHARS + 1))
    bad: Any = b"abc"
    with pytest.raises(MalformedEncoding):
        multibase.base58btc_decode(bad)


def test_decode_supports_z_and_u_prefixes() -> None:
    data = b"\0status list\xff"
    assert multibase.decode(multibase.encode_base58btc(data)) == data
    assert multibase.decode("u" + base64url.encode(data)) == data
    assert multibase.encode_base58btc(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"


@pytest.mark.parametrize(
    "text",
    ["", "f48656c6c6f", "U" + "SGVsbG8", "m" + "SGVsbG8", "uSGVsbG8=", "u+/8", "z0"],
    ids=["empty", "base16", "base64url-pad-prefix", "base64", "padded", "std-alphabet", "bad-b58"],
)
def test_decode_refuses_other_bases_and_bad_text(text: str) -> None:
    with pytest.raises(MalformedEncoding):
        multibase.decode(text)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, b"\0"), (0x7F, b"\x7f"), (ED25519_PUB, b"\xed\x01"), (P256_PUB, b"\x80\x24")],
    ids=["zero", "one-byte-max", "ed25519-pub", "p256-pub"],
)
def test_varint_matches_multicodec_prefixes(value: int, encoded: bytes) -> None:
    assert multibase.encode_varint(value) == encoded
    assert multibase.decode_varint(encoded + b"rest") == (value, len(encoded))


@pytest.mark.parametrize(
    "data",
    [b"", b"\xed", b"\xed\x81\x00", b"\x80\x00", b"\xff" * 9 + b"\x01"],
    ids=["empty", "truncated", "non-minimal-3-bytes", "non-minimal-zero", "over-9-bytes"],
)
def test_varint_refuses_truncated_non_minimal_and_oversized(data: bytes) -> None:
    with pytest.raises(MalformedEncoding):
        multibase.decode_varint(data)


def test_multikey_prefixes_and_round_trip(ed25519: PublicKey, p256: PublicKey) -> None:
    ed_text, p256_text = multibase.encode_multikey(ed25519), multibase.encode_multikey(p256)
    assert ed_text.startswith("z6Mk")
    assert p256_text.startswith("zDn")
    assert multibase.decode_multikey(ed_text) == ed25519
    assert multibase.decode_multikey(p256_text) == p256


def _p256_raw() -> bytes:
    return PrivateKey.generate("P-256").public_key.raw


# D08 (did:key "Decode Public Key Algorithm"): codec, then length, then the point itself.
@pytest.mark.parametrize(
    ("codec", "raw", "code"),
    [
        (SECP256K1_PUB, b"\x02" + bytes(range(32)), "unsupported_codec"),
        (0x1201, b"\x02" + bytes(48), "unsupported_codec"),
        (X25519_PUB, bytes(range(32)), "unsupported_codec"),
        (ED25519_PUB, bytes(range(31)), "invalidPublicKeyLength"),
        (ED25519_PUB, bytes(range(33)), "invalidPublicKeyLength"),
        (ED25519_PUB, b"", "invalidPublicKeyLength"),
        (P256_PUB, b"\x04" + bytes(64), "invalidPublicKeyLength"),
        (P256_PUB, b"\x02" + bytes(31), "invalidPublicKeyLength"),
        (ED25519_PUB, b"\x01" + bytes(31), "invalidPublicKey"),
        (ED25519_PUB, b"\x02" + bytes(31), "invalidPublicKey"),
        (ED25519_PUB, b"\xff" * 31 + b"\x7f", "invalidPublicKey"),
        (P256_PUB, b"\x02" + (1).to_bytes(32, "big"), "invalidPublicKey"),
        (P256_PUB, b"\x05" + bytes(range(32)), "invalidPublicKey"),
    ],
    ids=[
        "secp256k1",
        "p384",
        "x25519",
        "ed25519-31-bytes",
        "ed25519-33-bytes",
        "ed25519-empty",
        "p256-uncompressed",
        "p256-32-bytes",
        "ed25519-small-order",
        "ed25519-off-curve",
        "ed25519-non-canonical",
        "p256-off-curve",
        "p256-bad-prefix",
    ],
)
def test_decode_multikey_refuses_bad_keys(codec: int, raw: bytes, code: str) -> None:
    with pytest.raises(InvalidKey) as excinfo:
        multibase.decode_multikey(_multikey(codec, raw))
    assert excinfo.value.code == code


def test_decode_multikey_accepts_a_valid_compressed_p256_key() -> None:
    raw = _p256_raw()
    assert multibase.decode_multikey(_multikey(P256_PUB, raw)).raw == raw


@pytest.mark.parametrize(
    "text",
    ["", "u7QE", "6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "z", "z0OIl"],
    ids=["empty", "base64url", "no-prefix", "no-bytes", "bad-base58"],
)
def test_decode_multikey_refuses_non_base58btc_text(text: str) -> None:
    with pytest.raises(MalformedEncoding):
        multibase.decode_multikey(text)


def test_decode_multikey_refuses_non_minimal_codec_varint(ed25519: PublicKey) -> None:
    text = multibase.encode_base58btc(b"\xed\x81\x00" + ed25519.raw)
    with pytest.raises(MalformedEncoding):
        multibase.decode_multikey(text)
