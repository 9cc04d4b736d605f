"""The course/award model and its Annex I completeness rules (issuer and verifier side)."""

from __future__ import annotations

import dataclasses

import pytest
from sample_course import ESCO_SKILL, award, course

from microcred import model
from microcred.course import MAX_LONG_TEXT, MAX_SHORT_TEXT
from microcred.errors import InputError
from microcred.model import (
    ANNEX_I_MANDATORY,
    ANNEX_I_OPTIONAL,
    Certificate,
    Course,
    FieldProblem,
    Skill,
    annex_i,
    award_problems,
    course_problems,
)


def fields_of(problems: list[FieldProblem]) -> list[str]:
    return [problem.field for problem in problems]


def test_model_exports_a_sorted_public_surface() -> None:
    assert model.__all__ == sorted(model.__all__)
    assert all(hasattr(model, name) for name in model.__all__)


# --- Skill -------------------------------------------------------------------------------------


def test_skill_accepts_esco_uri() -> None:
    assert Skill(ESCO_SKILL, "machine learning").uri == ESCO_SKILL


@pytest.mark.parametrize(
    ("uri", "label"),
    [
        ("javascript:alert(1)", "x"),
        ("ftp://data.europa.eu/esco/skill/1", "x"),
        ("data.europa.eu/esco/skill/1", "x"),
        ("http://", "x"),
        ("http://data.europa.eu/esco/skill/a b", "x"),
        ("http://[::1", "x"),
        ("https://e.example/" + "a" * 600, "x"),
        (None, "x"),
        (ESCO_SKILL, ""),
        (ESCO_SKILL, "   "),
        (ESCO_SKILL, None),
        (ESCO_SKILL, "a\x00b"),
        (ESCO_SKILL, "x" * (MAX_SHORT_TEXT + 1)),
    ],
    ids=[
        "javascript",
        "ftp",
        "no-scheme",
        "no-host",
        "space",
        "bad-ipv6",
        "too-long",
        "uri-not-text",
        "empty-label",
        "blank-label",
        "label-not-text",
        "control-char",
        "long-label",
    ],
)
def test_skill_refuses(uri: object, label: object) -> None:
    with pytest.raises(InputError) as caught:
        Skill(uri, label)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_skill"


# --- Course.from_dict / to_dict ------------------------------------------------------------------


def test_course_dict_round_trip_keeps_every_field() -> None:
    data = course().to_dict()
    assert data["skills"] == [{"uri": ESCO_SKILL, "label": "học máy"}]
    assert Course.from_dict(data) == course()


def test_course_from_dict_with_missing_fields_is_a_draft_with_problems() -> None:
    draft = Course.from_dict({"title": "Nháp"})
    assert draft.title == "Nháp" and draft.skills == () and draft.ects is None
    assert "awarding_body" in fields_of(course_problems(draft))


def test_course_from_dict_makes_ints_floats() -> None:
    assert Course.from_dict({**course().to_dict(), "ects": 5}).ects == 5.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 5),
        ("title", None),
        ("ects", "5"),
        ("ects", True),
        ("ects", float("nan")),
        ("eqf_level", 6.0),
        ("eqf_level", True),
        ("level_not_applicable", "yes"),
        ("learning_outcomes", "one outcome"),
        ("learning_outcomes", ["ok", 3]),
        ("skills", {"uri": ESCO_SKILL, "label": "x"}),
        ("skills", [{"uri": ESCO_SKILL}]),
        ("skills", [{"uri": ESCO_SKILL, "label": "x", "extra": 1}]),
        ("skills", [{"uri": "javascript:x", "label": "x"}]),
        ("language", ["vi"]),
        ("not_a_field", "x"),
    ],
    ids=lambda value: str(value)[:20],
)
def test_course_from_dict_refuses_wrong_types(field: str, value: object) -> None:
    with pytest.raises(InputError) as caught:
        Course.from_dict({**course().to_dict(), field: value})
    assert caught.value.code in ("invalid_course", "invalid_skill")


def test_course_from_dict_refuses_non_mapping() -> None:
    with pytest.raises(InputError):
        Course.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]


# --- course_problems: the issuer refuses incomplete courses (Annex I) ---------------------------


def test_complete_course_has_no_problems() -> None:
    assert course_problems(course()) == []


def test_course_with_only_the_mandatory_elements_has_no_problems() -> None:
    minimal = course(
        workload_hours=None,
        nqf_level=None,
        language=None,
        prerequisites=None,
        supervision=None,
        grade_scheme=None,
        stackability=None,
        further_information=None,
        skills=(),
    )
    assert course_problems(minimal) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"awarding_body": ""}, "awarding_body"),
        ({"country": ""}, "country"),
        ({"learning_outcomes": ()}, "learning_outcomes"),
        ({"learning_outcomes": ("  ",)}, "learning_outcomes"),
        ({"ects": None, "workload_hours": None}, "workload"),
        ({"eqf_level": None, "nqf_level": None}, "level"),
        ({"eqf_level": None, "nqf_level": " "}, "level"),
        ({"assessment_type": ""}, "assessment_type"),
        ({"participation_form": ""}, "participation_form"),
        ({"quality_assurance": ""}, "quality_assurance"),
        ({"id": ""}, "id"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_each_missing_mandatory_element_is_exactly_one_problem(
    changes: dict[str, object], field: str
) -> None:
    assert fields_of(course_problems(course(**changes))) == [field]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"eqf_level": 0}, "level", "EQF level must be 1-8"),
        ({"eqf_level": 9}, "level", "EQF level must be 1-8"),
        ({"level_not_applicable": True}, "level", "not both"),
        ({"ects": 0.0}, "workload", "ECTS"),
        ({"ects": -5.0}, "workload", "ECTS"),
        ({"ects": 181.0}, "workload", "ECTS"),
        ({"ects": float("nan")}, "workload", "ECTS"),
        ({"workload_hours": 0.0}, "workload", "hours"),
        ({"workload_hours": 5001.0}, "workload", "hours"),
        ({"country": "vn"}, "country", "two-letter"),
        ({"country": "VNM"}, "country", "two-letter"),
        ({"language": "vi_VN"}, "language", "language code"),
        ({"participation_form": "remote"}, "participation_form", "online"),
        ({"id": "https://hust.example/ai#v1"}, "id", "web address"),
        ({"id": "ftp://hust.example/ai"}, "id", "web address"),
        ({"title": "AI\nbasics"}, "title", "line breaks"),
        ({"title": "x" * (MAX_SHORT_TEXT + 1)}, "title", "characters"),
        ({"description": "x" * (MAX_LONG_TEXT + 1)}, "description", "characters"),
        ({"assessment_type": "exam\x07"}, "assessment_type", "control"),
        ({"learning_outcomes": ("a", "")}, "learning_outcomes", "empty"),
        ({"learning_outcomes": ("x",) * 31}, "learning_outcomes", "at most"),
        ({"nqf_level": "Bậc\n6"}, "level", "line breaks"),
        ({"supervision": "x" * (MAX_LONG_TEXT + 1)}, "supervision", "characters"),
        ({"skills": (Skill(ESCO_SKILL, "x"),) * 51}, "skills", "at most"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_malformed_values_are_problems(
    changes: dict[str, object], field: str, message: str
) -> None:
    problems = course_problems(course(**changes))
    assert fields_of(problems) == [field]
    assert message in problems[0].message


@pytest.mark.parametrize(
    "changes",
    [
        {"eqf_level": None, "nqf_level": None, "level_not_applicable": True},
        {"eqf_level": None},
        {"nqf_level": None},
        {"ects": None},
        {"workload_hours": None},
        {"participation_form": "work experience"},
        {"language": "en-GB"},
        {"description": "Dòng một\nDòng hai"},
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()),
)
def test_acceptable_variants_have_no_problems(changes: dict[str, object]) -> None:
    assert course_problems(course(**changes)) == []


def test_problem_messages_are_plain_words_for_the_form() -> None:
    problems = course_problems(course(ects=None, workload_hours=None, eqf_level=12))
    assert problems == [
        FieldProblem("workload", "give ECTS credits or hours"),
        FieldProblem("level", "EQF level must be 1-8"),
    ]


# --- award_problems -----------------------------------------------------------------------------


def test_complete_award_has_no_problems() -> None:
    assert award_problems(award()) == []


@pytest.mark.parametrize(
    "changes",
    [{"family_name": ""}, {"given_name": ""}, {"grade": None}, {"valid_until": None}],
    ids=["given-name-only", "family-name-only", "no-grade", "no-expiry"],
)
def test_award_variants_without_problems(changes: dict[str, object]) -> None:
    assert award_problems(award(**changes)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_name": "", "family_name": " "}, "learner"),
        ({"learner_id": ""}, "learner_id"),
        ({"learner_id": "SV\n1"}, "learner_id"),
        ({"given_name": "An\x00"}, "given_name"),
        ({"family_name": "x" * (MAX_SHORT_TEXT + 1)}, "family_name"),
        ({"date_of_issuance": "30/06/2025"}, "date_of_issuance"),
        ({"date_of_issuance": "2025-02-30"}, "date_of_issuance"),
        ({"date_of_issuance": "2025-06-30T00:00:00Z"}, "date_of_issuance"),
        ({"valid_until": "2025-06-29"}, "valid_until"),
        ({"valid_until": "soon"}, "valid_until"),
        ({"grade": ""}, "grade"),
        ({"grade": "A\nB"}, "grade"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_each_award_problem(changes: dict[str, object], field: str) -> None:
    assert fields_of(award_problems(award(**changes))) == [field]


# --- annex_i: the verifier's report --------------------------------------------------------------

FULL = Certificate(
    title="T",
    awarding_body="U",
    country="VN",
    given_name="An",
    date_of_issuance="2025-06-30",
    learning_outcomes=("o",),
    ects=5.0,
    eqf_level=6,
    assessment_type="exam",
    participation_form="online",
    quality_assurance=("qa",),
    prerequisites=("p",),
    supervision="s",
    grade="A",
    stackability="st",
    further_information="f",
)
MANDATORY_KEYS = tuple(key for key, _ in ANNEX_I_MANDATORY)
OPTIONAL_KEYS = tuple(key for key, _ in ANNEX_I_OPTIONAL)


def test_annex_keys_are_the_recommendation_elements() -> None:
    assert MANDATORY_KEYS == (
        "learner",
        "title",
        "country",
        "awarding_body",
        "date_of_issuing",
        "learning_outcomes",
        "workload",
        "level",
        "assessment_type",
        "participation_form",
        "quality_assurance",
    )
    assert OPTIONAL_KEYS == (
        "prerequisites",
        "supervision",
        "grade",
        "stackability",
        "further_information",
    )


def test_full_certificate_carries_every_element() -> None:
    report = annex_i(FULL)
    assert report.present == MANDATORY_KEYS and report.missing == () and report.complete
    assert report.optional_present == OPTIONAL_KEYS


def test_empty_certificate_misses_every_mandatory_element() -> None:
    report = annex_i(Certificate())
    assert report.missing == MANDATORY_KEYS and report.present == () and not report.complete
    assert report.optional_present == ()


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"given_name": None}, "learner"),
        ({"given_name": "  "}, "learner"),
        ({"title": None}, "title"),
        ({"country": ""}, "country"),
        ({"awarding_body": None}, "awarding_body"),
        ({"date_of_issuance": None}, "date_of_issuing"),
        ({"learning_outcomes": ()}, "learning_outcomes"),
        ({"learning_outcomes": (" ",)}, "learning_outcomes"),
        ({"ects": None}, "workload"),
        ({"eqf_level": None}, "level"),
        ({"assessment_type": None}, "assessment_type"),
        ({"participation_form": None}, "participation_form"),
        ({"quality_assurance": ()}, "quality_assurance"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_each_absent_element_is_reported_missing(changes: dict[str, object], key: str) -> None:
    report = annex_i(dataclasses.replace(FULL, **changes))  # type: ignore[arg-type]
    assert report.missing == (key,)
    assert key not in report.present


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"given_name": None, "learner_id": "SV1"}, "learner"),
        ({"given_name": None, "learner_name": "Nguyễn Văn An"}, "learner"),
        ({"ects": None, "workload_hours": 30.0}, "workload"),
        ({"ects": None, "study_time": "40 giờ"}, "workload"),
        ({"eqf_level": None, "nqf_level": "Bậc 6"}, "level"),
        ({"eqf_level": None, "level_not_applicable": True}, "level"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_alternative_ways_to_carry_an_element(changes: dict[str, object], key: str) -> None:
    report = annex_i(dataclasses.replace(FULL, **changes))  # type: ignore[arg-type]
    assert key in report.present and report.missing == ()


@pytest.mark.parametrize("key", OPTIONAL_KEYS)
def test_each_optional_element_is_reported_alone(key: str) -> None:
    blank = {"prerequisites": (), "supervision": None, "grade": None, "stackability": None}
    blank["further_information"] = None
    only = dict(blank)
    only.pop(key)
    report = annex_i(dataclasses.replace(FULL, **only))  # type: ignore[arg-type]
    assert report.optional_present == (key,)
