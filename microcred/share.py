"""Sharing a held credential by link or QR: which claims may be chosen, and what is sent.

A share of an SD-JWT VC is a bearer presentation (no key binding: a link has no verifier nonce)
carrying exactly the Disclosures of the claims the learner ticked, plus those that always show
(RFC 9901 §7.2; SECURITY-CASES B20). A share of an Open Badges 3.0 credential sends it whole.
The wallet serves the presentation at `{WALLET_BASE_URL}/s/<share_id>` (interop contract).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from . import base64url, sdjwt
from .disclosure import ClaimPath, process
from .errors import InputError

__all__ = [
    "ALWAYS_SHOWN",
    "CLAIM_LABELS",
    "SD_JWT_MEDIA_TYPE",
    "VC_LD_MEDIA_TYPE",
    "ShareTerms",
    "ShareableClaim",
    "claim_label",
    "media_type_for",
    "new_share_id",
    "plain_claims",
    "present_claims",
    "shareable_claims",
    "terms",
    "wants_presentation",
]

# 128-bit CSPRNG identifiers: a share link is a bearer secret (SECURITY-CASES I10).
SHARE_ID_BYTES = 16
DEFAULT_DAYS = 7
# A share is for a job application, not for ever; the learner can share again.
MAX_DAYS = 90
SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
VC_LD_MEDIA_TYPE = "application/vc+ld+json"
# Accept values that ask for the presentation itself rather than the explanatory HTML page.
_MACHINE_TYPES = (SD_JWT_MEDIA_TYPE, VC_LD_MEDIA_TYPE, "application/json")
# The title and the awarding body show in every share (the issue: "title and issuer always").
ALWAYS_SHOWN = ("achievement_title", "issuing_authority")
# Plain-words names of the micro-credential claims (microcred.model.sdjwt_claims).
CLAIM_LABELS: dict[str, str] = {
    "achievement_title": "Title",
    "achievement_description": "Description",
    "issuing_authority": "Awarding body",
    "issuing_country": "Country of the issuer",
    "date_of_issuance": "Date of issue",
    "date_of_expiry": "Valid until",
    "language_of_classes": "Language",
    "learning_outcomes": "Learning outcomes",
    "expected_study_time": "Workload",
    "ects_credits": "ECTS credits",
    "workload_hours": "Hours of study",
    "level_of_learning_experience": "Level (EQF)",
    "nqf_level": "National level",
    "assessment_type": "Type of assessment",
    "form_of_participation": "Form of participation",
    "types_of_quality_assurance": "Quality assurance",
    "given_name": "Given name",
    "family_name": "Family name",
    "learner_identification": "Learner identifier",
    "assessment_grade": "Grade",
    "prerequisites_to_enroll": "Prerequisites",
    "supervision_and_identity_verification": "Supervision and identity check",
    "integration_stackability_options": "Stackability",
    "further_information": "Further information",
    "skills": "Skills",
}

# The order the share form lists claims in (unknown claims come last, in issue order).
_ORDER = {
    name: position
    for position, name in enumerate(
        (
            "given_name",
            "family_name",
            "learner_identification",
            "assessment_grade",
            "skills",
            "prerequisites_to_enroll",
            "supervision_and_identity_verification",
            "integration_stackability_options",
            "further_information",
        )
    )
}
# Members of the signed payload that describe the token, not the achievement.
_TOKEN_CLAIMS = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "_sd", "_sd_alg"})

ShareMode = Literal["sd-jwt", "ob3"]


@dataclass(frozen=True)
class ShareableClaim:
    """A top-level claim of a held SD-JWT VC that the learner can tick (or that always shows)."""

    name: str
    label: str
    value: Any
    always: bool


@dataclass(frozen=True)
class ShareTerms:
    """When a share stops working and whether it works only once."""

    created_at: float
    expires_at: float
    one_time: bool


def claim_label(name: str) -> str:
    """The plain-words label of a claim name (the name itself when unknown)."""
    return CLAIM_LABELS.get(name, name.replace("_", " ").capitalize())


def shareable_claims(sd_jwt: str) -> list[ShareableClaim]:
    """The selectively disclosable top-level claims of an issued SD-JWT VC, person first."""
    parsed = sdjwt.parse(sd_jwt)
    if parsed.kb_jwt is not None:
        raise InputError("a held credential carries no key-binding JWT", code="kb_in_issued")
    processed = process(parsed.jws.payload, parsed.disclosures)
    found: list[ShareableClaim] = []
    seen: set[str] = set()
    for path, _ in processed.disclosed:
        name = path[0]
        if len(path) != 1 or not isinstance(name, str) or name in seen:
            continue  # nested Disclosures travel with their top-level claim
        seen.add(name)
        found.append(
            ShareableClaim(
                name, claim_label(name), processed.claims.get(name), name in ALWAYS_SHOWN
            )
        )
    # Person first, then the result, then the rest: the order a learner decides in.
    return sorted(found, key=lambda claim: _ORDER.get(claim.name, len(_ORDER)))


def plain_claims(sd_jwt: str) -> list[str]:
    """Names of the achievement claims every presentation shows (plaintext in the signed JWT)."""
    payload = sdjwt.parse(sd_jwt).jws.payload
    return [name for name in payload if name not in _TOKEN_CLAIMS]


def present_claims(sd_jwt: str, chosen: Collection[str]) -> str:
    """A bearer presentation with the Disclosures of `chosen` claims (and ALWAYS_SHOWN) only.

    A chosen top-level claim takes its nested Disclosures along; anything not chosen stays in
    the wallet. Unknown names are refused rather than silently ignored.
    """
    available = {path[0] for path in sdjwt.available_paths(sd_jwt)}
    unknown = sorted(set(chosen) - available)
    if unknown:
        raise InputError(
            f"not a shareable claim: {', '.join(name[:40] for name in unknown)}",
            code="unknown_claim",
        )
    wanted = set(chosen) | (set(ALWAYS_SHOWN) & available)

    def selected(path: ClaimPath) -> bool:
        return path[0] in wanted

    return sdjwt.present(sd_jwt, disclose=selected)


def new_share_id() -> str:
    """A fresh 128-bit random share identifier, base64url."""
    return base64url.encode(secrets.token_bytes(SHARE_ID_BYTES))


def terms(days: Any, one_time: bool, *, now: float) -> ShareTerms:
    """Validate the learner's choice of expiry (whole days, 1 to MAX_DAYS)."""
    if isinstance(days, str):
        days = days.strip()
        if not days.isdigit():
            raise InputError("the expiry must be a whole number of days", code="bad_expiry")
        days = int(days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InputError(f"the expiry must be 1 to {MAX_DAYS} days", code="bad_expiry")
    end = dt.datetime.fromtimestamp(now, dt.UTC) + dt.timedelta(days=days)
    return ShareTerms(now, end.timestamp(), bool(one_time))


def wants_presentation(accept: str) -> bool:
    """True when an Accept header names a credential media type (a verifier), not just HTML."""
    offered = {part.split(";", 1)[0].strip().lower() for part in accept.split(",")}
    return any(media in offered for media in _MACHINE_TYPES)


def media_type_for(mode: ShareMode) -> str:
    """The Content-Type a share of this mode is served with."""
    return SD_JWT_MEDIA_TYPE if mode == "sd-jwt" else VC_LD_MEDIA_TYPE
