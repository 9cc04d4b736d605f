"""SD-JWT (RFC 9901): issue, parse, present and verify compact SD-JWTs with optional key binding.

Compact form: `<issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~[<KB-JWT>]`. Claim paths
name a selectively disclosable claim: object members by name, array elements by their index
in the issued array, e.g. ("address", "street") or ("nationalities", 0).
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from . import jose, key_binding
from .disclosure import (
    DEFAULT_HASH_ALG,
    HASH_ALGS,
    SD,
    SD_ALG_KEY,
    ClaimPath,
    Disclosure,
    Processed,
    blind,
    process,
    random_salt,
)
from .errors import KeyBindingError, PayloadTooLarge, SDJWTError
from .jose import JWS, KeyLookup
from .key_binding import DEFAULT_MAX_KB_AGE
from .keys import SUPPORTED_ALGS, PrivateKey, PublicKey

__all__ = [
    "SD",
    "SDJWT",
    "Disclosure",
    "Verified",
    "available_paths",
    "issue",
    "parse",
    "present",
    "verify",
]

# A presentation is a few KB; refuse anything far larger before any decoding (G2, A13).
MAX_SD_JWT_BYTES = 512_000
# Credentials here carry tens of disclosures; 100 000 of them is an attack (A13).
MAX_DISCLOSURES = 1000
# RFC 9901 §4 ABNF: base64url parts joined by "." and "~"; no whitespace, no padding.
_COMPACT_ALPHABET = (string.ascii_letters + string.digits + "_-.~").encode("ascii")

Selection = Callable[[ClaimPath], bool] | Collection[ClaimPath]


@dataclass(frozen=True)
class SDJWT:
    """A parsed compact SD-JWT or presentation; signatures are not checked yet."""

    jwt: str
    jws: JWS
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None
    hash_alg: str
    # Everything before the KB-JWT, including the last "~": the input of sd_hash (§4.3.1).
    sd_jwt: str


@dataclass(frozen=True)
class Verified:
    """A verified presentation: the processed payload and what was disclosed and bound."""

    header: dict[str, Any]
    payload: dict[str, Any]
    disclosed_paths: tuple[ClaimPath, ...]
    key_binding_verified: bool
    holder_jwk: dict[str, Any] | None


def parse(
    text: Any,
    *,
    typ: str | Collection[str] | None = None,
    algs: Collection[str] = SUPPORTED_ALGS,
) -> SDJWT:
    """Split and decode a compact SD-JWT (RFC 9901 §4, §7.1 step 1) without checking signatures."""
    if not isinstance(text, str):
        raise SDJWTError("an SD-JWT must be text", code="sd_jwt_malformed")
    # Caps first, before any split or decode (G2).
    if len(text) > MAX_SD_JWT_BYTES:
        raise PayloadTooLarge(f"SD-JWT over {MAX_SD_JWT_BYTES} bytes")
    if text.count("~") > MAX_DISCLOSURES + 1:
        raise PayloadTooLarge("too many disclosures", code="too_many_disclosures")
    if not text or not _compact(text):
        raise SDJWTError("empty, or characters outside the compact form", code="sd_jwt_malformed")
    if "~" not in text:
        raise SDJWTError("no '~' after the issuer-signed JWT", code="missing_trailing_tilde")
    jwt, *middle, last = text.split("~")
    for part in middle:
        if not part:
            raise SDJWTError("empty disclosure ('~~')", code="empty_disclosure")
        if "." in part:
            raise SDJWTError("a JWT where a disclosure belongs", code="misplaced_jwt")
    if last and "." not in last:
        raise SDJWTError("the SD-JWT does not end with '~'", code="missing_trailing_tilde")
    jws = jose.parse(jwt, typ=typ, algs=algs)
    hash_alg = _hash_alg(jws.payload)
    disclosures = tuple(Disclosure.decode(part, hash_alg) for part in middle)
    return SDJWT(jwt, jws, disclosures, last or None, hash_alg, text[: len(text) - len(last)])


def _compact(text: str) -> bool:
    """Whether every character is in the compact alphabet (a C-speed scan, 4x a regex's)."""
    try:
        return not text.encode("ascii").translate(None, _COMPACT_ALPHABET)
    except UnicodeEncodeError:
        return False


def _hash_alg(payload: dict[str, Any]) -> str:
    # RFC 9901 §4.1.1 / §7.1 step 2.4: absent means sha-256; anything unknown is refused (B09).
    alg = payload.get(SD_ALG_KEY, DEFAULT_HASH_ALG)
    if not isinstance(alg, str) or alg not in HASH_ALGS:
        raise SDJWTError("_sd_alg is not a supported hash algorithm", code="sd_alg_unsupported")
    return alg


def issue(
    claims: dict[str, Any],
    key: PrivateKey,
    *,
    typ: str,
    kid: str | None = None,
    header: dict[str, Any] | None = None,
    salt: Callable[[], str] | None = None,
    decoys: int = 0,
    hash_alg: str = DEFAULT_HASH_ALG,
) -> str:
    """Issue a compact SD-JWT: claims marked SD() become Disclosures, the rest stays plain."""
    if hash_alg not in HASH_ALGS:
        raise SDJWTError("unsupported _sd_alg", code="sd_alg_unsupported")
    if decoys < 0:
        raise ValueError("decoys must not be negative")
    payload, disclosures = blind(claims, salt=salt or random_salt, decoys=decoys, hash_alg=hash_alg)
    payload[SD_ALG_KEY] = hash_alg
    jwt = jose.sign(payload, key, typ=typ, kid=kid, header=header)
    return jwt + "~" + "".join(item.raw + "~" for item in disclosures)


def _issued(sd_jwt: str) -> tuple[SDJWT, Processed]:
    parsed = parse(sd_jwt)
    if parsed.kb_jwt is not None:
        # RFC 9901 §7.2: an issued SD-JWT never carries a KB-JWT (B18).
        raise SDJWTError("an issued SD-JWT must not carry a KB-JWT", code="kb_in_issued")
    return parsed, process(parsed.jws.payload, parsed.disclosures)


def available_paths(sd_jwt: str) -> list[ClaimPath]:
    """List the claim paths a holder can disclose in an issued SD-JWT, parents first."""
    return [path for path, _ in _issued(sd_jwt)[1].disclosed]


def present(
    sd_jwt: str,
    *,
    disclose: Selection,
    holder_key: PrivateKey | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    iat: int | None = None,
) -> str:
    """Build a presentation with the chosen Disclosures, their parents, and an optional KB-JWT.

    `disclose` is a predicate over available paths or a collection of paths; a chosen path
    also discloses every selectively disclosable claim that contains it (RFC 9901 §7.2, B20).
    """
    parsed, processed = _issued(sd_jwt)
    if callable(disclose):
        chosen = {path for path, _ in processed.disclosed if disclose(path)}
    else:
        chosen = {tuple(path) for path in disclose}
    prefixes = {path[:size] for path in chosen for size in range(1, len(path) + 1)}
    wanted = {item.digest for path, item in processed.disclosed if path in prefixes}
    text = parsed.jwt + "~" + "".join(d.raw + "~" for d in parsed.disclosures if d.digest in wanted)
    if holder_key is None:
        if nonce is not None or audience is not None:
            raise TypeError("nonce and audience need a holder_key")
        return text
    if nonce is None or audience is None:
        raise TypeError("key binding needs nonce and audience")
    bound = key_binding.holder_key(_cnf_jwk(parsed.jws.payload))
    if bound.jwk != holder_key.public_key.jwk:
        raise KeyBindingError("holder_key is not the key in cnf", code="holder_key_mismatch")
    moment = int(time.time()) if iat is None else iat
    return text + key_binding.create(
        text, holder_key, nonce=nonce, audience=audience, iat=moment, hash_alg=parsed.hash_alg
    )


def _cnf_jwk(payload: dict[str, Any]) -> dict[str, Any] | None:
    # Only the issuer's plaintext cnf counts: a disclosed one could be chosen by the holder (B08).
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    return jwk if isinstance(jwk, dict) else None


def verify(
    presentation: str,
    issuer_key: PublicKey | KeyLookup,
    *,
    typ: str | Collection[str] | None,
    require_key_binding: bool,
    nonce: str | None = None,
    audience: str | None = None,
    now: float | None = None,
    leeway: int = jose.DEFAULT_LEEWAY,
    max_kb_age: int = DEFAULT_MAX_KB_AGE,
    required_claims: Collection[str] = (),
    never_disclosable: Collection[str] = (),
) -> Verified:
    """Verify a presentation (RFC 9901 §7.1 and §7.3) and return its processed payload.

    Key binding is required by policy only (B11), and then `nonce` and `audience` must be given.
    A KB-JWT that is present is always checked (B12); `key_binding_verified` is True only when
    its nonce and audience were checked too.
    `required_claims` must be plaintext in the issuer-signed payload (B08); claims named in
    `never_disclosable` must not arrive in a Disclosure (B07).
    """
    if require_key_binding and (nonce is None or audience is None):
        raise TypeError("require_key_binding needs the expected nonce and audience")
    parsed = parse(presentation, typ=typ)
    # §7.3 steps 1-2: the policy, not the presence of a KB-JWT, decides (B11).
    if require_key_binding and parsed.kb_jwt is None:
        raise KeyBindingError("key binding is required but missing", code="key_binding_missing")
    jose.verify_parsed(parsed.jws, issuer_key)
    processed = process(parsed.jws.payload, parsed.disclosures)
    _check_claims(parsed.jws.payload, processed, required_claims, never_disclosable)
    current = time.time() if now is None else now
    # §7.1 step 6: validity from the processed payload (A19).
    jose.check_times(processed.claims, now=current, leeway=leeway)
    holder_jwk = _cnf_jwk(parsed.jws.payload)
    bound = False
    if parsed.kb_jwt is not None:
        bound = key_binding.verify(
            parsed.kb_jwt,
            holder_jwk,
            parsed.sd_jwt,
            hash_alg=parsed.hash_alg,
            nonce=nonce,
            audience=audience,
            now=current,
            leeway=leeway,
            max_kb_age=max_kb_age,
        )
    paths = tuple(path for path, _ in processed.disclosed)
    return Verified(parsed.jws.header, processed.claims, paths, bound, holder_jwk)


def _check_claims(
    signed: dict[str, Any],
    processed: Processed,
    required: Collection[str],
    never_disclosable: Collection[str],
) -> None:
    for path, _ in processed.disclosed:
        if path[0] in never_disclosable:
            raise SDJWTError(
                f"{path[0]!r} must not be disclosable", code="registered_claim_disclosed"
            )
    for name in required:
        # A claim that only a Disclosure supplies can be withheld by the holder (§9.7, B08).
        if name not in signed:
            raise SDJWTError(f"required claim {name!r} is not plaintext", code="missing_claim")
