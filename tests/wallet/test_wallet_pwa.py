"""Installable: a manifest and icons, a root-scoped service worker that keeps card pages."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from PIL import Image
from wallet_world import Auth

from microcred import strictjson

STATIC = Path(__file__).parents[2] / "static"


def test_manifest_describes_an_installable_app(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = strictjson.loads_object(response.data)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200
            width, height = Image.open(io.BytesIO(image.data)).size
        assert f"{width}x{height}" == icon["sizes"]


def test_pages_link_the_manifest_and_the_app_script(client: FlaskClient) -> None:
    page = client.get("/signin").data.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-sw="/wallet-sw.js"' in page
    assert "wallet.css" in page


def test_service_worker_is_served_from_the_root_uncached(client: FlaskClient) -> None:
    response = client.get("/wallet-sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.data.decode()
    assert "offline-mark hidden" in script and "cards" in script


def test_card_pages_may_be_kept_other_pages_may_not(
    client: FlaskClient, auth: Auth, card_for: object
) -> None:
    auth.signup()
    card_id = card_for()  # type: ignore[operator]
    assert client.get(f"/cards/{card_id}").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get(f"/cards/{card_id}/share").headers["Cache-Control"] == "no-store"


def test_offline_mark_is_in_every_wallet_page_hidden(client: FlaskClient) -> None:
    page = client.get("/signin").data.decode()
    assert 'class="offline-mark hidden" id="offline-mark"' in page


def test_no_inline_script_or_style_in_wallet_templates() -> None:
    for template in (Path(__file__).parents[2] / "templates" / "wallet").glob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and " style=" not in text and " onclick=" not in text
        assert "|safe" not in text, template.name


def test_wallet_scripts_are_plain_files() -> None:
    for name in ("wallet-app.js", "wallet-sw.js", "qr-scanner.js"):
        assert (STATIC / "js" / name).is_file()
