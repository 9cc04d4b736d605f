"""Fetched, verified and decoded status lists, cached so that a status check costs a bit lookup."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import data_integrity, strictjson
from .did import DIDResolver
from .errors import (
    DIDResolutionError,
    FetchError,
    InputError,
    MicrocredError,
    StatusListError,
    StatusUnavailable,
)
from .keys import PublicKey
from .status_list import Bitstring
from .status_list_credential import read_status_list_credential
from .token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    TokenStatusList,
    clamp_ttl,
    verify_status_list_token,
)

# E11: a list's own ttl/max-age is clamped so a hostile value neither hammers nor freezes the cache.
MIN_TTL = 30.0
MAX_TTL = 3600.0
# Lists kept at once (each 131,072-entry list is 16 KB decoded).
MAX_LISTS = 512
TOKEN_ACCEPT = "application/statuslist+jwt"
CREDENTIAL_ACCEPT = "application/vc+ld+json, application/json"


class Response(Protocol):
    """What the cache needs of an HTTP response."""

    body: bytes
    max_age: int | None


class Getter(Protocol):
    """The outbound HTTP client (microcred.fetch.Fetcher fits)."""

    def get(self, url: str, *, accept: str = ..., use_cache: bool = ...) -> Any: ...


@dataclass(frozen=True)
class StatusRef:
    """Where one status of a credential is recorded."""

    kind: str  # "token" (IETF Token Status List), "BitstringStatusListEntry", "StatusList2021Entry"
    purpose: str | None  # None for a token list, which carries every purpose in one value
    url: str
    index: int
    size: int = 1


@dataclass(frozen=True)
class _Entry:
    issuer: str
    expires: float
    token_list: TokenStatusList | None = None
    bitstring: Bitstring | None = None


class StatusListCache:
    """Status lookups for verified credentials, with lists fetched through the guarded client."""

    def __init__(
        self,
        getter: Getter | None,
        resolver: DIDResolver,
        *,
        clock: Callable[[], float] = time.time,
        min_ttl: float = MIN_TTL,
        max_ttl: float = MAX_TTL,
    ) -> None:
        self._getter = getter
        self._resolver = resolver
        self._clock = clock
        self._min_ttl, self._max_ttl = min_ttl, max_ttl
        self._lists: dict[tuple[Any, ...], _Entry] = {}
        self._lock = threading.Lock()

    def status(
        self, issuer: str, refs: tuple[StatusRef, ...], purpose: str, *, now: float | None = None
    ) -> int | None:
        """1 if revoked/suspended for `purpose`, 0 if not, None when there is no entry."""
        for ref in refs:
            if ref.kind == "token":
                value = self._token_list(issuer, ref.url, now).get(ref.index)
                if value not in (VALID, INVALID, SUSPENDED):
                    # E16: unknown or reserved values are never read as valid.
                    raise StatusListError(
                        f"status value {value} is not understood", code="unknown_status"
                    )
                return int(value == (INVALID if purpose == "revocation" else SUSPENDED))
            if ref.purpose == purpose:
                return self._bitstring(issuer, ref, now).get(ref.index)
        return None

    def refresh(self, issuer: str, ref: StatusRef) -> float:
        """Fetch one list now and cache it (the old copy stays on failure); its new expiry."""
        if ref.kind == "token":
            key: tuple[Any, ...] = ("token", issuer, ref.url)
            self._token_list(issuer, ref.url, None, force=True)
        else:
            key = (ref.kind, ref.purpose, ref.size, issuer, ref.url)
            self._bitstring(issuer, ref, None, force=True)
        entry = self._lists.get(key)  # another thread may have evicted it meanwhile
        return entry.expires if entry is not None else self._clock()

    def cached(self) -> list[tuple[str, StatusRef, float]]:
        """(issuer, list, expiry on this cache's clock) for every list held, fresh or not."""
        found = []
        for key, entry in list(self._lists.items()):
            if key[0] == "token":
                found.append((entry.issuer, StatusRef("token", None, key[2], 0), entry.expires))
            else:
                kind, purpose, size, _issuer, url = key
                found.append((entry.issuer, StatusRef(kind, purpose, url, 0, size), entry.expires))
        return found

    def _cached(self, key: tuple[Any, ...]) -> _Entry | None:
        # A dict read is atomic in CPython; the lock guards only writes (this is the hot path).
        entry = self._lists.get(key)
        if entry is not None and entry.expires > self._clock():
            return entry
        return None

    def _store(self, key: tuple[Any, ...], entry: _Entry) -> None:
        with self._lock:
            if len(self._lists) >= MAX_LISTS:
                self._lists.pop(next(iter(self._lists)))
            self._lists[key] = entry

    def _fetch(self, url: str, accept: str) -> tuple[bytes, int | None]:
        if self._getter is None:
            raise StatusUnavailable("no HTTP client to fetch the status list")
        try:
            response = self._getter.get(url, accept=accept, use_cache=False)
        except FetchError as error:
            # E01: an unreachable list is unknown status, never "valid".
            raise StatusUnavailable(f"status list unreachable ({error.code})") from None
        return response.body, response.max_age

    def _key_lookup(self, issuer: str) -> Callable[[str, str], PublicKey]:
        def lookup(vm_url: str, relationship: str) -> PublicKey:
            vm = vm_url if not vm_url.startswith("#") else issuer + vm_url
            try:
                # E02: the list must be signed by the credential's own issuer.
                return self._resolver.key(vm, relationship, did=issuer)
            except DIDResolutionError as error:
                raise StatusUnavailable(f"status list issuer unresolvable ({error.code})") from None

        return lookup

    def _expiry(self, max_age: int | None, ttl: float | None, exp: float | None) -> float:
        now = self._clock()
        lifetime = clamp_ttl(ttl if ttl is not None else max_age, self._min_ttl, self._max_ttl)
        expires = now + lifetime
        return min(expires, exp) if exp is not None else expires

    def _token_list(
        self, issuer: str, url: str, now: float | None, *, force: bool = False
    ) -> TokenStatusList:
        key = ("token", issuer, url)
        entry = None if force else self._cached(key)
        if entry is None or entry.token_list is None:
            body, max_age = self._fetch(url, TOKEN_ACCEPT)
            lookup = self._key_lookup(issuer)
            token = body.decode("ascii", errors="replace").strip()
            lst = verify_status_list_token(
                token,
                lambda header, _payload: lookup(str(header.get("kid", "")), "assertionMethod"),
                expected_sub=url,
                now=now,
            )
            entry = _Entry(issuer, self._expiry(max_age, lst.ttl, lst.exp), token_list=lst)
            self._store(key, entry)
        assert entry.token_list is not None
        return entry.token_list

    def _bitstring(
        self, issuer: str, ref: StatusRef, now: float | None, *, force: bool = False
    ) -> Bitstring:
        key = (ref.kind, ref.purpose, ref.size, issuer, ref.url)
        entry = None if force else self._cached(key)
        if entry is None or entry.bitstring is None:
            body, max_age = self._fetch(ref.url, CREDENTIAL_ACCEPT)
            try:
                doc = strictjson.loads_object(body)
                list_issuer = doc.get("issuer")
                list_issuer = (
                    list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
                )
                if list_issuer != issuer:
                    raise StatusListError(
                        "status list issued by another party", code="list_issuer_mismatch"
                    )
                data_integrity.verify(doc, self._key_lookup(issuer), now=now)
            except (StatusListError, StatusUnavailable):
                raise
            except (InputError, MicrocredError) as error:
                raise StatusListError(
                    f"status list credential rejected: {error.message}", code=error.code
                ) from None
            bits = read_status_list_credential(
                doc,
                purpose=str(ref.purpose),
                list_id=ref.url,
                now=now,
                kind=ref.kind,
                status_size=ref.size,
            )
            entry = _Entry(issuer, self._expiry(max_age, None, None), bitstring=bits)
            self._store(key, entry)
        assert entry.bitstring is not None
        return entry.bitstring
