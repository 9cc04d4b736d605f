"""A published course, one learner's award, and the skills taught (the micro-credential model).

A `Course` is what an institution publishes: the elements of EU Council Recommendation
2022/C 243/02, Annex I that describe the learning. An `Award` is what the issuer adds for one
learner (identity, date, grade). Whether they are complete is `annex.course_problems` /
`annex.award_problems`; how they become credentials is `sdjwt_claims` and `open_badge`.
Import the public names from `microcred.model`.

Level is mandatory "if applicable" (Annex I): a course gives an EQF level (1-8), a national
qualifications-framework level (free text), or says explicitly `level_not_applicable=True`,
so "no level" is always a deliberate, visible choice rather than a forgotten field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError

# Annex I: "online, onsite or blended, volunteering, work experience".
PARTICIPATION_FORMS = ("online", "onsite", "blended", "volunteering", "work experience")
# How a credential says that no level applies (Annex I: level "if applicable").
LEVEL_NOT_APPLICABLE = "not applicable"
# Caps that keep a credential small enough to store, present and display (a few KB).
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 2000
MAX_OUTCOMES = 30
MAX_SKILLS = 50
MAX_URI = 500
# ECTS: a micro-credential is small; 180 is a whole bachelor and bounds typos like 1000.
MAX_ECTS = 180.0
MAX_HOURS = 5000.0
# Controls other than tab/newline/CR have no place in display text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s")


def is_http_url(value: str, *, fragment_ok: bool = True) -> bool:
    """True for a short absolute http(s) URL with a host and no whitespace."""
    if len(value) > MAX_URI or _WHITESPACE.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and (fragment_ok or not parts.fragment)
    )


@dataclass(frozen=True)
class Skill:
    """A skill the course teaches, named by a URI (an ESCO skill where possible) and a label."""

    uri: str
    label: str

    def __post_init__(self) -> None:
        if not isinstance(self.uri, str) or not is_http_url(self.uri):
            raise InputError("a skill URI must be an http(s) URL", code="invalid_skill")
        if not isinstance(self.label, str) or not self.label.strip():
            raise InputError("a skill needs a label", code="invalid_skill")
        if len(self.label) > MAX_SHORT_TEXT or CONTROL_CHARACTERS.search(self.label):
            raise InputError("a skill label must be short, plain text", code="invalid_skill")


@dataclass(frozen=True, kw_only=True)
class Course:
    """A published micro-credential definition: the Annex I elements that describe the learning."""

    id: str
    title: str
    description: str
    awarding_body: str
    country: str
    learning_outcomes: tuple[str, ...]
    assessment_type: str
    participation_form: str
    quality_assurance: str
    ects: float | None = None
    workload_hours: float | None = None
    eqf_level: int | None = None
    nqf_level: str | None = None
    level_not_applicable: bool = False
    language: str | None = None
    prerequisites: str | None = None
    supervision: str | None = None
    grade_scheme: str | None = None
    stackability: str | None = None
    further_information: str | None = None
    skills: tuple[Skill, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Course:
        """Build a course from stored or submitted data, checking every value's type."""
        if not isinstance(data, Mapping):
            raise InputError("a course must be an object", code="invalid_course")
        known = {field.name for field in fields(cls)}
        unknown = sorted(str(key)[:40] for key in data if key not in known)
        if unknown:
            raise InputError(f"unknown course fields: {', '.join(unknown)}", code="invalid_course")
        values: dict[str, Any] = {}
        for name in known:
            kind = _FIELD_KINDS[name]
            values[name] = _COERCE[kind](name, data.get(name, _DEFAULTS[kind]))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data that `from_dict` reads back."""
        data: dict[str, Any] = {field.name: getattr(self, field.name) for field in fields(self)}
        data["learning_outcomes"] = list(self.learning_outcomes)
        data["skills"] = [{"uri": skill.uri, "label": skill.label} for skill in self.skills]
        return data


@dataclass(frozen=True, kw_only=True)
class Award:
    """What the issuer adds for one learner: identity, date of issuing, grade and expiry."""

    given_name: str
    family_name: str
    learner_id: str
    date_of_issuance: str
    grade: str | None = None
    valid_until: str | None = None


def _coerce_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InputError(f"course field {name!r} must be text", code="invalid_course")
    return value


def _coerce_optional_text(name: str, value: Any) -> str | None:
    return None if value is None else _coerce_text(name, value)


def _coerce_number(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"course field {name!r} must be a number", code="invalid_course")
    return float(value)


def _coerce_level(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"course field {name!r} must be a whole number", code="invalid_course")
    return value


def _coerce_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"course field {name!r} must be true or false", code="invalid_course")
    return value


def _coerce_outcomes(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise InputError(f"course field {name!r} must be a list of texts", code="invalid_course")
    return tuple(value)


def _coerce_skills(name: str, value: Any) -> tuple[Skill, ...]:
    if not isinstance(value, list | tuple):
        raise InputError(f"course field {name!r} must be a list", code="invalid_course")
    skills = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"uri", "label"}:
            raise InputError("each skill needs exactly a uri and a label", code="invalid_course")
        skills.append(Skill(item["uri"], item["label"]))
    return tuple(skills)


_COERCE: dict[str, Any] = {
    "text": _coerce_text,
    "optional_text": _coerce_optional_text,
    "number": _coerce_number,
    "level": _coerce_level,
    "flag": _coerce_flag,
    "outcomes": _coerce_outcomes,
    "skills": _coerce_skills,
}
_DEFAULTS: dict[str, Any] = {
    "text": "",
    "optional_text": None,
    "number": None,
    "level": None,
    "flag": False,
    "outcomes": (),
    "skills": (),
}
_FIELD_KINDS = {
    **dict.fromkeys(
        ("id", "title", "description", "awarding_body", "country")
        + ("assessment_type", "participation_form", "quality_assurance"),
        "text",
    ),
    **dict.fromkeys(
        ("nqf_level", "language", "prerequisites", "supervision", "grade_scheme")
        + ("stackability", "further_information"),
        "optional_text",
    ),
    "ects": "number",
    "workload_hours": "number",
    "eqf_level": "level",
    "level_not_applicable": "flag",
    "learning_outcomes": "outcomes",
    "skills": "skills",
}
