"""Screenshots in a real Chromium at phone and desktop size, in English and Vietnamese.

Each page: its key text is visible, nothing overflows sideways, there is no console error and
no CSP violation, axe-core finds no serious or critical violation and Tab reaches every control.
PNGs go to tests/_artifacts/screens/test_issuer_screens/issuer-<page>-<size>[-vi].png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_checks import SIZES, Watched
from issuer_app import PASSWORD, serve_seeded
from issuer_world import FlaskHTTP, make_offer, upload

from microcred.keys import PrivateKey
from microcred.oid4vci import SD_JWT_CONFIG
from microcred.oid4vci_client import WalletClient

BAD_CSV = "given_name,family_name,learner_id\nThị Ánh,Nguyễn,SV1\nBình,Trần\n,,SV3\n".encode()
GOOD_CSV = "given_name,family_name,learner_id\n" + "".join(
    f"Học viên {i},Phạm,SV{i:04d}\n" for i in range(7)
)
# What the refused course form and CSV say, per language: the reason by the field, the form's
# summary, the CSV's summary.
REFUSED = {
    "en": ("list at least one learning outcome", "was not saved", "Nothing was created"),
    "vi": ("hãy liệt kê ít nhất một kết quả học tập", "Chưa lưu khoá học", "Không có gì được tạo"),
}


def prepare(tmp_path: Path, live_server: Any) -> dict[str, Any]:
    """A seeded issuer over HTTP with an offer, a revoked credential and a finished bulk job."""
    app, staff, base = serve_seeded(tmp_path, live_server)
    offer = make_offer(staff, given_name="Thị Ánh", family_name="Nguyễn Hoàng")
    other = make_offer(staff, learner_id="SV2", given_name="Quốc Bảo", family_name="Trần")
    staff.post(f"/awards/{other['award']}/status", {"action": "revoke", "confirm": "on"})
    job = upload(staff, "/bulk", {"course": "2"}, "lop-k65.csv", GOOD_CSV.encode())
    job_id = job.headers["Location"].rsplit("/", 1)[-1]
    for _ in range(200):
        if "Issuing" not in staff.client.get(f"/bulk/{job_id}/progress").get_data(as_text=True):
            break
    return {"base": base, "offer": offer, "job": job_id, "app": app}


def check(watched: Watched, text: str) -> None:
    """What a person would check on any page, with a mouse, a keyboard or a screen reader."""
    watched.page.wait_for_load_state("networkidle")
    watched.check_access(text)
    watched.page.evaluate("() => document.activeElement && document.activeElement.blur()")


def pages(site: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The pages to look at: path, key text in English and in Vietnamese, screenshot name."""
    offer, job = site["offer"], site["job"]
    return [
        ("/", "Good to see you", "Xin chào", "dashboard"),
        ("/courses", "Phân tích dữ liệu với Python", "Chứng chỉ vi mô mới", "catalogue"),
        ("/courses/1", "Complete", "Đầy đủ", "catalogue-form"),
        ("/courses/new", "Not ready to publish", "Chưa thể công bố", "catalogue-form-new"),
        ("/issue", "Issue to one learner", "Cấp cho một người học", "issue"),
        (f"/awards/{offer['award']}", "Waiting for the learner", "Đang chờ ví", "offer"),
        ("/awards", "Quốc Bảo", "Chứng chỉ đã cấp", "credentials"),
        (f"/bulk/{job}", "7 offers ready", "Đã sẵn sàng 7 lời mời", "bulk-job"),
        (f"/bulk/{job}/sheet", "Học viên 0", "Quét bằng ví của bạn trước ngày", "bulk-sheet"),
        ("/bulk", "Protect each offer with a transaction code", "Bảo vệ mỗi lời mời", "bulk"),
        ("/settings/profile", "Why the address cannot be edited", "Vì sao không thể", "profile"),
        ("/settings/staff", "Add a staff member", "Thêm cán bộ", "staff"),
        ("/settings/api-tokens", "How a system uses it", "Cách hệ thống", "api-tokens"),
        ("/settings/audit", "Audit log", "Nhật ký thao tác", "audit"),
        ("/account/password", "Change your password", "Đổi mật khẩu của bạn", "password"),
        ("/register", "Micro-credentials of", "Chứng chỉ vi mô của", "register"),
        ("/register/courses/da-101", "Learning outcomes", "Kết quả học tập", "register-course"),
        (
            f"/offers/{offer['offer']}",
            "Open in my wallet app",
            "Mở bằng ứng dụng ví",
            "learner-offer",
        ),
        ("/no-such-page", "There is nothing at this address", "Không có nội dung", "not-found"),
    ]


def sign_in(watched: Watched, base: str, text: str, name: str, shoot: Any) -> None:
    """Sign in through the form, looking at it first."""
    page = watched.page
    page.goto(base + "/sign-in")
    check(watched, text)
    shoot(page, name)
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")


def look_at_every_page(
    watched: Watched, site: dict[str, Any], lang: str, suffix: str, shoot: Any
) -> None:
    """Check each of `pages` by its text in `lang`, and save it as issuer-<name>-<suffix>."""
    for path, english, vietnamese, name in pages(site):
        watched.page.goto(site["base"] + path)
        if path == "/no-such-page":
            watched.forgive("status of 404")  # the page answered 404 on purpose
        check(watched, english if lang == "en" else vietnamese)
        shoot(watched.page, f"issuer-{name}-{suffix}")


def look_at_refused_forms(watched: Watched, base: str, lang: str, suffix: str, shoot: Any) -> None:
    """A course form whose publish failed and a CSV with problems: each says why, where it is."""
    page, (reason, not_saved, nothing_created) = watched.page, REFUSED[lang]
    page.goto(base + "/courses/new")
    page.fill("#title", "Kỹ năng thuyết trình")
    page.click("button[value=publish]")
    page.wait_for_load_state("networkidle")
    watched.forgive("status of 400")  # a refused form answers 400 on purpose
    assert page.get_by_text(reason).first.is_visible()
    check(watched, not_saved)
    shoot(page, f"issuer-catalogue-form-errors-{suffix}")
    # The lines with problems are listed and nothing is created.
    page.goto(base + "/bulk")
    page.select_option("#course", "1")
    files = [{"name": "k65.csv", "mimeType": "text/csv", "buffer": BAD_CSV}]
    page.set_input_files("#file", files=files)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    watched.forgive("status of 400")
    check(watched, nothing_created)
    shoot(page, f"issuer-bulk-errors-{suffix}")


@pytest.mark.parametrize("size", list(SIZES))
def test_pages_look_right(
    tmp_path: Path, live_server: Any, open_page: Any, screenshots: Any, size: str
) -> None:
    site = prepare(tmp_path, live_server)
    base, offer = site["base"], site["offer"]
    # An English browser: the pages are in English (a Vietnamese one gets them in Vietnamese).
    watched = open_page(size, locale="en-US")
    page = watched.page
    sign_in(watched, base, "Staff sign-in", f"issuer-sign-in-{size}", screenshots)
    look_at_every_page(watched, site, "en", size, screenshots)

    # The offer's QR image really loaded, and the transaction code stays hidden until asked.
    page.goto(f"{base}/awards/{offer['award']}")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert not page.get_by_text(offer["tx"]).is_visible()
    page.click("summary")
    assert page.get_by_text(offer["tx"]).is_visible()

    # A wallet redeems the code: the open page follows by itself (htmx polling, out-of-band
    # swaps) from "opened" to "Collected", and the QR code and transaction code leave it.
    wallet = WalletClient(
        FlaskHTTP(site["app"].test_client()), PrivateKey.generate(), allow_http=True
    )
    resolved = wallet.resolve(offer["link"])
    access = wallet.request_token(resolved, offer["tx"])
    page.get_by_text("The wallet opened the offer").wait_for()
    assert page.locator("img.qr").count() == 0 and not page.get_by_text(offer["tx"]).count()
    screenshots(page, f"issuer-offer-collecting-{size}")
    wallet.request_credential(resolved, access, SD_JWT_CONFIG)
    page.get_by_text("In the wallet: SD-JWT VC").wait_for()
    assert watched.errors == [], watched.errors
    screenshots(page, f"issuer-offer-collected-{size}")
    look_at_refused_forms(watched, base, "en", size, screenshots)


def test_pages_look_right_in_vietnamese(
    tmp_path: Path, live_server: Any, open_page: Any, screenshots: Any
) -> None:
    site = prepare(tmp_path, live_server)
    base = site["base"]
    # A phone set to Vietnamese: the browser's Accept-Language chooses the pages' language.
    watched = open_page("phone", locale="vi-VN")
    page = watched.page
    sign_in(watched, base, "Đăng nhập cho cán bộ", "issuer-sign-in-phone-vi", screenshots)
    assert page.evaluate("document.documentElement.lang") == "vi"
    look_at_every_page(watched, site, "vi", "phone-vi", screenshots)
    # Refused forms: the reasons are in Vietnamese, next to their fields or lines.
    look_at_refused_forms(watched, base, "vi", "phone-vi", screenshots)

    # The switch on every page takes the visitor back to English, and it is remembered.
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(base + "/")
    check(watched, "Good to see you")
