"""A complete Vietnamese course and award with every optional element, for the model tests."""

from __future__ import annotations

import dataclasses

from microcred.model import Award, Course, Skill

ESCO_SKILL = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def course(**changes: object) -> Course:
    """A complete course with every optional element, in Vietnamese."""
    base = Course(
        id="https://hust.example.edu.vn/courses/ai-101",
        title="Nhập môn Trí tuệ nhân tạo",
        description="Khoá học ngắn về học máy cho kỹ sư.",
        awarding_body="Đại học Bách khoa Hà Nội",
        country="VN",
        learning_outcomes=("Giải thích được học máy", "Xây dựng mô hình\nphân loại đơn giản"),
        assessment_type="Bài thi viết và dự án",
        participation_form="blended",
        quality_assurance="Kiểm định nội bộ theo chuẩn AUN-QA",
        ects=5.0,
        workload_hours=125.0,
        eqf_level=6,
        nqf_level="Bậc 6",
        language="vi",
        prerequisites="Toán cao cấp",
        supervision="Thi có giám sát, kiểm tra căn cước",
        grade_scheme="Thang điểm 10",
        stackability="Tích luỹ vào chương trình thạc sĩ",
        further_information="https://hust.example.edu.vn/ai-101",
        skills=(Skill(ESCO_SKILL, "học máy"),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def award(**changes: object) -> Award:
    """A complete award for a learner with a Vietnamese name."""
    base = Award(
        given_name="Văn An",
        family_name="Nguyễn",
        learner_id="SV20250001",
        date_of_issuance="2025-06-30",
        grade="9,5",
        valid_until="2030-06-30",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
