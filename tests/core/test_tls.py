"""The https demo's certificate, and the fetch policy that trusts it for the demo's own name."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from microcred import tls
from microcred.errors import FetchError
from microcred.fetch import Fetcher, FetchPolicy

HOST = "campus-demo.local"


def names(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n.value) for n in san}


def test_certificate_is_made_once_per_set_of_names(tmp_path: Path) -> None:
    first = tls.demo_certificate(tmp_path, [HOST, "localhost", "127.0.0.1"])
    assert names(first.cert) == {HOST, "localhost", "127.0.0.1"}
    assert first.key.stat().st_mode & 0o777 == 0o600
    again = tls.demo_certificate(tmp_path, [HOST, "localhost", "127.0.0.1"])
    assert again.fingerprint == first.fingerprint  # kept: phones accepted it already
    other = tls.demo_certificate(tmp_path, ["laptop.example", "localhost"])
    assert other.fingerprint != first.fingerprint
    assert names(other.cert) == {"laptop.example", "localhost"}


def test_host_name_is_a_name_not_an_address() -> None:
    name = tls.demo_host_name()
    assert "." in name and not name.replace(".", "").isdigit()


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A tiny https server on loopback with the demo certificate for HOST."""
    files = tls.demo_certificate(tmp_path, [HOST])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.cert, files.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], files.cert
    server.shutdown()
    server.server_close()


def test_the_demo_name_is_reached_on_this_machine_with_its_certificate(
    https_site: tuple[int, Path],
) -> None:
    port, cert = https_site
    policy = FetchPolicy.for_app(ca_file=str(cert), own_hosts=[HOST])
    assert Fetcher(policy).get_json(f"https://{HOST}:{port}/x") == {"ok": True}


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(FetchPolicy.for_app(own_hosts=[HOST]), id="certificate-not-trusted"),
        pytest.param(FetchPolicy.for_app(), id="name-not-own-and-not-in-dns"),
    ],
)
def test_without_both_settings_it_is_refused(
    https_site: tuple[int, Path], policy: FetchPolicy
) -> None:
    port, _cert = https_site
    with pytest.raises(FetchError):
        Fetcher(policy).get_json(f"https://{HOST}:{port}/x")
