"""The micro-credential as an unsigned Open Badges 3.0 credential (VC 2.0) or its VCDM 1.1 twin.

Every property used is defined by the two contexts of each shape (VC 2.0 + OB
`context-3.0.3.json`; VC 1.1 + the OB draft `context.json`): JSON-LD expansion drops anything
else and a Data Integrity verifier rejects the credential for it (SECURITY-CASES C04). Where
OB 3.0 has a term for an Annex I element we use it; the rest travel as Achievement
`alignment`s, the OB way to relate an achievement to a node of an external framework:

- title, description: `achievement.name`, `.description` (and the credential's own).
- awarding body, country: `issuer.name` (or `achievement.creator.name` when they differ),
  `issuer.address.addressCountryCode`.
- learner: `credentialSubject` typed also `Profile`, with `givenName` and `familyName` (1EdTech
  implementation guide, "Including additional recipient profile information"); the learner id
  as an `IdentityObject` of `identityType` "identifier", plain or `sha256$`-hashed with a salt.
- date of issuing: `awardedDate` (OB 3.0.3); in VCDM 1.1 `issued` (the VC v1 context's
  cred:issued; the OB draft context has no awardedDate), `issuanceDate` being when the
  credential starts to be valid, as `validFrom` is in OB 3.0.
- learning outcomes: `achievement.criteria.narrative`, one Markdown list item per outcome.
- ECTS: `achievement.creditsAvailable`.
- EQF level: an alignment of `targetType` "ext:EQFLevel" to the Europass EQF concept
  http://data.europa.eu/snb/eqf/N (Edubadges' OB 3.0 model does the same).
- skills: an alignment to the skill's URI (ESCO), `targetName` its label.
- grade: `credentialSubject.result[].value`, described by an `achievement.resultDescription`.
- language: `achievement.inLanguage` (OB 3.0.3); an element alignment in VCDM 1.1, whose
  draft context lacks the term.
- hours, national level, "level not applicable", assessment, participation, quality assurance,
  prerequisites, supervision, stackability, further information: an alignment of `targetType`
  "ext:MicroCredentialElement" whose `targetFramework` is the Council Recommendation,
  `targetCode` the element key, `targetName` its label and `targetDescription` the value.

`ext:` is the OB 3.0 prefix for extending its extensible enumerations (AlignmentTargetType).
Readers accept any OB credential: unknown alignments become skills, others' EQF alignments by
their Europass URL, a learner `name` or name `IdentityObject` as the learner's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from .annex import require_issuable
from .course import LEVEL_NOT_APPLICABLE, Award, Course
from .errors import InputError

OB3_CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
VCDM11_CONTEXTS = (
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
ELEMENT_TARGET_TYPE = "ext:MicroCredentialElement"
ELEMENT_FRAMEWORK = "Council Recommendation 2022/C 243/02 on micro-credentials, Annex I"
ELEMENT_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022H0627(02)"
EQF_TARGET_TYPE = "ext:EQFLevel"
EQF_URL = "http://data.europa.eu/snb/eqf/{level}"
# The Europass EQF concepts, however the issuer spelt the scheme.
EQF_URL_PATTERN = re.compile(r"https?://data\.europa\.eu/snb/eqf/([1-8])")
# (targetCode, targetName) of the element alignments, in the order they are written.
ELEMENTS = (
    ("workload_hours", "Notional workload (hours)"),
    ("nqf_level", "Level in the national qualifications framework"),
    ("level", "Level of the learning experience"),
    ("assessment_type", "Type of assessment"),
    ("participation_form", "Form of participation"),
    ("quality_assurance", "Type of quality assurance"),
    ("prerequisites", "Prerequisites needed to enrol"),
    ("supervision", "Supervision and identity verification during assessment"),
    ("stackability", "Integration or stackability options"),
    ("further_information", "Further information"),
    ("language", "Language of instruction"),
)
# XML Schema dateTime with a time zone, as VC validFrom/issuanceDate require.
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def _datetime(value: str | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise InputError("a credential date-time needs a time zone", code="invalid_datetime")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise InputError("use a date-time like 2025-06-30T00:00:00Z", code="invalid_datetime")
    return value


def _element_values(course: Course, *, with_language: bool) -> dict[str, str | None]:
    hours = course.workload_hours
    return {
        "workload_hours": None if hours is None else f"{hours:g}",
        "nqf_level": course.nqf_level,
        "level": LEVEL_NOT_APPLICABLE if course.level_not_applicable else None,
        "assessment_type": course.assessment_type,
        "participation_form": course.participation_form,
        "quality_assurance": course.quality_assurance,
        "prerequisites": course.prerequisites,
        "supervision": course.supervision,
        "stackability": course.stackability,
        "further_information": course.further_information,
        "language": course.language if with_language else None,
    }


def _alignments(course: Course, *, with_language: bool) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if course.eqf_level is not None:
        found.append(
            {
                "type": ["Alignment"],
                "targetType": EQF_TARGET_TYPE,
                "targetFramework": "European Qualifications Framework",
                "targetCode": str(course.eqf_level),
                "targetName": f"EQF level {course.eqf_level}",
                "targetUrl": EQF_URL.format(level=course.eqf_level),
            }
        )
    values = _element_values(course, with_language=with_language)
    for code, label in ELEMENTS:
        value = values[code]
        if value is not None and value.strip():
            found.append(
                {
                    "type": ["Alignment"],
                    "targetType": ELEMENT_TARGET_TYPE,
                    "targetFramework": ELEMENT_FRAMEWORK,
                    "targetCode": code,
                    "targetName": label,
                    "targetDescription": value,
                    "targetUrl": ELEMENT_URL,
                }
            )
    for skill in course.skills:
        found.append({"type": ["Alignment"], "targetName": skill.label, "targetUrl": skill.uri})
    return found


def outcomes_markdown(outcomes: tuple[str, ...]) -> str:
    """One Markdown list item per outcome; a line break inside an outcome continues its item."""
    return "\n".join("- " + outcome.replace("\n", "\n  ") for outcome in outcomes)


def outcomes_from_markdown(narrative: str) -> tuple[str, ...]:
    """Read back `outcomes_markdown`; a narrative without list items is one outcome."""
    items: list[str] = []
    for line in narrative.split("\n"):
        if line.startswith(("- ", "* ")):
            items.append(line[2:])
        elif items and line.startswith("  "):
            items[-1] += "\n" + line[2:]
    if items:
        return tuple(items)
    return (narrative,) if narrative.strip() else ()


def _profile(profile_id: str, name: str, country: str | None) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": profile_id, "type": ["Profile"], "name": name}
    if country:
        profile["address"] = {"type": ["Address"], "addressCountryCode": country}
    return profile


def _achievement(
    course: Course, award: Award, issuer_id: str, issuer_name: str, *, ob3: bool
) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": course.id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": course.title,
        "description": course.description,
        "criteria": {"narrative": outcomes_markdown(course.learning_outcomes)},
        "alignment": _alignments(course, with_language=not ob3),
    }
    if course.awarding_body != issuer_name:
        achievement["creator"] = _profile(issuer_id, course.awarding_body, course.country)
    if course.ects is not None:
        achievement["creditsAvailable"] = float(course.ects)
    if ob3 and course.language:
        achievement["inLanguage"] = course.language
    if award.grade is not None:
        achievement["resultDescription"] = [
            {
                "id": course.id + "#grade",
                "type": ["ResultDescription"],
                "name": course.grade_scheme or "Grade",
                "resultType": "Result",
            }
        ]
    return achievement


def _subject(
    course: Course, award: Award, subject_id: str, salt: str | None, achievement: dict[str, Any]
) -> dict[str, Any]:
    # Typed also Profile so givenName/familyName are defined terms (1EdTech implementation guide).
    subject: dict[str, Any] = {"id": subject_id, "type": ["AchievementSubject", "Profile"]}
    if award.given_name.strip():
        subject["givenName"] = award.given_name
    if award.family_name.strip():
        subject["familyName"] = award.family_name
    identity: dict[str, Any] = {"type": "IdentityObject", "identityType": "identifier"}
    if salt is None:
        identity.update({"hashed": False, "identityHash": award.learner_id})
    else:
        # OB IdentityHash: "sha256$" + hex SHA-256 of the identity followed by the salt.
        digest = hashlib.sha256((award.learner_id + salt).encode()).hexdigest()
        identity.update({"hashed": True, "identityHash": "sha256$" + digest, "salt": salt})
    subject["identifier"] = [identity]
    subject["achievement"] = achievement
    if award.grade is not None:
        grade = {
            "type": ["Result"],
            "resultDescription": course.id + "#grade",
            "value": award.grade,
        }
        subject["result"] = [grade]
    return subject


def _end_of_day(date: str | None) -> str | None:
    # Award.valid_until is the last valid day, inclusive.
    return None if date is None else date + "T23:59:59Z"


def to_open_badge(
    course: Course,
    award: Award,
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    subject_id: str,
    valid_from: str | dt.datetime,
    valid_until: str | dt.datetime | None = None,
    learner_id_salt: str | None = None,
) -> dict[str, Any]:
    """An unsigned OB 3.0 OpenBadgeCredential (VC 2.0) for this award, ready for a DI proof.

    `valid_until` defaults to the end of `award.valid_until`; with `learner_id_salt` the
    learner id is carried only as a salted hash.
    """
    require_issuable(course, award)
    achievement = _achievement(course, award, issuer_id, issuer_name, ob3=True)
    document: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": course.title,
        "description": course.description,
        "issuer": _profile(issuer_id, issuer_name, course.country),
        "validFrom": _datetime(valid_from),
        "awardedDate": award.date_of_issuance + "T00:00:00Z",
        "credentialSubject": _subject(course, award, subject_id, learner_id_salt, achievement),
    }
    until = valid_until if valid_until is not None else _end_of_day(award.valid_until)
    if until is not None:
        document["validUntil"] = _datetime(until)
    return document


def to_vcdm11(
    course: Course,
    award: Award,
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    subject_id: str,
    issuance_date: str | dt.datetime | None = None,
    expiration_date: str | dt.datetime | None = None,
    learner_id_salt: str | None = None,
) -> dict[str, Any]:
    """The same achievement as a VCDM 1.1 credential (OB draft context) for VC-JWT via didkit.

    `issuance_date` defaults to the start of `award.date_of_issuance`, `expiration_date` to the
    end of `award.valid_until`.
    """
    require_issuable(course, award)
    achievement = _achievement(course, award, issuer_id, issuer_name, ob3=False)
    issued = issuance_date if issuance_date is not None else award.date_of_issuance + "T00:00:00Z"
    document: dict[str, Any] = {
        "@context": list(VCDM11_CONTEXTS),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": course.title,
        "description": course.description,
        "issuer": _profile(issuer_id, issuer_name, course.country),
        "issuanceDate": _datetime(issued),
        "issued": award.date_of_issuance + "T00:00:00Z",
        "credentialSubject": _subject(course, award, subject_id, learner_id_salt, achievement),
    }
    until = expiration_date if expiration_date is not None else _end_of_day(award.valid_until)
    if until is not None:
        document["expirationDate"] = _datetime(until)
    return document
