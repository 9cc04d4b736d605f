"""Fixtures shared by every test folder: real HTTP servers on loopback and a real Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).parent / "_artifacts"
CHROMIUM = os.environ.get("MICROCRED_CHROMIUM", "/usr/bin/chromium")
# Flags the probe on this machine needed: no sandbox as root, and no background connections,
# which the closed network refuses by the dozen.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class LiveServer:
    """A WSGI app served over real HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://localhost:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def live_server() -> Iterator[Callable[..., LiveServer]]:
    """Start apps over real HTTP: `live_server(app)` or `live_server(app, port)`; all stop after."""
    started: list[LiveServer] = []

    def start(app: Any, port: int = 0) -> LiveServer:
        server = LiveServer(app, port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def free_port() -> int:
    """A TCP port free on loopback right now (for apps that must know their URL before starting)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download); skipped where absent."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (scripts/setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """Save a page's screenshot under tests/_artifacts/screens/<test module>/NAME.png."""
    folder = ARTIFACTS / "screens" / Path(str(request.node.fspath)).stem

    def shoot(page: Any, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# axe-core impacts that fail a page (issue 6: "no serious or critical violations").
AXE_FAILING = ("serious", "critical")


def axe_violations(page: Any) -> list[str]:
    """Serious or critical accessibility violations axe-core finds on the page, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through DevTools: the page's CSP (script-src 'self') does not apply to it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in AXE_FAILING
    ]


def qr_video(path: Path, text: str, *, frames: int = 10) -> Path:
    """A Y4M clip showing the QR code of `text`, for Chromium's fake camera."""
    import io

    import numpy as np
    from PIL import Image

    from microcred import qr

    code = Image.open(io.BytesIO(qr.encode_png(text, box_size=4, border=4))).convert("L")
    frame = Image.new("L", (640, 480), 200)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    luma = np.asarray(frame, dtype=np.uint8).tobytes()
    chroma = np.full((240, 320), 128, dtype=np.uint8).tobytes()  # grey: no colour
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_browser(browser: Any) -> Iterator[Callable[[Path], Any]]:
    """`camera_browser(video)`: a Chromium whose camera plays the video, camera already allowed."""
    launched: list[Any] = []

    def launch(video: Path) -> Any:
        chromium = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={video}"],
        )  # fmt: skip
        launched.append(chromium)
        return chromium

    yield launch
    for chromium in launched:
        chromium.close()


# Every visible control a keyboard user must reach; a radio group counts once (arrows move in it).
_CONTROLS_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
            + '[tabindex]:not([tabindex="-1"])';
  const keys = [];
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    if (el.disabled || style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    el.dataset.kbd = el.type === 'radio' ? 'radio:' + el.name : 'c' + keys.length;
    keys.push(el.dataset.kbd);
  }
  return [...new Set(keys)];
}"""


def keyboard_unreachable(page: Any) -> list[str]:
    """The visible controls of the page that pressing Tab never focuses."""
    wanted = page.evaluate(_CONTROLS_JS)
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    reached: set[str] = set()
    for _ in range(len(wanted) + 10):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement && document.activeElement.dataset.kbd")
        if key:
            reached.add(key)
    missing = [key for key in wanted if key not in reached]
    return [
        page.evaluate('k => (document.querySelector(`[data-kbd="${k}"]`) || {}).outerHTML', key)[
            :120
        ]
        for key in missing
    ]
