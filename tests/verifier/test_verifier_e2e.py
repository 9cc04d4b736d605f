"""End to end over real HTTP: a share link, a photo of its QR code, revocation at the issuer.

Three servers on loopback: the institution (did.json, status lists), a stand-in for the wallet's
share endpoint (interop contract: the presentation for `Accept: application/dc+sd-jwt`, a page
for browsers, 410 when withdrawn) and the verifier. The employer is a cookie-keeping HTTP client
that fills in the forms with their CSRF tokens, as a browser would.
"""

from __future__ import annotations

import html
import io
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from issuer_site import Institution
from loopback import free_port
from PIL import Image
from verifier_world import STAFF_PASSWORD, STAFF_USER, add_staff, bearer, make_app, trust

from microcred import base64url, qr
from verifier.pipeline import Pipeline

SHARE_ID = base64url.encode(uuid.uuid4().bytes)


class ShareEndpoint:
    """The wallet's GET /s/<id>: content negotiation as in the interop contract."""

    def __init__(self, presentation: str) -> None:
        self.presentation, self.withdrawn, self.accepts = presentation, False, []

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        accept = environ.get("HTTP_ACCEPT", "")
        self.accepts.append(accept)
        if environ["PATH_INFO"] != f"/s/{SHARE_ID}":
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"not_found"}']
        if self.withdrawn:
            start_response("410 Gone", [("Content-Type", "application/json")])
            return [b'{"error":"share_withdrawn"}']
        if "application/dc+sd-jwt" in accept:
            start_response("200 OK", [("Content-Type", "application/dc+sd-jwt")])
            return [self.presentation.encode()]
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<p>A shared micro-credential. Open it with a verifier.</p>"]


class Browser:
    """Keeps cookies, reads CSRF tokens from forms, follows the 303 after a POST."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, path: str = "/") -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path)[1])
        assert found is not None
        return found.group(1)

    def sign_in(self, username: str, password: str) -> tuple[int, str]:
        fields = {"csrf_token": self.csrf("/sign-in"), "username": username, "password": password}
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + "/sign-in", data=data))

    def post_text(self, text: str) -> tuple[int, str]:
        data = urllib.parse.urlencode({"csrf_token": self.csrf(), "text": text}).encode()
        return self._open(urllib.request.Request(self.base + "/verify", data=data))

    def post_photo(self, photo: bytes, name: str = "photo.jpg") -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        parts = [
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="csrf_token"\r\n\r\n{self.csrf()}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{name}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        request = urllib.request.Request(self.base + "/verify", data=b"".join(parts))
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        return self._open(request)


def photo_of(text: str) -> bytes:
    """A 12-megapixel-ish camera-like JPEG: the QR code small, rotated, on a noisy background."""
    code = (
        Image.open(io.BytesIO(qr.encode_png(text, box_size=6)))
        .convert("L")
        .rotate(7, expand=True, fillcolor=255)
    )
    rng = np.random.default_rng(7)
    background = rng.normal(150, 30, size=(3000, 4000)).clip(0, 255).astype(np.uint8)
    scene = Image.fromarray(background)
    scene.paste(code, (1500, 1100))
    out = io.BytesIO()
    scene.save(out, format="JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def world(
    tmp_path: Path, live_server: Any, institution: Institution
) -> tuple[Flask, Browser, ShareEndpoint, str]:
    share = ShareEndpoint(bearer(institution.sd_jwt(index=7), names=["given_name", "family_name"]))
    share_url = live_server(share).url + f"/s/{SHARE_ID}"
    port = free_port()
    app = make_app(tmp_path, BASE_URL=f"http://localhost:{port}", WTF_CSRF_ENABLED=True)
    trust(app, institution)
    live_server(app, port)
    return app, Browser(f"http://localhost:{port}"), share, share_url


def verdict(page: str) -> str:
    found = re.search(r'class="verdict-word">([^<]+)<', page)
    assert found is not None, page[:500]
    return found.group(1)


def test_share_link_photo_and_revocation(world: Any, institution: Institution) -> None:
    app, browser, share, share_url = world
    status, page = browser.post_text(share_url)
    assert (status, verdict(page)) == (200, "Valid")
    assert "Thị Ánh" in html.unescape(page) and "Data Analysis with Python" in page
    assert share.accepts[-1].startswith("application/dc+sd-jwt")

    status, page = browser.post_photo(photo_of(share_url))
    assert (status, verdict(page)) == (200, "Valid")

    institution.revoke(7)
    # Status lists are cached for their ttl; a new process (or a minute later) sees the revocation.
    app.extensions["verifier.pipeline"] = Pipeline(insecure_localhost=True)
    status, page = browser.post_text(share_url)
    assert (status, verdict(page)) == (200, "Invalid")
    assert "revoked" in page

    add_staff(app)
    assert browser.sign_in(STAFF_USER, STAFF_PASSWORD)[0] == 200  # after the 303 to the history
    history = browser.get("/history")[1]
    assert history.count("Data Analysis with Python") == 2  # the revoked one shows no title (G5)


def test_withdrawn_share(world: Any) -> None:
    _app, browser, share, share_url = world
    share.withdrawn = True
    status, page = browser.post_text(share_url)
    assert status == 502 and "share_gone" in page and "withdrawn" in page


def test_a_browser_only_gets_the_page(world: Any) -> None:
    _app, _browser, _share, share_url = world
    with urllib.request.urlopen(share_url, timeout=5) as response:
        assert response.headers["Content-Type"] == "text/html"


def test_unreachable_wallet(world: Any) -> None:
    _app, browser, _share, _url = world
    status, page = browser.post_text(f"http://localhost:{free_port()}/s/{SHARE_ID}")
    assert status == 502 and "connect_failed" in page
