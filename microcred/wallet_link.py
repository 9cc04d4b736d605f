"""Links a wallet is handed (a scanned QR, pasted text, an opened URL): what they are and mean.

A wallet acts on two kinds of link only (SECURITY-CASES H04): credential offers
(`openid-credential-offer://`, or an https offer URL) and presentation requests (`openid4vp://`,
or an https link carrying `client_id` and `request_uri`). Everything else — `javascript:`,
`data:`, other apps' schemes, plain web pages — is refused, never navigated to. After answering
a request, the verifier may name a `redirect_uri`: it is followed only when it is https (or
http on localhost in a local demo) on the verifier's own host (F10).

Who asks (OpenID4VP 1.0 §5.9.3): only signed requests with a `decentralized_identifier:` client
id are answered. `origin:` is reserved and MUST NOT be accepted; `redirect_uri:` requests cannot
be signed, so nothing says who asks (F08). A did:web verifier names a host, and answers go only
there; a did:key or did:jwk verifier is a bare key, which the spec does not tie to any address:
the learner is told so and must confirm where the answer goes (`binding`).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, urlsplit

from .did import did_web_url
from .errors import InputError, MicrocredError

__all__ = [
    "Binding",
    "LinkKind",
    "binding",
    "check_client_id",
    "classify",
    "response_uri_allowed",
    "safe_redirect",
    "verifier_host",
]

# H01: the most a QR code can carry; a pasted "link" longer than this is not one.
MAX_LINK_CHARS = 4296
OFFER_SCHEME = "openid-credential-offer"
REQUEST_SCHEME = "openid4vp"
DID_PREFIX = "decentralized_identifier:"
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})

LinkKind = Literal["offer", "request"]
# How the verifier's identifier relates to where the answer goes.
Binding = Literal["same_host", "other_host", "unbound"]
# Client Identifier Prefixes (OpenID4VP 1.0 §5.9.3) this wallet refuses, and why.
_REFUSED_PREFIXES = {
    "origin": "the origin: prefix is reserved for the Digital Credentials API and must not be "
    "accepted in a request",
    "redirect_uri": "a redirect_uri: request cannot be signed, so nothing shows who asks; this "
    "wallet answers signed requests only",
    "x509_san_dns": "verifiers identified by an X.509 certificate are not supported here",
    "x509_hash": "verifiers identified by an X.509 certificate are not supported here",
    "verifier_attestation": "verifier attestations are not supported here",
    "openid_federation": "OpenID Federation verifiers are not supported here",
}


def _split(text: str) -> tuple[str, str, dict[str, list[str]]]:
    try:
        parts = urlsplit(text)
        params = parse_qs(parts.query, max_num_fields=20)
    except ValueError:
        raise InputError("this is not a link", code="not_a_wallet_link") from None
    return parts.scheme.lower(), parts.netloc, params


def classify(text: str, *, allow_http: bool = False) -> LinkKind:
    """Say whether a link is a credential offer or a presentation request; refuse anything else."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("paste or scan a link first", code="not_a_wallet_link")
    text = text.strip()
    if len(text) > MAX_LINK_CHARS:
        raise InputError("the text is far too long for a link", code="too_large")
    if any(not ch.isprintable() or ch.isspace() for ch in text):
        raise InputError("a link has no spaces or control characters", code="not_a_wallet_link")
    scheme, netloc, params = _split(text)
    if scheme == OFFER_SCHEME:
        return "offer"
    if scheme == REQUEST_SCHEME:
        return "request"
    web = ("https", "http") if allow_http else ("https",)
    if scheme in web and netloc:
        if "request_uri" in params and "client_id" in params:
            return "request"
        return "offer"
    raise InputError(
        "this is neither a credential offer nor a presentation request", code="not_a_wallet_link"
    )


def verifier_host(client_id: str) -> str | None:
    """The host[:port] a did:web verifier controls, from its client_id; None for other DIDs."""
    if not client_id.startswith(DID_PREFIX + "did:web:"):
        return None
    try:
        return urlsplit(did_web_url(client_id[len(DID_PREFIX) :])).netloc.lower()
    except MicrocredError:
        return None


def check_client_id(client_id: str) -> None:
    """Refuse a client_id whose prefix this wallet does not answer, saying why (§5.9.3)."""
    if not isinstance(client_id, str) or not client_id:
        raise InputError("the request names no verifier (client_id)", code="invalid_client_id")
    prefix = client_id.split(":", 1)[0] if ":" in client_id else ""
    if prefix in _REFUSED_PREFIXES:
        raise InputError(_REFUSED_PREFIXES[prefix], code="unsupported_client_id")
    if prefix + ":" != DID_PREFIX or not client_id[len(DID_PREFIX) :].startswith("did:"):
        # No prefix means a pre-registered client (§5.9.2): this wallet has none.
        raise InputError(
            "only verifiers identified by a DID (decentralized_identifier:) are answered here",
            code="unsupported_client_id",
        )


def binding(client_id: str, response_uri: str) -> Binding:
    """Whether the answer goes to the verifier's own host, another host, or cannot be told."""
    allowed = response_uri_allowed(client_id, response_uri)
    if allowed is None:
        return "unbound"
    return "same_host" if allowed else "other_host"


def response_uri_allowed(client_id: str, response_uri: str) -> bool | None:
    """Whether answers go to the verifier's own host (did:web); None when that cannot be told.

    A request signed by `did:web:employer.example` that asks for the answer to be posted to
    another host would hand the learner's claims to someone the learner did not see.
    """
    host = verifier_host(client_id)
    if host is None:
        return None
    try:
        target = urlsplit(response_uri)
    except ValueError:
        return False
    return target.netloc.lower() == host and "@" not in target.netloc


def safe_redirect(
    url: object, *, verifier: str | None = None, allow_http_localhost: bool = False
) -> str | None:
    """The URL to send the learner's browser to after answering, or None to show it as text.

    Only https (or http on localhost when allowed) with a host, no user information, and — when
    `verifier` (a host[:port]) is given — on that host.
    """
    if not isinstance(url, str) or len(url) > 2048:
        return None
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    if not parts.netloc or "@" in parts.netloc or not hostname:
        return None
    local = allow_http_localhost and parts.scheme == "http" and hostname in _LOCAL_HOSTS
    if parts.scheme != "https" and not local:
        return None
    if verifier is not None and parts.netloc.lower() != verifier:
        return None
    return url
