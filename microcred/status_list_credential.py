"""Status entries (BitstringStatusListEntry, StatusList2021Entry) and the status list credential."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import StatusListError, StatusUnavailable
from .jose import DEFAULT_LEEWAY
from .status_list import MAX_LIST_BYTES, MIN_ENTRIES, Bitstring, check_status_size, parse_index

BSL_ENTRY = "BitstringStatusListEntry"
SL2021_ENTRY = "StatusList2021Entry"
BSL_CREDENTIAL = "BitstringStatusListCredential"
SL2021_CREDENTIAL = "StatusList2021Credential"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
SL2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
# Longest statusListCredential URL accepted (the fetcher applies its own URL policy).
MAX_URL_CHARS = 2048
# Fractional-second digits beyond the microseconds that datetime holds.
_SURPLUS_FRACTION = re.compile(r"(\.\d{6})\d+")
# XML Schema dateTimeStamp as VC 2.0 uses it: a time zone is required.
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)")


@dataclass(frozen=True)
class StatusEntry:
    """One credentialStatus entry pointing into a status list."""

    kind: str
    purpose: str
    list_url: str
    index: int
    size: int = 1


def parse_status_entry(entry: Any) -> StatusEntry:
    """Read one BitstringStatusListEntry or StatusList2021Entry (BSL §2.1)."""
    if not isinstance(entry, dict):
        raise StatusListError(
            "credentialStatus entry is not an object", code="invalid_status_entry"
        )
    kind = entry.get("type")
    if kind not in (BSL_ENTRY, SL2021_ENTRY):
        raise StatusListError(
            f"credentialStatus type {str(kind)[:40]!r} is not supported",
            code="unsupported_status_type",
        )
    purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("statusPurpose missing", code="invalid_status_entry")
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        raise StatusListError("statusListCredential missing", code="invalid_status_entry")
    size = 1
    if kind == BSL_ENTRY and "statusSize" in entry:
        size = check_status_size(entry["statusSize"])
        messages = entry.get("statusMessage")
        # BSL §2.1: statusSize > 1 requires one statusMessage per possible value.
        if size > 1 and (not isinstance(messages, list) or len(messages) != 1 << size):
            raise StatusListError(
                "statusMessage must list every value", code="invalid_status_entry"
            )
    return StatusEntry(kind, purpose, url, parse_index(entry.get("statusListIndex")), size)


def parse_status_entries(credential_status: Any) -> tuple[StatusEntry, ...]:
    """Read a credential's credentialStatus (one object or a list); any unknown type is refused."""
    items = credential_status if isinstance(credential_status, list) else [credential_status]
    if not items:
        raise StatusListError("credentialStatus is empty", code="invalid_status_entry")
    return tuple(parse_status_entry(item) for item in items)


def status_list_credential(
    *,
    list_id: str,
    issuer: str,
    purpose: str,
    encoded_list: str,
    valid_from: str,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """The unsigned VC 2.0 BitstringStatusListCredential (BSL §2.2), to be signed by the caller."""
    credential: dict[str, Any] = {
        "@context": [VC2_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", BSL_CREDENTIAL],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = {
        "id": f"{list_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    return credential


def _invalid_list(message: str) -> StatusListError:
    return StatusListError(message, code="invalid_list_credential")


def _timestamp(doc: dict[str, Any], *names: str) -> float | None:
    for name in names:
        if name in doc:
            value = doc[name]
            if not isinstance(value, str) or not _DATETIME.fullmatch(value):
                raise _invalid_list(f"{name} is not an XML Schema dateTimeStamp")
            # Python parses at most 6 fractional digits; .NET writes 7: drop the surplus.
            text = _SURPLUS_FRACTION.sub(r"\1", value).replace("Z", "+00:00")
            try:
                return datetime.fromisoformat(text).timestamp()
            except ValueError:  # the shape was right, a field was not (month 13, hour 25)
                raise _invalid_list(f"{name} is not a valid date and time") from None
    return None


def _check_validity(doc: dict[str, Any], now: float | None) -> None:
    # BSL "Validity Periods": a list outside its period cannot be used; refetching may help (E10).
    current = time.time() if now is None else now
    start = _timestamp(doc, "validFrom", "issuanceDate")
    end = _timestamp(doc, "validUntil", "expirationDate")
    if end is not None and current > end + DEFAULT_LEEWAY:
        raise StatusUnavailable("status list credential has expired", code="status_list_expired")
    if start is not None and current < start - DEFAULT_LEEWAY:
        raise StatusUnavailable("status list is not valid yet", code="status_list_not_yet_valid")


def _list_kind(doc: dict[str, Any]) -> tuple[str, str, str]:
    """Which list flavour this is: (matching entry kind, subject type, required context)."""
    types = doc.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise _invalid_list("not a verifiable credential")
    if BSL_CREDENTIAL in types:
        return BSL_ENTRY, "BitstringStatusList", VC2_CONTEXT
    if SL2021_CREDENTIAL in types:
        return SL2021_ENTRY, "StatusList2021", SL2021_CONTEXT
    raise _invalid_list("not a BitstringStatusListCredential")


def read_status_list_credential(
    doc: Any,
    *,
    purpose: str,
    list_id: str,
    now: float | None = None,
    kind: str | None = None,
    status_size: int = 1,
    min_size: int = MIN_ENTRIES,
    max_bytes: int = MAX_LIST_BYTES,
) -> Bitstring:
    """Check a proof-verified status list credential against its entry and expand its bitstring.

    `kind` (an entry kind) makes a BitstringStatusListEntry refuse a StatusList2021 list and back.
    """
    if not isinstance(doc, dict):
        raise _invalid_list("status list credential is not an object")
    entry_kind, subject_type, context = _list_kind(doc)
    if kind is not None and kind != entry_kind:
        raise _invalid_list("status list type does not match the status entry type")
    contexts = doc.get("@context")
    if not isinstance(contexts, list) or context not in contexts:
        raise _invalid_list("status list credential lacks its JSON-LD context")
    # BSL §2.2: the list credential's id is the entry's statusListCredential (no list swapping).
    if doc.get("id") != list_id:
        raise StatusListError(
            "status list id differs from statusListCredential", code="list_mismatch"
        )
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict) or subject.get("type") != subject_type:
        raise _invalid_list(f"credentialSubject is not a {subject_type}")
    # BSL Validate step 5: the entry's purpose must be one of the list's (a string or a list).
    purposes = subject.get("statusPurpose")
    purposes = [purposes] if isinstance(purposes, str) else purposes
    if not isinstance(purposes, list) or purpose not in purposes:
        raise StatusListError(
            "statusPurpose differs from the status list's", code="purpose_mismatch"
        )
    _check_validity(doc, now)
    return Bitstring.decode(
        subject.get("encodedList"),
        bits=status_size,
        min_size=min_size,
        max_bytes=max_bytes,
        legacy=entry_kind == SL2021_ENTRY,
    )
