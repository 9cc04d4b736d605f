"""EU Council Recommendation 2022/C 243/02, Annex I: the elements a micro-credential must carry.

Two sides of one rule. The issuer refuses to publish a course or issue an award while
`course_problems` / `award_problems` list anything (plain words for the issuer's form), and the
credential mappings call `require_issuable` again before building a credential. The verifier
reports, for whatever credential it was shown, which elements are present (`annex_i`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .certificate import Certificate
from .course import (
    CONTROL_CHARACTERS,
    MAX_ECTS,
    MAX_HOURS,
    MAX_LONG_TEXT,
    MAX_OUTCOMES,
    MAX_SHORT_TEXT,
    MAX_SKILLS,
    PARTICIPATION_FORMS,
    Award,
    Course,
    is_http_url,
)
from .errors import CredentialError

# (key, label) in the order of Annex I part 1; the keys are stable and used by the apps.
ANNEX_I_MANDATORY: tuple[tuple[str, str], ...] = (
    ("learner", "Identification of the learner"),
    ("title", "Title of the micro-credential"),
    ("country", "Country or region of the issuer"),
    ("awarding_body", "Awarding body"),
    ("date_of_issuing", "Date of issuing"),
    ("learning_outcomes", "Learning outcomes"),
    ("workload", "Notional workload (ECTS credits where possible)"),
    ("level", "Level of the learning experience (EQF, QF-EHEA), if applicable"),
    ("assessment_type", "Type of assessment"),
    ("participation_form", "Form of participation"),
    ("quality_assurance", "Type of quality assurance"),
)
# Annex I part 2, optional elements.
ANNEX_I_OPTIONAL: tuple[tuple[str, str], ...] = (
    ("prerequisites", "Prerequisites needed to enrol"),
    ("supervision", "Supervision and identity verification during assessment"),
    ("grade", "Grade achieved"),
    ("stackability", "Integration or stackability options"),
    ("further_information", "Further information"),
)
_MANDATORY_KEYS = tuple(key for key, _ in ANNEX_I_MANDATORY)
_OPTIONAL_KEYS = tuple(key for key, _ in ANNEX_I_OPTIONAL)


# ISO 3166-1 alpha-2 shape (the list of codes changes; the shape does not).
_COUNTRY = re.compile(r"[A-Z]{2}")
# BCP 47 shape: a 2-3 letter primary language subtag, then subtags of 1-8 letters or digits.
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_LINE_BREAK = re.compile(r"[\r\n\t]")
# Mandatory free-text course fields: (field, what to say when it is empty, single line?).
# `description` is no Annex I element, but Open Badges requires one (Achievement.description).
_REQUIRED_TEXT = (
    ("title", "give the course a title", True),
    ("description", "describe the course in a sentence or two", False),
    ("awarding_body", "name the awarding body", True),
    ("assessment_type", "say how learners are assessed", False),
    ("quality_assurance", "say how quality is assured", False),
)
_OPTIONAL_TEXT = (
    "prerequisites",
    "supervision",
    "grade_scheme",
    "stackability",
    "further_information",
)


@dataclass(frozen=True)
class FieldProblem:
    """One thing to fix in the issuer's form: the field and a plain-words message."""

    field: str
    message: str


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _text_problem(field: str, value: str | None, *, single_line: bool) -> FieldProblem | None:
    """Say what is wrong with a filled-in text (length, control characters), if anything."""
    if value is None:
        return None
    limit = MAX_SHORT_TEXT if single_line else MAX_LONG_TEXT
    if len(value) > limit:
        return FieldProblem(field, f"keep it under {limit} characters")
    if CONTROL_CHARACTERS.search(value) or (single_line and _LINE_BREAK.search(value)):
        return FieldProblem(field, "remove line breaks and control characters")
    return None


def _mandatory_text(
    field: str, value: str, missing: str, *, single_line: bool
) -> list[FieldProblem]:
    if _blank(value):
        return [FieldProblem(field, missing)]
    problem = _text_problem(field, value, single_line=single_line)
    return [problem] if problem else []


def _workload_problems(course: Course) -> list[FieldProblem]:
    if course.ects is None and course.workload_hours is None:
        return [FieldProblem("workload", "give ECTS credits or hours")]
    problems = []
    if course.ects is not None and not 0 < course.ects <= MAX_ECTS:
        problems.append(
            FieldProblem("workload", f"ECTS credits must be above 0 and at most {MAX_ECTS:g}")
        )
    hours = course.workload_hours
    if hours is not None and not 0 < hours <= MAX_HOURS:
        problems.append(
            FieldProblem("workload", f"hours must be above 0 and at most {MAX_HOURS:g}")
        )
    return problems


def _level_problems(course: Course) -> list[FieldProblem]:
    has_level = course.eqf_level is not None or not _blank(course.nqf_level)
    if course.level_not_applicable and has_level:
        return [FieldProblem("level", "give a level or tick 'not applicable', not both")]
    if not has_level and not course.level_not_applicable:
        return [FieldProblem("level", "give the EQF or national level, or tick 'not applicable'")]
    if course.eqf_level is not None and not 1 <= course.eqf_level <= 8:
        return [FieldProblem("level", "EQF level must be 1-8")]
    problem = _text_problem("level", course.nqf_level, single_line=True)
    return [problem] if problem else []


def _outcome_problems(outcomes: tuple[str, ...]) -> list[FieldProblem]:
    written = [outcome for outcome in outcomes if not _blank(outcome)]
    if not written:
        return [FieldProblem("learning_outcomes", "list at least one learning outcome")]
    if len(outcomes) > MAX_OUTCOMES:
        return [FieldProblem("learning_outcomes", f"list at most {MAX_OUTCOMES} outcomes")]
    if len(written) != len(outcomes):
        return [FieldProblem("learning_outcomes", "remove the empty outcome")]
    problems = (_text_problem("learning_outcomes", item, single_line=False) for item in outcomes)
    return [problem for problem in problems if problem][:1]


def _identity_problems(course: Course) -> list[FieldProblem]:
    problems = []
    if not is_http_url(course.id, fragment_ok=False):
        problems.append(FieldProblem("id", "the course needs a web address (http or https, no #)"))
    if not _COUNTRY.fullmatch(course.country):
        missing = _blank(course.country)
        message = (
            "give the issuer's country" if missing else "use a two-letter country code like VN"
        )
        problems.append(FieldProblem("country", message))
    if course.language is not None and not _LANGUAGE.fullmatch(course.language):
        problems.append(FieldProblem("language", "use a language code like vi or en-GB"))
    if course.participation_form not in PARTICIPATION_FORMS:
        message = "choose one of: " + ", ".join(PARTICIPATION_FORMS)
        problems.append(FieldProblem("participation_form", message))
    if len(course.skills) > MAX_SKILLS:
        problems.append(FieldProblem("skills", f"list at most {MAX_SKILLS} skills"))
    return problems


def course_problems(course: Course) -> list[FieldProblem]:
    """List what stops this course from being published; empty means it is complete."""
    problems: list[FieldProblem] = []
    for field, missing, single_line in _REQUIRED_TEXT:
        value = getattr(course, field)
        problems += _mandatory_text(field, value, missing, single_line=single_line)
    problems += _outcome_problems(course.learning_outcomes)
    problems += _workload_problems(course)
    problems += _level_problems(course)
    problems += _identity_problems(course)
    for field in _OPTIONAL_TEXT:
        problem = _text_problem(field, getattr(course, field), single_line=False)
        problems += [problem] if problem else []
    return problems


def _iso_date(value: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def award_problems(award: Award) -> list[FieldProblem]:
    """List what stops this award from being issued; empty means complete."""
    problems = []
    if _blank(award.given_name) and _blank(award.family_name):
        problems.append(FieldProblem("learner", "give the learner's given or family name"))
    for name in ("given_name", "family_name"):
        problem = _text_problem(name, getattr(award, name), single_line=True)
        problems += [problem] if problem else []
    problems += _mandatory_text(
        "learner_id",
        award.learner_id,
        "give the learner's identifier (e.g. student number)",
        single_line=True,
    )
    issued = _iso_date(award.date_of_issuance)
    if issued is None:
        problems.append(FieldProblem("date_of_issuance", "use a date like 2025-06-30"))
    if award.valid_until is not None:
        until = _iso_date(award.valid_until)
        if until is None:
            problems.append(FieldProblem("valid_until", "use a date like 2030-06-30"))
        elif issued is not None and until < issued:
            problems.append(
                FieldProblem("valid_until", "the end of validity is before the date of issuing")
            )
    if award.grade is not None:
        problems += _mandatory_text(
            "grade", award.grade, "leave the grade out or fill it in", single_line=True
        )
    return problems


def require_issuable(course: Course, award: Award) -> None:
    """Raise CredentialError unless both the course and the award are complete (Annex I)."""
    for kind, problems in (("course", course_problems(course)), ("award", award_problems(award))):
        if problems:
            names = ", ".join(sorted({problem.field for problem in problems}))
            raise CredentialError(f"{kind} is incomplete: {names}", code=f"{kind}_incomplete")


@dataclass(frozen=True)
class AnnexReport:
    """Annex I element keys a credential carries (`present`, `optional_present`) or lacks."""

    present: tuple[str, ...]
    missing: tuple[str, ...]
    optional_present: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """True when every mandatory element is present."""
        return not self.missing


def _filled(value: str | None) -> bool:
    # A whitespace-only value tells the reader nothing: it counts as absent.
    return value is not None and bool(value.strip())


def _any_filled(values: tuple[str | None, ...]) -> bool:
    # A loop rather than any(<generator>): this runs for every verification report.
    for value in values:
        if value is not None and value.strip():
            return True
    return False


def _carried(c: Certificate) -> dict[str, bool]:
    """Whether the certificate carries each Annex I element (one pass: runs per verification)."""
    return {
        "learner": _any_filled((c.given_name, c.family_name, c.learner_name, c.learner_id)),
        "title": _filled(c.title),
        "country": _filled(c.country),
        "awarding_body": _filled(c.awarding_body),
        "date_of_issuing": _filled(c.date_of_issuance),
        "learning_outcomes": _any_filled(c.learning_outcomes),
        "workload": c.ects is not None or c.workload_hours is not None or _filled(c.study_time),
        "level": c.eqf_level is not None or _filled(c.nqf_level) or c.level_not_applicable,
        "assessment_type": _filled(c.assessment_type),
        "participation_form": _filled(c.participation_form),
        "quality_assurance": _any_filled(c.quality_assurance),
        "prerequisites": _any_filled(c.prerequisites),
        "supervision": _filled(c.supervision),
        "grade": _filled(c.grade),
        "stackability": _filled(c.stackability),
        "further_information": _filled(c.further_information),
    }


def annex_i(cert: Certificate) -> AnnexReport:
    """Report which Annex I elements this certificate carries, by element key."""
    carried = _carried(cert)
    present = tuple(key for key in _MANDATORY_KEYS if carried[key])
    missing = tuple(key for key in _MANDATORY_KEYS if not carried[key])
    optional = tuple(key for key in _OPTIONAL_KEYS if carried[key])
    return AnnexReport(present=present, missing=missing, optional_present=optional)
