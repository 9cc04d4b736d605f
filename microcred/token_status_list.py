"""IETF Token Status List (draft-ietf-oauth-status-list): the list, its JWT, the `status` claim."""

from __future__ import annotations

import math
import zlib
from typing import Any, NamedTuple

from . import base64url, jose
from .errors import (
    CryptoError,
    Expired,
    InputError,
    MalformedEncoding,
    StatusListError,
    StatusUnavailable,
    TokenError,
)
from .keys import PrivateKey, PublicKey
from .status_list import inflate

# Status Types Values (TSL §7.1); 0x03 and 0x0C-0x0F are application specific, the rest reserved.
VALID = 0x00
INVALID = 0x01
SUSPENDED = 0x02
# TSL "Compressed Byte Array" step 1: bits per Referenced Token.
ALLOWED_BITS = (1, 2, 4, 8)
# Default capacity of a new list: the BSL herd-privacy minimum, reused here.
DEFAULT_ENTRIES = 131_072
# Decompression cap (E06): the spec sets none; 4 Mi entries is 4 MiB at 8 bits.
MAX_ENTRIES = 4 * 1024 * 1024
# The spec recommends the highest level; level 6 is ~12x faster for ~15% more bytes (MEASURED.md).
ZLIB_LEVEL = 6
# Media type in the JWT `typ` header (TSL "Status List Token in JWT Format"); RFC 7515 §4.1.9
# allows dropping the "application/" prefix, which is the spelling the spec uses.
TYP = "statuslist+jwt"
_TYPES = (TYP, "application/" + TYP)
# Largest idx accepted in a Referenced Token: far beyond any list, far below big-int abuse.
MAX_INDEX = 2**53


class TokenStatusRef(NamedTuple):
    """Where a Referenced Token's status lives: the list token's URI and the index in it."""

    uri: str
    idx: int


def _range_error(message: str) -> StatusListError:
    return StatusListError(message, code="range_error")


def _check_bits(bits: Any) -> int:
    # type() check: 1.0 == 1 and True == 1, and neither is a JSON integer 1.
    if type(bits) is not int or bits not in ALLOWED_BITS:
        raise StatusListError("bits must be 1, 2, 4 or 8", code="unsupported_status_size")
    return bits


class TokenStatusList:
    """A mutable Token Status List; statuses are packed from the least significant bit of a byte."""

    __slots__ = ("_bits", "_data", "_entries", "_shift", "_slot", "_mask", "iat", "exp", "ttl")

    def __init__(
        self, bits: int = 1, size: int = DEFAULT_ENTRIES, *, data: bytes | None = None
    ) -> None:
        """Create an all-VALID list of at least `size` entries, or wrap an inflated byte array."""
        self._bits = _check_bits(bits)
        if data is None:
            if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                raise StatusListError("size must be a positive integer", code="invalid_size")
            data = bytes(-(-size * self._bits // 8))
        self._data = bytearray(data)
        self._entries = len(self._data) * 8 // self._bits
        # Index -> (byte, slot): 8 // bits statuses per byte, so byte = index >> log2(8 // bits).
        self._shift = {1: 3, 2: 2, 4: 1, 8: 0}[self._bits]
        self._slot = (8 // self._bits) - 1
        self._mask = (1 << self._bits) - 1
        # Claims of the Status List Token this list came from (set by verify_status_list_token).
        self.iat: float | None = None
        self.exp: float | None = None
        self.ttl: float | None = None

    @property
    def bits(self) -> int:
        """Bits per status."""
        return self._bits

    def __len__(self) -> int:
        return self._entries

    def get(self, index: int) -> int:
        """The raw status value at an index (unknown and reserved values come back as they are)."""
        if not 0 <= index < self._entries:
            raise _range_error("index outside the status list")
        byte = self._data[index >> self._shift]
        return (byte >> ((index & self._slot) * self._bits)) & self._mask

    def set(self, index: int, value: int) -> None:
        """Set the status value at an index."""
        if not 0 <= index < self._entries:
            raise _range_error("index outside the status list")
        if isinstance(value, bool) or not 0 <= value <= self._mask:
            raise _range_error("status value does not fit in bits")
        offset = (index & self._slot) * self._bits
        position = index >> self._shift
        self._data[position] = (self._data[position] & ~(self._mask << offset) & 0xFF) | (
            value << offset
        )

    def to_bytes(self) -> bytes:
        """The uncompressed byte array."""
        return bytes(self._data)

    def encode(self, *, level: int = ZLIB_LEVEL) -> dict[str, Any]:
        """The JSON Status List: {"bits", "lst"} with lst = base64url(zlib(DEFLATE(bytes)))."""
        return {"bits": self._bits, "lst": base64url.encode(zlib.compress(self._data, level))}

    @classmethod
    def decode(cls, obj: Any, *, max_entries: int = MAX_ENTRIES) -> TokenStatusList:
        """Expand a JSON Status List, refusing lists over max_entries (checked during inflation)."""
        if not isinstance(obj, dict):
            raise StatusListError("status_list is not an object", code="status_list_malformed")
        bits = _check_bits(obj.get("bits"))
        lst = obj.get("lst")
        max_bytes = -(-max_entries * bits // 8)
        # Bound before decoding (G2): the compressed text cannot sensibly exceed the expansion.
        if not isinstance(lst, str) or len(lst) > (max_bytes + 1024) * 4 // 3 + 8:
            raise StatusListError(
                "lst is not a string of acceptable size", code="status_list_malformed"
            )
        try:
            compressed = base64url.decode(lst)
        except MalformedEncoding:
            raise StatusListError("lst is not base64url", code="status_list_malformed") from None
        data = inflate(compressed, wbits=zlib.MAX_WBITS, max_bytes=max_bytes)
        if not data:
            raise StatusListError("status list is empty", code="status_list_length_error")
        return cls(bits, data=data)


def clamp_ttl(ttl: float | None, min_ttl: float, max_ttl: float) -> float:
    """Cache lifetime from a hostile or absent ttl, kept within [min_ttl, max_ttl] (E11)."""
    if ttl is None or not math.isfinite(ttl):
        return max_ttl
    return min(max(ttl, min_ttl), max_ttl)


def sign_status_list_token(
    lst: TokenStatusList,
    key: PrivateKey,
    *,
    sub: str,
    kid: str,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
) -> str:
    """Issue a Status List Token in JWT form (typ statuslist+jwt) for the list served at `sub`."""
    payload: dict[str, Any] = {"sub": sub, "iat": iat}
    if exp is not None:
        payload["exp"] = exp
    if ttl is not None:
        payload["ttl"] = ttl
    payload["status_list"] = lst.encode()
    return jose.sign(payload, key, typ=TYP, kid=kid)


def _positive_number(payload: dict[str, Any], claim: str) -> float | None:
    value = payload.get(claim)
    if value is None and claim not in payload:
        return None
    # TSL: "ttl ... MUST be a positive number".
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 2**53:
        raise StatusListError(f"{claim} is not a positive number", code="status_list_token_invalid")
    return float(value)


def _check_list_times(payload: dict[str, Any], now: float | None) -> None:
    try:
        jose.check_times(payload, now=now, require_iat=True)
    except Expired:
        # TSL Validation Rules 4c: an expired list says nothing; a fresh copy may (E10).
        raise StatusUnavailable(
            "status list token has expired", code="status_list_expired"
        ) from None
    except TokenError as exc:
        raise StatusListError(f"status list token: {exc.message}", code=exc.code) from None


def verify_status_list_token(
    token: Any,
    key: PublicKey | jose.KeyLookup,
    *,
    expected_sub: str,
    now: float | None = None,
    max_entries: int = MAX_ENTRIES,
) -> TokenStatusList:
    """Verify a Status List Token (TSL Validation Rules 3-5) and return its decoded list."""
    try:
        jws = jose.verify(token, key, typ=_TYPES)
    except (CryptoError, TokenError, InputError) as exc:
        # E02/E20: a list that fails to verify is a status failure, not a bad credential.
        raise StatusListError(f"status list token rejected: {exc.message}", code=exc.code) from None
    payload = jws.payload
    # Rule 4a (E03): the list must be the one the Referenced Token points at, by simple comparison.
    if not isinstance(payload.get("sub"), str) or payload["sub"] != expected_sub:
        raise StatusListError(
            "status list token sub differs from the status uri", code="list_mismatch"
        )
    _check_list_times(payload, now)
    ttl = _positive_number(payload, "ttl")
    lst = TokenStatusList.decode(payload.get("status_list"), max_entries=max_entries)
    lst.iat = jose.numeric_date(payload, "iat")
    lst.exp = jose.numeric_date(payload, "exp")
    lst.ttl = ttl
    return lst


def parse_token_status_claim(status: Any) -> TokenStatusRef:
    """Read a Referenced Token's `status` claim: {"status_list": {"idx": n, "uri": "..."}}."""
    ref = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(ref, dict):
        raise StatusListError("status claim has no status_list object", code="invalid_status_claim")
    idx, uri = ref.get("idx"), ref.get("uri")
    # idx MUST be a non-negative integer: no bool, float, string or absurd magnitude.
    if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx <= MAX_INDEX:
        raise _range_error("status_list idx is not a non-negative integer")
    if not isinstance(uri, str) or not uri:
        raise StatusListError("status_list uri missing", code="invalid_status_claim")
    return TokenStatusRef(uri, idx)
