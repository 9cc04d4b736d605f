"""The catalogue form: Annex I completeness decides publishing; the form says what is missing."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from issuer_app import Staff, dump

COMPLETE = {
    "title": "An toàn thông tin cơ bản",
    "description": "Nhận diện và phòng chống các mối đe doạ an ninh mạng phổ biến.",
    "code": "SEC-101",
    "awarding_body": "Trường Đại học Công nghệ Sông Hồng",
    "country": "vn",
    "learning_outcomes": "Nhận diện tấn công lừa đảo\n\nCấu hình xác thực hai lớp\n",
    "ects": "2,5",
    "workload_hours": "60",
    "eqf_level": "5",
    "assessment_type": "Bài thi trắc nghiệm có giám sát",
    "participation_form": "online",
    "quality_assurance": "Kiểm định nội bộ",
    "language": "vi",
    "skill_uri": ["http://data.europa.eu/esco/skill/fe1c2b32-7fe9-4668-affa-07ff658a68cf", ""],
    "skill_label": ["identify ICT security risks", ""],
}


def test_a_complete_course_is_published_with_its_public_address(app: Flask, staff: Staff) -> None:
    response = staff.post("/courses/new", {**COMPLETE, "action": "publish"})
    assert response.status_code == 303
    page = staff.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "published" in page and "Complete" in page
    assert "http://localhost:5001/register/courses/sec-101" in page
    described = staff.client.get(
        "/register/courses/sec-101", headers={"Accept": "application/json"}
    ).get_json()
    assert described["ects"] == 2.5 and described["country"] == "VN"
    assert described["learning_outcomes"] == [
        "Nhận diện tấn công lừa đảo",
        "Cấu hình xác thực hai lớp",
    ]
    assert described["skills"] == [
        {
            "uri": "http://data.europa.eu/esco/skill/fe1c2b32-7fe9-4668-affa-07ff658a68cf",
            "label": "identify ICT security risks",
        }
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "give the course a title"),
        ({"learning_outcomes": ""}, "learning_outcomes", "list at least one learning outcome"),
        ({"ects": "", "workload_hours": ""}, "workload", "give ECTS credits or hours"),
        ({"ects": "lots"}, "workload", "enter numbers like 5 or 2.5"),
        ({"eqf_level": ""}, "level", "tick"),
        ({"eqf_level": "5", "level_not_applicable": "on"}, "level", "not both"),
        ({"assessment_type": ""}, "assessment_type", "say how learners are assessed"),
        ({"participation_form": "by post"}, "participation_form", "choose one of"),
        ({"quality_assurance": ""}, "quality_assurance", "say how quality is assured"),
        ({"country": "Vietnam"}, "country", "two-letter"),
        ({"skill_uri": ["javascript:alert(1)"], "skill_label": ["x"]}, "skills", "skill URI"),
        (
            {"skill_uri": ["http://data.europa.eu/esco/skill/x"], "skill_label": [""]},
            "skills",
            "both",
        ),
    ],
    ids=[
        "title",
        "outcomes",
        "workload",
        "workload-not-number",
        "level",
        "level-and-not-applicable",
        "assessment",
        "participation",
        "quality",
        "country",
        "skill-uri",
        "skill-label",
    ],
)
def test_publishing_an_incomplete_course_says_which_field_and_why(
    app: Flask, staff: Staff, change: dict[str, Any], field: str, message: str
) -> None:
    before = dump(app)
    response = staff.post("/courses/new", {**COMPLETE, **change, "action": "publish"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#f-{field}"' in page and f'id="f-{field}"' in page
    assert message in page
    assert "was not saved" in page
    assert dump(app) == before


class _Anchors(HTMLParser):
    """Every element id of a page and the links of its publish checklist."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self._in_checklist = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "section" and "completeness" in (found.get("class") or ""):
            self._in_checklist = True
        if self._in_checklist and tag == "a":
            self.links.append(str(found.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._in_checklist = False


def test_every_checklist_link_goes_to_its_field(staff: Staff) -> None:
    # Every text field empty or broken: mandatory ones missing, optional ones too long or
    # with control characters, country, language and form of participation malformed.
    broken = {key: "" for key in COMPLETE} | {
        "country": "Vietnam",
        "language": "1",
        "participation_form": "by post",
        "prerequisites": "x" * 5001,
        "supervision": "a\x00b",
        "grade_scheme": "x" * 5001,
        "stackability": "a\x07b",
        "further_information": "x" * 5001,
        "action": "publish",
    }
    page = staff.post("/courses/new", broken).get_data(as_text=True)
    anchors = _Anchors()
    anchors.feed(page)
    targets = {link.removeprefix("#f-") for link in anchors.links}
    expected = {
        "title",
        "description",
        "awarding_body",
        "country",
        "learning_outcomes",
        "workload",
        "level",
        "assessment_type",
        "participation_form",
        "quality_assurance",
        "language",
        "prerequisites",
        "supervision",
        "grade_scheme",
        "stackability",
        "further_information",
    }
    assert expected <= targets
    assert len(anchors.ids) == len(set(anchors.ids)), "duplicate ids on the page"
    missing = [link for link in anchors.links if link.removeprefix("#") not in anchors.ids]
    assert missing == []


def test_an_incomplete_draft_is_kept_with_its_checklist(app: Flask, staff: Staff) -> None:
    response = staff.post("/courses/new", {"title": "Bản nháp", "action": "draft"})
    assert response.status_code == 303
    page = staff.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not ready to publish" in page and "draft" in page
    drafts = staff.client.get("/courses?state=draft").get_data(as_text=True)
    assert "Bản nháp" in drafts and "incomplete" in drafts


def test_published_courses_stay_complete_and_can_be_archived(app: Flask, staff: Staff) -> None:
    response = staff.post("/courses/1", {**COMPLETE, "learning_outcomes": "", "action": "save"})
    assert response.status_code == 400  # a published course cannot lose an Annex I element
    assert staff.post("/courses/1/state", {"action": "archive"}).status_code == 303
    issue_page = staff.client.get("/issue").get_data(as_text=True)
    assert "Phân tích dữ liệu với Python" not in issue_page  # no new awards of it
    register = staff.client.get("/register").get_data(as_text=True)
    assert "no longer awarded" in register


def test_the_skill_row_fragment_adds_a_row(staff: Staff) -> None:
    fragment = staff.client.get("/courses/skill-row", headers={"HX-Request": "true"})
    assert 'name="skill_uri"' in fragment.get_data(as_text=True)


def test_user_text_is_escaped_everywhere(app: Flask, staff: Staff) -> None:
    hostile = '<script>alert("x")</script>'
    staff.post("/courses/new", {**COMPLETE, "title": hostile, "action": "publish"})
    for path in ("/courses", "/register", "/register/courses/sec-101"):
        page = staff.client.get(path).get_data(as_text=True)
        assert hostile not in page and "&lt;script&gt;" in page
