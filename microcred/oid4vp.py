"""OpenID4VP 1.0 with signed request objects by reference and `direct_post`: both sides.

Verifier side: `new_secret`, `request_object` + `sign_request` (JAR, RFC 9101, `client_id` with
the `decentralized_identifier:` prefix, §5.9.3) and `request_link`; what comes back is read by
`vp_token` and checked by `presentation_check`. Wallet side: `parse_request_link`,
`fetch_request`, `verify_request`, `present_sd_jwt`, `build_response`, `error_response`, `submit`.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import base64url, dcql, disclosure, jose, sdjwt, strictjson
from .did import DIDResolver
from .errors import (
    FetchError,
    InputError,
    TokenError,
    VerificationMethodError,
)
from .keys import PrivateKey, PublicKey

REQUEST_TYP = "oauth-authz-req+jwt"
REQUEST_MEDIA = "application/oauth-authz-req+jwt"
# §5.8: the request object's audience when the wallet's metadata is static (no discovery).
SELF_ISSUED = "https://self-issued.me/v2"
DID_PREFIX = "decentralized_identifier:"
SCHEME = "openid4vp"
# §5.2: at least 128 bits of entropy for nonce and state (F01, I10).
SECRET_BYTES = 16
# §5.2: nonce and state use only URL-safe ASCII.
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]{16,256}")
# A request object is a few KB (G2).
MAX_REQUEST_BYTES = 64_000
# Formats this verifier asks for, with the algorithms it accepts (§11.1, B.3.4).
ALGS = ["EdDSA", "ES256"]
VP_FORMATS = {dcql.SD_JWT_VC: {"sd-jwt_alg_values": ALGS, "kb-jwt_alg_values": ALGS}}


def new_secret() -> str:
    """A fresh 128-bit CSPRNG value, base64url: for ids, nonces, states and response codes."""
    return base64url.encode(secrets.token_bytes(SECRET_BYTES))


def client_id_for(did: str) -> str:
    """The Client Identifier of a verifier identified by a DID (§5.9.3)."""
    return DID_PREFIX + did


def request_object(
    *,
    client_id: str,
    response_uri: str,
    nonce: str,
    state: str,
    query: dcql.Query,
    client_name: str,
    issued_at: int,
    lifetime: int,
) -> dict[str, Any]:
    """The claims of a request object for `vp_token` with `direct_post` (§5.1, §8.2)."""
    return {
        "iss": client_id,
        "aud": SELF_ISSUED,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "client_id": client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": nonce,
        "state": state,
        "dcql_query": query.to_json(),
        "client_metadata": {"client_name": client_name, "vp_formats_supported": VP_FORMATS},
    }


def sign_request(claims: dict[str, Any], key: PrivateKey, kid: str) -> str:
    """Sign request object claims as a JAR (typ `oauth-authz-req+jwt`, RFC 9101 §4)."""
    return jose.sign(claims, key, typ=REQUEST_TYP, kid=kid)


def request_link(client_id: str, request_uri: str, *, wallet_url: str | None = None) -> str:
    """The link (or QR text) that hands a request to a wallet by reference (§5.3, RFC 9101)."""
    query = urlencode({"client_id": client_id, "request_uri": request_uri})
    if wallet_url:
        return f"{wallet_url.rstrip('/')}/vp?{query}"
    return f"{SCHEME}://?{query}"


# --- wallet side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    """A verified request object: who asks, where to answer, and what for."""

    client_id: str
    response_uri: str
    nonce: str
    state: str | None
    query: dcql.Query
    client_name: str | None
    claims: Mapping[str, Any]


def parse_request_link(link: str) -> tuple[str, str]:
    """Read client_id and request_uri from an `openid4vp://` or wallet https link."""
    try:
        parts = urlsplit(link)
    except ValueError:
        raise InputError("not a link", code="invalid_request_link") from None
    if parts.scheme not in (SCHEME, "https", "http") or len(link) > 4096:
        raise InputError("not an OpenID4VP request link", code="invalid_request_link")
    params = parse_qs(parts.query, strict_parsing=False, max_num_fields=10)
    client_id, request_uri = params.get("client_id", []), params.get("request_uri", [])
    if len(client_id) != 1 or len(request_uri) != 1:
        raise InputError(
            "the link needs one client_id and one request_uri", code="invalid_request_link"
        )
    if urlsplit(request_uri[0]).scheme not in ("https", "http"):
        raise InputError("request_uri must be an http(s) URL", code="invalid_request_link")
    return client_id[0], request_uri[0]


def fetch_request(fetcher: Any, request_uri: str) -> str:
    """GET the request object by reference through the guarded client (F07: no redirects)."""
    response = fetcher.get(
        request_uri, accept=REQUEST_MEDIA, max_bytes=MAX_REQUEST_BYTES, use_cache=False
    )
    try:
        return str(response.body.decode("ascii")).strip()
    except UnicodeDecodeError:
        raise InputError(
            "the request object is not a compact JWS", code="invalid_request_object"
        ) from None


def _invalid(message: str) -> TokenError:
    return TokenError(message, code="invalid_request_object")


def _verifier_key(resolver: DIDResolver, kid: Any, did: str) -> PublicKey:
    if not isinstance(kid, str) or not kid.startswith(did + "#"):
        raise _invalid("the request object's kid is not a key of the client's DID")
    try:
        return resolver.key(kid, "authentication", did=did)
    except VerificationMethodError:
        return resolver.key(kid, "assertionMethod", did=did)


def verify_request(
    token: str, *, client_id: str, resolver: DIDResolver, now: float | None = None
) -> AuthorizationRequest:
    """Check a signed request object (§5, §5.9.3, RFC 9101 §6) before showing it to the holder."""
    if not client_id.startswith(DID_PREFIX):
        raise _invalid("only decentralized_identifier client ids are supported")
    did = client_id[len(DID_PREFIX) :]
    jws = jose.parse(token, typ=REQUEST_TYP, max_bytes=MAX_REQUEST_BYTES)
    jose.verify_parsed(jws, _verifier_key(resolver, jws.header.get("kid"), did))
    claims = jws.payload
    jose.check_times(claims, now=now)
    # RFC 9101 §6.3 / §5.10.1: the link's client_id and the signed one must be identical.
    if claims.get("client_id") != client_id:
        raise _invalid("client_id differs from the link's")
    if claims.get("aud", SELF_ISSUED) != SELF_ISSUED:
        raise _invalid("the request object is meant for another wallet")
    if claims.get("response_type") != "vp_token" or claims.get("response_mode") != "direct_post":
        raise _invalid("only response_type vp_token with direct_post is supported")
    # §8.2: response_uri and redirect_uri together are an invalid request (F11).
    if "redirect_uri" in claims:
        raise _invalid("redirect_uri must not be present with direct_post")
    response_uri = claims.get("response_uri")
    if not isinstance(response_uri, str) or urlsplit(response_uri).scheme not in ("https", "http"):
        raise _invalid("response_uri must be an http(s) URL")
    nonce, state = claims.get("nonce"), claims.get("state")
    if not isinstance(nonce, str) or _URL_SAFE.fullmatch(nonce) is None:
        raise _invalid("nonce must be URL-safe text of at least 16 characters")
    if state is not None and (not isinstance(state, str) or _URL_SAFE.fullmatch(state) is None):
        raise _invalid("state must be URL-safe text of at least 16 characters")
    metadata = claims.get("client_metadata", {})
    name = metadata.get("client_name") if isinstance(metadata, dict) else None
    return AuthorizationRequest(
        client_id=client_id,
        response_uri=response_uri,
        nonce=nonce,
        state=state,
        query=dcql.parse_query(claims.get("dcql_query")),
        client_name=name if isinstance(name, str) else None,
        claims=claims,
    )


def _covers(pattern: dcql.ClaimPath, path: disclosure.ClaimPath) -> bool:
    """True if a disclosable path lies on (or under) a requested claims path pointer."""
    for want, have in zip(pattern, path, strict=False):
        if not (want == have or (want is None and isinstance(have, int))):
            return False
    return True


def present_sd_jwt(
    sd_jwt: str,
    paths: tuple[dcql.ClaimPath, ...],
    *,
    holder_key: PrivateKey,
    request: AuthorizationRequest,
    iat: int | None = None,
) -> str:
    """An SD-JWT VC presentation disclosing exactly the requested paths, bound to the request.

    The KB-JWT's `aud` is the full client_id and its `nonce` the request's (§B.3.6, F12).
    """
    return sdjwt.present(
        sd_jwt,
        disclose=lambda path: any(_covers(pattern, path) for pattern in paths),
        holder_key=holder_key,
        nonce=request.nonce,
        audience=request.client_id,
        iat=int(time.time()) if iat is None else iat,
    )


def build_response(
    request: AuthorizationRequest, vp_token: Mapping[str, list[Any]]
) -> dict[str, str]:
    """The form fields of a `direct_post` Authorization Response (§8.1, §8.2)."""
    form = {"vp_token": strictjson.dumps(dict(vp_token))}
    if request.state is not None:
        form["state"] = request.state
    return form


def error_response(
    request: AuthorizationRequest, error: str, description: str = ""
) -> dict[str, str]:
    """The form fields of an Authorization Error Response, e.g. access_denied (§8.5)."""
    form = {"error": error}
    if description:
        form["error_description"] = description
    if request.state is not None:
        form["state"] = request.state
    return form


def submit(fetcher: Any, request: AuthorizationRequest, form: Mapping[str, str]) -> dict[str, Any]:
    """POST a response to the response_uri and return the verifier's JSON answer (§8.2)."""
    response = fetcher.post_form(request.response_uri, form)
    if response.status != 200:
        raise FetchError(
            f"the verifier answered HTTP {response.status}", code=f"http_{response.status}"
        )
    answer = response.json()
    if not isinstance(answer, dict):
        raise InputError("the verifier's answer is not a JSON object", code="malformed_json")
    return answer
