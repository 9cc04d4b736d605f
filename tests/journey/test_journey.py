"""The journey of issue 6, in a real Chromium at phone size against a running `microcred demo`.

1. the learner's wallet scans the institution's offer QR through the camera and receives it;
2. the learner shares a credential hiding the grade; the employer's camera reads the share QR:
   VALID, no grade; a photo of the same QR, uploaded, gives the same verdict;
3. the employer asks for three claims with OpenID4VP; the wallet (a second browser context)
   shows the consent screen; the learner consents; the employer's page turns VALID by itself
   and shows only those claims;
4. the institution revokes the credential; the same share now reads as revoked;
5. a tampered credential pasted into the verifier is INVALID with its reason.
The steps build on each other (module-scoped demo, `story` dict), in file order. Every page
they visit must pass axe-core without serious or critical violations.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_checks import axe_violations, keyboard_unreachable, qr_video
from PIL import Image

from microcred import qr

PHONE = {"width": 390, "height": 844}
LEARNER = ("learner", "demo-learner-2026")
STAFF = ("admin", "demo-admin-2026")
NEW_COURSE = "Lập trình web với JavaScript (WEB-110)"
SHARED_COURSE = "Phân tích dữ liệu với Python"
GRADE = "8.5"  # the demo learner's grade in SHARED_COURSE


@pytest.fixture(scope="module")
def story() -> dict[str, Any]:
    """What one step leaves for the next (share URL, card id...)."""
    return {}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized browser context (its own cookies)."""
    context = browser.new_context(viewport=PHONE)
    yield context
    context.close()


def sign_in(page: Any, url: str, who: tuple[str, str]) -> None:
    """Sign in through the app's own form."""
    page.goto(url)
    page.fill("#username", who[0])
    page.fill("#password", who[1])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def accessible(page: Any) -> None:
    """The page has no serious or critical axe-core violation."""
    assert axe_violations(page) == [], page.url


def in_vietnamese(page: Any, name: str, screenshots: Any) -> None:
    """The same page in Vietnamese through the header's switch, checked, then back to English."""
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshots(page, name)
    accessible(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("load")


def test_wallet_receives_an_offer_through_the_camera(
    demo: Any, browser: Any, camera_browser: Any, tmp_path: Path, screenshots: Any, story: dict
) -> None:
    staff = browser.new_context(viewport=PHONE).new_page()
    sign_in(staff, demo.issuer + "/sign-in", STAFF)
    staff.goto(demo.issuer + "/issue")
    staff.select_option("#course", label=NEW_COURSE)
    staff.fill("#given_name", "Thị Ánh")
    staff.fill("#family_name", "Nguyễn")
    staff.fill("#learner_id", "SV-2026-0042")
    staff.fill("#grade", "9")
    accessible(staff)
    staff.get_by_role("button", name="Create the offer").click()
    staff.wait_for_selector("#offer-link")
    link = staff.locator("#offer-link").input_value()
    staff.locator("summary", has_text="Show the code").click()
    tx_code = staff.locator(".code-big").inner_text().strip()
    screenshots(staff, "1-issuer-offer")
    accessible(staff)

    camera = camera_browser(qr_video(tmp_path / "offer.y4m", link))
    context = camera.new_context(viewport=PHONE)
    context.grant_permissions(["camera"], origin=demo.wallet)
    page = context.new_page()
    sign_in(page, demo.wallet + "/signin", LEARNER)
    page.goto(demo.wallet + "/receive")  # the camera is allowed: scanning starts by itself
    page.wait_for_url("**/receive/*", timeout=20_000)
    assert page.get_by_text("Known issuer").is_visible()
    screenshots(page, "1-wallet-offer")
    accessible(page)
    page.fill("#tx_code", tx_code)
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/cards/*")
    assert page.get_by_role("heading", name="Lập trình web với JavaScript").first.is_visible()
    screenshots(page, "1-wallet-card")
    accessible(page)
    in_vietnamese(page, "1-wallet-card-vi", screenshots)
    # The institution's offer page notices by itself (htmx polling) that the wallet collected it.
    staff.wait_for_selector("#offer-status[data-state=collected]", timeout=15_000)
    assert staff.locator("#offer-link").count() == 0
    screenshots(staff, "1-issuer-collected")


def test_share_hiding_the_grade_is_valid_at_the_employers_camera(
    demo: Any, phone: Any, camera_browser: Any, tmp_path: Path, screenshots: Any, story: dict
) -> None:
    page = phone.new_page()
    sign_in(page, demo.wallet + "/signin", LEARNER)
    screenshots(page, "2-wallet-home")
    accessible(page)
    page.get_by_role("link", name=SHARED_COURSE).first.click()
    story["card_url"] = page.url
    page.get_by_role("link", name="Share", exact=True).click()
    for claim in ("given_name", "family_name", "skills"):
        page.locator(f"input[name=claim][value={claim}]").check()
    page.locator("input[name=claim][value=assessment_grade]").uncheck()
    screenshots(page, "2-wallet-share-choose")
    accessible(page)
    assert keyboard_unreachable(page) == []
    page.get_by_role("button", name="Create link and QR").click()
    share_url = page.locator("#share-url").input_value()
    story["share_url"] = share_url
    screenshots(page, "2-wallet-share")
    accessible(page)

    camera = camera_browser(qr_video(tmp_path / "share.y4m", share_url))
    context = camera.new_context(viewport=PHONE)
    context.grant_permissions(["camera"], origin=demo.verifier)
    employer = context.new_page()
    employer.goto(demo.verifier + "/")
    employer.wait_for_selector("#verdict", timeout=20_000)
    assert employer.locator(".verdict-word").inner_text() == "Valid"
    assert "Thị Ánh" in employer.inner_text("main")
    assert GRADE not in employer.inner_text("main")
    screenshots(employer, "2-verifier-valid")
    accessible(employer)
    in_vietnamese(employer, "2-verifier-valid-vi", screenshots)


def test_a_photo_of_the_share_qr_is_valid_too(
    demo: Any, phone: Any, screenshots: Any, story: dict
) -> None:
    code = Image.open(io.BytesIO(qr.encode_png(story["share_url"], box_size=6, border=4)))
    photo = Image.new("RGB", (1280, 960), (180, 175, 170))  # a table top around the printout
    photo.paste(code.convert("RGB"), (400, 200))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    page = phone.new_page()
    page.goto(demo.verifier + "/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}],
    )
    page.locator("input[type=file]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    page.wait_for_selector("#verdict")
    assert page.locator(".verdict-word").inner_text() == "Valid"
    assert GRADE not in page.inner_text("main")


def test_openid4vp_request_answered_with_consent(
    demo: Any, browser: Any, phone: Any, screenshots: Any, story: dict
) -> None:
    employer = browser.new_context(viewport=PHONE).new_page()
    employer.goto(demo.verifier + "/ask")
    for box in employer.locator("input[name=claims]").all():
        box.uncheck()
    for label in ("Title", "Learner's name", "Skills"):
        employer.get_by_label(label, exact=True).check()
    screenshots(employer, "3-verifier-ask")
    accessible(employer)
    employer.get_by_role("button", name="Create the request").click()
    employer.wait_for_selector("#vp-status")
    link = employer.locator("#vp-link").input_value()
    screenshots(employer, "3-verifier-waiting")
    accessible(employer)

    wallet = phone.new_page()  # the learner's phone: a second context, its own cookies
    sign_in(wallet, demo.wallet + "/signin", LEARNER)
    wallet.goto(demo.wallet + "/receive")
    wallet.fill("#link", link)
    wallet.locator("#link-form button[type=submit]").click()
    wallet.wait_for_url("**/vp/*")
    consent = wallet.inner_text("main")
    assert "Learner's name" in consent or "given_name" in consent or "Given name" in consent
    screenshots(wallet, "3-wallet-consent")
    accessible(wallet)
    confirm = wallet.locator("input[name=confirm_destination]")
    if confirm.count():  # only for verifiers whose identifier is not tied to their address
        confirm.check()
    wallet.get_by_role("button", name="Share", exact=True).click()
    wallet.wait_for_load_state("load")
    screenshots(wallet, "3-wallet-sent")

    employer.wait_for_selector("#verdict", timeout=20_000)  # htmx swapped the verdict in
    assert employer.locator(".verdict-word").inner_text() == "Valid"
    shown = employer.inner_text("main")
    assert "Thị Ánh" in shown and "SV-2026-0042" not in shown and GRADE not in shown
    screenshots(employer, "3-verifier-answered")
    accessible(employer)


def test_revoked_credential_reads_as_revoked(
    demo: Any, browser: Any, phone: Any, screenshots: Any, story: dict
) -> None:
    staff = browser.new_context(viewport=PHONE).new_page()
    sign_in(staff, demo.issuer + "/sign-in", STAFF)
    staff.goto(demo.issuer + "/awards?q=SV-2026-0042")
    staff.locator("tr", has_text=SHARED_COURSE).get_by_role("link").first.click()
    staff.fill("#reason", "Assessment irregularity")
    staff.get_by_label("I understand that revoking cannot be undone").check()
    staff.get_by_role("button", name="Revoke").click()
    staff.wait_for_load_state("load")
    assert staff.locator(".badge.status-revoked").is_visible()
    screenshots(staff, "4-issuer-revoked")

    employer = phone.new_page()
    # The verifier keeps a status list for its max-age (one second in this test): scan again
    # until the list it holds is the new one, as an employer scanning later would.
    deadline = time.monotonic() + 20
    while True:
        employer.goto(demo.verifier + "/")
        employer.fill("#text", story["share_url"])
        employer.click("#text-form button[type=submit]")
        employer.wait_for_selector("#verdict")
        word = employer.locator(".verdict-word").inner_text()
        if word != "Valid" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert word == "Invalid"
    assert "revoked" in employer.locator("#verdict").inner_text().lower()
    screenshots(employer, "4-verifier-revoked")
    accessible(employer)


def test_tampered_credential_is_invalid_with_its_reason(
    demo: Any, phone: Any, screenshots: Any, story: dict
) -> None:
    wallet = phone.new_page()
    sign_in(wallet, demo.wallet + "/signin", LEARNER)
    wallet.goto(demo.wallet + "/")
    wallet.get_by_role("link", name="Thiết kế cơ sở dữ liệu quan hệ").first.click()
    raw_badge = wallet.locator("details.raw", has_text="Open Badges 3.0")
    raw_badge.locator("summary").click()  # the learner opens the raw credential, to copy it
    raw = raw_badge.locator("pre").inner_text()
    badge = json.loads(raw)
    badge["credentialSubject"]["achievement"]["name"] = "Tiến sĩ Khoa học máy tính"
    employer = phone.new_page()
    employer.goto(demo.verifier + "/")
    employer.fill("#text", json.dumps(badge, ensure_ascii=False))
    employer.click("#text-form button[type=submit]")
    employer.wait_for_selector("#verdict")
    assert employer.locator(".verdict-word").inner_text() == "Invalid"
    verdict = employer.locator("#verdict").inner_text().lower()
    assert "signature" in verdict or "altered" in verdict or "changed" in verdict
    assert "Tiến sĩ Khoa học máy tính" not in employer.inner_text("main")
    screenshots(employer, "5-verifier-tampered")
    accessible(employer)
