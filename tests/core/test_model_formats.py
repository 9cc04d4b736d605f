"""The micro-credential in its three formats: SD-JWT VC claims, OB 3.0 (VC 2.0) and VCDM 1.1.

Round trips (course + award -> credential -> Certificate), the JSON-LD check that no property of
an OB credential is dropped by expansion (SECURITY-CASES C04), and total readers for hostile
input (I01: strings are kept as they are, for the web layer to escape).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from sample_course import ESCO_SKILL, course

from microcred import strictjson
from microcred.contexts import document_loader
from microcred.errors import CredentialError, InputError
from microcred.model import (
    ANNEX_I_MANDATORY,
    ANNEX_I_OPTIONAL,
    OB3_CONTEXTS,
    SDJWT_ALWAYS_VISIBLE,
    SDJWT_SELECTIVE_CLAIMS,
    VCDM11_CONTEXTS,
    VCT,
    Award,
    Certificate,
    Course,
    Skill,
    annex_i,
    certificate_from_open_badge,
    certificate_from_sdjwt,
    certificate_from_vcdm11,
    to_open_badge,
    to_sdjwt_claims,
    to_vcdm11,
)
from microcred.open_badge import outcomes_from_markdown, outcomes_markdown

VECTORS = Path(__file__).parent.parent / "vectors" / "openbadges-3.0" / "spec-examples"
ISSUER = "did:web:hust.example.edu.vn"
SUBJECT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
COURSE = course(
    skills=(Skill(ESCO_SKILL, "học máy"), Skill("https://skills.example/python", "Python"))
)
MINIMAL = dataclasses.replace(
    COURSE,
    workload_hours=None,
    eqf_level=None,
    nqf_level=None,
    level_not_applicable=True,
    language=None,
    prerequisites=None,
    supervision=None,
    grade_scheme=None,
    stackability=None,
    further_information=None,
    skills=(),
)
AWARD = Award(
    given_name="Văn An",
    family_name="Nguyễn",
    learner_id="SV20250001",
    date_of_issuance="2025-06-30",
    grade="9,5",
    valid_until="2030-06-30",
)
PLAIN_AWARD = dataclasses.replace(AWARD, grade=None, valid_until=None)


def expected(course: Course, award: Award) -> Certificate:
    """What every reader must give back for our own credential of this course and award."""
    return Certificate(
        title=course.title,
        description=course.description,
        awarding_body=course.awarding_body,
        issuer_name=course.awarding_body,
        country=course.country,
        given_name=award.given_name,
        family_name=award.family_name,
        learner_id=award.learner_id,
        date_of_issuance=award.date_of_issuance,
        valid_until=award.valid_until,
        learning_outcomes=course.learning_outcomes,
        ects=course.ects,
        workload_hours=course.workload_hours,
        eqf_level=course.eqf_level,
        nqf_level=course.nqf_level,
        level_not_applicable=course.level_not_applicable,
        assessment_type=course.assessment_type,
        participation_form=course.participation_form,
        quality_assurance=(course.quality_assurance,),
        grade=award.grade,
        skills=course.skills,
        language=course.language,
        prerequisites=(course.prerequisites,) if course.prerequisites else (),
        supervision=course.supervision,
        stackability=course.stackability,
        further_information=course.further_information,
    )


def open_badge(course: Course = COURSE, award: Award = AWARD, **kw: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "credential_id": "urn:uuid:2f3a9c4e-7d1b-4b8e-9f0a-5c6d7e8f9a0b",
        "issuer_id": ISSUER,
        "issuer_name": "HUST",
        "subject_id": SUBJECT,
        "valid_from": "2025-06-30T00:00:00Z",
    }
    return to_open_badge(course, award, **{**options, **kw})


def vcdm11(course: Course = COURSE, award: Award = AWARD, **kw: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "credential_id": "urn:uuid:2f3a9c4e-7d1b-4b8e-9f0a-5c6d7e8f9a0b",
        "issuer_id": ISSUER,
        "issuer_name": "HUST",
        "subject_id": SUBJECT,
    }
    return to_vcdm11(course, award, **{**options, **kw})


def dropped_terms(document: dict[str, Any]) -> list[Any]:
    """Every property JSON-LD expansion would drop, using only the shipped contexts."""
    dropped: list[Any] = []
    jsonld.expand(document, {"documentLoader": document_loader}, on_property_dropped=dropped.append)
    return dropped


def through_json(value: dict[str, Any]) -> dict[str, Any]:
    """What a verifier gets after transport: serialised and parsed strictly."""
    return strictjson.loads_object(strictjson.dumps(value).encode())


# --- SD-JWT VC claims ----------------------------------------------------------------------------


def test_sdjwt_claims_use_the_design_names_and_eudi_types() -> None:
    assert to_sdjwt_claims(COURSE, AWARD) == {
        "achievement_title": "Nhập môn Trí tuệ nhân tạo",
        "achievement_description": "Khoá học ngắn về học máy cho kỹ sư.",
        "issuing_authority": "Đại học Bách khoa Hà Nội",
        "issuing_country": "VN",
        "date_of_issuance": "2025-06-30",
        "date_of_expiry": "2030-06-30",
        "language_of_classes": "vi",
        "learning_outcomes": ["Giải thích được học máy", "Xây dựng mô hình\nphân loại đơn giản"],
        "expected_study_time": "5 ECTS, 125 hours",
        "ects_credits": 5.0,
        "workload_hours": 125.0,
        "level_of_learning_experience": 6,
        "nqf_level": "Bậc 6",
        "assessment_type": "Bài thi viết và dự án",
        "form_of_participation": "blended",
        "types_of_quality_assurance": ["Kiểm định nội bộ theo chuẩn AUN-QA"],
        "given_name": "Văn An",
        "family_name": "Nguyễn",
        "learner_identification": "SV20250001",
        "assessment_grade": "9,5",
        "prerequisites_to_enroll": ["Toán cao cấp"],
        "supervision_and_identity_verification": "Thi có giám sát, kiểm tra căn cước",
        "integration_stackability_options": "Tích luỹ vào chương trình thạc sĩ",
        "further_information": "https://hust.example.edu.vn/ai-101",
        "skills": [
            {"uri": ESCO_SKILL, "label": "học máy"},
            {"uri": "https://skills.example/python", "label": "Python"},
        ],
    }


def test_sdjwt_claims_omit_absent_optional_values() -> None:
    claims = to_sdjwt_claims(MINIMAL, dataclasses.replace(PLAIN_AWARD, given_name=""))
    assert set(claims) == {
        "achievement_title",
        "achievement_description",
        "issuing_authority",
        "issuing_country",
        "date_of_issuance",
        "learning_outcomes",
        "expected_study_time",
        "ects_credits",
        "level_of_learning_experience",
        "assessment_type",
        "form_of_participation",
        "types_of_quality_assurance",
        "family_name",
        "learner_identification",
    }
    assert claims["level_of_learning_experience"] == "not applicable"
    assert claims["expected_study_time"] == "5 ECTS"


def test_every_claim_is_either_selective_or_always_visible() -> None:
    produced = set(to_sdjwt_claims(COURSE, AWARD))
    assert produced <= set(SDJWT_ALWAYS_VISIBLE) | set(SDJWT_SELECTIVE_CLAIMS)
    assert not set(SDJWT_ALWAYS_VISIBLE) & set(SDJWT_SELECTIVE_CLAIMS)
    assert {"achievement_title", "issuing_authority", "issuing_country"} <= set(
        SDJWT_ALWAYS_VISIBLE
    )
    personal = {"given_name", "family_name", "learner_identification", "assessment_grade"}
    assert personal <= set(SDJWT_SELECTIVE_CLAIMS)


def test_registered_claims_are_never_selectively_disclosable() -> None:
    # SD-JWT VC: iss, nbf, exp, cnf, vct, status MUST NOT be disclosures (SECURITY-CASES B07).
    registered = {"iss", "nbf", "exp", "iat", "cnf", "vct", "vct#integrity", "status"}
    assert not registered & set(SDJWT_SELECTIVE_CLAIMS)
    assert VCT.startswith("urn:")


@pytest.mark.parametrize(
    ("course", "award"),
    [(COURSE, AWARD), (MINIMAL, PLAIN_AWARD), (dataclasses.replace(COURSE, eqf_level=None), AWARD)],
    ids=["complete", "minimal-level-not-applicable", "national-level-only"],
)
def test_sdjwt_round_trip(course: Course, award: Award) -> None:
    claims = through_json(to_sdjwt_claims(course, award))
    study = "5 ECTS, 125 hours" if course.workload_hours else "5 ECTS"
    assert certificate_from_sdjwt(claims) == dataclasses.replace(
        expected(course, award), study_time=study
    )


def test_sdjwt_reader_takes_iss_and_hides_nothing_it_was_not_given() -> None:
    claims = to_sdjwt_claims(COURSE, AWARD)
    for hidden in SDJWT_SELECTIVE_CLAIMS:
        claims.pop(hidden, None)
    cert = certificate_from_sdjwt({**claims, "iss": ISSUER, "vct": VCT})
    assert cert.issuer_id == ISSUER
    assert (cert.given_name, cert.learner_id, cert.grade, cert.skills) == (None, None, None, ())
    # The mandatory description of the course stays visible, the learner does not.
    assert annex_i(cert).missing == ("learner",)


def test_sdjwt_reader_reads_the_eudi_learning_credential_shape() -> None:
    cert = certificate_from_sdjwt(
        {
            "level_of_learning_experience": 5,
            "integration_stackability_options": True,
            "language_of_classes": ["en", "ja"],
            "expected_study_time": "40 hours",
        }
    )
    assert (cert.eqf_level, cert.stackability, cert.language) == (5, "Yes", "en, ja")
    assert "workload" in annex_i(cert).present


# --- Open Badges 3.0 ----------------------------------------------------------------------------


def test_open_badge_shape() -> None:
    doc = open_badge()
    assert doc["@context"] == list(OB3_CONTEXTS)
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["issuer"] == {
        "id": ISSUER,
        "type": ["Profile"],
        "name": "HUST",
        "address": {"type": ["Address"], "addressCountryCode": "VN"},
    }
    assert doc["validUntil"] == "2030-06-30T23:59:59Z" and doc["awardedDate"].startswith(
        "2025-06-30"
    )
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creditsAvailable"] == 5.0 and achievement["inLanguage"] == "vi"
    assert achievement["creator"]["name"] == "Đại học Bách khoa Hà Nội"
    eqf = achievement["alignment"][0]
    assert (
        eqf["targetUrl"] == "http://data.europa.eu/snb/eqf/6"
        and eqf["targetType"] == "ext:EQFLevel"
    )
    assert {"type": ["Alignment"], "targetName": "học máy", "targetUrl": ESCO_SKILL} in achievement[
        "alignment"
    ]
    assert doc["credentialSubject"]["result"][0]["value"] == "9,5"


@pytest.mark.parametrize(
    ("course", "award"),
    [(COURSE, AWARD), (MINIMAL, PLAIN_AWARD)],
    ids=["complete", "minimal"],
)
def test_open_badge_properties_are_all_defined_by_its_contexts(
    course: Course, award: Award
) -> None:
    assert dropped_terms(open_badge(course, award)) == []


@pytest.mark.parametrize(
    ("course", "award"),
    [(COURSE, AWARD), (MINIMAL, PLAIN_AWARD)],
    ids=["complete", "minimal"],
)
def test_vcdm11_properties_are_all_defined_by_the_draft_context(
    course: Course, award: Award
) -> None:
    assert dropped_terms(vcdm11(course, award)) == []


@pytest.mark.parametrize(
    "place",
    ["top", "subject", "achievement", "criteria", "alignment", "issuer"],
)
def test_the_context_check_notices_an_undefined_property(place: str) -> None:
    doc = open_badge()
    subject = doc["credentialSubject"]
    target = {
        "top": doc,
        "subject": subject,
        "achievement": subject["achievement"],
        "criteria": subject["achievement"]["criteria"],
        "alignment": subject["achievement"]["alignment"][0],
        "issuer": doc["issuer"],
    }[place]
    target["honors"] = "summa cum laude"
    assert dropped_terms(doc) == ["honors"]


def test_inlanguage_would_be_dropped_in_vcdm11_so_language_travels_as_an_element() -> None:
    doc = vcdm11()
    achievement = doc["credentialSubject"]["achievement"]
    assert "inLanguage" not in achievement
    assert dropped_terms(
        {
            **doc,
            "credentialSubject": {
                **doc["credentialSubject"],
                "achievement": {**achievement, "inLanguage": "vi"},
            },
        }
    ) == ["inLanguage"]
    assert certificate_from_vcdm11(doc).language == "vi"


@pytest.mark.parametrize(
    ("course", "award"),
    [
        (COURSE, AWARD),
        (MINIMAL, PLAIN_AWARD),
        (dataclasses.replace(COURSE, eqf_level=None, ects=None), AWARD),
    ],
    ids=["complete", "minimal-level-not-applicable", "hours-and-national-level-only"],
)
def test_open_badge_round_trip(course: Course, award: Award) -> None:
    cert = certificate_from_open_badge(through_json(open_badge(course, award)))
    valid_until = None if award.valid_until is None else award.valid_until + "T23:59:59Z"
    assert cert == dataclasses.replace(
        expected(course, award), issuer_id=ISSUER, issuer_name="HUST", valid_until=valid_until
    )


@pytest.mark.parametrize(
    ("course", "award"),
    [(COURSE, AWARD), (MINIMAL, PLAIN_AWARD)],
    ids=["complete", "minimal"],
)
def test_vcdm11_round_trip(course: Course, award: Award) -> None:
    doc = through_json(vcdm11(course, award))
    assert doc["@context"] == list(VCDM11_CONTEXTS)
    assert doc["issuanceDate"] == "2025-06-30T00:00:00Z" and "validFrom" not in doc
    valid_until = None if award.valid_until is None else award.valid_until + "T23:59:59Z"
    assert doc.get("expirationDate") == valid_until
    assert certificate_from_vcdm11(doc) == dataclasses.replace(
        expected(course, award), issuer_id=ISSUER, issuer_name="HUST", valid_until=valid_until
    )


def test_issuer_who_is_the_awarding_body_needs_no_creator() -> None:
    doc = open_badge(issuer_name=COURSE.awarding_body)
    assert "creator" not in doc["credentialSubject"]["achievement"]
    assert certificate_from_open_badge(doc).awarding_body == COURSE.awarding_body


def test_grade_is_a_result_described_by_the_achievement() -> None:
    subject = open_badge()["credentialSubject"]
    description = subject["achievement"]["resultDescription"][0]
    assert description["name"] == "Thang điểm 10"
    assert subject["result"][0]["resultDescription"] == description["id"]
    assert "result" not in open_badge(award=PLAIN_AWARD)["credentialSubject"]


def test_salted_learner_id_is_only_a_hash() -> None:
    doc = open_badge(learner_id_salt="c0ffee")
    (identity,) = doc["credentialSubject"]["identifier"]
    digest = hashlib.sha256(("SV20250001" + "c0ffee").encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityType": "identifier",
        "hashed": True,
        "identityHash": "sha256$" + digest,
        "salt": "c0ffee",
    }
    assert "SV20250001" not in json.dumps(doc)
    cert = certificate_from_open_badge(doc)
    assert cert.learner_id is None and cert.family_name == "Nguyễn"
    assert dropped_terms(doc) == []


def test_dates_accept_aware_datetimes_and_refuse_others() -> None:
    vietnam = dt.timezone(dt.timedelta(hours=7))
    doc = open_badge(
        valid_from=dt.datetime(2025, 6, 30, 7, 0, tzinfo=vietnam),
        valid_until="2026-01-01T00:00:00+07:00",
    )
    assert (doc["validFrom"], doc["validUntil"]) == (
        "2025-06-30T00:00:00Z",
        "2026-01-01T00:00:00+07:00",
    )
    for bad in (dt.datetime(2025, 6, 30), "2025-06-30", "2025-06-30T00:00:00", "yesterday"):
        with pytest.raises(InputError):
            open_badge(valid_from=bad)


@pytest.mark.parametrize(
    "mapper", [to_sdjwt_claims, open_badge, vcdm11], ids=["sdjwt", "ob3", "vcdm11"]
)
@pytest.mark.parametrize(
    ("course", "award", "code"),
    [
        (dataclasses.replace(COURSE, quality_assurance=""), AWARD, "course_incomplete"),
        (dataclasses.replace(COURSE, eqf_level=None, nqf_level=None), AWARD, "course_incomplete"),
        (COURSE, dataclasses.replace(AWARD, learner_id=""), "award_incomplete"),
        (COURSE, dataclasses.replace(AWARD, date_of_issuance="30.06.2025"), "award_incomplete"),
    ],
    ids=["no-quality-assurance", "no-level", "no-learner-id", "bad-date"],
)
def test_incomplete_course_or_award_is_never_issued(
    mapper: Any, course: Course, award: Award, code: str
) -> None:
    with pytest.raises(CredentialError) as caught:
        mapper(course, award)
    assert caught.value.code == code


# --- Text survives as it is -----------------------------------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_text_survives_every_format_unchanged(form: str) -> None:
    name = unicodedata.normalize(form, "Nguyễn Thị Ánh Tuyết")
    title = unicodedata.normalize(form, "Kỹ năng số cơ bản – Đợt 1")
    course = dataclasses.replace(COURSE, title=title)
    award = dataclasses.replace(AWARD, family_name=name)
    readers = [
        certificate_from_sdjwt(through_json(to_sdjwt_claims(course, award))),
        certificate_from_open_badge(through_json(open_badge(course, award))),
        certificate_from_vcdm11(through_json(vcdm11(course, award))),
    ]
    for cert in readers:
        assert (cert.title, cert.family_name) == (title, name)


def test_markup_in_strings_is_kept_for_the_web_layer_to_escape() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    course = dataclasses.replace(COURSE, title=hostile, learning_outcomes=(hostile,))
    for cert in (
        certificate_from_sdjwt(to_sdjwt_claims(course, AWARD)),
        certificate_from_open_badge(open_badge(course)),
    ):
        assert cert.title == hostile and cert.learning_outcomes == (hostile,)


@pytest.mark.parametrize(
    "outcomes",
    [
        ("one",),
        ("first line\nsecond line", "next"),
        ("- starts like a list item", "* too"),
        ("with\n\nblank line",),
        ("  indented", "trailing  "),
    ],
    ids=["single", "multi-line", "list-markers", "blank-line", "spaces"],
)
def test_outcomes_survive_the_markdown_narrative(outcomes: tuple[str, ...]) -> None:
    assert outcomes_from_markdown(outcomes_markdown(outcomes)) == outcomes


def test_a_narrative_without_list_items_is_one_outcome() -> None:
    assert outcomes_from_markdown("Complete the project.") == ("Complete the project.",)
    assert outcomes_from_markdown("  ") == ()


# --- Others' Open Badges -----------------------------------------------------------------------


def test_reads_the_spec_basic_example() -> None:
    doc = json.loads(
        (VECTORS / "basicOpenBadgeCredential__0__Sample_OpenBadgeCredential.json").read_text()
    )
    cert = certificate_from_open_badge(doc)
    assert (cert.title, cert.awarding_body, cert.issuer_id) == (
        "Teamwork",
        "Example Corp",
        "https://example.com/issuers/876543",
    )
    assert cert.date_of_issuance == "2010-01-01"
    assert len(cert.learning_outcomes) == 1
    report = annex_i(cert)
    assert report.present == ("title", "awarding_body", "date_of_issuing", "learning_outcomes")


def test_reads_the_spec_complete_example() -> None:
    # Its extensions context is refused at verification; the reader still reads what it says.
    name = "fullOpenBadge__0__Complete_OpenBadgeCredential.json"
    cert = certificate_from_open_badge(json.loads((VECTORS / name).read_text()))
    assert (cert.title, cert.awarding_body, cert.country) == (
        "1EdTech University Degree",
        "1EdTech University",
        "US",
    )
    assert (cert.learner_id, cert.ects, cert.grade) == ("student@1edtech.edu", 36.0, "A")
    assert (cert.date_of_issuance, cert.valid_until) == ("2010-01-01", "2030-01-01T00:00:00Z")


def test_reads_others_alignments_as_skills() -> None:
    name = "achievementAlignmentCe__0__Achievement_alignment_Credential_Engine_.json"
    cert = certificate_from_open_badge(json.loads((VECTORS / name).read_text()))
    assert cert.skills == (
        Skill(
            "https://credentialfinder.org/credential/20229/Requirements_Analysis",
            "Requirements Analysis",
        ),
    )


def test_reads_a_foreign_micro_credential() -> None:
    doc = {
        "issuer": "https://uni.example/issuer",
        "validFrom": "2024-02-01T09:00:00Z",
        "credentialSubject": [
            {
                "name": "Nguyễn Văn An",
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "ext:name",
                        "hashed": False,
                        "identityHash": "x",
                    },
                    {
                        "type": "IdentityObject",
                        "identityType": "emailAddress",
                        "hashed": False,
                        "identityHash": "an@uni.example",
                    },
                    {
                        "type": "IdentityObject",
                        "identityType": "studentId",
                        "hashed": True,
                        "identityHash": "sha256$00",
                    },
                ],
                "result": [{"type": ["Result"], "status": "Completed"}, {"value": "B+"}],
                "achievement": {
                    "name": "Data literacy",
                    "creditsAvailable": 3,
                    "alignment": [
                        {"targetUrl": "https://data.europa.eu/snb/eqf/4", "targetName": "EQF 4"},
                        {
                            "targetType": "ext:MicroCredentialElement",
                            "targetCode": "unknown",
                            "targetName": "?",
                            "targetUrl": "https://x.example/",
                        },
                    ],
                },
            }
        ],
    }
    cert = certificate_from_open_badge(doc)
    assert cert.issuer_id == "https://uni.example/issuer" and cert.awarding_body is None
    assert (cert.learner_name, cert.learner_id, cert.grade) == (
        "Nguyễn Văn An",
        "an@uni.example",
        "B+",
    )
    assert (cert.eqf_level, cert.ects) == (4, 3.0)
    assert cert.skills == (Skill("https://x.example/", "?"),)


# --- Readers are total --------------------------------------------------------------------------

HOSTILE_SDJWT = [
    None,
    [],
    "claims",
    {"achievement_title": 5, "learning_outcomes": [1, None, "ok"], "ects_credits": "5"},
    {"level_of_learning_experience": True, "ects_credits": True, "workload_hours": 10**400},
    {"level_of_learning_experience": 9, "skills": "x", "types_of_quality_assurance": {"a": 1}},
    {"skills": [{"uri": "javascript:alert(1)", "label": "x"}, {"uri": ["x"], "label": {}}, 7]},
    {"skills": [{"uri": ESCO_SKILL}], "integration_stackability_options": [True]},
    {"date_of_issuance": 20250630, "date_of_expiry": ["2030"], "language_of_classes": [1, "vi"]},
    {"workload_hours": float("nan"), "ects_credits": float("inf"), "nqf_level": ["6"]},
]


@pytest.mark.parametrize("claims", HOSTILE_SDJWT, ids=lambda value: str(value)[:40])
def test_sdjwt_reader_ignores_wrong_types(claims: Any) -> None:
    cert = certificate_from_sdjwt(claims)
    for value in dataclasses.asdict(cert).values():
        assert value is None or isinstance(value, str | int | float | bool | tuple)
    assert cert.ects is None and cert.workload_hours is None


def test_sdjwt_reader_keeps_the_good_parts_of_bad_lists() -> None:
    cert = certificate_from_sdjwt(HOSTILE_SDJWT[3])
    assert cert.learning_outcomes == ("ok",) and cert.title is None
    assert certificate_from_sdjwt(HOSTILE_SDJWT[8]).language == "vi"


def _mutations() -> list[tuple[str, Any]]:
    doc = open_badge()
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    cases: list[tuple[str, Any]] = [("document", None), ("document", []), ("document", "x")]
    for key in ("credentialSubject", "issuer", "awardedDate", "validUntil", "name"):
        cases += [(f"top.{key}", {**doc, key: bad}) for bad in (5, [], {"a": [1]}, None, True)]
    for key in ("achievement", "identifier", "result", "givenName", "name"):
        bad_subjects = ({**subject, key: bad} for bad in (5, "x", [1, "x", None], {"value": 1}))
        cases += [(f"subject.{key}", {**doc, "credentialSubject": s}) for s in bad_subjects]
    for key in ("alignment", "criteria", "creditsAvailable", "creator", "inLanguage", "name"):
        for bad in (5, "x", [1, None], {"narrative": 5}, 10**400, True):
            bad_achievement = {**achievement, key: bad}
            bad_subject = {**subject, "achievement": bad_achievement}
            cases.append((f"achievement.{key}", {**doc, "credentialSubject": bad_subject}))
    # The first alignment is the EQF level, the second an Annex I element, the last a skill.
    for index in (0, 1, -1):
        alignment = achievement["alignment"][index]
        for key in ("targetCode", "targetUrl", "targetType", "targetDescription", "targetName"):
            for bad in (["6"], {"x": 1}, 6, None):
                bad_achievement = {**achievement, "alignment": [{**alignment, key: bad}]}
                bad_subject = {**subject, "achievement": bad_achievement}
                cases.append((f"alignment{index}.{key}", {**doc, "credentialSubject": bad_subject}))
    return cases


MUTATIONS = _mutations()


@pytest.mark.parametrize(
    "doc", [doc for _, doc in MUTATIONS], ids=[where for where, _ in MUTATIONS]
)
def test_open_badge_reader_ignores_wrong_types(doc: Any) -> None:
    cert = certificate_from_open_badge(doc)
    assert isinstance(cert, Certificate)
    assert all(isinstance(skill, Skill) for skill in cert.skills)


def test_every_annex_key_is_reported_for_our_own_credentials() -> None:
    report = annex_i(certificate_from_open_badge(open_badge()))
    assert report.present == tuple(key for key, _ in ANNEX_I_MANDATORY)
    assert report.optional_present == tuple(key for key, _ in ANNEX_I_OPTIONAL)
