"""The receive page's camera scanner in a real Chromium with a fake camera, its decoders blind.

When jsQR keeps missing, the scanner also sends some frames to the server, which decodes with
pyzbar and opencv; what the server reads goes into the link form like any scan (H04).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from browser_checks import SIZES, qr_video
from loopback import free_port
from wallet_world import PASSWORD, Auth, make_app

# A jsQR that never finds a code, and no BarcodeDetector: the scanner's worst case.
BLIND_JSQR = """
delete window.BarcodeDetector;
window.jsqrCalls = 0;
window.jsQR = function () { window.jsqrCalls += 1; return null; };
"""
REQUEST = "openid4vp://?client_id=x509_san_dns%3Av.example&request_uri=https%3A%2F%2Fv.example%2Fr"


def test_server_helps_when_jsqr_keeps_missing(
    tmp_path: Path, live_server: Any, camera_browser: Any
) -> None:
    port = free_port()
    app = make_app(tmp_path / "wallet", BASE_URL=f"http://localhost:{port}")
    url = live_server(app, port).url
    Auth(app.test_client()).signup()
    # The camera shows the request's QR code; only the (stubbed) server frames ever read it.
    chromium = camera_browser(qr_video(tmp_path / "request.y4m", REQUEST))
    context = chromium.new_context(viewport=SIZES["phone"])
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.add_init_script(BLIND_JSQR)
    frames: list[int] = []

    def answer(route: Any) -> None:
        # The first server frame reads nothing; the second one "finds" a request link.
        frames.append(page.evaluate("window.jsqrCalls"))
        text = REQUEST if len(frames) >= 2 else None
        route.fulfill(content_type="application/json", body=json.dumps({"text": text}))

    page.route("**/scan/frame", answer)
    page.goto(url + "/signin")
    page.fill("#username", "learner")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    # The camera is allowed already, so the page starts it by itself (no button press).
    page.goto(url + "/receive")
    # The found link is submitted to the wallet, which names why it refuses this client id.
    page.wait_for_selector("text=X.509", timeout=30_000)
    context.close()  # no frame counted after this
    assert len(frames) == 2
    # Frames went to the server only after jsQR had missed for a while, and far less often.
    assert frames[0] >= 10 and frames[1] - frames[0] >= 3
