"""The format-independent, readable view of a micro-credential that the apps render.

Readers of SD-JWT VC claims and Open Badges documents both produce a `Certificate`. They are
total: a value of the wrong type in untrusted input is ignored (the field stays empty), never a
TypeError. Strings are kept exactly as they came; escaping is the web layer's job (Jinja
autoescape, SECURITY-CASES I01).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .course import Skill
from .errors import InputError

_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, kw_only=True)
class Certificate:
    """What a micro-credential says, field by field; every field may be absent."""

    title: str | None = None
    description: str | None = None
    awarding_body: str | None = None
    country: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    learner_name: str | None = None
    learner_id: str | None = None
    date_of_issuance: str | None = None
    valid_until: str | None = None
    learning_outcomes: tuple[str, ...] = ()
    ects: float | None = None
    workload_hours: float | None = None
    study_time: str | None = None
    eqf_level: int | None = None
    nqf_level: str | None = None
    level_not_applicable: bool = False
    assessment_type: str | None = None
    participation_form: str | None = None
    quality_assurance: tuple[str, ...] = ()
    grade: str | None = None
    skills: tuple[Skill, ...] = ()
    language: str | None = None
    prerequisites: tuple[str, ...] = ()
    supervision: str | None = None
    stackability: str | None = None
    further_information: str | None = None


def text(value: Any) -> str | None:
    """The value if it is a string, else None."""
    return value if isinstance(value, str) else None


def texts(value: Any) -> tuple[str, ...]:
    """The strings of a list (or a lone string), skipping anything else."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def number(value: Any) -> float | None:
    """A finite JSON number as float, else None (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:  # a 10,000-digit integer from hostile JSON
        return None
    return result if math.isfinite(result) else None


def eqf(value: Any) -> int | None:
    """An EQF level 1-8 given as an integer or a one-digit string, else None."""
    if isinstance(value, str) and re.fullmatch(r"[1-8]", value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    return None


def obj(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The objects of a list (or a lone object), skipping anything else."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def date_part(value: Any) -> str | None:
    """The YYYY-MM-DD part of a date or date-time string; other strings are kept as they are."""
    if not isinstance(value, str):
        return None
    return value[:10] if _DATE_PREFIX.match(value) else value


def skills(pairs: Iterable[tuple[Any, Any]]) -> tuple[Skill, ...]:
    """Skills from (uri, label) pairs, skipping pairs that do not make a valid Skill."""
    found = []
    for uri, label in pairs:
        try:
            found.append(Skill(uri, label))
        except InputError:
            continue
    return tuple(found)
