"""SD-JWT Disclosures (RFC 9901 §4.2): the SD marker, digests, blinding and unblinding claims."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import base64url, strictjson
from .errors import InputError, PayloadTooLarge, SDJWTError

# RFC 9901 §4.1.1 names (IANA Named Information registry), full-length SHA-2 only: truncated
# digests such as sha-256-32 and broken ones such as md5 are refused (§9.4).
HASH_ALGS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
DEFAULT_HASH_ALG = "sha-256"
SD_KEY = "_sd"
ARRAY_KEY = "..."
SD_ALG_KEY = "_sd_alg"
# Names a Disclosure may never carry (§7.1 step 3.c.ii.2; `_sd_alg` belongs to the top level only).
RESERVED_NAMES = frozenset({SD_KEY, ARRAY_KEY, SD_ALG_KEY})
# 128 random bits per salt and per decoy (RFC 9901 §9.3).
SALT_BYTES = 16
# Deepest claim nesting handled; real credentials nest a handful of levels.
MAX_DEPTH = 64

ClaimPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SD:
    """Marks an object member's value or an array element as selectively disclosable."""

    value: Any


@dataclass(frozen=True)
class Disclosure:
    """One Disclosure: base64url text, salt, claim name (None for array elements), value, digest."""

    raw: str
    salt: str
    name: str | None
    value: Any
    digest: str

    @classmethod
    def create(cls, salt: str, name: str | None, value: Any, hash_alg: str) -> Disclosure:
        """Encode a new Disclosure (RFC 9901 §4.2.1-4.2.2)."""
        item = [salt, value] if name is None else [salt, name, value]
        raw = base64url.encode(strictjson.dumps(item).encode("utf-8"))
        return cls(raw, salt, name, value, digest(raw, hash_alg))

    @classmethod
    def decode(cls, raw: str, hash_alg: str) -> Disclosure:
        """Decode and check one received Disclosure (RFC 9901 §7.1 step 3, B04/B05)."""
        try:
            item = strictjson.loads(base64url.decode(raw))
        except PayloadTooLarge:
            raise
        except InputError:
            raise SDJWTError(
                "disclosure is not base64url JSON", code="malformed_disclosure"
            ) from None
        if not isinstance(item, list) or len(item) not in (2, 3):
            raise SDJWTError("disclosure is not an array of 2 or 3", code="malformed_disclosure")
        if not isinstance(item[0], str):
            raise SDJWTError("disclosure salt is not a string", code="malformed_disclosure")
        name = None
        if len(item) == 3:
            name = item[1]
            if not isinstance(name, str):
                raise SDJWTError(
                    "disclosure claim name is not a string", code="malformed_disclosure"
                )
            if name in RESERVED_NAMES:
                raise SDJWTError(
                    f"disclosure claims reserved name {name!r}", code="reserved_claim_name"
                )
        return cls(raw, item[0], name, item[-1], digest(raw, hash_alg))


def digest(text: str, hash_alg: str) -> str:
    """Base64url digest over the ASCII text of a Disclosure or presentation (RFC 9901 §4.2.3)."""
    return base64url.encode(HASH_ALGS[hash_alg](text.encode("ascii")).digest())


def random_salt() -> str:
    """A fresh 128-bit CSPRNG salt, base64url-encoded (RFC 9901 §9.3, B25)."""
    return base64url.encode(secrets.token_bytes(SALT_BYTES))


def blind(
    claims: dict[str, Any], *, salt: Callable[[], str], decoys: int, hash_alg: str
) -> tuple[dict[str, Any], list[Disclosure]]:
    """Replace SD-marked claims by digests; return the payload and the Disclosures created."""
    if not isinstance(claims, dict):
        raise SDJWTError("claims must be an object", code="invalid_claims")
    blinder = _Blinder(salt, decoys, hash_alg)
    try:
        payload = blinder.object(claims, 0)
    except RecursionError:
        raise PayloadTooLarge("claims nested too deeply", code="too_deep") from None
    return payload, blinder.disclosures


class _Blinder:
    def __init__(self, salt: Callable[[], str], decoys: int, hash_alg: str) -> None:
        self.salt, self.decoys, self.hash_alg = salt, decoys, hash_alg
        self.disclosures: list[Disclosure] = []
        self.salts: set[str] = set()

    def value(self, value: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise PayloadTooLarge("claims nested too deeply", code="too_deep")
        if isinstance(value, SD):
            raise SDJWTError("SD() marks a member or element, not a value", code="misplaced_sd")
        if isinstance(value, dict):
            return self.object(value, depth)
        if isinstance(value, list | tuple):
            return [
                {ARRAY_KEY: self.disclose(None, item.value, depth)}
                if isinstance(item, SD)
                else self.value(item, depth + 1)
                for item in value
            ]
        return value

    def object(self, obj: dict[Any, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for name, item in obj.items():
            if not isinstance(name, str):
                raise SDJWTError("claim names must be strings", code="invalid_claims")
            if name in RESERVED_NAMES:
                raise SDJWTError(f"claim name {name!r} is reserved", code="reserved_claim_name")
            if isinstance(item, SD):
                digests.append(self.disclose(name, item.value, depth))
            else:
                out[name] = self.value(item, depth + 1)
        if digests:
            digests.extend(_decoy(self.hash_alg) for _ in range(self.decoys))
            # Sorting hides the original claim order (RFC 9901 §4.2.4.1).
            out[SD_KEY] = sorted(digests)
        return out

    def disclose(self, name: str | None, value: Any, depth: int) -> str:
        salt = self.salt()
        if not isinstance(salt, str) or salt in self.salts:
            # A salt MUST be unique per claim (RFC 9901 §4.2.1).
            raise SDJWTError("salt missing or reused", code="salt_reused")
        self.salts.add(salt)
        made = Disclosure.create(salt, name, self.value(value, depth + 1), self.hash_alg)
        self.disclosures.append(made)
        return made.digest


def _decoy(hash_alg: str) -> str:
    # RFC 9901 §4.2.5: a digest over random data, indistinguishable from a real one.
    return digest(random_salt(), hash_alg)


@dataclass(frozen=True)
class Processed:
    """A payload with its Disclosures substituted, and each used Disclosure with its claim path."""

    claims: dict[str, Any]
    disclosed: tuple[tuple[ClaimPath, Disclosure], ...]


def index(disclosures: Iterable[Disclosure]) -> dict[str, Disclosure]:
    """Map digests to Disclosures, refusing a Disclosure sent twice (RFC 9901 §4, B02)."""
    by_digest: dict[str, Disclosure] = {}
    for item in disclosures:
        if item.digest in by_digest:
            raise SDJWTError("the same disclosure is sent twice", code="duplicate_disclosure")
        by_digest[item.digest] = item
    return by_digest


def process(payload: dict[str, Any], disclosures: Iterable[Disclosure]) -> Processed:
    """Substitute Disclosures into an issuer-signed payload (RFC 9901 §7.1 steps 3-5)."""
    walker = _Unblinder(index(disclosures))
    try:
        claims = walker.object(payload, (), 0)
    except RecursionError:
        raise PayloadTooLarge("claims nested too deeply", code="too_deep") from None
    # Step 5: a Disclosure no digest refers to is an edit or a forgery; reject it all (B01).
    if len(walker.found) != len(walker.by_digest):
        raise SDJWTError(
            "a disclosure is not referenced by any digest", code="unreferenced_disclosure"
        )
    return Processed(claims, tuple(walker.found))


class _Unblinder:
    def __init__(self, by_digest: dict[str, Disclosure]) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.found: list[tuple[ClaimPath, Disclosure]] = []

    def lookup(self, value: Any) -> Disclosure | None:
        if not isinstance(value, str):
            raise SDJWTError("a digest is not a string", code="invalid_digest")
        # Step 4: every digest at most once, across arrays and nested Disclosures (B03).
        if value in self.seen:
            raise SDJWTError("a digest appears more than once", code="duplicate_digest")
        self.seen.add(value)
        return self.by_digest.get(value)

    def value(self, value: Any, path: ClaimPath, depth: int) -> Any:
        if isinstance(value, dict):
            return self.object(value, path, depth)
        if isinstance(value, list):
            return self.array(value, path, depth)
        return value

    def object(self, obj: dict[str, Any], path: ClaimPath, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise PayloadTooLarge("claims nested too deeply", code="too_deep")
        out: dict[str, Any] = {}
        for name, item in obj.items():
            if name in RESERVED_NAMES:  # one set lookup for the common, unreserved names
                if name == SD_KEY or (name == SD_ALG_KEY and depth == 0):
                    continue  # steps 3.e-3.f: digest arrays and the top-level _sd_alg are removed
                if name == SD_ALG_KEY:
                    raise SDJWTError("_sd_alg inside a nested object", code="sd_alg_nested")
                raise SDJWTError(
                    "'...' outside an array element digest", code="reserved_claim_name"
                )
            # Most claims are scalars: no path tuple or call for them (runs per verification).
            if isinstance(item, dict | list):
                item = self.value(item, (*path, name), depth + 1)
            out[name] = item
        if SD_KEY in obj:
            digests = obj[SD_KEY]
            if not isinstance(digests, list):
                raise SDJWTError("_sd is not an array of digests", code="invalid_digest")
            for value in digests:
                self.insert(out, self.lookup(value), path, depth)
        return out

    def insert(
        self, out: dict[str, Any], item: Disclosure | None, path: ClaimPath, depth: int
    ) -> None:
        if item is None:
            return  # step 3.c.i: a digest without Disclosure (undisclosed or decoy) is ignored
        if item.name is None:
            raise SDJWTError(
                "array-element disclosure in an _sd array", code="disclosure_slot_mismatch"
            )
        if item.name in out:
            # Step 3.c.ii.3: a Disclosure must never replace a claim at its level (B06).
            raise SDJWTError("a disclosure overrides an existing claim", code="claim_override")
        here = (*path, item.name)
        self.found.append((here, item))
        out[item.name] = self.value(item.value, here, depth + 1)

    def array(self, arr: list[Any], path: ClaimPath, depth: int) -> list[Any]:
        if depth > MAX_DEPTH:
            raise PayloadTooLarge("claims nested too deeply", code="too_deep")
        out: list[Any] = []
        for position, element in enumerate(arr):
            if not (isinstance(element, dict) and ARRAY_KEY in element):
                if isinstance(element, dict | list):
                    element = self.value(element, (*path, position), depth + 1)
                out.append(element)
                continue
            here = (*path, position)
            if len(element) != 1:
                raise SDJWTError("array digest object with other members", code="invalid_digest")
            item = self.lookup(element[ARRAY_KEY])
            if item is None:
                continue  # step 3.d: undisclosed array elements are removed
            if item.name is not None:
                raise SDJWTError(
                    "object-property disclosure in an array", code="disclosure_slot_mismatch"
                )
            self.found.append((here, item))
            out.append(self.value(item.value, here, depth + 1))
        return out
