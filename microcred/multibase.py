"""Multibase text (base58btc `z`, base64url `u`) and multicodec-prefixed public keys (Multikey)."""

from __future__ import annotations

import nacl.bindings

from . import base64url
from .errors import InvalidKey, MalformedEncoding
from .keys import PublicKey

# Bitcoin's base58 alphabet: no 0, O, I or l, so no two characters look alike.
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58_ALPHABET)}
# base58 decoding is quadratic in the length; keys and signatures need under 100 characters.
MAX_BASE58_CHARS = 4096
# Multicodec table codes (multiformats/multicodec table.csv): ed25519-pub, p256-pub, x25519-pub.
ED25519_PUB = 0xED
P256_PUB = 0x1200
X25519_PUB = 0xEC
# Raw key length per codec, from the did:key "Signature Method Creation Algorithm" table.
_KEY_LENGTHS = {ED25519_PUB: 32, P256_PUB: 33, X25519_PUB: 32}
# multiformats unsigned-varint: at most 9 bytes (63 bits), always minimally encoded.
_MAX_VARINT_BYTES = 9


def base58btc_encode(data: bytes) -> str:
    """Encode bytes as base58btc text (without the multibase prefix)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(BASE58_ALPHABET[digit])
    # Each leading zero byte is written as one "1", the alphabet's zero digit.
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc text (without the multibase prefix), refusing any other character."""
    if not isinstance(text, str):
        raise MalformedEncoding("base58btc text must be a string")
    if len(text) > MAX_BASE58_CHARS:
        raise MalformedEncoding(f"base58btc text over {MAX_BASE58_CHARS} characters")
    number = 0
    for char in text:
        value = _BASE58_INDEX.get(char)
        if value is None:
            raise MalformedEncoding("character outside the base58btc alphabet")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    """Encode bytes as multibase base58btc text (`z...`)."""
    return "z" + base58btc_encode(data)


def decode(text: str) -> bytes:
    """Decode multibase text with prefix `z` (base58btc) or `u` (unpadded base64url)."""
    if not isinstance(text, str) or not text:
        raise MalformedEncoding("empty multibase text")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        return base64url.decode(body)
    raise MalformedEncoding("unsupported multibase prefix (only 'z' and 'u')")


def encode_varint(value: int) -> bytes:
    """Encode a non-negative integer as a multiformats unsigned varint."""
    if value < 0 or value >= 1 << 63:
        raise ValueError("varint out of range")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """Decode the unsigned varint at the start of `data`; return (value, bytes used)."""
    value = 0
    for index, byte in enumerate(data[:_MAX_VARINT_BYTES]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            # A final 0x00 after other bytes is a non-minimal encoding of a shorter varint.
            if byte == 0 and index > 0:
                raise MalformedEncoding("non-minimal multicodec varint")
            return value, index + 1
    raise MalformedEncoding("truncated or oversized multicodec varint")


def key_from_multicodec(codec: int, raw: bytes) -> PublicKey:
    """Load raw public key bytes of a multicodec type, with the did:key spec's error codes."""
    if codec not in _KEY_LENGTHS:
        raise InvalidKey(f"unsupported multicodec 0x{codec:x}", code="unsupported_codec")
    # did:key "Signature Method Creation Algorithm": the length is checked before anything else.
    if len(raw) != _KEY_LENGTHS[codec]:
        raise InvalidKey(
            "public key has the wrong length for its codec", code="invalidPublicKeyLength"
        )
    if codec == X25519_PUB:
        raise InvalidKey("X25519 keys agree on keys; they cannot verify", code="unsupported_codec")
    if codec == ED25519_PUB:
        # Canonical, on the curve, not of small order: libsodium's own point check.
        if not nacl.bindings.crypto_core_ed25519_is_valid_point(raw):
            raise InvalidKey("not a valid Ed25519 point", code="invalidPublicKey")
        return PublicKey.from_ed25519_bytes(raw)
    # P-256 keys are SEC1-compressed (33 bytes, checked above) in did:key and Multikey.
    try:
        return PublicKey.from_p256_compressed(raw)
    except InvalidKey:
        raise InvalidKey("not a valid P-256 point", code="invalidPublicKey") from None


def encode_multikey(public: PublicKey) -> str:
    """Encode a public key as Multikey text: `z6Mk...` (Ed25519) or `zDn...` (P-256)."""
    codec = ED25519_PUB if public.is_ed25519 else P256_PUB
    return encode_base58btc(encode_varint(codec) + public.raw)


def decode_multikey(text: str) -> PublicKey:
    """Decode Multikey text (base58btc, multicodec prefix) to a public key."""
    # Controlled Identifiers "Multikey": publicKeyMultibase is always base58btc.
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedEncoding("Multikey text must be multibase base58btc ('z')")
    data = base58btc_decode(text[1:])
    codec, used = decode_varint(data)
    return key_from_multicodec(codec, data[used:])
