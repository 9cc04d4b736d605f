"""What a scanned QR code, a pasted text or a dropped file holds, as a verifier sees it.

Accepted (SECURITY-CASES H04, exact allowlist): a wallet share link (`.../s/<128-bit id>`, fetched
through the guarded client, never opened in the browser), a compact SD-JWT VC or VC-JWT, or a
JSON credential or presentation. Everything else (credential offers, OpenID4VP requests,
`javascript:` and other schemes, unrelated web links, vCards, plain text) is refused with a
plain-words reason; nothing is ever navigated to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from . import strictjson
from .errors import FetchError, InputError, MicrocredError, PayloadTooLarge

# H01: a QR code holds at most ~4.3 K characters; pasted text or a file may hold a whole
# credential or presentation (a few KB), so the cap is the pipeline's payload cap.
MAX_TEXT_CHARS = 512_000
# The share path of the interop contract: /s/<share_id>, a 128-bit base64url id (22 chars).
_SHARE_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/s/[A-Za-z0-9_-]{22,64}")
# RFC 9901 §4 compact form, and a compact JWS (RFC 7515 §7.1).
_SD_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~[A-Za-z0-9_.~-]*")
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,30}):")
# What to say about URL schemes people are likely to scan by mistake.
_WRONG_SCHEMES = {
    "openid-credential-offer": "this is a credential offer: open it with a wallet, not a verifier",
    "openid4vp": "this is a request for a wallet to present credentials, not a credential",
    "javascript": "this QR code holds a script, not a credential",
    "data": "this QR code holds embedded data, not a credential",
}
# What a share link answers with (interop contract), in order of preference.
SHARE_ACCEPT = "application/dc+sd-jwt, application/vc+ld+json;q=0.9, application/json;q=0.8"
JSON_TYPES = frozenset({"application/vc+ld+json", "application/json", "application/vp+ld+json"})

Kind = Literal["share_link", "compact", "json"]


@dataclass(frozen=True)
class Scanned:
    """Accepted input: a share link to fetch, a compact credential, or a JSON document."""

    kind: Kind
    value: str | dict[str, Any]


def _not_a_credential(message: str) -> InputError:
    return InputError(message, code="not_a_credential")


def classify(text: str, *, allow_http: bool = False) -> Scanned:
    """Say what a text holds, raising InputError (code "not_a_credential") for anything else."""
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadTooLarge(f"text over {MAX_TEXT_CHARS} characters")
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise _not_a_credential("there is nothing to verify")
    if text.startswith("{"):
        return Scanned("json", strictjson.loads_object(text))
    if _SD_JWT.fullmatch(text) or _JWS.fullmatch(text):
        return Scanned("compact", text)
    scheme = _SCHEME.match(text)
    if scheme is None:
        raise _not_a_credential("this is plain text, not a credential or a share link")
    name = scheme.group(1).lower()
    if name in _WRONG_SCHEMES:
        raise _not_a_credential(_WRONG_SCHEMES[name])
    if name not in ("https", "http"):
        raise _not_a_credential(f"this QR code holds a {name[:20]}: link, not a credential")
    return Scanned("share_link", _share_link(text, allow_http=allow_http))


def _share_link(text: str, *, allow_http: bool) -> str:
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _not_a_credential("this link cannot be read") from None
    if parts.scheme.lower() == "http" and not allow_http:
        raise _not_a_credential("share links must use https")
    if not parts.hostname or _SHARE_PATH.fullmatch(parts.path) is None or parts.query:
        raise _not_a_credential("this is a web link, not a wallet share link or a credential")
    # The fragment is never sent; dropping it keeps the fetched URL exactly the share URL.
    return text.split("#", 1)[0]


def fetch_shared(url: str, fetcher: Any) -> str | dict[str, Any]:
    """Fetch the presentation behind a share link through the guarded client (no cache)."""
    try:
        response = fetcher.get(url, accept=SHARE_ACCEPT, use_cache=False)
    except FetchError as error:
        if error.code == "http_410":
            raise FetchError(
                "this share has expired, was withdrawn or was already used", code="share_gone"
            ) from None
        if error.code == "http_404":
            raise FetchError(
                "the wallet does not know this share link", code="share_unknown"
            ) from None
        raise
    body, media = response.body, response.content_type
    try:
        if media == "application/dc+sd-jwt":
            return _compact(body.decode("ascii").strip())
        if media in JSON_TYPES:
            return strictjson.loads_object(body)
    except UnicodeDecodeError:
        raise InputError(
            "the wallet sent an unreadable credential", code="malformed_encoding"
        ) from None
    except MicrocredError as error:
        raise InputError(
            f"the wallet sent an unreadable credential: {error.message}", code=error.code
        ) from None
    raise InputError(
        f"the share link answered {media[:60] or 'without a content type'}, not a credential",
        code="not_a_credential",
    )


def _compact(text: str) -> str:
    if _SD_JWT.fullmatch(text) is None and _JWS.fullmatch(text) is None:
        raise InputError("the wallet sent an unreadable credential", code="sd_jwt_malformed")
    return text
