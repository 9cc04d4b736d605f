"""Strict compact JWS/JWT: algorithm allow-list, `typ` checks, no `crit`, `b64` or `zip`."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from . import base64url, strictjson
from .errors import (
    AlgorithmNotAllowed,
    Expired,
    InputError,
    NotYetValid,
    PayloadTooLarge,
    TokenError,
)
from .keys import SUPPORTED_ALGS, PrivateKey, PublicKey

# A micro-credential JWT is ~6 KB; anything far bigger is refused before any decoding.
MAX_TOKEN_BYTES = 256_000
# Protected headers up to this size (alg, typ, kid: a few dozen bytes) have their decoding cached.
MAX_CACHED_HEADER_CHARS = 512
# Clock skew tolerated on exp/nbf/iat.
DEFAULT_LEEWAY = 60
# Largest time value accepted (year 2286): bounds absurd numbers like 1e309 or 10**4000.
_MAX_TIME = 10_000_000_000

KeyLookup = Callable[[dict[str, Any], dict[str, Any]], PublicKey]


@dataclass(frozen=True)
class JWS:
    """A parsed compact JWS: protected header, JSON payload and the signed bytes."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def sign(
    payload: dict[str, Any],
    key: PrivateKey,
    *,
    typ: str,
    kid: str | None = None,
    header: dict[str, Any] | None = None,
) -> str:
    """Sign a JSON object as a compact JWS with this key's algorithm."""
    protected: dict[str, Any] = {"alg": key.alg, "typ": typ}
    if kid is not None:
        protected["kid"] = kid
    if header:
        protected.update(header)
    signing_input = (
        base64url.encode(strictjson.dumps(protected).encode())
        + "."
        + base64url.encode(strictjson.dumps(payload).encode())
    )
    return signing_input + "." + base64url.encode(key.sign(signing_input.encode("ascii")))


def parse(
    token: Any,
    *,
    typ: str | Collection[str] | None = None,
    algs: Collection[str] = SUPPORTED_ALGS,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> JWS:
    """Parse a compact JWS and check its header rules, without checking the signature."""
    if not isinstance(token, str):
        raise InputError("a compact JWS must be text")
    if len(token) > max_bytes:
        raise PayloadTooLarge(f"token over {max_bytes} bytes")
    parts = token.split(".")
    if len(parts) != 3:
        raise InputError("a compact JWS has exactly three parts")
    header_b64, payload_b64, signature_b64 = parts
    header = _header(header_b64)
    payload = strictjson.loads_object(base64url.decode(payload_b64))
    signature = base64url.decode(signature_b64)
    _check_header(header, typ, algs)
    return JWS(header, payload, f"{header_b64}.{payload_b64}".encode("ascii"), signature)


def _header(header_b64: str) -> dict[str, Any]:
    """The decoded protected header, as a fresh dict the caller may change."""
    flat = _flat_header(header_b64) if len(header_b64) <= MAX_CACHED_HEADER_CHARS else None
    if flat is None:
        return strictjson.loads_object(base64url.decode(header_b64))
    return dict(flat)


@functools.lru_cache(maxsize=256)
def _flat_header(header_b64: str) -> tuple[tuple[str, Any], ...] | None:
    # Headers repeat: every KB-JWT of an algorithm, every token of one issuer key. Only the
    # decoding is remembered (a failure raises and is not cached), as immutable pairs, and only
    # for headers without nested members; _check_header still runs on every token.
    header = strictjson.loads_object(base64url.decode(header_b64))
    if any(isinstance(value, dict | list) for value in header.values()):
        return None
    return tuple(header.items())


def _check_header(
    header: dict[str, Any], typ: str | Collection[str] | None, algs: Collection[str]
) -> None:
    alg = header.get("alg")
    # Exact, case-sensitive match: "none", "None", "HS256" and friends are simply not in the list.
    if not isinstance(alg, str) or alg not in algs:
        raise AlgorithmNotAllowed(f"alg {str(alg)[:20]!r} is not allowed here")
    if "crit" in header:
        # No extension is understood: any crit, well-formed or not, is refused (RFC 7515 §4.1.11).
        raise TokenError("critical header extensions are not supported", code="crit_unsupported")
    if "b64" in header:
        raise TokenError("JWTs must not use the b64 header (RFC 7797 §7)", code="b64_unsupported")
    if "zip" in header:
        raise TokenError("compressed content is refused", code="zip_unsupported")
    if typ is not None:
        wanted = {typ} if isinstance(typ, str) else set(typ)
        actual = header.get("typ")
        if not isinstance(actual, str) or actual.lower() not in {t.lower() for t in wanted}:
            raise TokenError(
                f"typ {str(actual)[:40]!r} is not {' or '.join(sorted(wanted))}", code="wrong_typ"
            )


def verify(
    token: Any,
    key: PublicKey | KeyLookup,
    *,
    typ: str | Collection[str] | None = None,
    algs: Collection[str] = SUPPORTED_ALGS,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> JWS:
    """Parse a compact JWS and verify its signature with a key or a key-lookup callback."""
    jws = parse(token, typ=typ, algs=algs, max_bytes=max_bytes)
    verify_parsed(jws, key)
    return jws


def verify_parsed(jws: JWS, key: PublicKey | KeyLookup) -> PublicKey:
    """Verify the signature of an already parsed JWS; returns the key that verified it."""
    public = key if isinstance(key, PublicKey) else key(jws.header, jws.payload)
    alg = jws.header["alg"]
    if not public.accepts_alg(alg):
        raise AlgorithmNotAllowed(f"alg {alg!r} does not match the key type")
    public.verify(jws.signature, jws.signing_input)
    return public


def numeric_date(payload: dict[str, Any], claim: str, *, required: bool = False) -> float | None:
    """Read a NumericDate claim, refusing non-numbers, booleans and absurd values."""
    value = payload.get(claim)
    if value is None:
        if required or claim in payload:
            raise TokenError(f"claim {claim!r} missing or null", code="missing_claim")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenError(f"claim {claim!r} is not a number", code="invalid_claim")
    if not math.isfinite(value) or not 0 <= value <= _MAX_TIME:
        raise TokenError(f"claim {claim!r} is out of range", code="invalid_claim")
    return float(value)


def check_times(
    payload: dict[str, Any],
    *,
    now: float | None = None,
    leeway: int = DEFAULT_LEEWAY,
    require_iat: bool = False,
) -> None:
    """Check exp, nbf and iat against the clock (RFC 7519 §4.1.4-4.1.6)."""
    current = time.time() if now is None else now
    exp = numeric_date(payload, "exp")
    if exp is not None and current > exp + leeway:
        raise Expired("expired")
    nbf = numeric_date(payload, "nbf")
    if nbf is not None and current < nbf - leeway:
        raise NotYetValid("not valid yet")
    iat = numeric_date(payload, "iat", required=require_iat)
    if iat is not None and current < iat - leeway:
        raise NotYetValid("issued in the future")
