"""The whole product as people use it: `microcred demo` running, driven by a real Chromium.

The demo command itself is under test here: the fixture starts it as a learner would (its own
process, three app processes behind it, its own data folder), reads the URLs it prints, and
stops it with Ctrl-C (SIGINT) at the end, checking that it and its apps exit cleanly.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Seconds the demo may take from start to "Press Ctrl-C" (first start: imports, seeding, issuing).
READY_TIMEOUT = 120.0


@dataclass
class RunningDemo:
    """A `microcred demo` process and what it printed."""

    process: subprocess.Popen[str]
    data: Path
    output: list[str]
    reader: threading.Thread
    first_port: int
    issuer: str
    wallet: str
    verifier: str

    def stop(self) -> int:
        """Ctrl-C, then the exit status (killed after 20 s)."""
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            status = -9
        self.reader.join(5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return status


def free_port_run(count: int = 3) -> int:
    """The first of `count` consecutive loopback ports that are free right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no run of free ports")


def start_demo(
    data: Path, *, env: dict[str, str] | None = None, first_port: int | None = None
) -> RunningDemo:
    """Start `microcred demo` (on free ports unless given) and wait until it prints its URLs."""
    first = first_port or free_port_run()
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "demo", "--data", str(data),
         "--first-port", str(first)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(READY_TIMEOUT) or process.poll() is not None:
        process.kill()
        process.wait()
        reader.join(5)
        assert process.stdout is not None
        process.stdout.close()
        raise AssertionError("the demo did not start:\n" + "\n".join(output))
    urls = re.findall(r"(http://localhost:\d+)", "\n".join(output))
    return RunningDemo(process, data, output, reader, first, *urls[:3])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """One running demo for a test module (its steps build on each other, like a story)."""
    running = start_demo(
        tmp_path_factory.mktemp("demo"),
        # Status lists kept one second, so the revocation step need not wait a minute.
        env={"ISSUER_STATUS_MAX_AGE": "1", "VERIFIER_STATUS_MIN_TTL": "1"},
    )
    yield running
    assert running.stop() == 0, "\n".join(running.output)


def sign_in(page: Any, base: str, username: str, password: str, path: str) -> None:
    """Sign in through an app's own sign-in form."""
    page.goto(base + path)
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def wait_for(condition: Any, timeout: float = 15.0) -> None:
    """Poll a condition (for what happens in another process) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)
