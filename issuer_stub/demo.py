"""Demo data: a Vietnamese university with a staff account and three published micro-credentials.

`seed(app)` is idempotent (an existing profile, account or course is left alone) and returns
what the demo prints: the staff user name and, when it made the account, its password.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from flask import Flask

from microcred.model import Award, Course

from . import store
from .forms import slugify
from .issuing import award_row
from .offers import make_offer, offer_links
from .store import awards as award_store, courses as course_store, staff as staff_store

# The demo learner the demo command puts into the demo wallet (two awards, one share-ready).
DEMO_LEARNER = {
    "given_name": "Thị Ánh",
    "family_name": "Nguyễn",
    "learner_id": "SV-2026-0042",
}
DEMO_GRADES = ("8.5", "Đạt")
INSTITUTION = {
    "name": "Trường Đại học Công nghệ Sông Hồng",
    "country": "VN",
    "website": "https://songhong.example.edu.vn",
}
AWARDING_BODY = INSTITUTION["name"]
ESCO = "http://data.europa.eu/esco/skill/"
QUALITY = "Kiểm định nội bộ theo chuẩn AUN-QA; chương trình được Bộ Giáo dục và Đào tạo công nhận"
COURSES: tuple[dict[str, Any], ...] = (
    {
        "code": "DA-101",
        "title": "Phân tích dữ liệu với Python",
        "description": (
            "Khoá học ngắn, có đánh giá, về làm sạch, phân tích và trình bày dữ liệu dạng bảng "
            "bằng Python và SQL."
        ),
        "learning_outcomes": [
            "Làm sạch và kết hợp dữ liệu dạng bảng bằng pandas",
            "Viết truy vấn SQL để tổng hợp dữ liệu",
            "Giải thích kết quả của một mô hình hồi quy tuyến tính",
            "Trình bày kết quả phân tích bằng biểu đồ rõ ràng",
        ],
        "ects": 5.0,
        "workload_hours": 125.0,
        "eqf_level": 6,
        "nqf_level": "Bậc 6 (Khung trình độ quốc gia Việt Nam)",
        "assessment_type": "Bài thi viết có giám sát (40%) và dự án phân tích dữ liệu (60%)",
        "participation_form": "blended",
        "language": "vi",
        "prerequisites": "Toán cao cấp và tin học đại cương",
        "supervision": "Thi trực tiếp tại trường, kiểm tra căn cước công dân",
        "grade_scheme": "Thang điểm 10",
        "stackability": "Tích luỹ 5 tín chỉ vào chứng chỉ Khoa học dữ liệu",
        "further_information": "https://songhong.example.edu.vn/dao-tao/da-101",
        "skills": [
            (ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d", "Python (computer programming)"),
            (ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742", "SQL"),
            (ESCO + "4216e465-7baa-4884-a241-54b197bb9278", "perform data mining"),
            (ESCO + "c544a9f3-5945-4b54-afed-de0697852817", "report analysis results"),
        ],
    },
    {
        "code": "DB-201",
        "title": "Thiết kế cơ sở dữ liệu quan hệ",
        "description": "Thiết kế, xây dựng và truy vấn cơ sở dữ liệu quan hệ cho ứng dụng thực tế.",
        "learning_outcomes": [
            "Xây dựng mô hình dữ liệu quan hệ từ yêu cầu nghiệp vụ",
            "Chuẩn hoá lược đồ đến dạng chuẩn thứ ba",
            "Viết và tối ưu truy vấn trên PostgreSQL",
        ],
        "ects": 3.0,
        "workload_hours": 75.0,
        "eqf_level": 5,
        "assessment_type": "Đồ án thiết kế cơ sở dữ liệu và bài kiểm tra thực hành",
        "participation_form": "online",
        "language": "vi",
        "supervision": "Bài kiểm tra trực tuyến có giám sát qua camera",
        "grade_scheme": "Đạt / Không đạt",
        "skills": [
            (ESCO + "fbafa41f-cd05-4109-a649-8b44d306d779", "create data models"),
            (ESCO + "4463a721-69f3-413d-8321-43e3af13a4f1", "use databases"),
            (ESCO + "a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996", "PostgreSQL"),
        ],
    },
    {
        "code": "WEB-110",
        "title": "Lập trình web với JavaScript",
        "description": (
            "Xây dựng ứng dụng web tương tác với JavaScript, TypeScript và kiểm thử tự động."
        ),
        "learning_outcomes": [
            "Xây dựng giao diện web tương tác bằng JavaScript",
            "Sử dụng TypeScript để viết mã an toàn kiểu",
            "Viết kiểm thử tự động cho ứng dụng web",
        ],
        "ects": 4.0,
        "workload_hours": 100.0,
        "eqf_level": 5,
        "assessment_type": "Dự án nhóm và vấn đáp cá nhân",
        "participation_form": "onsite",
        "language": "vi",
        "prerequisites": "Nhập môn lập trình",
        "stackability": "Tích luỹ vào chứng chỉ Phát triển phần mềm",
        "skills": [
            (ESCO + "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7", "JavaScript"),
            (ESCO + "867137fb-ff1b-4ca3-99f3-cb6969aa2c68", "TypeScript"),
            (ESCO + "913e7e83-b8f8-4574-b1ca-1b38f3fd974a", "execute software tests"),
        ],
    },
)


def course_data(spec: dict[str, Any], course_id: str) -> dict[str, Any]:
    """Full Course data (checked by the model) for one demo course."""
    data = {key: value for key, value in spec.items() if key not in ("code", "skills")}
    data.update(
        id=course_id,
        awarding_body=AWARDING_BODY,
        country="VN",
        quality_assurance=QUALITY,
        skills=[{"uri": uri, "label": label} for uri, label in spec["skills"]],
    )
    return Course.from_dict(data).to_dict()


def seed(app: Flask, *, username: str = "admin", password: str | None = None) -> dict[str, Any]:
    """Create the demo institution, a staff account and three published courses (idempotent)."""
    from .auth import hash_password

    made_password = None
    with app.app_context():
        db = store.get_db()
        now = time.time()
        if staff_store.get_profile(db) is None:
            staff_store.save_profile(
                db, **INSTITUTION, logo=None, remove_logo=False, actor="demo", now=now
            )
        if staff_store.find_staff(db, username) is None:
            made_password = password or secrets.token_urlsafe(12)
            staff_store.add_staff(
                db,
                username=username,
                display_name="Nguyễn Thị Lan (Phòng Đào tạo)",
                password_hash=hash_password(made_password),
                is_admin=True,
                actor="demo",
                now=now,
            )
        base = app.config["BASE_URL"]
        for spec in COURSES:
            slug = slugify(spec["code"])
            if course_store.course_by_slug(db, slug) is None:
                course_store.create_course(
                    db,
                    slug=slug,
                    code=spec["code"],
                    data=course_data(spec, f"{base}/register/courses/{slug}"),
                    state="published",
                    actor="demo",
                    now=now,
                )
        store.close_db()
    return {"username": username, "password": made_password}


def demo_offers(app: Flask) -> list[str]:
    """Offer links for the demo learner's awards of the first two courses not yet awarded."""
    links: list[str] = []
    with app.app_context():
        db = store.get_db()
        now = time.time()
        for spec, grade in zip(COURSES, DEMO_GRADES, strict=False):
            course = course_store.course_by_slug(db, slugify(spec["code"]))
            if course is None or award_store.learner_has_award(
                db, course["id"], DEMO_LEARNER["learner_id"]
            ):
                continue
            award = Award(**DEMO_LEARNER, date_of_issuance="2026-06-01", grade=grade)
            award_id = uuid.uuid4().hex
            offer = make_offer(now, app.config["OFFER_LIFETIME"], tx_required=False)
            row = award_row(award_id, course, award, email=None)
            award_store.create_award(db, row, offer=offer, actor="demo", now=now)
            links.append(offer_links(app.config["BASE_URL"], offer.id)["link"])
        store.close_db()
    return links
