"""Strict unpadded base64url (RFC 7515 §2): no padding, no other alphabet, zero trailing bits."""

from __future__ import annotations

import binascii
import string

from .errors import MalformedEncoding

# base64url -> standard alphabet; the standard-only characters and padding become invalid.
_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/!!!")
_PADDING = (b"", b"", b"==", b"=")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
# Bits of the last character that a text of length % 4 == 2 or 3 leaves unused.
_SPARE_BITS = (0, 0, 0b1111, 0b11)
_VALUES = {
    c: i
    for i, c in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_")
}


def encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url text."""
    # binascii directly: base64.urlsafe_b64encode adds two Python calls (6 digests per SD-JWT).
    encoded = binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE)
    return encoded.rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """Decode unpadded base64url text, refusing anything non-canonical."""
    if not isinstance(text, str):
        raise MalformedEncoding("not unpadded base64url")
    if len(text) % 4 == 1:
        raise MalformedEncoding("impossible base64url length")
    try:
        # One translation to the standard alphabet that also turns "+", "/" and "=" into "!";
        # strict_mode then refuses every byte outside the alphabet (whitespace too). Faster
        # than a regex over a 2 KB JWT payload.
        padded = text.encode("ascii").translate(_TO_STANDARD) + _PADDING[len(text) % 4]
        data = binascii.a2b_base64(padded, strict_mode=True)
    except (UnicodeEncodeError, binascii.Error):
        raise MalformedEncoding("not unpadded base64url") from None
    # Non-zero trailing bits decode too, to the same bytes: only the canonical form is accepted.
    spare_bits = _SPARE_BITS[len(text) % 4]
    if spare_bits and _VALUES[text[-1]] & spare_bits:
        raise MalformedEncoding("non-canonical base64url")
    return data
