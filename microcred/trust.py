"""The verifier's registry of trusted issuers: which DIDs it accepts, for which period.

A valid signature only says who signed; whether that signer may award micro-credentials is
this registry's answer (SECURITY-CASES A24, A25). A DID that is not listed, or listed outside
its period, is never "trusted": the verdict is UNVERIFIED, not VALID. DIDs are compared
exactly, so a look-alike (`did:web:uni-ex4mple.org`) is simply not in the registry.

File format (JSON, parsed with the strict parser; unknown members are refused):

    {
      "name": "Demo accreditation registry",
      "issuers": [
        {
          "did": "did:web:uni.example",
          "name": "Example University",
          "country": "VN",
          "accreditingBody": "Ministry of Education and Training",
          "validFrom": "2024-01-01",
          "validUntil": "2029-12-31T23:59:59Z"
        }
      ]
    }

`validFrom` / `validUntil` are optional (null or absent means open-ended) and are an ISO date
or a date-time with a time zone. A date-only `validUntil` includes that whole day (UTC).
One file lists each DID at most once; merged registries may list a DID again (for example a
renewed accreditation), and a lookup then prefers the entry valid at that time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from . import strictjson
from .errors import MicrocredError, TrustRegistryError

# A registry of a few thousand issuers is some hundred KB; refuse anything far bigger.
MAX_REGISTRY_BYTES = 2_000_000
MAX_ENTRIES = 10_000
MAX_TEXT = 200
MAX_DID = 500
# DID syntax (DID Core §3.1): did:method:method-specific-id, no path, query or fragment.
_DID = re.compile(
    r"did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+"
)
_COUNTRY = re.compile(r"[A-Z]{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
_TOP_KEYS = frozenset({"name", "issuers"})
_ENTRY_KEYS = frozenset({"did", "name", "country", "accreditingBody", "validFrom", "validUntil"})

TrustStatus = Literal["trusted", "not_in_registry", "expired", "not_yet_valid"]
# When a DID is listed more than once: a current entry wins; an upcoming one says more than an old.
_PREFERENCE: tuple[TrustStatus, ...] = ("trusted", "not_yet_valid", "expired")


@dataclass(frozen=True)
class TrustedIssuer:
    """One accredited issuer: its DID, who it is, who accredited it and for which period."""

    did: str
    name: str
    country: str
    accrediting_body: str
    valid_from: str | None
    valid_until: str | None

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The accreditation period as [start, end) instants in UTC; None is open-ended."""
        start = None if self.valid_from is None else _instant(self.valid_from, end=False)
        end = None if self.valid_until is None else _instant(self.valid_until, end=True)
        return start, end


@dataclass(frozen=True)
class TrustLookup:
    """The registry's answer for one DID at one time, with the entry and registry it came from."""

    status: TrustStatus
    entry: TrustedIssuer | None
    source: str | None

    @property
    def trusted(self) -> bool:
        """True only for a listed issuer inside its accreditation period."""
        return self.status == "trusted"


def _instant(value: str, *, end: bool) -> dt.datetime:
    """Parse a validated date or date-time; a date ends at the close of that day (UTC)."""
    if _DATE.fullmatch(value):
        day = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
        return day + dt.timedelta(days=1) if end else day
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def _fail(where: str, message: str) -> TrustRegistryError:
    return TrustRegistryError(f"{where}: {message}")


def _text(entry: dict[str, Any], key: str, where: str, *, limit: int = MAX_TEXT) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}.{key}", "must be non-empty text")
    if len(value) > limit:
        raise _fail(f"{where}.{key}", f"longer than {limit} characters")
    return value


def _time(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not (_DATE.fullmatch(value) or _DATETIME.fullmatch(value)):
        raise _fail(f"{where}.{key}", "must be a date (2025-01-31) or a date-time with a zone")
    try:
        _instant(value, end=False)
    except ValueError:
        raise _fail(f"{where}.{key}", "is not a real date") from None
    return value


def _entry(item: Any, where: str) -> TrustedIssuer:
    if not isinstance(item, dict):
        raise _fail(where, "must be an object")
    unknown = sorted(str(key)[:40] for key in item if key not in _ENTRY_KEYS)
    if unknown:
        raise _fail(where, f"unknown members {', '.join(unknown)}")
    did = _text(item, "did", where, limit=MAX_DID)
    if not _DID.fullmatch(did):
        raise _fail(f"{where}.did", "is not a DID (did:method:id, without path or fragment)")
    country = _text(item, "country", where)
    if not _COUNTRY.fullmatch(country):
        raise _fail(f"{where}.country", "must be a two-letter country code")
    issuer = TrustedIssuer(
        did=did,
        name=_text(item, "name", where),
        country=country,
        accrediting_body=_text(item, "accreditingBody", where),
        valid_from=_time(item, "validFrom", where),
        valid_until=_time(item, "validUntil", where),
    )
    start, end = issuer.period()
    if start is not None and end is not None and end <= start:
        raise _fail(where, "validUntil is not after validFrom")
    return issuer


class TrustRegistry:
    """An immutable set of trusted issuers, each remembered with the registry it came from."""

    def __init__(self, name: str, entries: tuple[tuple[TrustedIssuer, str], ...] = ()) -> None:
        self._name = name
        self._entries = entries
        # Entries by DID, in file order: a lookup per verification must not scan the registry.
        self._by_did: dict[str, list[tuple[TrustedIssuer, str]]] = {}
        for entry in entries:
            self._by_did.setdefault(entry[0].did, []).append(entry)

    @property
    def name(self) -> str:
        """The registry's name (merged registries join their names with " + ")."""
        return self._name

    @classmethod
    def from_json(cls, data: Any, *, source: str) -> TrustRegistry:
        """Validate parsed registry JSON strictly; `source` names where it came from."""
        if not isinstance(data, dict):
            raise TrustRegistryError("a trust registry must be a JSON object")
        unknown = sorted(str(key)[:40] for key in data if key not in _TOP_KEYS)
        if unknown:
            raise TrustRegistryError(f"unknown members {', '.join(unknown)}")
        name = _text(data, "name", "registry")
        issuers = data.get("issuers")
        if not isinstance(issuers, list):
            raise TrustRegistryError("registry.issuers must be a list")
        if len(issuers) > MAX_ENTRIES:
            raise TrustRegistryError(f"more than {MAX_ENTRIES} issuers", code="too_large")
        entries = []
        seen: set[str] = set()
        for index, item in enumerate(issuers):
            issuer = _entry(item, f"issuers[{index}]")
            if issuer.did in seen:
                raise _fail(f"issuers[{index}].did", "is listed twice")
            seen.add(issuer.did)
            entries.append((issuer, source))
        return cls(name, tuple(entries))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrustRegistry:
        """Read and validate a registry file (size-capped before parsing)."""
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_REGISTRY_BYTES + 1)
        except OSError as error:
            raise TrustRegistryError(f"cannot read the registry file ({error.strerror})") from None
        return cls.from_json(cls._parse(data), source=os.fspath(path))

    @classmethod
    def fetch(cls, url: str, fetch_json: Callable[[str], Any]) -> TrustRegistry:
        """Fetch a registry with the injected client and validate it.

        `fetch_json` may return parsed JSON, text or bytes; its own errors (FetchError) pass
        through unchanged, so the caller can tell "unavailable" from "invalid".
        """
        data = fetch_json(url)
        if isinstance(data, str | bytes):
            data = cls._parse(data)
        return cls.from_json(data, source=url)

    @staticmethod
    def _parse(data: str | bytes) -> Any:
        try:
            return strictjson.loads(data, max_bytes=MAX_REGISTRY_BYTES)
        except MicrocredError as error:
            # Keep the parser's reason code (malformed_json, too_large) under the registry class.
            raise TrustRegistryError(
                f"registry is not valid JSON: {error}", code=error.code
            ) from None

    def merge(self, other: TrustRegistry) -> TrustRegistry:
        """A registry holding the entries of both, each still tagged with its own source."""
        return TrustRegistry(f"{self.name} + {other.name}", self._entries + other._entries)

    def entries(self) -> tuple[TrustedIssuer, ...]:
        """All entries, in file order."""
        return tuple(issuer for issuer, _ in self._entries)

    def to_json(self) -> dict[str, Any]:
        """The registry in its file format."""
        return {
            "name": self.name,
            "issuers": [
                {
                    "did": issuer.did,
                    "name": issuer.name,
                    "country": issuer.country,
                    "accreditingBody": issuer.accrediting_body,
                    "validFrom": issuer.valid_from,
                    "validUntil": issuer.valid_until,
                }
                for issuer in self.entries()
            ],
        }

    def lookup(self, did: str, *, at: dt.datetime | None = None) -> TrustLookup:
        """Say whether `did` is trusted at `at` (default now), and by which entry."""
        when = dt.datetime.now(dt.UTC) if at is None else at
        if when.tzinfo is None:
            raise ValueError("lookup time must be timezone-aware")
        found: dict[TrustStatus, tuple[TrustedIssuer, str]] = {}
        for issuer, source in self._by_did.get(did, ()):
            found.setdefault(_status(issuer, when), (issuer, source))
        for status in _PREFERENCE:
            if status in found:
                issuer, source = found[status]
                return TrustLookup(status, issuer, source)
        return TrustLookup("not_in_registry", None, None)


def _status(issuer: TrustedIssuer, when: dt.datetime) -> TrustStatus:
    start, end = issuer.period()
    if start is not None and when < start:
        return "not_yet_valid"
    if end is not None and when >= end:
        return "expired"
    return "trusted"
