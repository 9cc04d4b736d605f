"""Reading the staff's HTML forms into the model, with a plain-words message per field.

Messages are in the page's language: the form's own with gettext, the core's through `wording`.

The course form maps onto `microcred.model.Course`; completeness is the core's Annex I check
(`course_problems`), whose field keys (`workload`, `level`, ...) name the form's fieldsets. The
learner form maps onto `Award` and `award_problems`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from microcred.annex import award_problems, course_problems
from microcred.course import MAX_SKILLS, Award, Course
from microcred.errors import InputError

from . import wording

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = re.compile(r"\d{1,5}(?:[.,]\d{1,2})?")
TEXT_FIELDS = (
    "title",
    "description",
    "awarding_body",
    "assessment_type",
    "quality_assurance",
    "participation_form",
)
OPTIONAL_FIELDS = (
    "nqf_level",
    "language",
    "prerequisites",
    "supervision",
    "grade_scheme",
    "stackability",
    "further_information",
)


@dataclass
class CourseForm:
    """What the course form said: the data to store, type errors and the Annex I problems."""

    data: dict[str, Any]
    code: str | None
    errors: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    skill_rows: list[tuple[str, str]] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        """True when the course may be published: no type errors and Annex I complete."""
        return not self.errors and not self.problems

    @property
    def checklist(self) -> dict[str, str]:
        """Everything to fix, by field: typing errors first, then Annex I problems."""
        return {**self.errors, **{k: v for k, v in self.problems.items() if k not in self.errors}}


def slugify(text: str) -> str:
    """A URL slug in plain ASCII: `Nhập môn Trí tuệ nhân tạo` -> `nhap-mon-tri-tue-nhan-tao`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "course"


def _number(form: MultiDict[str, str], name: str, errors: dict[str, str]) -> float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    if not _NUMBER.fullmatch(raw):
        errors["workload"] = _("enter numbers like 5 or 2.5")
        return None
    return float(raw.replace(",", "."))


def _level(form: MultiDict[str, str], errors: dict[str, str]) -> int | None:
    raw = form.get("eqf_level", "").strip()
    if not raw:
        return None
    if raw not in {str(n) for n in range(1, 9)}:
        errors["level"] = _("choose an EQF level from 1 to 8")
        return None
    return int(raw)


def _skills(form: MultiDict[str, str], errors: dict[str, str]) -> list[tuple[str, str]]:
    uris, labels = form.getlist("skill_uri"), form.getlist("skill_label")
    pairs = [(uri.strip(), text.strip()) for uri, text in zip(uris, labels, strict=False)]
    pairs = [pair for pair in pairs if pair[0] or pair[1]]
    for number, (uri, label) in enumerate(pairs, start=1):
        if not uri or not label:
            errors["skills"] = _(
                "skill %(number)d: give both the ESCO address and its name", number=number
            )
    if len(pairs) > MAX_SKILLS:
        errors["skills"] = _("list at most %(n)s skills", n=MAX_SKILLS)
    return pairs


def _optional(form: MultiDict[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def read_course_form(form: MultiDict[str, str], course_id: str) -> CourseForm:
    """Read a submitted course form; `course_id` is the course's public address."""
    errors: dict[str, str] = {}
    code = form.get("code", "").strip() or None
    if code is not None and not _CODE.fullmatch(code):
        errors["code"] = _("use up to 40 letters, digits, dots, dashes or underscores")
    outcomes = [line.strip() for line in form.get("learning_outcomes", "").splitlines()]
    data: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    data.update({name: _optional(form, name) for name in OPTIONAL_FIELDS})
    data.update(
        id=course_id,
        country=form.get("country", "").strip().upper(),
        learning_outcomes=[line for line in outcomes if line],
        ects=_number(form, "ects", errors),
        workload_hours=_number(form, "workload_hours", errors),
        eqf_level=_level(form, errors),
        level_not_applicable=form.get("level_not_applicable") == "on",
    )
    pairs = _skills(form, errors)
    data["skills"] = [{"uri": uri, "label": label} for uri, label in pairs if uri and label]
    result = CourseForm(data, code, errors, skill_rows=pairs)
    try:
        course = Course.from_dict(data)
    except InputError as error:
        result.errors.setdefault("skills", wording.message(error.message))
        return result
    for problem in course_problems(course):
        result.problems.setdefault(problem.field, wording.message(problem.message))
    return result


def course_problems_of(data: dict[str, Any]) -> dict[str, str]:
    """The Annex I problems of stored course data, by field."""
    try:
        course = Course.from_dict(data)
    except InputError as error:
        return {"skills": wording.message(error.message)}
    found: dict[str, str] = {}
    for problem in course_problems(course):
        found.setdefault(problem.field, wording.message(problem.message))
    return found


@dataclass
class LearnerForm:
    """A learner entered by hand: the award fields, e-mail and per-field errors."""

    award: Award
    email: str | None
    errors: dict[str, str]


def read_learner_form(form: MultiDict[str, str], *, today: str) -> LearnerForm:
    """Read the issue-to-one-learner form and check it with the Annex I award rules."""
    award = Award(
        given_name=form.get("given_name", "").strip(),
        family_name=form.get("family_name", "").strip(),
        learner_id=form.get("learner_id", "").strip(),
        date_of_issuance=form.get("date_of_issuance", "").strip() or today,
        grade=_optional(form, "grade"),
        valid_until=_optional(form, "valid_until"),
    )
    errors: dict[str, str] = {}
    for problem in award_problems(award):
        errors.setdefault(problem.field, wording.message(problem.message))
    email = _optional(form, "email")
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        errors["email"] = _("not an e-mail address")
    return LearnerForm(award, email, errors)
