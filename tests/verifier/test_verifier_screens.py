"""The verifier in a real Chromium: scan page, VALID and INVALID results, camera scanning.

Screenshots go to tests/_artifacts/screens/test_verifier_screens/; each test also asserts what a
person would check: the key text is visible, nothing overflows sideways, no console error or CSP
violation, no script from a credential runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from browser_checks import SIZES, Watched, qr_video
from flask import Flask
from issuer_site import Institution, Site
from loopback import free_port
from verifier_wallet import TestWallet
from verifier_world import STAFF_PASSWORD, STAFF_USER, add_staff, bearer, make_app, trust

from microcred import issuance
from microcred.demo import DEMO_AWARD, DEMO_COURSE


def serve(tmp_path: Path, live_server: Any) -> tuple[Flask, str]:
    """A verifier with CSRF on, served over HTTP at the address it knows itself by."""
    port = free_port()
    app = make_app(tmp_path, BASE_URL=f"http://localhost:{port}", WTF_CSRF_ENABLED=True)
    return app, live_server(app, port).url


@pytest.fixture
def site(tmp_path: Path, live_server: Any, institution: Institution) -> str:
    app, url = serve(tmp_path, live_server)
    trust(app, institution)
    return url


@pytest.fixture
def stranger(live_server: Any) -> Institution:
    """An institution on its own loopback site that no trust registry lists."""
    stranger_site = Site()
    return Institution(stranger_site, live_server(stranger_site).url, "Look-alike Academy")


def verify_in_page(watched: Watched, base: str, text: str) -> Any:
    page = watched.page
    page.goto(base + "/")
    page.fill("#text", text)
    page.click("#text-form button[type=submit]")
    page.wait_for_selector("#verdict")
    return page


@pytest.mark.parametrize("size", SIZES)
def test_scan_page(site: str, open_page: Any, screenshots: Any, size: str) -> None:
    watched = open_page(size)
    page = watched.page
    page.goto(site + "/")
    assert page.get_by_role("heading", name="Verify a micro-credential").is_visible()
    assert page.get_by_role("button", name="Start camera").is_visible()
    assert page.get_by_text("Upload a photo or screenshot").is_visible()
    assert page.get_by_text("Paste a link or a credential").is_visible()
    screenshots(page, f"scan-{size}")
    watched.check()


@pytest.mark.parametrize("size", SIZES)
def test_valid_result(
    site: str, institution: Institution, open_page: Any, screenshots: Any, size: str
) -> None:
    watched = open_page(size)
    page = verify_in_page(watched, site, bearer(institution.sd_jwt()))
    assert page.locator(".verdict-word").inner_text() == "Valid"
    assert page.get_by_text("Demo University of Science").first.is_visible()
    assert page.get_by_role("link", name="Download report (JSON)").is_visible()
    screenshots(page, f"result-valid-{size}")
    watched.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download report (JSON)").click()
    assert download.value.suggested_filename.endswith(".json")


@pytest.mark.parametrize("size", SIZES)
def test_invalid_result(
    site: str, institution: Institution, open_page: Any, screenshots: Any, size: str
) -> None:
    institution.revoke(3)
    watched = open_page(size)
    page = verify_in_page(watched, site, bearer(institution.sd_jwt(index=3)))
    assert page.locator(".verdict-word").inner_text() == "Invalid"
    assert page.get_by_text("The institution has revoked this credential.").is_visible()
    screenshots(page, f"result-invalid-{size}")
    watched.check()


@pytest.mark.parametrize("size", SIZES)
def test_unverified_result(
    site: str, stranger: Institution, open_page: Any, screenshots: Any, size: str
) -> None:
    watched = open_page(size)
    page = verify_in_page(watched, site, bearer(stranger.sd_jwt()))
    assert page.locator(".verdict-word").inner_text() == "Unverified"
    certificate = page.locator("#certificate")
    assert certificate.get_by_text("These claims are not confirmed.").is_visible()
    assert certificate.get_by_text("not confirmed", exact=True).is_visible()
    screenshots(page, f"result-unverified-{size}")
    watched.check()


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_page(
    tmp_path: Path, live_server: Any, open_page: Any, screenshots: Any, size: str
) -> None:
    app, url = serve(tmp_path, live_server)
    add_staff(app)
    watched = open_page(size)
    page = watched.page
    page.goto(url + "/registry")  # a staff page: sign in first
    assert page.get_by_role("heading", name="Staff sign-in").is_visible()
    screenshots(page, f"sign-in-{size}")
    page.get_by_label("User name").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/registry")
    assert page.get_by_role("button", name="Sign out").is_visible()
    screenshots(page, f"registry-{size}")
    watched.check()


def drop_file(page: Any, selector: str, name: str, content: str, media: str) -> None:
    """Drop a file on an element, as a person dragging it from their desktop would."""
    page.evaluate(
        """([selector, name, content, media]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, { type: media }));
            const zone = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true,
                                                        cancelable: true }));
            }
        }""",
        [selector, name, content, media],
    )


def test_dropping_a_json_file_verifies_it(
    site: str, institution: Institution, open_page: Any
) -> None:
    watched = open_page("desktop")
    page = watched.page
    page.goto(site + "/")
    credential = json.dumps(institution.open_badge())
    drop_file(page, "#paste-card", "credential.json", credential, "application/json")
    page.wait_for_selector("#verdict")  # verified at once, no button to press
    assert page.locator(".verdict-word").inner_text() == "Valid"
    assert page.get_by_text("Data Analysis with Python").first.is_visible()
    watched.check()


def test_print_layout_hides_navigation(
    site: str, institution: Institution, open_page: Any, screenshots: Any
) -> None:
    watched = open_page("desktop")
    page = verify_in_page(watched, site, bearer(institution.sd_jwt()))
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator(".actions").is_visible()
    assert page.locator("#verdict").is_visible()
    screenshots(page, "result-print")


def test_script_in_a_credential_never_runs(
    site: str, institution: Institution, open_page: Any
) -> None:
    course = dataclasses.replace(
        DEMO_COURSE,
        title="<script>alert('title')</script>",
        description='<img src=x onerror="alert(1)">',
    )
    sd = issuance.issue_sd_jwt_vc(
        institution.identity, course, DEMO_AWARD, holder_jwk=None,
        issued_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    watched = open_page("desktop")
    page = verify_in_page(watched, site, sd)
    assert page.get_by_text("<script>alert('title')</script>").first.is_visible()
    page.wait_for_timeout(300)
    assert page.locator("img[src=x]").count() == 0
    watched.check()  # no dialog, no console error


def test_camera_refused_or_missing_shows_help(site: str, open_page: Any, screenshots: Any) -> None:
    watched = open_page("phone")
    page = watched.page
    page.goto(site + "/")
    page.click("#camera-start")
    help_box = page.locator("#camera-help")
    help_box.wait_for(state="visible")
    assert (
        "upload a photo" in help_box.inner_text().lower()
        or "Upload a photo" in help_box.inner_text()
    )
    screenshots(page, "scan-no-camera-phone")
    assert watched.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# jsqr: decoded in the page; server: jsQR did not load; jsqr-misses: jsQR loads but never reads
# the code (as with a dense QR code), so after a few misses frames also go to the server.
@pytest.mark.parametrize("decoder", ["jsqr", "server", "jsqr-misses"])
def test_camera_scan_with_a_fake_camera(
    tmp_path: Path,
    site: str,
    wallet_site: Any,
    institution: Institution,
    camera_browser: Any,
    decoder: str,
    screenshots: Any,
) -> None:
    share_site, share_base = wallet_site
    share_site.put(
        "/s/AAAAAAAAAAAAAAAAAAAAAA", bearer(institution.sd_jwt()), "application/dc+sd-jwt"
    )
    video = qr_video(tmp_path / "qr.y4m", share_base + "/s/AAAAAAAAAAAAAAAAAAAAAA")
    context = camera_browser(video).new_context(viewport=SIZES["phone"])
    context.grant_permissions(["camera"], origin=site)
    watched = Watched(context.new_page())
    page = watched.page
    frames: list[str] = []
    page.on("request", lambda r: "/scan/frame" in r.url and frames.append(r.url))
    if decoder == "server":
        page.route("**/vendor/jsqr-1.4.0.js", lambda route: route.abort())
    if decoder == "jsqr-misses":
        page.route(
            "**/vendor/jsqr-1.4.0.js",
            lambda route: route.fulfill(
                body="window.jsQR = function () { return null; };",
                content_type="text/javascript",
            ),
        )
    page.goto(site + "/")  # camera already allowed: scanning starts by itself
    page.wait_for_selector("#verdict", timeout=20_000)
    assert page.locator(".verdict-word").inner_text() == "Valid"
    assert bool(frames) == (decoder != "jsqr")
    if decoder == "server":
        watched.forgive("jsqr", "ERR_FAILED")  # the script this test made fail to load
    watched.check()
    screenshots(page, f"camera-scan-{decoder}")


@pytest.mark.parametrize("size", SIZES)
def test_ask_then_the_page_turns_into_the_verdict(
    site: str, institution: Institution, open_page: Any, screenshots: Any, size: str
) -> None:
    watched = open_page(size)
    page = watched.page
    page.goto(site + "/ask")
    page.get_by_label("Learner's name").check()
    screenshots(page, f"ask-{size}")
    page.get_by_role("button", name="Create the request").click()
    page.wait_for_selector("#vp-status")
    page.wait_for_load_state("load")  # the QR code image has arrived
    assert page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
    screenshots(page, f"vp-waiting-{size}")
    link = page.locator("#vp-link").input_value()
    TestWallet(institution.sd_jwt()).answer(link)
    page.wait_for_selector("#verdict", timeout=10_000)  # htmx polling swapped the verdict in
    assert page.locator(".verdict-word").inner_text() == "Valid"
    assert page.get_by_text("Thị Ánh").first.is_visible()
    screenshots(page, f"vp-answered-{size}")
    watched.check()


# What each language's pages say, for the walk below (verdict words, headings, buttons).
WORDS = {
    "en": {
        "scan": "Verify a micro-credential",
        "valid": "Valid",
        "invalid": "Invalid",
        "unverified": "Unverified",
        "revoked": "The institution has revoked this credential.",
        "ask": "Create the request",
        "waiting": "Waiting for the learner…",
        "sign_in": "Staff sign-in",
        "registry": "Trust registry",
        "history": "History",
        "settings": "History retention",
    },
    "vi": {
        "scan": "Xác minh chứng chỉ vi mô",
        "valid": "Hợp lệ",
        "invalid": "Không hợp lệ",
        "unverified": "Chưa xác minh được",
        "revoked": "Cơ sở đào tạo đã thu hồi chứng chỉ này.",
        "ask": "Tạo yêu cầu",
        "waiting": "Đang chờ người học…",
        "sign_in": "Đăng nhập cán bộ",
        "registry": "Danh sách tổ chức tin cậy",
        "history": "Lịch sử",
        "settings": "Thời gian lưu lịch sử",
    },
}


def looked_at(watched: Watched, screenshots: Any, name: str) -> None:
    """Save the page, then check what a person and a screen reader would meet on it."""
    screenshots(watched.page, name)
    watched.check_access()


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("size", SIZES)
def test_every_page_in_both_languages(
    tmp_path: Path,
    live_server: Any,
    institution: Institution,
    stranger: Institution,
    open_page: Any,
    screenshots: Any,
    size: str,
    lang: str,
) -> None:
    app, site = serve(tmp_path, live_server)
    trust(app, institution, validFrom="2025-01-01")
    add_staff(app)
    words = WORDS[lang]
    institution.revoke(3)
    # The browser's language chooses the pages' language (Accept-Language from the locale).
    watched = open_page(size, locale="vi-VN" if lang == "vi" else "en-US")
    page = watched.page
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", name=words["scan"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-scan-{size}")
    for payload, verdict in [
        (bearer(institution.sd_jwt()), "valid"),
        (bearer(institution.sd_jwt(index=3)), "invalid"),
        (bearer(stranger.sd_jwt()), "unverified"),
    ]:
        verify_in_page(watched, site, payload)
        assert page.locator(".verdict-word").inner_text() == words[verdict]
        if verdict == "invalid":
            assert page.get_by_text(words["revoked"]).first.is_visible()
        looked_at(watched, screenshots, f"{lang}-result-{verdict}-{size}")
    page.goto(site + "/ask")
    looked_at(watched, screenshots, f"{lang}-ask-{size}")
    page.get_by_role("button", name=words["ask"]).click()
    page.wait_for_selector("#vp-status")
    assert page.get_by_text(words["waiting"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-vp-waiting-{size}")
    page.goto(site + "/registry")
    assert page.get_by_role("heading", name=words["sign_in"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-sign-in-{size}")
    page.fill("#username", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/registry")
    assert page.get_by_role("heading", name=words["registry"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-registry-{size}")
    page.goto(site + "/history")
    assert page.get_by_role("heading", name=words["history"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-history-{size}")
    page.goto(site + "/settings")
    assert page.get_by_role("heading", name=words["settings"]).is_visible()
    looked_at(watched, screenshots, f"{lang}-settings-{size}")
