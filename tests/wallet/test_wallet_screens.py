"""The wallet in a real Chromium at 390x844 and desktop: home, card, share, offer, consent.

Screenshots go to tests/_artifacts/screens/test_wallet_screens/; each test also asserts what a
person would check: the key text is visible, nothing overflows sideways, no console error and
no CSP violation. The main pages are also walked through at 390x844 in English and, with a
Vietnamese browser, in Vietnamese, each checked by axe-core and for keyboard reach. The offline
test loads a card, cuts the network and reloads: the service worker's saved copy shows, with the
offline mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_checks import SIZES, Watched
from loopback import free_port
from wallet_fake_site import FakeSite, Hostile
from wallet_live import make_issuer, make_offer, registry_file
from wallet_samples import ISSUER_DID
from wallet_world import PASSWORD, Auth, give_card, make_app


@pytest.fixture
def world(tmp_path: Path, live_server: Any) -> Iterator[dict[str, Any]]:
    """A live issuer, a live wallet (CSRF on) with one learner holding one card, a verifier."""
    issuer_port, wallet_port = free_port(), free_port()
    issuer = make_issuer(tmp_path / "issuer", issuer_port)
    live_server(issuer, issuer_port)
    registry = registry_file(tmp_path / "registry", f"http://localhost:{issuer_port}", ISSUER_DID)
    app = make_app(
        tmp_path / "wallet",
        BASE_URL=f"http://localhost:{wallet_port}",
        WTF_CSRF_ENABLED=False,
        TRUST_REGISTRY=str(registry),
    )
    url = live_server(app, wallet_port).url
    Auth(app.test_client()).signup("thi-anh")
    card_id = give_card(app, "thi-anh")
    site = FakeSite()
    yield {
        "app": app,
        "url": url,
        "card": card_id,
        "issuer": issuer,
        "verifier": Hostile(site, "Công ty Phần mềm ABC"),
    }
    site.close()


def sign_in(page: Any, url: str) -> None:
    """Sign the learner in through the form."""
    page.goto(url + "/signin")
    page.fill("#username", "thi-anh")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


@pytest.fixture
def signed_in(open_page: Any, world: dict[str, Any]) -> Callable[..., Watched]:
    """`signed_in(size, **context_options)`: the learner's watched page, service worker off."""

    def open_(size: str, **options: Any) -> Watched:
        watched = open_page(size, service_workers="block", **options)
        sign_in(watched.page, world["url"])
        return watched

    return open_


@pytest.mark.parametrize("size", SIZES)
def test_home(signed_in: Any, screenshots: Any, size: str) -> None:
    watched = signed_in(size)
    screenshots(watched.page, f"home-{size}")
    watched.check("Your micro-credentials", "Data Analysis with Python", "Verified")


@pytest.mark.parametrize("size", SIZES)
def test_card(signed_in: Any, world: dict[str, Any], screenshots: Any, size: str) -> None:
    watched = signed_in(size)
    watched.page.goto(f"{world['url']}/cards/{world['card']}")
    watched.check(
        "Data Analysis with Python", "Thị Ánh", "Known issuer", "Learning outcomes", "EU Annex I"
    )
    watched.check("Last checked")
    watched.page.locator("#status-heading").scroll_into_view_if_needed()
    watched.page.screenshot(
        path=str(screenshots(watched.page, f"card-{size}").with_name(f"card-status-{size}.png")),
        full_page=False,
    )
    watched.page.click("text=Check status now")
    watched.page.wait_for_selector("text=Checked just now")
    screenshots(watched.page, f"card-{size}")
    watched.check("Checked just now")


def test_share_screens(signed_in: Any, world: dict[str, Any], screenshots: Any) -> None:
    watched = signed_in("phone")
    page = watched.page
    page.goto(f"{world['url']}/cards/{world['card']}/share")
    for claim in ("given_name", "family_name", "skills"):
        page.check(f"input[name=claim][value={claim}]")
    screenshots(page, "share-form-phone")
    watched.check("Details to reveal", "Grade", "Link works for")
    page.click("text=Create link and QR")
    page.wait_for_selector("img.qr")
    screenshots(page, "share-phone")
    watched.check(
        "Let the verifier scan this code", "Given name", "Nobody has fetched this share yet"
    )
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert "/s/" in page.input_value("#share-url")


def test_offer_screen(signed_in: Any, world: dict[str, Any], screenshots: Any) -> None:
    watched = signed_in("phone")
    page = watched.page
    offer = make_offer(world["issuer"])
    page.goto(world["url"] + "/receive")
    screenshots(page, "receive-phone")
    watched.check("Scan with the camera", "Paste the link")
    page.fill("#link", offer["link"])
    page.click("#link-form button[type=submit]")
    page.wait_for_selector("text=What you will receive")
    screenshots(page, "offer-phone")
    watched.check("Trường Đại học Công nghệ Sông Hồng", "Known issuer", "Transaction code")
    page.fill("#tx_code", offer["tx"])
    page.click("button[value=accept]")
    page.wait_for_selector("text=Received and verified")
    watched.check("Phân tích dữ liệu với Python")


@pytest.mark.parametrize("size", SIZES)
def test_consent_screen(signed_in: Any, world: dict[str, Any], screenshots: Any, size: str) -> None:
    watched = signed_in(size)
    page = watched.page
    page.goto(world["url"] + "/receive")
    page.fill("#link", world["verifier"].link())
    page.click("#link-form button[type=submit]")
    page.wait_for_selector("text=Exactly what would leave your wallet")
    screenshots(page, f"consent-{size}")
    watched.check(
        "Công ty Phần mềm ABC",
        "name not verified",
        "identifier checked",
        "Given name",
        "Share",
        "Decline",
    )


def test_consent_screen_for_a_bare_key_verifier(
    signed_in: Any, world: dict[str, Any], screenshots: Any
) -> None:
    watched = signed_in("phone")
    page = watched.page
    site = FakeSite()
    try:
        verifier = Hostile(site, "Quick Hire", bare_key=True)
        page.goto(world["url"] + "/receive")
        page.fill("#link", verifier.link())
        page.click("#link-form button[type=submit]")
        page.wait_for_selector("text=Check who will receive your answer")
        screenshots(page, "consent-bare-key-phone")
        watched.check("identified only by a key (did:key)", "I know this verifier", "Decline")
        site.posts["/response/1"] = (200, b"{}")
        box = "[name=confirm_destination]"
        page.click("button[value=share]")  # the browser asks for the tick first
        assert page.evaluate(f"document.querySelector('{box}').validity.valueMissing")
        assert site.received == []
        page.check(box)
        page.click("button[value=share]")
        page.wait_for_selector("text=Shared")
        assert [path for path, _body in site.received] == ["/response/1"]
    finally:
        site.close()


def test_offline_card_has_the_offline_mark(
    open_page: Any, world: dict[str, Any], screenshots: Any
) -> None:
    page = open_page("phone").page  # the service worker on
    sign_in(page, world["url"])
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    card_url = f"{world['url']}/cards/{world['card']}"
    page.goto(card_url)  # now controlled by the worker, which keeps a copy
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    assert page.locator("#offline-mark").is_hidden()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#offline-mark:not(.hidden)")
    screenshots(page, "card-offline-phone")
    assert page.get_by_text("Data Analysis with Python").first.is_visible()
    assert "Offline" in page.locator("#offline-mark").inner_text()


def test_camera_help_without_a_camera(signed_in: Any, world: dict[str, Any]) -> None:
    watched = signed_in("phone")
    page = watched.page
    page.goto(world["url"] + "/receive")
    page.click("#camera-start")
    page.wait_for_selector("#camera-help:not(.hidden)")
    help_text = page.inner_text("#camera-help")
    assert "photo" in help_text or "paste" in help_text


# Words each main page shows, per language: the page is really in that language.
WALK = {
    "en": {
        "home": "Your micro-credentials",
        "card": "Learning outcomes",
        "card-status": "Checked just now",
        "share-form": "Details to reveal",
        "share": "Let the verifier scan this code",
        "receive": "Scan with the camera",
        "offer": "What you will receive",
        "consent": "Exactly what would leave your wallet",
    },
    "vi": {
        "home": "Chứng chỉ vi mô của bạn",
        "card": "Kết quả học tập",
        "card-status": "Vừa kiểm tra xong",
        "share-form": "Thông tin sẽ tiết lộ",
        "share": "Hãy để bên xác minh quét mã này",
        "receive": "Quét bằng camera",
        "offer": "Bạn sẽ nhận được gì",
        "consent": "Chính xác những gì sẽ rời khỏi ví của bạn",
    },
}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_main_pages_in_both_languages(
    signed_in: Any, world: dict[str, Any], screenshots: Any, lang: str
) -> None:
    """Home, card, share, receive, offer and consent on a phone, in the browser's language."""
    # The browser's language alone chooses (Accept-Language); no switch is used.
    watched = signed_in("phone", locale="vi-VN" if lang == "vi" else "en-US")
    page, words = watched.page, WALK[lang]

    def look(name: str) -> None:
        assert page.get_attribute("html", "lang") == lang
        screenshots(page, f"{name}-{lang}-phone")
        watched.check_access(words[name])

    look("home")
    page.goto(f"{world['url']}/cards/{world['card']}")
    look("card")
    page.click("#status-result ~ * button, form[hx-post] button")
    page.wait_for_selector(f"text={words['card-status']}")
    look("card-status")
    page.goto(f"{world['url']}/cards/{world['card']}/share")
    page.check("input[name=claim][value=given_name]")
    look("share-form")
    page.click("form[action$='/share'] button[type=submit]")
    page.wait_for_selector("img.qr")
    look("share")
    page.goto(world["url"] + "/receive")
    look("receive")
    page.fill("#link", make_offer(world["issuer"])["link"])
    page.click("#link-form button[type=submit]")
    page.wait_for_selector("#tx_code")
    look("offer")
    page.goto(world["url"] + "/receive")
    page.fill("#link", world["verifier"].link())
    page.click("#link-form button[type=submit]")
    page.wait_for_selector("button[value=decline]")
    look("consent")
