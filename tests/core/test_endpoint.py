"""URL grammar and address rules of the outbound fetcher (SECURITY-CASES G6, D01, D03)."""

from __future__ import annotations

import ipaddress

import pytest

from microcred.endpoint import (
    block_reason,
    checked_addresses,
    parse_url,
    resolve_reference,
)
from microcred.errors import BlockedURL, FetchError

PUBLIC_V4 = "93.184.216.34"


def _never_resolve(host: str, port: int) -> list[str]:
    raise AssertionError(f"resolver called for {host}")


def test_parse_url_splits_what_the_fetcher_needs() -> None:
    endpoint = parse_url("https://Issuer.Example:8443/a/did.json?x=1#frag", allow_http=False)
    assert (endpoint.scheme, endpoint.host, endpoint.port) == ("https", "issuer.example", 8443)
    assert endpoint.target == "/a/did.json?x=1"
    assert endpoint.host_header == "issuer.example:8443"
    assert endpoint.literal is None


@pytest.mark.parametrize(
    ("url", "header"),
    [
        ("https://example.com", "example.com"),
        ("https://example.com:443/", "example.com"),
        ("http://example.com:80/", "example.com"),
        ("https://[2606:4700::1111]:8443/", "[2606:4700::1111]:8443"),
    ],
    ids=["no-path", "default-https-port", "default-http-port", "ipv6-literal"],
)
def test_host_header(url: str, header: str) -> None:
    assert parse_url(url, allow_http=True).host_header == header


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:application/json,{}",
        "ftp://example.com/did.json",
        "gopher://example.com/",
        "//example.com/did.json",
        "example.com/did.json",
    ],
    ids=["http", "file", "javascript", "data", "ftp", "gopher", "scheme-relative", "no-scheme"],
)
def test_scheme_refused(url: str) -> None:
    with pytest.raises(BlockedURL) as info:
        parse_url(url, allow_http=False)
    assert info.value.code == "scheme_not_allowed"


def test_http_allowed_only_when_policy_says_so() -> None:
    assert parse_url("http://example.com/", allow_http=True).port == 80


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@example.com/",
        "https://example.com@127.0.0.1/",
        "https://@example.com/",
    ],
    ids=["user-password", "host-confusion", "empty-userinfo"],
)
def test_userinfo_refused(url: str) -> None:
    with pytest.raises(BlockedURL) as info:
        parse_url(url, allow_http=False)
    assert info.value.code == "userinfo_not_allowed"


@pytest.mark.parametrize(
    "url",
    [
        "https://exa mple.com/",
        "https://example.com/\r\nX-Injected: 1",
        "https://exa\tmple.com/",
        "https://example.com\\.evil.com/",
        "https://ex%61mple.com/",
        "https://xn--r8jz45g.jp/\u00e9",
        "https://\u4f8b\u3048.jp/",
        "https://example.com:0/",
        "https://example.com:99999/",
        "https://example.com:+443/",
        "https://example.com:/",
        "https:///did.json",
        "https://[::1%25eth0]/",
        "https://[127.0.0.1]/",
        "https://[::1/",
        "https://exa_mple.com/",
        "https://-example.com/",
        "https://example..com/",
        "https://example.com./",
        "https://" + "a" * 2100 + ".com/",
    ],
    ids=[
        "space",
        "crlf",
        "tab-stripped-by-urlsplit",
        "backslash",
        "percent-host",
        "non-ascii-path",
        "unicode-host",
        "port-0",
        "port-too-big",
        "port-sign",
        "empty-port",
        "empty-host",
        "zone-id",
        "bracketed-ipv4",
        "unclosed-bracket",
        "underscore",
        "leading-hyphen",
        "empty-label",
        "trailing-dot",
        "too-long",
    ],
)
def test_invalid_url_refused(url: str) -> None:
    with pytest.raises(BlockedURL) as info:
        parse_url(url, allow_http=False)
    assert info.value.code == "url_invalid"


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f000001",
        "127.1",
        "0177.0.0.1",
        "0x7f.0.0.1",
        "1.2.3",
        "127.0.0.1.",
        "1.0x7f",
    ],
    ids=["decimal", "hex", "short", "octal", "hex-part", "three-parts", "trailing-dot", "hex-last"],
)
def test_odd_ipv4_notation_refused(host: str) -> None:
    # A public resolver answer must not rescue it: the notation itself is refused (D01).
    with pytest.raises(BlockedURL) as info:
        parse_url(f"https://{host}/did.json", allow_http=False)
    assert info.value.code == "ip_notation"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "192.0.0.192",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "192.0.2.1",
        "192.88.99.1",
        "::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "::127.0.0.1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "fec0::1",
        "ff02::1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "2002:7f00:1::1",
        "2002:808:808::1",
        "2001::1",
        "2001:db8::1",
        "100::1",
    ],
    ids=lambda address: address,
)
def test_blocked_addresses(address: str) -> None:
    assert block_reason(ipaddress.ip_address(address), allow_loopback=False) is not None


@pytest.mark.parametrize(
    "address", ["8.8.8.8", PUBLIC_V4, "2606:4700::1111", "64:ff9b::808:808"], ids=lambda a: a
)
def test_public_addresses_pass(address: str) -> None:
    assert block_reason(ipaddress.ip_address(address), allow_loopback=False) is None


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.0.0.5", True),
        ("::1", True),
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::7f00:1", False),
        ("10.0.0.5", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
    ],
    ids=lambda value: str(value),
)
def test_allow_loopback_opens_only_plain_loopback(address: str, allowed: bool) -> None:
    reason = block_reason(ipaddress.ip_address(address), allow_loopback=True)
    assert (reason is None) is allowed


def test_literal_address_is_not_resolved() -> None:
    endpoint = parse_url("https://[2606:4700::1111]/", allow_http=False)
    addresses = checked_addresses(endpoint, _never_resolve, allow_loopback=False)
    assert addresses == (ipaddress.ip_address("2606:4700::1111"),)


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.5"],
        ["169.254.169.254"],
        ["::ffff:127.0.0.1"],
        ["127.0.0.1"],
        [PUBLIC_V4, "127.0.0.1"],
        ["fe80::1%eth0"],
        ["not-an-address"],
    ],
    ids=["private", "metadata", "mapped-loopback", "loopback", "one-of-many", "scoped", "junk"],
)
def test_any_blocked_answer_refuses_the_host(answers: list[str]) -> None:
    endpoint = parse_url("https://rebind.example/", allow_http=False)
    with pytest.raises(BlockedURL) as info:
        checked_addresses(endpoint, lambda host, port: answers, allow_loopback=False)
    assert info.value.code == "address_blocked"
    assert "rebind.example" in str(info.value)


def test_empty_answer_is_a_dns_failure() -> None:
    endpoint = parse_url("https://nothing.example/", allow_http=False)
    with pytest.raises(FetchError) as info:
        checked_addresses(endpoint, lambda host, port: [], allow_loopback=False)
    assert info.value.code == "dns_failed"


def test_redirect_downgrade_refused() -> None:
    base = parse_url("https://issuer.example/a", allow_http=True)
    with pytest.raises(BlockedURL) as info:
        resolve_reference(base, "http://issuer.example/b", allow_http=True)
    assert info.value.code == "redirect_downgrade"


def test_relative_redirect_resolved_against_base() -> None:
    base = parse_url("https://issuer.example/a/b", allow_http=False)
    assert resolve_reference(base, "../c?d=1", allow_http=False).target == "/c?d=1"


def test_redirect_location_with_control_characters_refused() -> None:
    # urljoin would strip the newline and quietly produce a different, valid-looking URL.
    base = parse_url("https://issuer.example/a", allow_http=False)
    with pytest.raises(BlockedURL) as info:
        resolve_reference(base, "https://1\n27.0.0.1/", allow_http=False)
    assert info.value.code == "url_invalid"
