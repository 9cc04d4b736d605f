"""`microcred demo` as a process under test: started as a newcomer would, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

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
    data: Path,
    *,
    env: dict[str, str] | None = None,
    first_port: int | None = None,
    options: tuple[str, ...] = (),
) -> RunningDemo:
    """Start `microcred demo` (on free ports unless given) and wait until it prints its URLs."""
    first = first_port or free_port_run()
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "demo", "--data", str(data),
         "--first-port", str(first), *options],
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
    urls = re.findall(r"(https?://[a-z0-9.-]+:\d+)", "\n".join(output))
    return RunningDemo(process, data, output, reader, first, *urls[:3])
