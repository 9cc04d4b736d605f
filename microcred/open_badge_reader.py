"""Read an Open Badges credential (OB 3.0 on VC 2.0, or on VCDM 1.1) as a readable `Certificate`.

Run on a document whose proof and contexts were already checked. Total: a value of the wrong
type is ignored, never a TypeError; strings are kept as they are. It reads our own mapping
(`open_badge`) exactly, and others' credentials as far as they say the same things: an issuer
given as a bare URL, a learner `name`, others' EQF alignments by their Europass URL; any other
alignment is listed as a skill.
"""

from __future__ import annotations

from typing import Any

from .certificate import Certificate, date_part, eqf, number, obj, objs, skills, text, texts
from .course import LEVEL_NOT_APPLICABLE
from .open_badge import (
    ELEMENT_TARGET_TYPE,
    ELEMENTS,
    EQF_TARGET_TYPE,
    EQF_URL_PATTERN,
    outcomes_from_markdown,
)

_ELEMENT_CODES = frozenset(code for code, _ in ELEMENTS)
# IdentityObject types that carry the learner's name rather than an identifier.
_NAME_TYPES = ("name", "ext:name")


def _sort_alignments(
    alignments: list[dict[str, Any]],
) -> tuple[int | None, dict[str, str], list[tuple[Any, Any]]]:
    """Split alignments into the EQF level, our Annex I elements and the rest (as skills)."""
    level: int | None = None
    elements: dict[str, str] = {}
    rest: list[tuple[Any, Any]] = []
    for alignment in alignments:
        code, url = alignment.get("targetCode"), alignment.get("targetUrl")
        kind = alignment.get("targetType")
        url_level = EQF_URL_PATTERN.fullmatch(url) if isinstance(url, str) else None
        if kind == EQF_TARGET_TYPE or url_level:
            level = level or eqf(code) or (int(url_level.group(1)) if url_level else None)
        elif kind == ELEMENT_TARGET_TYPE and isinstance(code, str) and code in _ELEMENT_CODES:
            value = text(alignment.get("targetDescription"))
            if value is not None:
                elements.setdefault(code, value)
        else:
            rest.append((url, alignment.get("targetName")))
    return level, elements, rest


def _learner(subject: dict[str, Any]) -> dict[str, Any]:
    names: list[str] = []
    identifiers: list[str] = []
    for identity in objs(subject.get("identifier")):
        value = text(identity.get("identityHash"))
        # A hashed identity can be checked against a claimed value, never displayed.
        if value is None or identity.get("hashed") is not False:
            continue
        kind = identity.get("identityType")
        (names if kind in _NAME_TYPES else identifiers).append(value)
    return {
        "given_name": text(subject.get("givenName")),
        "family_name": text(subject.get("familyName")),
        "learner_name": text(subject.get("name")) or (names[0] if names else None),
        "learner_id": identifiers[0] if identifiers else None,
    }


def _grade(subject: dict[str, Any]) -> str | None:
    for result in objs(subject.get("result")):
        value = text(result.get("value"))
        if value is not None:
            return value
    return None


def _issuer(document: dict[str, Any], achievement: dict[str, Any]) -> dict[str, Any]:
    issuer = document.get("issuer")
    profile, creator = obj(issuer), obj(achievement.get("creator"))

    def country(source: dict[str, Any]) -> str | None:
        return text(obj(source.get("address")).get("addressCountryCode"))

    return {
        "issuer_id": text(issuer) or text(profile.get("id")),
        "issuer_name": text(profile.get("name")),
        # The creator defined the achievement; without one, the issuer is the awarding body.
        "awarding_body": text(creator.get("name")) or text(profile.get("name")),
        "country": country(profile) or country(creator),
    }


def _level(level: int | None, elements: dict[str, str]) -> dict[str, Any]:
    flag = elements.get("level", "").strip().casefold() == LEVEL_NOT_APPLICABLE
    return {
        "eqf_level": level,
        "nqf_level": elements.get("nqf_level"),
        "level_not_applicable": flag,
    }


def certificate_from_open_badge(doc: dict[str, Any]) -> Certificate:
    """Read an Open Badges 3.0 credential as a certificate; wrong types are ignored."""
    document = obj(doc)
    subjects = objs(document.get("credentialSubject"))
    subject = subjects[0] if subjects else {}
    achievement = obj(subject.get("achievement"))
    level, elements, rest = _sort_alignments(objs(achievement.get("alignment")))
    narrative = text(obj(achievement.get("criteria")).get("narrative"))
    # The award date first (OB 3.0 awardedDate, VCDM 1.1 issued), else when validity starts.
    names = ("awardedDate", "issued", "issuanceDate", "validFrom")
    dates = (document.get(name) for name in names)
    issued = next((value for value in dates if isinstance(value, str)), None)
    return Certificate(
        title=text(achievement.get("name")) or text(document.get("name")),
        description=text(achievement.get("description")) or text(document.get("description")),
        **_issuer(document, achievement),
        **_learner(subject),
        date_of_issuance=date_part(issued),
        valid_until=text(document.get("validUntil")) or text(document.get("expirationDate")),
        learning_outcomes=outcomes_from_markdown(narrative) if narrative else (),
        ects=number(achievement.get("creditsAvailable")),
        workload_hours=number(_float_or_none(elements.get("workload_hours"))),
        **_level(level, elements),
        assessment_type=elements.get("assessment_type"),
        participation_form=elements.get("participation_form"),
        quality_assurance=texts(elements.get("quality_assurance")),
        grade=_grade(subject),
        skills=skills(rest),
        language=text(achievement.get("inLanguage")) or elements.get("language"),
        prerequisites=texts(elements.get("prerequisites")),
        supervision=elements.get("supervision"),
        stackability=elements.get("stackability"),
        further_information=elements.get("further_information"),
    )


def certificate_from_vcdm11(doc: dict[str, Any]) -> Certificate:
    """Read a VCDM 1.1 Open Badges credential (issued, expirationDate) as a certificate."""
    # One reader serves both: the shapes differ only in the date terms, which it reads both of.
    return certificate_from_open_badge(doc)


def _float_or_none(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None
