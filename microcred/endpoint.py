"""Outbound URL checks for the fetcher: URL grammar, host notation and which addresses to reach.

Implements the SSRF rules of SECURITY-CASES G6/D01/D03 (SD-JWT VC "Server-Side Request Forgery",
OWASP SSRF Prevention): a URL is parsed once, strictly, into an `Endpoint`; every address its host
resolves to must be public, and the fetcher then connects to a checked address (never re-resolves).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .errors import BlockedURL, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

DEFAULT_PORTS = {"https": 443, "http": 80}
# Longest URL accepted; real DID/status/metadata URLs are far shorter, and the limit bounds logging.
MAX_URL_LENGTH = 2048
# Printable ASCII without space or backslash: refuses CR/LF injection, the tab/newline stripping of
# urlsplit (WHATWG) and backslash-as-slash confusion between parsers. IDNs must arrive as punycode.
_URL_CHARS = re.compile(r"[!-\[\]-~]+")
# host (LDH name or bracketed IPv6) and an optional decimal port; no userinfo, no zone id, no "%".
_NETLOC = re.compile(r"(?P<host>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# WHATWG URL "ends in a number": a host whose last label is numeric is parsed as IPv4 by browsers
# and inet_aton (2130706433, 0x7f000001, 127.1, 0177.0.0.1), so only canonical dotted quads pass.
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
# Special-purpose IPv4 blocks (RFC 6890 / IANA registry) that ipaddress.is_global lets through
# in some Python versions, e.g. 192.0.0.192 (Oracle cloud metadata) or 192.88.99.0/24.
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)  # fmt: skip
# Only global unicast IPv6 (2000::/3) is reachable, minus these special-purpose blocks.
_GLOBAL_V6 = ipaddress.IPv6Network("2000::/3")
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in ("2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20")
)  # fmt: skip
# NAT64 well-known prefix (RFC 6052): DNS64 maps IPv4-only hosts here; judge the IPv4 inside.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.IPv6Address("::1")


@dataclass(frozen=True)
class Endpoint:
    """A syntactically checked http(s) URL, split into what the fetcher needs to connect."""

    url: str
    scheme: str
    host: str
    port: int
    target: str
    literal: IPAddress | None

    @property
    def host_header(self) -> str:
        """The Host header value: bracketed IPv6 literal, port only when not the default."""
        host = f"[{self.host}]" if isinstance(self.literal, ipaddress.IPv6Address) else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def parse_url(url: str, *, allow_http: bool) -> Endpoint:
    """Parse an absolute http(s) URL strictly, raising BlockedURL for anything to refuse."""
    if len(url) > MAX_URL_LENGTH or not _URL_CHARS.fullmatch(url):
        raise BlockedURL("URL has forbidden characters or length", code="url_invalid")
    try:
        parts = urlsplit(url)
    except ValueError:  # unbalanced or invalid [IPv6] brackets
        raise BlockedURL("URL has an invalid host", code="url_invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or (scheme == "http" and not allow_http):
        # file:, data:, javascript:, ftp: ... and plain http outside the local demo.
        raise BlockedURL(f"scheme {scheme[:16]!r} is not allowed", code="scheme_not_allowed")
    if "@" in parts.netloc:
        raise BlockedURL("URL carries userinfo", code="userinfo_not_allowed")
    match = _NETLOC.fullmatch(parts.netloc.lower())
    if match is None:
        raise BlockedURL("URL has an invalid host or port", code="url_invalid")
    host = match["host"].strip("[]")
    port = int(match["port"]) if match["port"] else DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise BlockedURL(f"invalid port for {host}", code="url_invalid")
    literal = _host_literal(host, bracketed=match["host"].startswith("["))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # The fragment is never sent (RFC 9110 §7.1).
    return Endpoint(url, scheme, host, port, target, literal)


def resolve_reference(base: Endpoint, location: str, *, allow_http: bool) -> Endpoint:
    """Turn a redirect's Location into the next Endpoint, refusing an https to http downgrade."""
    # Checked before urljoin, which would silently strip tabs and newlines (WHATWG behaviour).
    if len(location) > MAX_URL_LENGTH or not _URL_CHARS.fullmatch(location):
        raise BlockedURL(f"{base.host} redirects to an invalid URL", code="url_invalid")
    target = parse_url(urljoin(base.url, location), allow_http=allow_http)
    if base.scheme == "https" and target.scheme != "https":
        raise BlockedURL(f"{base.host} redirects from https to http", code="redirect_downgrade")
    return target


def _host_literal(host: str, *, bracketed: bool) -> IPAddress | None:
    """Return the IP address a host names literally, or None for a DNS name; refuse odd forms."""
    if bracketed:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise BlockedURL("invalid IPv6 literal", code="url_invalid") from None
    labels = host.split(".")
    # "127.0.0.1." is still an IPv4 address to a WHATWG parser: judge the last non-empty label.
    if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]) or _is_inet_aton(host):
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            address = None
        if address is None or str(address) != host:
            raise BlockedURL(f"host {host[:64]!r} uses an IPv4 notation", code="ip_notation")
        return address
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise BlockedURL(f"invalid host name {host[:64]!r}", code="url_invalid")
    return None


def _is_inet_aton(host: str) -> bool:
    # Belt and braces: whatever the C library would read as an IPv4 address is a numeric host.
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def block_reason(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Say why an address must not be reached ("loopback", "private" ...), or None if it may be."""
    if allow_loopback and (address in _LOOPBACK_V4 or address == _LOOPBACK_V6):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
            # Loopback reached through a translator is never the local demo: no allow_loopback.
            return block_reason(embedded, allow_loopback=False)
        # IPv4-mapped/-compatible forms lie outside 2000::/3 and 6to4 is refused whole (RFC 7526),
        # so no embedded IPv4 address can reach a private network through them.
        if address not in _GLOBAL_V6 or any(address in net for net in _BLOCKED_V6):
            return _label(address)
        return None
    if any(address in net for net in _BLOCKED_V4) or not address.is_global:
        return _label(address)
    return None


def _label(address: IPAddress) -> str:
    for name in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "special-purpose"


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host name to IP address strings with the system resolver."""
    # TODO: getaddrinfo has no deadline of its own; slow DNS can outlast FetchPolicy.timeout.
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise FetchError(f"cannot resolve {host}", code="dns_failed") from None
    return [str(info[4][0]) for info in infos]


def checked_addresses(
    endpoint: Endpoint, resolver: Resolver, *, allow_loopback: bool
) -> tuple[IPAddress, ...]:
    """Resolve the endpoint's host and return its addresses, refusing if ANY of them is blocked."""
    if endpoint.literal is not None:
        addresses: Sequence[IPAddress] = [endpoint.literal]
    else:
        addresses = [
            _parse_resolved(endpoint.host, text) for text in resolver(endpoint.host, endpoint.port)
        ]
    if not addresses:
        raise FetchError(f"{endpoint.host} has no address", code="dns_failed")
    for address in addresses:
        reason = block_reason(address, allow_loopback=allow_loopback)
        if reason is not None:
            # Any blocked answer refuses the host: round-robin DNS must not smuggle one in (D01).
            raise BlockedURL(
                f"{endpoint.host} resolves to a {reason} address", code="address_blocked"
            )
    return tuple(dict.fromkeys(addresses))


def _parse_resolved(host: str, text: str) -> IPAddress:
    # A scope id ("fe80::1%eth0") only appears on link-local addresses, which are blocked anyway.
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        raise BlockedURL(f"{host} resolves to a non-address", code="address_blocked") from None
