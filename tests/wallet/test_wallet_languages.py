"""The wallet in Vietnamese: pages, dates and numbers, the core's words, and what stays English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from wallet_world import Auth

from microcred import strictjson
from microcred.card import FORMAT_LABELS
from microcred.errors import CredentialError, FetchError, InputError
from microcred.model import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL
from microcred.report import CHECKS
from microcred.share import CLAIM_LABELS
from wallet import wording

VI = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}


@pytest.fixture
def card_id(auth: Auth, card_for: Callable[..., str]) -> str:
    auth.signup()
    return card_for()


def page(client: FlaskClient, path: str, **kwargs: object) -> str:
    response = client.get(path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_main_pages_speak_vietnamese(client: FlaskClient, card_id: str) -> None:
    home = page(client, "/?lang=vi")
    assert '<html lang="vi">' in home
    assert "Chứng chỉ vi mô của bạn" in home and "✓ Đã xác minh" in home
    # The date of issue (2026-06-01) in Vietnamese, machine-readable in <time>.
    assert '<time datetime="2026-06-01">1 tháng 6, 2026</time>' in home
    # The switch set the cookie: the next pages stay Vietnamese without ?lang.
    card = page(client, f"/cards/{card_id}")
    for text in (
        '<html lang="vi">',
        "Kiểm tra trạng thái ngay",
        "Kết quả học tập",
        "5 tín chỉ ECTS · 125 giờ",
        "Hình thức tham gia</dt><dd>trực tuyến",
        "Ngôn ngữ</dt><dd>Tiếng Anh",
        "Thông tin nhận dạng người học",  # an Annex I element, by its key
        "Tổ chức cấp đáng tin cậy",
        "(UTC)",
    ):
        assert text in card, text
    # Credential content stays as issued.
    assert "Data Analysis with Python" in card and "Clean and join tabular data" in card
    share_form = page(client, f"/cards/{card_id}/share")
    assert "Thông tin sẽ tiết lộ" in share_form and ">Điểm<" in share_form
    assert "7 ngày" in share_form
    receive = page(client, "/receive")
    assert "Quét bằng camera" in receive and 'data-msg-denied="Quyền dùng camera' in receive
    account = page(client, "/account")
    assert "Xuất toàn bộ dữ liệu" in account and "1 chứng chỉ" in account


def test_accept_language_chooses_and_english_is_the_default(
    client: FlaskClient, card_id: str
) -> None:
    assert '<html lang="vi">' in page(client, "/", headers=VI)
    english = page(client, "/")
    assert '<html lang="en">' in english and "Your micro-credentials" in english
    assert '<time datetime="2026-06-01">June 1, 2026</time>' in english


def test_times_follow_the_locale(client: FlaskClient, card_id: str) -> None:
    client.post(f"/cards/{card_id}/share", data={"mode": "sd-jwt", "days": "7"})
    english = page(client, "/shares")
    vietnamese = page(client, "/shares", headers=VI)
    assert "created <time datetime=" in english and " UTC</time>" in english
    assert "tạo lúc <time datetime=" in vietnamese and " (UTC) " in vietnamese
    assert "tháng" not in english and "thg" in vietnamese


def test_status_check_names_checks_and_verdicts_in_vietnamese(
    client: FlaskClient, card_id: str
) -> None:
    response = client.post(f"/cards/{card_id}/check", headers={**VI, "HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "Vừa kiểm tra xong" in fragment and "— hợp lệ" in fragment
    assert "Chữ ký số: <strong>đạt</strong>" in fragment
    assert "chưa kiểm tra" in fragment and "(không được yêu cầu)" in fragment
    assert ": <strong>passed" not in fragment and "VALID" not in fragment


def test_a_core_error_is_shown_in_the_page_language(client: FlaskClient, card_id: str) -> None:
    english = client.post("/receive", data={"link": "hello"}).get_data(as_text=True)
    assert "this is neither a credential offer nor a presentation request" in english
    vietnamese = client.post("/receive", data={"link": "hello"}, headers=VI)
    assert vietnamese.status_code == 400
    text = vietnamese.get_data(as_text=True)
    assert "đây không phải lời mời nhận chứng chỉ" in text
    assert "neither a credential offer" not in text


def test_answers_for_programs_stay_english(client: FlaskClient, card_id: str) -> None:
    gone = client.get("/s/unknown", headers={**VI, "Accept": "application/dc+sd-jwt"})
    assert gone.status_code == 404
    assert strictjson.loads_object(gone.data)["error_description"] == (
        "There is no share at this address."
    )
    frame = client.post("/scan/frame", data=b"", headers=VI)
    assert frame.status_code == 400
    assert strictjson.loads_object(frame.data)["error"] == "frame_invalid"
    missing = client.get("/cards/nope", headers={**VI, "Accept": "application/dc+sd-jwt"})
    assert missing.status_code == 404
    assert strictjson.loads_object(missing.data)["error_description"] == "Nothing here."


def test_manifest_names_the_app_in_the_phone_language(client: FlaskClient) -> None:
    english = strictjson.loads_object(client.get("/manifest.webmanifest").data)
    assert english["name"] == "microcred Wallet" and english["lang"] == "en"
    vietnamese = strictjson.loads_object(client.get("/manifest.webmanifest", headers=VI).data)
    assert vietnamese["name"] == "Ví chứng chỉ microcred" and vietnamese["lang"] == "vi"
    assert vietnamese["short_name"] == "Ví chứng chỉ" and vietnamese["start_url"] == "/"


def test_numbers_and_core_messages_in_vietnamese(app: Flask) -> None:
    with app.test_request_context(), force_locale("vi"):
        assert wording.number(2.5) == "2,5" and wording.number(12000) == "12.000"
        assert wording.hours(2.5) == "2,5 giờ"
        assert wording.error(FetchError("cannot connect to x.example", code="connect_failed")) == (
            "không kết nối được với x.example"
        )
        refused = "the issuer refused the token request (invalid_grant): wrong code"
        assert "mã giao dịch không đúng" in wording.error(CredentialError(refused, code="x"))
        # Unknown message, known code: plain words for the code.
        assert wording.error(InputError("odd", code="invalid_offer")) == (
            "lời mời nhận chứng chỉ không hợp lệ"
        )
        # Unknown message and code: the core's English rather than nothing.
        assert wording.error(InputError("something new", code="new_code")) == "something new"
        assert wording.day("not a date") == "not a date"
    with app.test_request_context():
        assert wording.error(FetchError("cannot connect to x.example")) == (
            "cannot connect to x.example"
        )


def test_the_wording_tables_cover_the_core_labels_word_for_word(app: Flask) -> None:
    # English pages must read as before, and a label the core adds must get a translation.
    with app.test_request_context(), force_locale("en"):
        assert {k: str(v) for k, v in wording.CLAIMS.items()} == CLAIM_LABELS
        assert {k: str(v) for k, v in wording.ANNEX.items()} == dict(
            ANNEX_I_MANDATORY + ANNEX_I_OPTIONAL
        )
        assert {k: str(v) for k, v in wording.CHECKS.items()} == dict(CHECKS)
        assert {k: str(v) for k, v in wording.FORMATS.items()} == FORMAT_LABELS
