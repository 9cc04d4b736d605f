"""The issuer in Vietnamese: pages, dates, numbers and the core's messages; content as issued."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from issuer_app import Staff
from issuer_world import make_offer, upload

from issuer_stub import wording
from microcred.annex import award_problems, course_problems
from microcred.errors import MicrocredError
from microcred.learner_csv import read_learners
from microcred.model import Award, Course

STORE = Path(__file__).resolve().parents[2] / "issuer_stub" / "store"
CSV_HEADER = "given_name,family_name,learner_id,email\n"


def text(response: object) -> str:
    """A page's visible words, tags removed and spaces squeezed."""
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def vi(client: FlaskClient, path: str) -> str:
    """A page asked for in Vietnamese by the language switch."""
    response = client.get(path, query_string={"lang": "vi"}, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    assert '<html lang="vi">' in response.get_data(as_text=True), path
    return text(response)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", ["Xin chào", "chứng chỉ vi mô đã công bố", "Cấp cho một người học"]),
        ("/courses", ["Danh mục", "5 tín chỉ ECTS", "Bậc EQF 6", "đầy đủ"]),
        ("/courses/new", ["Chưa thể công bố", "Tiêu đề", "hãy đặt tiêu đề cho khoá học"]),
        ("/issue", ["Cấp cho một người học", "Mã người học", "mã giao dịch"]),
        ("/awards", ["Chứng chỉ đã cấp", "1 chứng chỉ", "30 thg 6, 2025", "hợp lệ"]),
        ("/bulk", ["Cấp từ tệp CSV", "Lời mời có hiệu lực trong 7 ngày"]),
        ("/settings/profile", ["Hồ sơ cơ sở đào tạo", "Vì sao không thể sửa địa chỉ"]),
        ("/settings/audit", ["Nhật ký thao tác", "đã tạo chứng chỉ", "đã đăng nhập"]),
        ("/register", ["Sổ đăng ký công khai", "5 tín chỉ ECTS, 125 giờ", "kết hợp"]),
        ("/register/courses/da-101", ["Kết quả học tập", "Khối lượng học tập", "Tiếng Việt"]),
    ],
)
def test_staff_pages_speak_vietnamese(staff: Staff, path: str, words: list[str]) -> None:
    make_offer(staff)
    page = vi(staff.client, path)
    missing = [word for word in words if word not in page]
    assert missing == []


def test_the_award_page_writes_dates_the_vietnamese_way(staff: Staff) -> None:
    award = make_offer(staff, valid_until="2030-01-31")["award"]
    page = vi(staff.client, f"/awards/{award}")
    assert "Ngày cấp 30 thg 6, 2025" in page and "Có hiệu lực đến 31 thg 1, 2030" in page
    assert "Đang chờ ví của người học" in page and "Tạm đình chỉ" in page
    # The status is words and an icon, never colour alone.
    assert "✓ hợp lệ" in page
    # Times read hour first ("14:05 UTC 6 thg 12, 2026"); machines still get ISO 8601.
    assert re.search(r"\d\d:\d\d UTC \d{1,2} thg \d{1,2}, \d{4}", page)
    raw = staff.client.get(f"/awards/{award}?lang=en").get_data(as_text=True)
    assert '<time datetime="2025-06-30">Jun 30, 2025</time>' in raw
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00">', raw)


def test_the_browser_language_chooses_and_the_switch_is_remembered(client: FlaskClient) -> None:
    asked = client.get("/register", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert '<html lang="vi">' in asked.get_data(as_text=True)
    assert "Sổ đăng ký công khai" in text(asked)
    switched = client.get(
        "/register", query_string={"lang": "en"}, headers={"Accept-Language": "vi"}
    )
    assert "Public register" in text(switched) and "lang=en" in switched.headers["Set-Cookie"]
    # The cookie now wins over the browser's preference.
    again = client.get("/sign-in", headers={"Accept-Language": "vi"})
    assert '<html lang="en">' in again.get_data(as_text=True) and "Staff sign-in" in text(again)


def test_credential_content_stays_as_issued(staff: Staff) -> None:
    offer = make_offer(staff, given_name="Thị Ánh", family_name="Nguyễn")
    english = text(
        staff.client.get(f"/offers/{offer['offer']}?lang=en", headers={"Accept": "text/html"})
    )
    page = vi(staff.client, f"/offers/{offer['offer']}")
    # The course title and the learner's name are the same words in both languages.
    for words in ("Phân tích dữ liệu với Python", "Thị Ánh Nguyễn"):
        assert words in english and words in page
    assert "Mở bằng ứng dụng ví của tôi" in page and "Open in my wallet app" in english
    # What the wallet reads (the offer document) does not follow the page's language.
    document = staff.client.get(
        f"/offers/{offer['offer']}",
        query_string={"lang": "vi"},
        headers={"Accept": "application/json"},
    ).get_json()
    assert document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["tx_code"][
        "description"
    ].startswith("Enter the 6-digit code")


def test_form_errors_and_flashes_come_in_vietnamese(staff: Staff) -> None:
    staff.client.get("/", query_string={"lang": "vi"})  # the switch sets the cookie
    refused = staff.post("/courses/new", {"title": "", "action": "publish"})
    assert refused.status_code == 400
    page = text(refused)
    assert "Chưa lưu khoá học: xem các ô được đánh dấu." in page
    assert "hãy liệt kê ít nhất một kết quả học tập" in page and "Kết quả học tập" in page
    award = make_offer(staff)["award"]
    done = staff.post(f"/awards/{award}/status", {"action": "suspend"}, follow_redirects=True)
    assert "Đã tạm đình chỉ. Từ nay bên xác minh thấy chứng chỉ này" in text(done)
    assert "đang bị tạm đình chỉ" in text(done)


def test_a_bad_csv_is_explained_in_vietnamese(staff: Staff) -> None:
    staff.client.get("/", query_string={"lang": "vi"})
    bad = (CSV_HEADER + "An,Lê,SV1,an@\nBình,Trần,SV2,\nChi,Vũ,SV2,\n").encode()
    response = upload(staff, "/bulk", {"course": "1"}, "lop.csv", bad)
    assert response.status_code == 400
    page = text(response)
    assert "Không có gì được tạo: tệp có 2 vấn đề" in page
    assert "Dòng 2" in page and "không phải địa chỉ email" in page
    assert "Dòng 4" in page and "trùng mã người học với dòng 3" in page


def test_a_bulk_import_reads_in_vietnamese(staff: Staff) -> None:
    data = (CSV_HEADER + "An,Lê,SV1,\nBình,Trần,SV2,\n").encode()
    response = upload(staff, "/bulk", {"course": "1"}, "lop.csv", data)
    job = response.headers["Location"].rsplit("/", 1)[-1]
    for _ in range(2000):  # the import runs in a thread; its progress page says when it is done
        if "Issuing" not in staff.client.get(f"/bulk/{job}/progress").get_data(as_text=True):
            break
    page = vi(staff.client, f"/bulk/{job}")
    assert "Đã sẵn sàng 2 lời mời nhận chứng chỉ" in page and "2 người học" in page
    assert "Quét bằng ví của bạn trước ngày" in vi(staff.client, f"/bulk/{job}/sheet")
    audit = vi(staff.client, "/settings/audit")
    assert "đã cấp hàng loạt" in audit and "2 chứng chỉ từ tệp lop.csv" in audit


def test_error_pages_speak_vietnamese(client: FlaskClient) -> None:
    response = client.get("/no-such-page", query_string={"lang": "vi"})
    assert response.status_code == 404
    assert "Không tìm thấy" in text(response) and "Về trang đầu" in text(response)


def _core_messages() -> set[str]:
    """Every plain-words message the core gives for the issuer's forms and CSV files."""
    wrong = {
        "id": "https://u.example/c",
        "title": "T\n",
        "ects": 900.0,
        "workload_hours": 9000.0,
        "eqf_level": 9,
        "level_not_applicable": True,
        "learning_outcomes": ["x"] * 31,
        "participation_form": "by post",
        "skills": [{"uri": "https://s.example", "label": "s"}] * 51,
    }
    courses = [
        {"id": "ftp://x#y", "country": "Viet Nam", "language": "1"},
        wrong,
        {**wrong, "eqf_level": None, "learning_outcomes": [], "level_not_applicable": False},
        {**wrong, "level_not_applicable": False, "learning_outcomes": ["a", ""]},
        {**wrong, "title": "x" * 201},
    ]
    found = {p.message for c in courses for p in course_problems(Course.from_dict(c))}
    skills = ({"uri": "ftp://s", "label": "s"}, {"uri": "https://s", "label": ""})
    for skill in (*skills, {"uri": "https://s", "label": "x" * 300}):
        try:
            Course.from_dict({**wrong, "skills": [skill]})
        except MicrocredError as error:
            found.add(error.message)
    awards = [
        Award(given_name="", family_name="", learner_id="", date_of_issuance="30/06/2025"),
        Award(given_name="A", family_name="B", learner_id="C", date_of_issuance="2025-06-30",
              grade=" ", valid_until="soon"),
        Award(given_name="A", family_name="B", learner_id="C", date_of_issuance="2025-06-30",
              valid_until="2025-01-01"),
    ]  # fmt: skip
    found |= {p.message for a in awards for p in award_problems(a)}
    files = [
        b"\xff\xfe",
        b"a\x00b",
        b"",
        b"given_name,given_name\n",
        b"given_name,family_name,learner_id\n",
        (CSV_HEADER + "A,B,1,x\nA,B,2,\nC,D,2,\nA\n" + 'A,"B\n').encode(),
    ]
    for data in files:
        found |= {e.message for e in read_learners(data, default_date="2025-06-30").errors}
    two = (CSV_HEADER + "A,B,1,\nC,D,2,\n").encode()
    found |= {e.message for e in read_learners(two, default_date="x", max_rows=1).errors}
    taken = read_learners(two, default_date="2025-06-30", existing_ids={"1"}).errors
    found |= {e.message for e in taken}
    try:
        read_learners(b"x" * 20, default_date="2025-06-30", max_bytes=10)
    except MicrocredError as error:
        found.add(error.message)
    return found


def test_every_core_message_the_forms_show_has_vietnamese_words(app: Flask) -> None:
    messages = _core_messages()
    assert len(messages) > 30
    with app.test_request_context(), force_locale("vi"):
        untranslated = sorted(m for m in messages if wording.message(m) == m)
    assert untranslated == []


def test_every_audit_action_has_words() -> None:
    written: set[str] = set()
    for source in STORE.glob("*.py"):
        code = source.read_text(encoding="utf-8")
        written |= set(re.findall(r'audit\(\s*db,\s*\w+,\s*"(\w+)"', code))
        for pair in re.findall(r'action = "(\w+)" if active else "(\w+)"', code):
            written |= set(pair)
    # Codes made from a value: f"course_{state}" and the status change's table.
    written |= {"course_draft", "course_published", "course_archived", "course_saved"}
    written |= {"suspended", "revoked", "unsuspended"}
    assert len(written) > 15
    assert written - set(wording.ACTIONS) == set()
