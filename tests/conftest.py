"""Fixtures shared by every test folder: real HTTP servers on loopback and a real Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_checks import SIZES, Watched
from loopback import LiveServer

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


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Watched]]:
    """`open_page(size, **context_options)`: a watched page in a new context, closed after."""
    contexts: list[Any] = []

    def open_(size: str, **options: Any) -> Watched:
        context = browser.new_context(viewport=SIZES[size], **options)
        contexts.append(context)
        return Watched(context.new_page())

    yield open_
    for context in contexts:
        context.close()


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
