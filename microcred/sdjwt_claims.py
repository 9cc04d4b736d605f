"""The micro-credential as SD-JWT VC claims, and back to a readable `Certificate`.

Claim names follow the EUDI learning credential (eudi-srv-pid-issuer, vct
`urn:eu.europa.ec.eudi:learning:credential:1`) where it has one, with its value types: ISO dates,
`level_of_learning_experience` an integer EQF level, `learning_outcomes`,
`types_of_quality_assurance` and `prerequisites_to_enroll` arrays of strings,
`form_of_participation` and `date_of_expiry` as there. Our additions (DESIGN.md): `ects_credits`,
`workload_hours`, `nqf_level`, `assessment_type`, `supervision_and_identity_verification`,
`further_information` and `skills` ([{uri, label}]); `integration_stackability_options` is a
description here (EUDI: a yes/no boolean, which the reader also accepts).
A course whose level is explicitly not applicable says `"level_of_learning_experience":
"not applicable"` (Annex I: level "if applicable"), so the verifier can tell a deliberate
"no level" from a hidden or forgotten one.

Which claims the issuer makes selectively disclosable: everything about the person (names,
identifier, grade) and every optional element; the mandatory Annex I description of the
course stays visible, so any presentation still says what was learnt, how much and at which
level. `iss`, `vct`, validity, `status` and `cnf` are never disclosable (SD-JWT VC
registered claims; SECURITY-CASES B07) and are added by the SD-JWT issuer, not here.

`VCT` is a URN rather than an https URL on purpose: an https `vct` invites verifiers to fetch
type metadata from it (an outbound request per credential, SECURITY-CASES B23); a URN does not.
"""

from __future__ import annotations

from typing import Any

from .annex import require_issuable
from .certificate import Certificate, date_part, eqf, number, obj, objs, skills, text, texts
from .course import LEVEL_NOT_APPLICABLE, Award, Course

# Our own credential type: the EUDI learning credential's claims plus the Annex I rest.
VCT = "urn:microcred:micro-credential:1"
# Personal data and optional elements: the holder chooses whether to show them.
SDJWT_SELECTIVE_CLAIMS = (
    "given_name",
    "family_name",
    "learner_identification",
    "assessment_grade",
    "prerequisites_to_enroll",
    "supervision_and_identity_verification",
    "integration_stackability_options",
    "further_information",
    "skills",
)
# Title, issuer and the mandatory description of the course: shown in every presentation.
SDJWT_ALWAYS_VISIBLE = (
    "achievement_title",
    "achievement_description",
    "issuing_authority",
    "issuing_country",
    "date_of_issuance",
    "date_of_expiry",
    "language_of_classes",
    "learning_outcomes",
    "expected_study_time",
    "ects_credits",
    "workload_hours",
    "level_of_learning_experience",
    "nqf_level",
    "assessment_type",
    "form_of_participation",
    "types_of_quality_assurance",
)
# Certificate fields that are a claim's string value as it is: (field, claim).
_TEXT_FIELDS = (
    ("title", "achievement_title"),
    ("description", "achievement_description"),
    ("awarding_body", "issuing_authority"),
    ("country", "issuing_country"),
    ("issuer_id", "iss"),
    ("given_name", "given_name"),
    ("family_name", "family_name"),
    ("learner_id", "learner_identification"),
    ("valid_until", "date_of_expiry"),
    ("study_time", "expected_study_time"),
    ("assessment_type", "assessment_type"),
    ("participation_form", "form_of_participation"),
    ("grade", "assessment_grade"),
    ("supervision", "supervision_and_identity_verification"),
    ("further_information", "further_information"),
)


def study_time(course: Course) -> str:
    """The notional workload in words, e.g. "5 ECTS, 125 hours"."""
    parts = []
    if course.ects is not None:
        parts.append(f"{course.ects:g} ECTS")
    if course.workload_hours is not None:
        parts.append(f"{course.workload_hours:g} hours")
    return ", ".join(parts)


def _course_claims(course: Course) -> dict[str, Any]:
    return {
        "achievement_title": course.title,
        "achievement_description": course.description,
        "issuing_authority": course.awarding_body,
        "issuing_country": course.country,
        "language_of_classes": course.language,
        "learning_outcomes": list(course.learning_outcomes),
        "expected_study_time": study_time(course),
        "ects_credits": None if course.ects is None else float(course.ects),
        "workload_hours": None if course.workload_hours is None else float(course.workload_hours),
        "level_of_learning_experience": (
            LEVEL_NOT_APPLICABLE if course.level_not_applicable else course.eqf_level
        ),
        "nqf_level": course.nqf_level,
        "assessment_type": course.assessment_type,
        "form_of_participation": course.participation_form,
        "types_of_quality_assurance": [course.quality_assurance],
        "prerequisites_to_enroll": [course.prerequisites],
        "supervision_and_identity_verification": course.supervision,
        "integration_stackability_options": course.stackability,
        "further_information": course.further_information,
        "skills": [{"uri": s.uri, "label": s.label} for s in course.skills],
    }


def to_sdjwt_claims(course: Course, award: Award) -> dict[str, Any]:
    """The SD-JWT VC claims of this award, without absent optional values (before any `_sd`)."""
    require_issuable(course, award)
    claims = _course_claims(course)
    claims.update(
        {
            "given_name": award.given_name,
            "family_name": award.family_name,
            "learner_identification": award.learner_id,
            "date_of_issuance": award.date_of_issuance,
            "date_of_expiry": award.valid_until,
            "assessment_grade": award.grade,
        }
    )
    # Absent means absent: no nulls or blank strings for a verifier to misread as values.
    return {name: value for name, value in claims.items() if not _absent(value)}


def _absent(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value or all(_absent(item) for item in value)
    return value is None


def _level(claims: dict[str, Any]) -> dict[str, Any]:
    level = claims.get("level_of_learning_experience")
    not_applicable = isinstance(level, str) and level.strip().casefold() == LEVEL_NOT_APPLICABLE
    other = text(level) if eqf(level) is None and not not_applicable else None
    return {
        "eqf_level": eqf(level),
        "nqf_level": text(claims.get("nqf_level")) or other,
        "level_not_applicable": not_applicable,
    }


def _stackability(value: Any) -> str | None:
    # The EUDI learning credential carries a yes/no boolean; ours a description.
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return text(value)


def certificate_from_sdjwt(claims: dict[str, Any]) -> Certificate:
    """Read verified, disclosed SD-JWT VC claims as a certificate; wrong types are ignored."""
    claims = obj(claims)
    get = claims.get
    # Runs on every verification: the plain-text fields by table, one lookup each.
    fields: dict[str, Any] = {
        field: value if isinstance(value := get(claim), str) else None
        for field, claim in _TEXT_FIELDS
    }
    languages = texts(get("language_of_classes"))
    return Certificate(
        **fields,
        issuer_name=fields["awarding_body"],
        date_of_issuance=date_part(get("date_of_issuance")),
        learning_outcomes=texts(get("learning_outcomes")),
        ects=number(get("ects_credits")),
        workload_hours=number(get("workload_hours")),
        **_level(claims),
        quality_assurance=texts(get("types_of_quality_assurance")),
        skills=skills((item.get("uri"), item.get("label")) for item in objs(get("skills"))),
        language=", ".join(languages) if languages else None,
        prerequisites=texts(get("prerequisites_to_enroll")),
        stackability=_stackability(get("integration_stackability_options")),
    )
