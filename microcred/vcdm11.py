"""W3C VC Data Model 1.1 rules shared by its VC-JWT and LDP forms: shape, issuer, key, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from . import jose
from .errors import CredentialError, InvalidDID, TokenError, VerificationMethodError

__all__ = [
    "VC_V1_CONTEXT",
    "check_credential",
    "check_dates",
    "check_shape",
    "did",
    "issuer_id",
    "method_of",
    "parse_datetime",
    "single_subject",
    "xsd_datetime",
]

# VCDM 1.1 §4.1: the first context of every credential.
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
# Bounds a DID or DID URL (kid, verificationMethod) before any parsing or lookup (A05).
MAX_DID_URL_CHARS = 2048
# W3C DID Core §3.1 syntax: did:method:method-specific-id (idchar or pct-encoded, colon-separated).
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+")
# A DID URL fragment: RFC 3986 §3.5 characters only.
_FRAGMENT = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})+")
# XML Schema dateTime with a mandatory time zone (a local time is ambiguous).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})")


def did(value: Any, name: str) -> str:
    """Return `value` if it is a syntactically valid DID, else raise InvalidDID."""
    if not isinstance(value, str) or len(value) > MAX_DID_URL_CHARS or not _DID.fullmatch(value):
        raise InvalidDID(f"{name} is not a DID")
    return str(value)


def method_of(method: Any, issuer: str) -> str:
    """The absolute DID URL of a verification method, which must belong to `issuer` (A05, A21)."""
    if not isinstance(method, str) or not method or len(method) > MAX_DID_URL_CHARS:
        raise TokenError("verification method id missing or too long", code="invalid_kid")
    if method.startswith("#"):
        # A relative DID URL is resolved against the issuer DID (DID Core §3.2.2).
        method = issuer + method
    method_did, sep, fragment = method.partition("#")
    if not sep or not _FRAGMENT.fullmatch(fragment):
        raise TokenError("verification method is not a DID URL with a fragment", code="invalid_kid")
    if method_did != issuer:
        raise VerificationMethodError(
            "the signing key is not a method of the issuer", code="kid_not_issuer"
        )
    return str(method)


def check_shape(vc: Any) -> dict[str, Any]:
    """Check the VCDM 1.1 skeleton: v1 context first, VerifiableCredential type, subject(s)."""
    if not isinstance(vc, dict):
        raise CredentialError("the credential is not a JSON object", code="not_a_credential")
    contexts = vc.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC_V1_CONTEXT:
        raise CredentialError("the first @context must be VCDM 1.1's (§4.1)", code="wrong_context")
    types = vc.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise CredentialError("type must include VerifiableCredential", code="not_a_credential")
    subjects = vc.get("credentialSubject")
    if not (
        isinstance(subjects, dict)
        or (isinstance(subjects, list) and subjects and all(isinstance(s, dict) for s in subjects))
    ):
        raise CredentialError(
            "credentialSubject must be an object or objects", code="not_a_credential"
        )
    return vc


def check_credential(credential: Any) -> dict[str, Any]:
    """Check a whole VCDM 1.1 credential: skeleton, a DID issuer and a valid issuanceDate."""
    vc = check_shape(credential)
    issuer_id(vc)
    if "issuanceDate" not in vc:
        raise CredentialError(
            "VCDM 1.1 credentials need issuanceDate (§4.6)", code="missing_issuance_date"
        )
    parse_datetime(vc["issuanceDate"], "issuanceDate")
    if "expirationDate" in vc:
        parse_datetime(vc["expirationDate"], "expirationDate")
    return vc


def issuer_id(vc: dict[str, Any]) -> str:
    """The issuer DID of a credential whose issuer is a string or an object with an id."""
    issuer = vc.get("issuer")
    return did(issuer.get("id") if isinstance(issuer, dict) else issuer, "issuer")


def single_subject(vc: dict[str, Any]) -> dict[str, Any] | None:
    """The credential's one subject object, or None when it has several."""
    subjects = vc["credentialSubject"]
    if isinstance(subjects, dict):
        return subjects
    return subjects[0] if len(subjects) == 1 else None


def check_dates(credential: dict[str, Any], now: float | None, leeway: int) -> None:
    """Refuse a credential before its issuanceDate or after its expirationDate (§4.6, §4.7; A19)."""
    times = {"nbf": parse_datetime(credential["issuanceDate"], "issuanceDate")}
    if "expirationDate" in credential:
        times["exp"] = parse_datetime(credential["expirationDate"], "expirationDate")
    jose.check_times(times, now=now, leeway=leeway)


def parse_datetime(value: Any, name: str) -> float:
    """Seconds since the epoch of an XML Schema dateTime that carries a time zone."""
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise CredentialError(f"{name} is not a dateTime with a time zone", code="invalid_date")
    return datetime.fromisoformat(value).timestamp()


def xsd_datetime(timestamp: float) -> str:
    """An XML Schema dateTime in UTC (whole seconds, or milliseconds when fractional)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    if float(timestamp).is_integer():
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
