"""`microcred demo`: three apps with demo data, a clean stop on Ctrl-C, data kept on restart."""

from __future__ import annotations

import socket
import sqlite3
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

from demo_process import start_demo


def answers(url: str) -> int:
    """The HTTP status of a GET (the demo's own pages, on loopback)."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return int(response.status)


def awards(data: Path) -> int:
    """How many awards the demo institution has made."""
    with sqlite3.connect(data / "issuer_stub" / "issuer.sqlite") as db:
        return int(db.execute("SELECT count(*) FROM awards").fetchone()[0])


def test_demo_starts_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    first = start_demo(tmp_path)
    banner = "\n".join(first.output)
    assert "(2 credentials)" in banner and "admin / demo-admin-2026" in banner
    for url in (first.issuer + "/register", first.wallet + "/signin", first.verifier + "/"):
        assert answers(url) == 200
    with urllib.request.urlopen(first.issuer + "/register.json", timeout=10) as response:
        assert len(response.read()) > 1000  # the three published micro-credentials
    assert first.stop() == 0  # Ctrl-C
    for port in range(first.first_port, first.first_port + 3):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            probe.bind(("127.0.0.1", port))  # every app let go of its port

    again = start_demo(tmp_path, first_port=first.first_port)
    try:
        banner = "\n".join(again.output)
        assert "(2 credentials)" in banner
        assert "Issuing the demo learner's credentials" not in banner  # nothing issued twice
        assert awards(tmp_path) == 2
    finally:
        assert again.stop() == 0


def test_a_second_demo_on_the_same_ports_is_refused(tmp_path: Path) -> None:
    running = start_demo(tmp_path / "one")
    try:
        clash = subprocess.run(
            [sys.executable, "-m", "microcred.cli", "demo", "--data", str(tmp_path / "two"),
             "--first-port", str(running.first_port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert clash.returncode == 1
        assert "is in use" in clash.stdout
    finally:
        assert running.stop() == 0


def test_https_demo_for_phones(tmp_path: Path) -> None:
    running = start_demo(tmp_path, options=("--https", "--host", "microcred-test.local"))
    try:
        banner = "\n".join(running.output)
        # The wallet received both credentials from the issuer over https: the apps trust the
        # demo's certificate and reach its name on this machine.
        assert "(2 credentials)" in banner
        assert running.wallet.startswith("https://microcred-test.local:")
        certificate = tmp_path / "tls" / "demo-cert.pem"
        assert (tmp_path / "tls" / "demo-key.pem").stat().st_mode & 0o777 == 0o600
        context = ssl.create_default_context(cafile=str(certificate))
        for port in range(running.first_port, running.first_port + 3):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="microcred-test.local") as tls:
                    tls.sendall(f"GET / HTTP/1.1\r\nHost: microcred-test.local:{port}\r\n"
                                "Connection: close\r\n\r\n".encode())  # fmt: skip
                    status = tls.recv(64).split(b"\r\n")[0]
            assert status.split()[1] in (b"200", b"303")
    finally:
        assert running.stop() == 0
