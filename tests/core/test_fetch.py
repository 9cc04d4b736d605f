"""The outbound HTTP client against real servers on 127.0.0.1 (SECURITY-CASES G6, D01-D06, E11/12).

Every refused request is checked twice: the right error code, and no connection or request at all
(SECURITY-CASES §Q: "assert it receives zero requests").
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import json
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from microcred.errors import BlockedURL, FetchError, MalformedJSON, ResponseTooLarge
from microcred.fetch import Fetcher, FetchPolicy

LOCAL = FetchPolicy(allow_http=True, allow_loopback=True)
SECRET_BODY = "secret-body-text"
Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Dispatch to the server's route table and record what arrived."""

    protocol_version = "HTTP/1.1"
    server: LoopServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.hits[path] += 1
        self.server.seen.append((self.command, self.path, dict(self.headers.items()), body))
        self.server.routes[path](self)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def query(self, name: str) -> str:
        return parse_qs(urlsplit(self.path).query)[name][0]

    def reply(self, status: int, body: bytes = b"{}", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


class LoopServer(ThreadingHTTPServer):
    """A loopback HTTP server that counts connections and requests."""

    daemon_threads = True

    def __init__(self, routes: dict[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        self.connections = 0
        self.sni: list[str | None] = []
        self.stop = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early are part of the tests


def _json(body: Any, **headers: str) -> Route:
    return lambda h: h.reply(200, json.dumps(body).encode(), **headers)


def _redirect(h: Handler) -> None:
    h.reply(302, b"", Location=h.query("to"))


def _loop(h: Handler) -> None:
    h.reply(302, b"", Location="/loop")


def _big_announced(h: Handler) -> None:
    h.reply(200, b"x" * 1000, Content_Length="10000000")


def _big_until_close(h: Handler) -> None:
    h.send_response(200)
    h.end_headers()
    h.close_connection = True
    h.wfile.write(b"x" * 5000)


def _big_chunked(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    for _ in range(20):
        h.wfile.write(b"100\r\n" + b"x" * 256 + b"\r\n")
    h.wfile.write(b"0\r\n\r\n")


def _slow_headers(h: Handler) -> None:
    if not h.server.stop.wait(5):
        h.reply(200)


def _trickle(h: Handler) -> None:
    # Each byte arrives well within the timeout; only a total deadline stops the request.
    h.send_response(200)
    h.send_header("Content-Length", "40")
    h.end_headers()
    for _ in range(40):
        if h.server.stop.wait(0.05):
            return
        h.wfile.write(b"x")
        h.wfile.flush()


def _garbage(h: Handler) -> None:
    h.close_connection = True
    h.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")


def _echo(h: Handler) -> None:
    h.reply(200, json.dumps({"host": h.headers["Host"]}).encode())


ROUTES: dict[str, Route] = {
    "/json": _json({"ok": True}, Cache_Control="public, max-age=60"),
    "/plain": _json({"n": 1}),
    "/no-store": _json({"n": 1}, Cache_Control="no-store"),
    "/age-0": _json({"n": 1}, Cache_Control="max-age=0"),
    "/age-huge": _json({"n": 1}, Cache_Control="max-age=315360000"),
    "/dup-keys": lambda h: h.reply(200, b'{"a":1,"a":2}'),
    "/missing": lambda h: h.reply(404, SECRET_BODY.encode(), Content_Type="text/plain"),
    "/form": lambda h: h.reply(400, b'{"error":"invalid_grant"}'),
    "/created": lambda h: h.reply(201, b'{"id":"c1"}'),
    "/redirect": _redirect,
    "/loop": _loop,
    "/echo": _echo,
    "/big-announced": _big_announced,
    "/big-until-close": _big_until_close,
    "/big-chunked": _big_chunked,
    "/short-length": lambda h: h.reply(200, b"x" * 5000, Content_Length="100"),
    "/gzip": lambda h: h.reply(200, gzip.compress(b"{}" + b" " * 10_000), Content_Encoding="gzip"),
    "/gzip-transfer": lambda h: h.reply(200, b"{}", Transfer_Encoding="gzip, chunked"),
    "/slow-headers": _slow_headers,
    "/trickle": _trickle,
    "/garbage": _garbage,
}


def _start(server: LoopServer) -> Iterator[LoopServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[LoopServer]:
    yield from _start(LoopServer(ROUTES))


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record every outgoing connection; refuse any that would leave the machine."""
    made: list[tuple[str, int]] = []
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        made.append(address)
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"test tried to reach {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return made


class FakeClock:
    """A clock the test moves by hand, for cache lifetimes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> Any:
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return table[host]

    return resolve


def _url(server: LoopServer, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
    return f"{scheme}://{host}:{server.port}{path}"


def test_get_json_over_loopback_when_allowed(server: LoopServer) -> None:
    response = Fetcher(LOCAL).get(_url(server, "/json"))
    assert response.json() == {"ok": True}
    assert (response.status, response.content_type, response.max_age) == (
        200,
        "application/json",
        60,
    )
    assert response.headers["cache-control"] == "public, max-age=60"
    method, _, headers, _ = server.seen[0]
    assert (method, headers["Accept-Encoding"], headers["Accept"]) == (
        "GET",
        "identity",
        "application/json",
    )
    assert headers["Host"] == f"127.0.0.1:{server.port}"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"])
def test_loopback_blocked_by_default(
    server: LoopServer, connections: list[tuple[str, int]], host: str
) -> None:
    with pytest.raises(BlockedURL) as info:
        Fetcher(FetchPolicy(allow_http=True)).get(_url(server, "/json", host))
    assert info.value.code == "address_blocked"
    assert connections == [] and server.connections == 0


def test_https_required_unless_allowed(
    server: LoopServer, connections: list[tuple[str, int]]
) -> None:
    with pytest.raises(BlockedURL) as info:
        Fetcher(FetchPolicy(allow_loopback=True)).get(_url(server, "/json"))
    assert info.value.code == "scheme_not_allowed"
    assert connections == [] and server.connections == 0


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (["10.0.0.5"], "address_blocked"),
        (["169.254.169.254"], "address_blocked"),
        (["::ffff:127.0.0.1"], "address_blocked"),
        (["fd00:ec2::254"], "address_blocked"),
        (["127.0.0.1", "10.0.0.5"], "address_blocked"),
    ],
    ids=["private", "metadata", "mapped-loopback", "aws-ipv6-metadata", "mixed-answers"],
)
def test_names_resolving_to_internal_addresses_blocked(
    server: LoopServer, connections: list[tuple[str, int]], answers: list[str], code: str
) -> None:
    # allow_loopback is on, so only the per-address check can stop these (D01).
    fetcher = Fetcher(LOCAL, resolver=_resolver({"evil.test": answers}))
    with pytest.raises(BlockedURL) as info:
        fetcher.get(_url(server, "/json", "evil.test"))
    assert info.value.code == code
    assert connections == [] and server.connections == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://2130706433/",
        "https://0x7f000001/",
        "https://127.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:7f00:1]/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:application/json,{}",
        "ftp://example.com/",
        "https://user:pw@example.com/",
    ],
    ids=[
        "decimal",
        "hex",
        "short",
        "metadata",
        "mapped",
        "file",
        "javascript",
        "data",
        "ftp",
        "userinfo",
    ],
)
def test_refused_before_any_lookup_or_connection(
    connections: list[tuple[str, int]], url: str
) -> None:
    calls: list[str] = []
    fetcher = Fetcher(resolver=_resolver({}, calls))
    with pytest.raises(BlockedURL):
        fetcher.get(url)
    assert calls == [] and connections == []


def test_connects_to_the_checked_address_with_the_original_host(
    server: LoopServer, connections: list[tuple[str, int]]
) -> None:
    calls: list[str] = []
    fetcher = Fetcher(LOCAL, resolver=_resolver({"issuer.test": ["127.0.0.1"]}, calls))
    assert fetcher.get_json(_url(server, "/echo", "issuer.test")) == {
        "host": f"issuer.test:{server.port}"
    }
    # One lookup, and the socket went to that very address: no second resolution to rebind.
    assert calls == ["issuer.test"]
    assert connections == [("127.0.0.1", server.port)]


def test_every_request_rechecks_the_address(
    server: LoopServer, connections: list[tuple[str, int]]
) -> None:
    answers = iter([["127.0.0.1"], ["10.0.0.5"]])
    fetcher = Fetcher(LOCAL, resolver=lambda host, port: next(answers))
    fetcher.get(_url(server, "/json", "rebind.test"), use_cache=False)
    with pytest.raises(BlockedURL):
        fetcher.get(_url(server, "/json", "rebind.test"), use_cache=False)
    assert len(connections) == 1


def test_redirect_refused_by_default(server: LoopServer) -> None:
    with pytest.raises(BlockedURL) as info:
        Fetcher(LOCAL).get(_url(server, "/redirect?to=/json"))
    assert info.value.code == "redirect_refused"
    assert server.hits["/json"] == 0


def test_redirect_followed_when_allowed(server: LoopServer) -> None:
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True, max_redirects=1))
    response = fetcher.get(_url(server, "/redirect?to=/json"))
    assert response.json() == {"ok": True}
    assert response.url == _url(server, "/json")


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://169.254.169.254/latest/meta-data/", "address_blocked"),
        ("http://internal.test/", "address_blocked"),
        ("http://[::ffff:127.0.0.1]:{port}/json", "address_blocked"),
        ("http://2130706433:{port}/json", "ip_notation"),
        ("javascript:alert(1)", "scheme_not_allowed"),
        ("file:///etc/passwd", "scheme_not_allowed"),
        ("http://user@127.0.0.1:{port}/json", "userinfo_not_allowed"),
    ],
    ids=[
        "metadata",
        "private-name",
        "mapped-loopback",
        "decimal-ip",
        "javascript",
        "file",
        "userinfo",
    ],
)
def test_each_redirect_hop_is_revalidated(
    server: LoopServer, connections: list[tuple[str, int]], target: str, code: str
) -> None:
    policy = FetchPolicy(allow_http=True, allow_loopback=True, max_redirects=3)
    resolver = _resolver({"start.test": ["127.0.0.1"], "internal.test": ["10.0.0.5"]})
    location = target.format(port=server.port)
    with pytest.raises(BlockedURL) as info:
        Fetcher(policy, resolver=resolver).get(
            _url(server, "/redirect", "start.test") + f"?to={location}"
        )
    assert info.value.code == code
    assert server.hits["/json"] == 0 and len(connections) == 1


def test_redirect_loop_capped(server: LoopServer) -> None:
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True, max_redirects=3))
    with pytest.raises(BlockedURL) as info:
        fetcher.get(_url(server, "/loop"))
    assert info.value.code == "too_many_redirects"
    assert server.hits["/loop"] == 4


@pytest.mark.parametrize("path", ["/big-announced", "/big-until-close", "/big-chunked"])
def test_size_cap(server: LoopServer, path: str) -> None:
    with pytest.raises(ResponseTooLarge):
        Fetcher(LOCAL).get(_url(server, path), max_bytes=4096)


def test_policy_size_cap(server: LoopServer) -> None:
    with pytest.raises(ResponseTooLarge):
        Fetcher(FetchPolicy(allow_http=True, allow_loopback=True, max_bytes=4096)).get(
            _url(server, "/big-until-close")
        )


def test_post_response_size_capped(server: LoopServer) -> None:
    policy = FetchPolicy(allow_http=True, allow_loopback=True, max_bytes=4096)
    with pytest.raises(ResponseTooLarge):
        Fetcher(policy).post_json(_url(server, "/big-until-close"), {})


def test_body_stops_at_content_length(server: LoopServer) -> None:
    # The server sends 5000 bytes after announcing 100; nothing past the announced length is read.
    assert Fetcher(LOCAL).get(_url(server, "/short-length")).body == b"x" * 100


def test_cached_body_still_obeys_a_smaller_cap(server: LoopServer) -> None:
    fetcher = Fetcher(LOCAL)
    fetcher.get(_url(server, "/json"))
    with pytest.raises(ResponseTooLarge):
        fetcher.get(_url(server, "/json"), max_bytes=5)


@pytest.mark.parametrize("path", ["/slow-headers", "/trickle"])
def test_total_deadline(server: LoopServer, path: str) -> None:
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True, timeout=0.5))
    with pytest.raises(FetchError) as info:
        fetcher.get(_url(server, path))
    assert info.value.code == "timeout"


@pytest.mark.parametrize("path", ["/gzip", "/gzip-transfer"])
def test_encoded_bodies_refused(server: LoopServer, path: str) -> None:
    with pytest.raises(FetchError) as info:
        Fetcher(LOCAL).get(_url(server, path))
    assert info.value.code == "encoding_refused"


def test_non_2xx_get_raises_with_status_and_without_body(server: LoopServer) -> None:
    with pytest.raises(FetchError) as info:
        Fetcher(LOCAL).get(_url(server, "/missing"))
    assert info.value.code == "http_404"
    assert "127.0.0.1" in str(info.value) and SECRET_BODY not in str(info.value)


def test_malformed_json_uses_the_strict_parser(server: LoopServer) -> None:
    with pytest.raises(MalformedJSON):
        Fetcher(LOCAL).get_json(_url(server, "/dup-keys"))


def test_garbage_answer(server: LoopServer) -> None:
    with pytest.raises(FetchError) as info:
        Fetcher(LOCAL).get(_url(server, "/garbage"))
    assert info.value.code == "bad_response"
    assert "NOT HTTP" not in str(info.value) and info.value.__cause__ is None


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as info:
        Fetcher(LOCAL).get(f"http://127.0.0.1:{port}/")
    assert info.value.code == "connect_failed"


def test_max_age_honoured(server: LoopServer) -> None:
    clock = FakeClock()
    fetcher = Fetcher(LOCAL, clock=clock)
    url = _url(server, "/json")
    fetcher.get(url)
    clock.now += 59
    fetcher.get(url)
    assert server.hits["/json"] == 1
    clock.now += 2
    fetcher.get(url)
    assert server.hits["/json"] == 2


@pytest.mark.parametrize(
    ("path", "cached_for"),
    [("/age-0", 30), ("/age-huge", 3600), ("/plain", 30)],
    ids=["zero-raised-to-min", "ten-years-cut-to-max", "absent-kept-min"],
)
def test_max_age_clamped(server: LoopServer, path: str, cached_for: int) -> None:
    clock = FakeClock()
    fetcher = Fetcher(LOCAL, clock=clock)
    url = _url(server, path)
    fetcher.get(url)
    clock.now += cached_for - 1
    fetcher.get(url)
    assert server.hits[path] == 1
    clock.now += 2
    fetcher.get(url)
    assert server.hits[path] == 2


def test_no_store_not_cached(server: LoopServer) -> None:
    fetcher = Fetcher(LOCAL)
    fetcher.get(_url(server, "/no-store"))
    fetcher.get(_url(server, "/no-store"))
    assert server.hits["/no-store"] == 2


def test_cache_bypass_clear_and_accept_key(server: LoopServer) -> None:
    fetcher = Fetcher(LOCAL)
    url = _url(server, "/json")
    fetcher.get(url)
    fetcher.get(url, use_cache=False)
    fetcher.get(url, accept="application/did+json")
    fetcher.clear_cache()
    fetcher.get(url)
    fetcher.get(url)
    assert server.hits["/json"] == 4


def test_post_form_returns_error_bodies(server: LoopServer) -> None:
    fetcher = Fetcher(LOCAL)
    for _ in range(2):
        response = fetcher.post_form(_url(server, "/form"), {"grant_type": "x y", "code": "a&b"})
        assert (response.status, response.json()) == (400, {"error": "invalid_grant"})
    method, _, headers, body = server.seen[0]
    assert method == "POST" and headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {"grant_type": ["x y"], "code": ["a&b"]}
    assert server.hits["/form"] == 2  # never cached


def test_post_json_sends_compact_json_and_extra_headers(server: LoopServer) -> None:
    response = Fetcher(LOCAL).post_json(
        _url(server, "/created"), {"a": [1]}, headers={"Authorization": "Bearer t"}
    )
    assert response.status == 201
    _, _, headers, body = server.seen[0]
    assert (body, headers["Authorization"], headers["Content-Type"]) == (
        b'{"a":[1]}',
        "Bearer t",
        "application/json",
    )


def test_post_never_follows_redirects(server: LoopServer) -> None:
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True, max_redirects=3))
    response = fetcher.post_form(_url(server, "/redirect?to=/json"), {})
    assert response.status == 302
    assert server.hits["/json"] == 0


@pytest.mark.parametrize(
    "headers",
    [{"X-A": "b\r\nX-Injected: 1"}, {"X\nA": "b"}, {"Host": "evil.test"}, {"Content-Length": "0"}],
    ids=["crlf-value", "newline-name", "host", "content-length"],
)
def test_request_headers_checked(server: LoopServer, headers: dict[str, str]) -> None:
    with pytest.raises(FetchError) as info:
        Fetcher(LOCAL).post_form(_url(server, "/form"), {}, headers=headers)
    assert info.value.code == "header_invalid"
    assert server.connections == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_redirects": 4},
        {"max_redirects": -1},
        {"timeout": 0},
        {"max_bytes": 0},
        {"min_ttl": 10, "max_ttl": 5},
    ],
    ids=["redirects-over-3", "negative-redirects", "zero-timeout", "zero-bytes", "ttl-inverted"],
)
def test_policy_limits_validated(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FetchPolicy(**kwargs)


def test_policy_refuses_unverified_tls() -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError):
        FetchPolicy(ssl_context=context)


# --- https -------------------------------------------------------------------------------------


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: Any, ca: bool
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throwaway CA and a server certificate for localhost and 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "microcred test CA")])
    ca = _certificate("microcred test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("localhost", key, ca_name, ca_key, ca=False)
    files = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture
def tls_server(tls_files: dict[str, Path]) -> Iterator[LoopServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files["cert"], tls_files["key"])
    server = LoopServer(ROUTES)
    context.sni_callback = lambda sock, name, ctx: server.sni.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from _start(server)


@pytest.fixture
def trusting(tls_files: dict[str, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_files["ca"]))


def test_https_with_sni_and_verified_certificate(
    tls_server: LoopServer, trusting: ssl.SSLContext
) -> None:
    fetcher = Fetcher(
        FetchPolicy(allow_loopback=True, ssl_context=trusting),
        resolver=_resolver({"localhost": ["127.0.0.1"]}),
    )
    assert fetcher.get_json(_url(tls_server, "/json", "localhost", "https")) == {"ok": True}
    assert tls_server.sni == ["localhost"]


def test_certificate_checked_against_the_url_host_not_the_address(
    tls_server: LoopServer, trusting: ssl.SSLContext
) -> None:
    # other.test resolves to the server's address, but the certificate only names localhost.
    fetcher = Fetcher(
        FetchPolicy(allow_loopback=True, ssl_context=trusting),
        resolver=_resolver({"other.test": ["127.0.0.1"]}),
    )
    with pytest.raises(FetchError) as info:
        fetcher.get(_url(tls_server, "/json", "other.test", "https"))
    assert info.value.code == "tls_failed"
    assert tls_server.hits["/json"] == 0


def test_untrusted_certificate_refused(tls_server: LoopServer) -> None:
    fetcher = Fetcher(
        FetchPolicy(allow_loopback=True), resolver=_resolver({"localhost": ["127.0.0.1"]})
    )
    with pytest.raises(FetchError) as info:
        fetcher.get(_url(tls_server, "/json", "localhost", "https"))
    assert info.value.code == "tls_failed"
    assert tls_server.hits["/json"] == 0


def test_https_to_http_redirect_refused(
    tls_server: LoopServer, server: LoopServer, trusting: ssl.SSLContext
) -> None:
    policy = FetchPolicy(
        allow_http=True, allow_loopback=True, max_redirects=1, ssl_context=trusting
    )
    fetcher = Fetcher(policy, resolver=_resolver({"localhost": ["127.0.0.1"]}))
    start = _url(tls_server, "/redirect", "localhost", "https") + "?to=" + _url(server, "/json")
    with pytest.raises(BlockedURL) as info:
        fetcher.get(start)
    assert info.value.code == "redirect_downgrade"
    assert server.connections == 0
