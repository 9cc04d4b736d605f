"""The issuer's VC-API requests (W3C CCG VC-API, issuer.yml): issue an award, change its status.

`POST /credentials/issue` (our shape; VC-API leaves credential contents to the issuer):

    {"credential": {
        "credentialSubject": {
          "id": "did:key:z6Mk...",                    optional: the holder, for a signed VC now
          "givenName": "Văn An", "familyName": "Nguyễn", "learnerId": "SV20250001",
          "grade": "9,5",                              optional
          "achievement": {"id": "<a published course's address>"}},
        "awardedDate": "2025-06-30",                   optional, default today
        "validUntil": "2030-06-30"},                   optional, last valid day
     "options": {"format": "offer" | "ldp_vc" | "jwt_vc_json" | "dc+sd-jwt",
                 "txCode": false, "credentialId": "<caller's own id, unique>"}}

Without a subject `id` the award is offered through OpenID4VCI (format "offer", the default);
with one, the credential is signed for that DID (did:key or did:jwk) and returned at once.
An offer lives as long as a bulk offer (7 days by default) and has no transaction code unless
`txCode` is true: the usual LMS shows the link only to the signed-in learner, where a code adds
nothing. An LMS that e-mails links should ask for a code and deliver it another way (G03).
A learner holding an unrevoked award of the course gets 409 `duplicate`, as in the staff form.

`POST /credentials/status` accepts both shapes in use: the one of the VC-API document
(`credentialStatus: {type, statusPurpose}` with `status: true|false`) and the list form used by
Digital Credentials Consortium issuers (`credentialStatus: [{type, status:
"revoked"|"suspended"|"active"}]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .course import Award
from .errors import InputError
from .status_index import ACTIVE, REVOKED, SUSPENDED

FORMATS = ("offer", "ldp_vc", "jwt_vc_json", "dc+sd-jwt")
HOLDER_DID_PREFIXES = ("did:key:", "did:jwk:")
STATUS_TYPES = frozenset(
    {
        "BitstringStatusListEntry",
        "BitstringStatusList",
        "StatusList2021Entry",
        "StatusList2021Credential",
        "TokenStatusList",
    }
)
_SUBJECT_KEYS = frozenset(
    {"id", "type", "givenName", "familyName", "learnerId", "grade", "achievement"}
)
_CREDENTIAL_KEYS = frozenset(
    {"@context", "type", "credentialSubject", "awardedDate", "validUntil", "issuer"}
)
_OPTION_KEYS = frozenset({"format", "txCode", "credentialId"})
MAX_TEXT = 500


def _bad(message: str) -> InputError:
    return InputError(message, code="invalid_request")


@dataclass(frozen=True)
class IssueRequest:
    """What an LMS asks to issue: which course, for whom, in which form."""

    course_id: str
    award: Award
    holder_did: str | None
    format: str
    tx_code: bool
    external_id: str | None


def _object(value: Any, name: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"{name} must be an object")
    unknown = sorted(str(key)[:40] for key in value if key not in allowed)
    if unknown:
        raise _bad(f"{name} has unknown members: {', '.join(unknown)}")
    return value


def _text(value: Any, name: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise _bad(f"{name} must be a non-empty string")
    return value.strip()


def _holder(value: Any) -> str | None:
    holder = _text(value, "credentialSubject.id", required=False)
    if holder is not None and not holder.startswith(HOLDER_DID_PREFIXES):
        raise _bad("credentialSubject.id must be a did:key or did:jwk")
    return holder


def read_issue_request(body: Any, *, today: str) -> IssueRequest:
    """Check a `/credentials/issue` body; names and dates are checked later with the course."""
    body = _object(body, "the request", frozenset({"credential", "options"}))
    credential = _object(body.get("credential"), "credential", _CREDENTIAL_KEYS)
    options = _object(body.get("options", {}), "options", _OPTION_KEYS)
    subject = _object(credential.get("credentialSubject"), "credentialSubject", _SUBJECT_KEYS)
    achievement = _object(subject.get("achievement"), "achievement", frozenset({"id", "type"}))
    holder = _holder(subject.get("id"))
    fmt = options.get("format", "ldp_vc" if holder else "offer")
    if fmt not in FORMATS:
        raise _bad(f"options.format must be one of {', '.join(FORMATS)}")
    if (fmt == "offer") != (holder is None):
        raise _bad("a holder DID needs a credential format; an offer needs no holder DID")
    tx_code = options.get("txCode", False)
    if not isinstance(tx_code, bool):
        raise _bad("options.txCode must be true or false")
    award = Award(
        # One name is enough (mononymous learners); `award_problems` asks for at least one.
        given_name=_text(subject.get("givenName"), "givenName", required=False) or "",
        family_name=_text(subject.get("familyName"), "familyName", required=False) or "",
        learner_id=str(_text(subject.get("learnerId"), "learnerId")),
        date_of_issuance=_text(credential.get("awardedDate"), "awardedDate", required=False)
        or today,
        grade=_text(subject.get("grade"), "grade", required=False),
        valid_until=_text(credential.get("validUntil"), "validUntil", required=False),
    )
    return IssueRequest(
        course_id=str(_text(achievement.get("id"), "achievement.id")),
        award=award,
        holder_did=holder,
        format=fmt,
        tx_code=tx_code,
        external_id=_text(options.get("credentialId"), "credentialId", required=False),
    )


@dataclass(frozen=True)
class StatusRequest:
    """A status change: which credential and the state it should have afterwards."""

    credential_id: str
    status: str


def _from_entry(entry: dict[str, Any], flag: Any) -> str:
    """The wanted state from one status entry (either request shape)."""
    if entry.get("type") not in STATUS_TYPES:
        raise _bad("credentialStatus.type is not a status list type this issuer uses")
    if "status" in entry:
        wanted = entry["status"]
        if wanted not in (REVOKED, SUSPENDED, ACTIVE):
            raise _bad("status must be revoked, suspended or active")
        return str(wanted)
    purpose = entry.get("statusPurpose")
    if purpose not in ("revocation", "suspension") or not isinstance(flag, bool):
        raise _bad("give statusPurpose revocation or suspension and a boolean status")
    if purpose == "revocation":
        if not flag:
            raise _bad("a revocation cannot be undone")
        return REVOKED
    return SUSPENDED if flag else ACTIVE


def read_status_request(body: Any) -> StatusRequest:
    """Check a `/credentials/status` body in either shape."""
    body = _object(body, "the request", frozenset({"credentialId", "credentialStatus", "status"}))
    credential_id = str(_text(body.get("credentialId"), "credentialId"))
    entries = body.get("credentialStatus")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
        raise _bad("credentialStatus must be one status entry")
    allowed = frozenset({"id", "type", "status", "statusPurpose", "statusListIndex"})
    entry = _object(entries[0], "credentialStatus", allowed | {"statusListCredential"})
    return StatusRequest(credential_id, _from_entry(entry, body.get("status")))
