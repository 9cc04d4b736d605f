"""W3C Bitstring Status List v1.0 bitstrings (and StatusList2021's): capped expansion, strict index.

Entries and the list credential live in `status_list_credential`; the IETF Token Status List in
`token_status_list`, which shares `inflate` from here.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from typing import Any

from . import base64url
from .errors import MalformedEncoding, StatusListError

# BSL "Validate Algorithm" step 2: minimumNumberOfEntries (16 KB of 1-bit entries): herd privacy.
MIN_ENTRIES = 131_072
# Neither spec bounds the expanded list (SECURITY-CASES E06): 2 MiB is 16.7 M one-bit entries.
MAX_LIST_BYTES = 2 * 1024 * 1024
# GZIP level 6 is ~12% larger than level 9 but ~15x faster to build (MEASURED.md).
GZIP_LEVEL = 6
# zlib wbits selecting the GZIP container (RFC 1952) instead of the zlib one (RFC 1950).
GZIP_WBITS = 16 + zlib.MAX_WBITS
# Multi-bit entries are optional (BSL §1.3); more than a byte per entry has no use here.
MAX_STATUS_SIZE = 8
# A statusListIndex longer than this is refused before int() (no 10**30 or 4,300-digit parsing).
MAX_INDEX_DIGITS = 12

REVOCATION = "revocation"
SUSPENSION = "suspension"

# BSL §2.1: statusListIndex is "an arbitrary size integer greater than or equal to 0, expressed as a
# string in base 10"; ASCII digits only and no leading zeros, so no parser can read it differently.
_INDEX = re.compile(r"0|[1-9][0-9]*")
# StatusList2021 says "base-64"; its examples and libraries use the URL alphabet: accept either one.
_LEGACY_B64 = re.compile(r"[A-Za-z0-9_-]*={0,2}|[A-Za-z0-9+/]*={0,2}")


def _range_error(message: str) -> StatusListError:
    return StatusListError(message, code="range_error")


def _malformed(message: str) -> StatusListError:
    return StatusListError(message, code="status_list_malformed")


def parse_index(value: Any) -> int:
    """Parse a BSL statusListIndex: a non-negative base-10 string, nothing else."""
    if not isinstance(value, str) or len(value) > MAX_INDEX_DIGITS or not _INDEX.fullmatch(value):
        raise _range_error("statusListIndex is not a non-negative decimal string")
    return int(value)


def inflate(data: bytes, *, wbits: int, max_bytes: int) -> bytes:
    """Decompress one complete zlib or gzip stream, refusing output over max_bytes."""
    inflater = zlib.decompressobj(wbits=wbits)
    try:
        # Ask for one byte more than allowed: getting it proves the stream is too large, and
        # the output never exceeds max_bytes + 1 however large the bomb (E06).
        output = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise _malformed("status list is not a valid compressed stream") from None
    if len(output) > max_bytes:
        raise StatusListError(
            f"status list expands beyond {max_bytes} bytes", code="status_list_too_large"
        )
    if not inflater.eof:
        raise _malformed("status list compressed stream is truncated")
    if inflater.unused_data:
        raise _malformed("data after the end of the status list compressed stream")
    return output


def check_status_size(bits: Any) -> int:
    """Validate a statusSize (bits per entry): an integer from 1 to MAX_STATUS_SIZE."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= MAX_STATUS_SIZE:
        raise StatusListError("unsupported status size", code="unsupported_status_size")
    return bits


class Bitstring:
    """A mutable BSL bitstring; entry 0 is the left-most bit (the top bit of byte 0)."""

    __slots__ = ("_data", "_bits", "_entries")

    def __init__(
        self, size: int = MIN_ENTRIES, *, bits: int = 1, data: bytes | None = None
    ) -> None:
        """Create an all-zero bitstring of `size` bits, or wrap decoded bytes."""
        self._bits = check_status_size(bits)
        if data is None:
            if isinstance(size, bool) or not isinstance(size, int) or size <= 0 or size % 8:
                raise StatusListError("size must be a positive multiple of 8", code="invalid_size")
            data = bytes(size // 8)
        self._data = bytearray(data)
        self._entries = len(self._data) * 8 // self._bits

    @property
    def size(self) -> int:
        """Length of the bitstring in bits."""
        return len(self._data) * 8

    @property
    def bits(self) -> int:
        """Bits per entry (the entry's statusSize)."""
        return self._bits

    def __len__(self) -> int:
        return self._entries

    def get(self, index: int) -> int:
        """The status value at an entry index (RANGE_ERROR when outside the list)."""
        if not 0 <= index < self._entries:
            raise _range_error("status index outside the status list")
        if self._bits == 1:
            return (self._data[index >> 3] >> (7 - (index & 7))) & 1
        start = index * self._bits
        end = start + self._bits
        # An entry may straddle bytes: read the covering bytes big-endian, then cut the entry out.
        chunk = int.from_bytes(self._data[start >> 3 : ((end - 1) >> 3) + 1], "big")
        return (chunk >> (-end % 8)) & ((1 << self._bits) - 1)

    def set(self, index: int, value: int = 1) -> None:
        """Set the status value of an entry."""
        if not 0 <= index < self._entries:
            raise _range_error("status index outside the status list")
        if isinstance(value, bool) or not 0 <= value < (1 << self._bits):
            raise _range_error("status value does not fit the status size")
        for offset in range(self._bits):
            position = index * self._bits + offset
            mask = 0x80 >> (position & 7)
            if (value >> (self._bits - 1 - offset)) & 1:
                self._data[position >> 3] |= mask
            else:
                self._data[position >> 3] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        """Reset an entry to 0 (e.g. lift a suspension)."""
        self.set(index, 0)

    def nonzero_indices(self) -> list[int]:
        """Indices of every entry whose value is not 0, in order."""
        data = self._data
        hits = {
            (byte_no * 8 + bit) // self._bits
            for byte_no in range(len(data))
            if data[byte_no]
            for bit in range(8)
            if data[byte_no] & (0x80 >> bit)
        }
        return sorted(hits)

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._data)

    def encode(self) -> str:
        """BSL Bitstring Generation Algorithm: GZIP, then multibase base64url ('u', no padding)."""
        # mtime=0 makes the output depend on the bits only.
        return "u" + base64url.encode(gzip.compress(self._data, compresslevel=GZIP_LEVEL, mtime=0))

    @classmethod
    def decode(
        cls,
        encoded: Any,
        *,
        bits: int = 1,
        min_size: int = MIN_ENTRIES,
        max_bytes: int = MAX_LIST_BYTES,
        legacy: bool = False,
    ) -> Bitstring:
        """BSL Bitstring Expansion Algorithm with caps; min_size counts entries (spec step 9)."""
        compressed = _unbase(encoded, max_bytes=max_bytes, legacy=legacy)
        data = inflate(compressed, wbits=GZIP_WBITS, max_bytes=max_bytes)
        bitstring = cls(bits=bits, data=data)
        if len(bitstring) < min_size:
            raise StatusListError(
                f"status list holds fewer than {min_size} entries", code="status_list_length_error"
            )
        return bitstring


def _unbase(encoded: Any, *, max_bytes: int, legacy: bool) -> bytes:
    # Bound before decoding (G2): a compressed list is never much larger than its expansion.
    if not isinstance(encoded, str) or len(encoded) > (max_bytes + 1024) * 4 // 3 + 8:
        raise _malformed("encodedList is not a string of acceptable length")
    if legacy:
        # StatusList2021: plain base64 of the GZIP bytes, no multibase prefix.
        if not _LEGACY_B64.fullmatch(encoded):
            raise _malformed("encodedList is not base64")
        text = encoded.rstrip("=").replace("-", "+").replace("_", "/")
        try:
            return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise _malformed("encodedList is not base64") from None
    # BSL §2.2: Multibase base64url without padding, i.e. the prefix 'u'.
    if not encoded.startswith("u"):
        raise _malformed("encodedList is not multibase base64url ('u')")
    try:
        return base64url.decode(encoded[1:])
    except MalformedEncoding:
        raise _malformed("encodedList is not base64url") from None
