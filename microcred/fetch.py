"""The only outbound HTTP client of the core: SSRF guard, pinned address, size/time caps, a cache.

Used for DID documents, status lists, issuer metadata, credential offers and request objects
(SECURITY-CASES G6). Stdlib only: `endpoint` checks the URL and every address its host resolves to,
the socket connects to a checked address, and `exchange` speaks HTTP/1.1 under the caps.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import strictjson
from .endpoint import (
    Endpoint,
    IPAddress,
    Resolver,
    checked_addresses,
    parse_url,
    resolve_reference,
    system_resolver,
)
from .errors import BlockedURL, FetchError, MicrocredError, ResponseTooLarge
from .exchange import REDIRECT_STATUSES, Request, Response, cache_control, checked_headers, exchange

__all__ = ["DEFAULT_POLICY", "FetchPolicy", "Fetcher", "Resolver", "Response"]

JSON = "application/json"
# Hard ceiling for FetchPolicy.max_redirects (SECURITY-CASES D02: "≤3 hops").
MAX_REDIRECTS = 3
# Where FetchPolicy.own_hosts are reached.
OWN_HOST_ADDRESS = ipaddress.IPv4Address("127.0.0.1")
# Bound on cached responses, so a stream of distinct URLs cannot grow memory without limit.
CACHE_MAX_ENTRIES = 256


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and permissions for outbound requests; the defaults are the production ones."""

    allow_http: bool = False
    allow_loopback: bool = False
    timeout: float = 5.0
    max_bytes: int = 512_000
    max_redirects: int = 0
    min_ttl: int = 30
    max_ttl: int = 3600
    ssl_context: ssl.SSLContext | None = None
    # Host names this deployment serves itself on this machine, reached at OWN_HOST_ADDRESS:
    # only the https demo's own name (`microcred demo --https`).
    own_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A misconfigured policy is a programming error, so these are ValueErrors, not FetchErrors.
        if not (self.timeout > 0 and self.max_bytes > 0 and 0 <= self.min_ttl <= self.max_ttl):
            raise ValueError("timeout and max_bytes must be positive and 0 <= min_ttl <= max_ttl")
        if not 0 <= self.max_redirects <= MAX_REDIRECTS:
            raise ValueError(f"max_redirects must be between 0 and {MAX_REDIRECTS}")
        ctx = self.ssl_context
        if ctx is not None and (ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname):
            raise ValueError("ssl_context must verify certificates and host names")

    @classmethod
    def for_app(
        cls,
        *,
        insecure_localhost: bool = False,
        ca_file: str | None = None,
        own_hosts: Sequence[str] = (),
    ) -> FetchPolicy:
        """The policy an app builds from its settings: production's unless a demo opts out.

        `insecure_localhost` allows plain http and loopback (the local demo); `ca_file` adds a
        trust anchor (the https demo's self-signed certificate) to the system's; `own_hosts`
        are the https demo's own host names, served on this machine.
        """
        context = None
        if ca_file:
            context = ssl.create_default_context()
            context.load_verify_locations(cafile=ca_file)
        return cls(
            allow_http=insecure_localhost,
            allow_loopback=insecure_localhost,
            ssl_context=context,
            own_hosts=tuple(own_hosts),
        )


DEFAULT_POLICY = FetchPolicy()


class Fetcher:
    """Make GET and POST requests under a FetchPolicy, caching GET answers."""

    def __init__(
        self,
        policy: FetchPolicy = DEFAULT_POLICY,
        *,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self._resolver = resolver or system_resolver
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, Response]] = {}
        self._tls: ssl.SSLContext | None = policy.ssl_context

    def get(
        self, url: str, *, accept: str = JSON, max_bytes: int | None = None, use_cache: bool = True
    ) -> Response:
        """GET a URL, raising FetchError (code "http_<status>") unless the answer is 2xx."""
        cap = self.policy.max_bytes if max_bytes is None else max_bytes
        key = (url, accept)
        response = self._cached(key) if use_cache else None
        if response is None:
            response = self._follow(url, {"Accept": accept}, cap)
            if not 200 <= response.status < 300:
                host = urlsplit(response.url).hostname
                raise FetchError(
                    f"{host} answered HTTP {response.status}", code=f"http_{response.status}"
                )
            if use_cache:
                self._store(key, response)
        if len(response.body) > cap:  # a cached body fetched under a larger cap
            raise ResponseTooLarge(f"response over {cap} bytes")
        return response

    def get_json(
        self, url: str, *, accept: str = JSON, max_bytes: int | None = None, use_cache: bool = True
    ) -> Any:
        """GET a URL and parse its body as strict JSON."""
        return self.get(url, accept=accept, max_bytes=max_bytes, use_cache=use_cache).json()

    def post_form(
        self, url: str, data: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """POST form fields; any status is returned, as OAuth endpoints answer errors with 400."""
        body = urlencode(data).encode("ascii")
        return self._post(url, body, "application/x-www-form-urlencoded", headers or {})

    def post_json(
        self, url: str, obj: Any, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """POST a JSON document; any status is returned, as with post_form."""
        return self._post(url, strictjson.dumps(obj).encode("utf-8"), JSON, headers or {})

    def clear_cache(self) -> None:
        """Forget every cached response."""
        with self._lock:
            self._cache.clear()

    def _post(self, url: str, body: bytes, media: str, extra: Mapping[str, str]) -> Response:
        # POST is never cached and never follows a redirect (VP §14.8, RFC 9101 §10.4.1): a 3xx
        # comes back to the caller like any other status.
        endpoint = parse_url(url, allow_http=self.policy.allow_http)
        headers = {"Accept": JSON, **checked_headers(extra), "Content-Type": media}
        deadline = self._clock() + self.policy.timeout
        request = Request("POST", endpoint, headers, body)
        return self._send(request, self.policy.max_bytes, deadline)

    def _follow(self, url: str, headers: Mapping[str, str], cap: int) -> Response:
        endpoint = parse_url(url, allow_http=self.policy.allow_http)
        headers = checked_headers(headers)
        deadline = self._clock() + self.policy.timeout  # one deadline for all hops together
        for _hop in range(self.policy.max_redirects + 1):
            response = self._send(Request("GET", endpoint, headers), cap, deadline)
            if response.status not in REDIRECT_STATUSES:
                return response
            if self.policy.max_redirects == 0:
                raise BlockedURL(f"{endpoint.host} answered a redirect", code="redirect_refused")
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"{endpoint.host} redirects without Location", code="bad_response")
            # Every hop is parsed and address-checked again (SECURITY-CASES D02, E12).
            endpoint = resolve_reference(endpoint, location, allow_http=self.policy.allow_http)
        raise BlockedURL(
            f"too many redirects, last from {endpoint.host}", code="too_many_redirects"
        )

    def _send(self, request: Request, cap: int, deadline: float) -> Response:
        endpoint = request.endpoint
        if endpoint.host in self.policy.own_hosts:
            # The demo's own name: its apps all run on this machine, so no DNS is asked (a
            # `.local` name needs mDNS, which a server may not resolve).
            addresses: tuple[IPAddress, ...] = (OWN_HOST_ADDRESS,)
        else:
            addresses = checked_addresses(
                endpoint, self._resolver, allow_loopback=self.policy.allow_loopback
            )
        with _failures(endpoint.host):
            sock = self._connect(endpoint, addresses, deadline)
            try:
                return exchange(sock, request, cap, deadline, self._clock)
            finally:
                sock.close()

    def _connect(
        self, endpoint: Endpoint, addresses: tuple[IPAddress, ...], deadline: float
    ) -> socket.socket:
        # Connect to a checked address, never to the name: a second DNS answer could differ
        # (DNS rebinding, SECURITY-CASES D01). Further addresses are tried only if one is refused.
        error: OSError = ConnectionError("no address")
        for address in addresses:
            try:
                sock = socket.create_connection(
                    (str(address), endpoint.port), timeout=self._remaining(deadline)
                )
                break
            except TimeoutError:
                raise
            except OSError as exc:
                error = exc
        else:
            raise error
        if endpoint.scheme == "http":
            return sock
        try:
            sock.settimeout(self._remaining(deadline))
            # SNI and the certificate check use the host from the URL, not the pinned address.
            return self._tls_context().wrap_socket(sock, server_hostname=endpoint.host)
        except BaseException:
            sock.close()
            raise

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        return remaining

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:  # built on first https use: loading the system CA store takes time
            if self._tls is None:
                self._tls = ssl.create_default_context()
                self._tls.minimum_version = ssl.TLSVersion.TLSv1_2
            return self._tls

    def _cached(self, key: tuple[str, str]) -> Response | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None and entry[0] > self._clock():
                return entry[1]
            self._cache.pop(key, None)
            return None

    def _store(self, key: tuple[str, str], response: Response) -> None:
        # Cache policy (SECURITY-CASES E11): only 200 answers; no-store/no-cache are honoured;
        # max-age is clamped to [min_ttl, max_ttl] so 0 cannot make us hammer a server and ten
        # years cannot pin a revoked list; without max-age the answer is kept min_ttl seconds, so
        # a burst of verifications against one issuer costs one request.
        no_store = cache_control(response.headers.get("cache-control", ""))[1]
        if response.status != 200 or no_store:
            return
        ttl = self.policy.min_ttl if response.max_age is None else response.max_age
        ttl = min(max(ttl, self.policy.min_ttl), self.policy.max_ttl)
        if ttl <= 0:
            return
        now = self._clock()
        with self._lock:
            if len(self._cache) >= CACHE_MAX_ENTRIES and key not in self._cache:
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
                if len(self._cache) >= CACHE_MAX_ENTRIES:
                    del self._cache[min(self._cache, key=lambda k: self._cache[k][0])]
            self._cache[key] = (now + ttl, response)


@contextmanager
def _failures(host: str) -> Iterator[None]:
    """Turn socket, TLS and HTTP parsing failures into FetchError naming only the host."""
    try:
        yield
    except MicrocredError:
        raise
    except TimeoutError:
        raise FetchError(f"{host} did not answer in time", code="timeout") from None
    except ssl.SSLError as exc:
        detail = getattr(exc, "verify_message", None) or exc.reason or "handshake failed"
        raise FetchError(f"TLS with {host} failed: {detail}", code="tls_failed") from None
    except (http.client.HTTPException, ValueError):
        # The parser's message may quote the server's bytes; keep them out (and out of __cause__).
        raise FetchError(f"{host} sent a malformed HTTP answer", code="bad_response") from None
    except OSError as exc:
        raise FetchError(f"cannot connect to {host}", code="connect_failed") from exc
