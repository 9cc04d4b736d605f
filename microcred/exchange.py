"""One HTTP/1.1 request and its answer over a connected socket, under a deadline and a byte cap.

The request is written by hand (no header the caller could use to split it) and the answer is parsed
by http.client.HTTPResponse, which de-chunks but decodes no Content-Encoding (SECURITY-CASES D05).
"""

from __future__ import annotations

import http.client
import io
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

from . import strictjson
from .endpoint import Endpoint
from .errors import FetchError, ResponseTooLarge

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Bytes asked of the socket per read; the cap is checked after every chunk.
CHUNK_SIZE = 16_384
# Headers the fetcher owns; a caller overriding them could smuggle a second request or compression.
_RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "accept-encoding"}
)
# RFC 9110 §5.1 token for names; printable ASCII and tab for values, so no CR/LF injection.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t -~]*")
_DELTA_SECONDS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class Response:
    """A complete HTTP answer: lower-cased header names; `max_age` as the server sent it."""

    url: str
    status: int
    headers: Mapping[str, str]
    content_type: str
    body: bytes
    max_age: int | None

    def json(self) -> Any:
        """Parse the body with the strict JSON parser."""
        return strictjson.loads(self.body, max_bytes=len(self.body))


@dataclass(frozen=True)
class Request:
    """One outgoing request; headers are checked by `checked_headers` before they get here."""

    method: str
    endpoint: Endpoint
    headers: Mapping[str, str]
    body: bytes | None = None

    def to_bytes(self) -> bytes:
        """Serialise as HTTP/1.1 with the headers the fetcher always sends."""
        lines = [
            f"{self.method} {self.endpoint.target} HTTP/1.1",
            f"Host: {self.endpoint.host_header}",
            "User-Agent: microcred",
            # No compression: a small gzip body can inflate past any cap (SECURITY-CASES D05).
            "Accept-Encoding: identity",
            "Connection: close",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        if self.body is not None:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + (self.body or b"")


class _DeadlineReader(io.RawIOBase):
    """Socket reads that share one overall deadline, so a trickling server cannot stretch it."""

    def __init__(self, sock: socket.socket, deadline: float, clock: Callable[[], float]) -> None:
        self._sock, self._deadline, self._clock = sock, deadline, clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str) -> io.BufferedReader:
        # http.client.HTTPResponse only calls sock.makefile("rb").
        return io.BufferedReader(self)


def exchange(
    sock: socket.socket, request: Request, cap: int, deadline: float, clock: Callable[[], float]
) -> Response:
    """Send one request and read its answer; a GET redirect's body is not read."""
    remaining = deadline - clock()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    sock.settimeout(remaining)
    sock.sendall(request.to_bytes())
    reader = _DeadlineReader(sock, deadline, clock)
    answer = http.client.HTTPResponse(cast(socket.socket, reader), method=request.method)
    try:
        answer.begin()
        return _read_response(request, answer, cap)
    finally:
        answer.close()


def checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Refuse header names or values that could split the request, and headers the fetcher owns."""
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or not _HEADER_VALUE.fullmatch(value):
            raise FetchError("invalid request header", code="header_invalid")
        if name.lower() in _RESERVED_HEADERS:
            raise FetchError(f"header {name} is set by the fetcher", code="header_invalid")
    return dict(headers)


def _read_response(request: Request, answer: http.client.HTTPResponse, cap: int) -> Response:
    host = request.endpoint.host
    headers: dict[str, str] = {}
    for name, value in answer.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    coding = headers.get("content-encoding", "").strip().lower()
    transfer = headers.get("transfer-encoding", "").strip().lower()
    # http.client de-chunks but decodes nothing else; gzip here would be a bomb (D05).
    if coding not in ("", "identity") or transfer not in ("", "chunked"):
        raise FetchError(f"{host} sent an encoded body", code="encoding_refused")
    if answer.status in REDIRECT_STATUSES and request.method == "GET":
        body = b""  # the fetcher follows or refuses the redirect; its body is never used
    else:
        body = _read_body(host, answer, cap)
    max_age = cache_control(headers.get("cache-control", ""))[0]
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    url = request.endpoint.url
    return Response(url, answer.status, MappingProxyType(headers), media, body, max_age)


def _read_body(host: str, answer: http.client.HTTPResponse, cap: int) -> bytes:
    """Read at most cap + 1 bytes, whatever Content-Length or chunking claims."""
    if answer.length is not None and answer.length > cap:
        raise ResponseTooLarge(f"{host} announced {answer.length} bytes, over {cap}")
    chunks: list[bytes] = []
    total = 0
    while chunk := answer.read(min(CHUNK_SIZE, cap + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise ResponseTooLarge(f"{host} sent more than {cap} bytes")
    return b"".join(chunks)


def cache_control(value: str) -> tuple[int | None, bool]:
    """Return (max-age, no-store) from a Cache-Control value (RFC 9111 §5.2.2)."""
    directives = [part.strip().lower() for part in value.split(",")]
    no_store = any(d in ("no-store", "no-cache") or d.startswith("no-cache=") for d in directives)
    ages = [d[8:].strip('"') for d in directives if d.startswith("max-age=")]
    # A repeated or malformed max-age is treated as absent (RFC 9111 §4.2.1 says "stale").
    if len(ages) != 1 or not _DELTA_SECONDS.fullmatch(ages[0]):
        return None, no_store
    return int(ages[0]), no_store
