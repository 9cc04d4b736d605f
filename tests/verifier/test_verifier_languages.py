"""The verifier in Vietnamese: pages, verdicts, the core's codes in words, dates; JSON as is."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from issuer_site import Institution, Site
from markupsafe import Markup
from verifier_world import bearer, make_app, signed_in, trust

from microcred import qr, strictjson
from microcred.annex import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL
from microcred.presentation_check import REQUEST_CHECK, REQUEST_LABEL
from microcred.report import CHECK_LABELS
from verifier import dates, wording

# Vietnamese medium date ("1 thg 1, 2025") and time ("09:05 UTC 14 thg 3, 2026").
VI_DATE = r"\d{1,2} thg \d{1,2}, \d{4}"
VI_TIME = r"\d\d:\d\d UTC " + VI_DATE


def text(response: Any) -> str:
    """A page's visible words, tags removed and spaces squeezed."""
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def vi(client: FlaskClient, path: str, status: int = 200) -> str:
    """A page asked for in Vietnamese by the language switch (remembered in a cookie)."""
    response = client.get(path, query_string={"lang": "vi"})
    assert response.status_code == status, path
    assert '<html lang="vi">' in response.get_data(as_text=True), path
    return text(response)


def verify_vi(client: FlaskClient, payload: str) -> str:
    """Verify a pasted text with the page in Vietnamese; the result page's words."""
    client.get("/", query_string={"lang": "vi"})
    answer = client.post("/verify", data={"text": payload, "source": "paste"})
    assert answer.status_code == 303
    return vi(client, answer.headers["Location"])


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", ["Xác minh chứng chỉ vi mô", "Bật camera", "Dán đường liên kết hoặc chứng chỉ"]),
        (
            "/ask",
            ["Yêu cầu người học xuất trình chứng chỉ vi mô", "Kết quả học tập", "Tạo yêu cầu"],
        ),
        ("/history", ["Lịch sử", "Các mục được xoá sau 30 ngày.", "Chưa có lượt xác minh nào."]),
        ("/registry", ["Danh sách tổ chức tin cậy", "Thêm cơ sở đào tạo", "Cơ quan công nhận"]),
        ("/settings", ["Thời gian lưu lịch sử", "Lưu các mục lịch sử trong (ngày)"]),
    ],
)
def test_pages_speak_vietnamese(app: Flask, path: str, words: list[str]) -> None:
    client = signed_in(app)
    page = vi(client, path)
    assert [word for word in words if word not in page] == []
    assert "Tiếng Việt" in page and "Đăng xuất" in page  # the switch and the staff nav


def test_the_sign_in_page_speaks_vietnamese(client: FlaskClient) -> None:
    page = vi(client, "/sign-in")
    assert "Đăng nhập cán bộ" in page and "Tên đăng nhập" in page and "Mật khẩu" in page


def test_the_browser_language_chooses(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert '<html lang="vi">' in page.get_data(as_text=True)
    assert "Quét bằng camera" in text(page)
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    assert "Scan with the camera" in text(english)


def test_a_valid_result_in_vietnamese(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    trust(app, institution, validFrom="2025-01-01")
    page = verify_vi(client, bearer(institution.sd_jwt()))
    assert "Hợp lệ" in page and "Mọi bước kiểm tra đều đạt" in page
    assert "Chữ ký số hợp lệ" in page and "Chưa bị thu hồi" in page and "đạt" in page
    assert "Đơn vị cấp" in page and "Kết quả học tập" in page and "đã tiết lộ" in page
    assert "Các thành phần theo Phụ lục I của EU" in page
    assert re.search("từ " + VI_DATE + ", không thời hạn", page)  # the accreditation period
    assert re.search("Xác minh lúc " + VI_TIME, page)
    # Credential content stays as issued.
    assert "Data Analysis with Python" in page and "Nguyễn" in page


def test_an_invalid_result_in_vietnamese(client: FlaskClient, institution: Institution) -> None:
    institution.revoke(2)
    page = verify_vi(client, bearer(institution.sd_jwt(index=2)))
    assert "Không hợp lệ" in page and "Cơ sở đào tạo đã thu hồi chứng chỉ này." in page
    assert "revoked" in page  # the reason code, for support and the report
    assert "Không hiển thị nội dung nào của chứng chỉ này" in page


def test_an_unverified_result_in_vietnamese(client: FlaskClient, institution: Institution) -> None:
    page = verify_vi(client, institution.vc_jwt())
    assert "Chưa xác minh được" in page and "Các thông tin này chưa được xác nhận." in page
    assert "Tổ chức cấp không có trong danh sách tổ chức tin cậy của bạn." in page
    assert "không có trong danh sách của bạn" in page and "issuer_not_in_registry" in page


def test_the_downloaded_report_stays_machine_readable(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    client.get("/", query_string={"lang": "vi"})
    location = client.post("/verify", data={"text": institution.vc_jwt()}).headers["Location"]
    report = strictjson.loads_object(client.get(location + ".json").data)
    assert report["verdict"] == "UNVERIFIED" and report["reason"] == "issuer_not_in_registry"
    assert report["checks"][-2]["message"] == "issuer not trusted"  # the core's words


def test_history_and_registry_dates_in_vietnamese(app: Flask, institution: Institution) -> None:
    trust(app, institution, validFrom="2025-01-01", validUntil="2030-12-31")
    staff = signed_in(app)
    staff.get("/", query_string={"lang": "vi"})
    staff.post("/verify", data={"text": bearer(institution.sd_jwt())})
    history = vi(staff, "/history")
    assert re.search(VI_TIME, history) and "Hợp lệ" in history
    raw = staff.get("/history").get_data(as_text=True)
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', raw)  # for machines
    registry = vi(staff, "/registry")
    assert "1 thg 1, 2025 – 31 thg 12, 2030" in registry and "từ test" in registry
    assert '<time datetime="2025-01-01">' in staff.get("/registry").get_data(as_text=True)


def test_scan_errors_in_vietnamese(client: FlaskClient) -> None:
    client.get("/", query_string={"lang": "vi"})
    offer = qr.encode_png("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.ex%2Fo")
    answer = client.post("/verify", data={"upload": (io.BytesIO(offer), "photo.png")})
    page = text(answer)
    assert answer.status_code == 400 and "Đây không phải chứng chỉ" in page
    assert "Đây là lời mời nhận chứng chỉ: hãy mở bằng ví" in page and "not_a_credential" in page
    answer = client.post("/verify", data={"upload": (io.BytesIO(b"GIF89a" + b"\0" * 20), "x.gif")})
    assert "Hãy tải lên ảnh PNG hoặc JPEG chụp mã QR" in text(answer)


def test_registry_problems_in_vietnamese(app: Flask) -> None:
    staff = signed_in(app)
    staff.get("/registry", query_string={"lang": "vi"})
    form = {"did": "not-a-did", "name": "Uni", "country": "VN", "accreditingBody": "MOET"}
    page = text(staff.post("/registry/add", data=form))
    assert "DID: không phải DID" in page
    page = text(staff.post("/registry/add", data={**form, "did": "did:web:u.ex", "country": "x"}))
    assert "Quốc gia: phải là mã quốc gia gồm hai chữ cái" in page
    registry = (io.BytesIO(b'{"name": "x", "issuers": [{"did": "did:web:a"}]}'), "r.json")
    page = text(staff.post("/registry/import", data={"file": registry}))
    assert "Chưa nhập được danh sách: mục 1, Quốc gia: không được để trống" in page


def test_errors_in_vietnamese(client: FlaskClient, tmp_path: Path) -> None:
    page = vi(client, "/result/" + "x" * 22, status=404)
    assert "Không tìm thấy" in page and "Về trang đầu" in page
    # JSON answers keep English words and codes.
    answer = client.get("/api/vp/requests/x")
    assert answer.json["error"] == "unauthorized" and "Sign in" not in answer.json["error"]
    limited = make_app(tmp_path / "limited", VERIFY_REQUESTS_PER_MINUTE=1).test_client()
    limited.get("/", query_string={"lang": "vi"})
    limited.post("/verify", data={"text": "x"})
    page = text(limited.post("/verify", data={"text": "x"}))
    assert "Có quá nhiều yêu cầu từ địa chỉ của bạn" in page


def test_english_pages_keep_the_cores_words(client: FlaskClient, institution: Institution) -> None:
    location = client.post("/verify", data={"text": institution.vc_jwt()}).headers["Location"]
    page = text(client.get(location))
    assert "Unverified" in page and "Issuer in a trust registry" in page
    assert "Identification of the learner" in page or "Title of the micro-credential" in page


def test_every_core_label_and_code_has_words(app: Flask) -> None:
    # English pages show the core's own labels; a new check or element must be given words.
    core_checks = {**CHECK_LABELS, REQUEST_CHECK: REQUEST_LABEL}
    core_annex = dict(ANNEX_I_MANDATORY + ANNEX_I_OPTIONAL)
    with app.test_request_context(), force_locale("en"):
        assert {k: str(v) for k, v in wording.CHECK_NAMES.items()} == core_checks
        assert {k: str(v) for k, v in wording.ANNEX_LABELS.items()} == core_annex
    with app.test_request_context(), force_locale("vi"):
        same = [k for k, v in wording.CHECK_NAMES.items() if str(v) == core_checks[k]]
        assert same == []
        # An unknown code says something general in Vietnamese, never the core's English.
        check = {"name": "signature", "state": "failed", "code": "new_code", "message": "x y"}
        assert wording.check_detail(check) == "Bước kiểm tra này không đạt."


def test_a_share_link_answer_in_vietnamese(client: FlaskClient, live_server: Any) -> None:
    site = Site()
    base = live_server(site).url
    page = verify_vi_error(client, base + "/s/AAAAAAAAAAAAAAAAAAAAAA")
    assert "Ví không nhận ra đường liên kết chia sẻ này." in page and "share_unknown" in page


def verify_vi_error(client: FlaskClient, payload: str) -> str:
    """A pasted text the scan page refuses, in Vietnamese."""
    client.get("/", query_string={"lang": "vi"})
    answer = client.post("/verify", data={"text": payload})
    assert 400 <= answer.status_code < 600 and answer.status_code != 500
    return text(answer)


@pytest.mark.parametrize(
    ("value", "en", "vi"),
    [
        ("2025-06-30", '<time datetime="2025-06-30">Jun 30, 2025</time>',
         '<time datetime="2025-06-30">30 thg 6, 2025</time>'),
        ("2025-06-30T10:00:00Z", '<time datetime="2025-06-30T10:00:00Z">Jun 30, 2025</time>',
         '<time datetime="2025-06-30T10:00:00Z">30 thg 6, 2025</time>'),
        ("2025-02-30", "2025-02-30", "2025-02-30"),
        ('2025-06-30T"><script>', '2025-06-30T"><script>', '2025-06-30T"><script>'),
        ("next spring", "next spring", "next spring"),
    ],
)  # fmt: skip
def test_credential_dates_in_the_pages_language(app: Flask, value: str, en: str, vi: str) -> None:
    # A date the issuer wrote is shown the page's way; anything else exactly as issued (escaped).
    with app.test_request_context():
        for locale, expected in (("en", en), ("vi", vi)):
            with force_locale(locale):
                shown = dates.day(value)
            assert str(shown) == expected and isinstance(shown, Markup) == (value != expected)
