"""Strict unpadded base64url (RFC 7515 §2): no padding, no other alphabet, zero trailing bits."""

from __future__ import annotations

import base64
import binascii
import re
import string

from .errors import MalformedEncoding

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
_VALUES = {
    c: i
    for i, c in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_")
}


def encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """Decode unpadded base64url text, refusing anything non-canonical."""
    if not isinstance(text, str) or _ALPHABET.fullmatch(text) is None:
        raise MalformedEncoding("not unpadded base64url")
    if len(text) % 4 == 1:
        raise MalformedEncoding("impossible base64url length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedEncoding("not unpadded base64url") from None
    # Non-zero trailing bits decode too, to the same bytes: only the canonical form is accepted.
    spare_bits = {2: 0b1111, 3: 0b11}.get(len(text) % 4, 0)
    if spare_bits and _VALUES[text[-1]] & spare_bits:
        raise MalformedEncoding("non-canonical base64url")
    return data
