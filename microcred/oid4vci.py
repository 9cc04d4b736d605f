"""OpenID4VCI 1.0, pre-authorized code flow: offers, token and credential messages, OAuth errors.

Both sides use this module: the issuer builds offers and reads token and credential requests;
the wallet (`oid4vci_client.WalletClient`) reads offers and builds requests. Section numbers are
those of OpenID4VCI 1.0 (errata set 1): §4.1 Credential Offer, §6 Token Endpoint, §7 Nonce
Endpoint, §8 Credential Endpoint. Metadata lives in `issuer_metadata`, key proofs in `key_proof`.

Errors are core errors whose `code` is the OAuth error code the endpoint must answer with
(`invalid_grant`, `invalid_proof`, ...); `error_response` turns one into status and JSON body.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from . import strictjson
from .errors import (
    CredentialError,
    InputError,
    MicrocredError,
    PayloadTooLarge,
    TokenError,
)

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer"
# The three configurations of a micro-credential (one per format), in the order offered.
SD_JWT_CONFIG = "MicroCredential_sd_jwt"
OB3_CONFIG = "MicroCredential_ob3"
JWT_VC_CONFIG = "MicroCredential_jwt_vc"
CONFIGURATION_IDS = (SD_JWT_CONFIG, OB3_CONFIG, JWT_VC_CONFIG)
FORMATS = {SD_JWT_CONFIG: "dc+sd-jwt", OB3_CONFIG: "ldp_vc", JWT_VC_CONFIG: "jwt_vc_json"}
# §4.1.1: "The length of the string MUST NOT exceed 300 characters".
MAX_TX_DESCRIPTION = 300
# An offer is a few hundred bytes; anything far bigger is refused before parsing (G2).
MAX_OFFER_BYTES = 16_000
# Longest code, token or id accepted in a request (ours are 43 characters).
MAX_OPAQUE = 512
# Bearer token syntax (RFC 6750 §2.1 b64token).
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
# error_description charset (§8.3.1.2, RFC 6749 §5.2): printable ASCII without '"' and '\'.
_DESCRIPTION_DROP = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")
# Codes answered with 401 and a WWW-Authenticate challenge (RFC 6750 §3.1) instead of 400.
UNAUTHORIZED_CODES = frozenset({"invalid_token"})


@dataclass(frozen=True)
class TxCode:
    """What the wallet must ask the learner for (§4.1.1 `tx_code`): a code sent another way."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `tx_code` object of an offer."""
        data: dict[str, Any] = {"input_mode": self.input_mode}
        if self.length is not None:
            data["length"] = self.length
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass(frozen=True)
class CredentialOffer:
    """A Credential Offer with a pre-authorized code grant (§4.1.1)."""

    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    tx_code: TxCode | None = None

    def to_json(self) -> dict[str, Any]:
        """The offer object the issuer serves at its `credential_offer_uri`."""
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.tx_code is not None:
            grant["tx_code"] = self.tx_code.to_json()
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }


def offer_link(offer_uri: str) -> str:
    """The QR/link form of an offer by reference: `openid-credential-offer://?credential_offer_uri=`."""
    return f"{OFFER_SCHEME}://?credential_offer_uri={quote(offer_uri, safe='')}"


def _invalid_offer(message: str) -> InputError:
    return InputError(message, code="invalid_offer")


def read_offer_link(link: str, *, allow_http: bool = False) -> tuple[str | None, Any]:
    """Split an offer link into (offer URI to fetch, None) or (None, offer object by value).

    Accepted: `openid-credential-offer://?credential_offer_uri=...` or `?credential_offer=...`
    (§4.1), and a plain https URL of an offer (the same-device link), fetched like a reference.
    """
    if not isinstance(link, str) or not link.strip() or len(link) > MAX_OFFER_BYTES:
        raise _invalid_offer("an offer link is a short text")
    link = link.strip()
    parts = urlsplit(link)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme in schemes:
        return link, None
    # Scheme allow-list: anything else (javascript:, data:, file:, other apps) is not an offer.
    if parts.scheme != OFFER_SCHEME:
        raise _invalid_offer("not a credential offer link")
    params = parse_qs(parts.query, keep_blank_values=True)
    by_reference, by_value = params.get("credential_offer_uri"), params.get("credential_offer")
    if bool(by_reference) == bool(by_value) or len(by_reference or by_value or ()) != 1:
        # §4.1: exactly one of the two parameters, once.
        raise _invalid_offer("the link needs exactly one credential_offer or credential_offer_uri")
    if by_value:
        return None, strictjson.loads_object(by_value[0], max_bytes=MAX_OFFER_BYTES)
    assert by_reference is not None
    uri = by_reference[0]
    if urlsplit(uri).scheme not in schemes:
        raise _invalid_offer("credential_offer_uri must be an https URL")
    return uri, None


def _text(value: Any, name: str, *, limit: int = MAX_OPAQUE) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _invalid_offer(f"{name} must be a non-empty string")
    return value


def _read_tx_code(value: Any) -> TxCode | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _invalid_offer("tx_code must be an object")
    mode = value.get("input_mode", "numeric")
    length = value.get("length")
    description = value.get("description")
    if mode not in ("numeric", "text"):
        raise _invalid_offer("tx_code input_mode must be numeric or text")
    if length is not None and (type(length) is not int or not 1 <= length <= 64):
        raise _invalid_offer("tx_code length must be a small positive integer")
    if description is not None:
        description = _text(description, "tx_code description", limit=MAX_TX_DESCRIPTION)
    return TxCode(mode, length, description)


def read_offer(obj: Any) -> CredentialOffer:
    """Check an offer object (§4.1.1); only the pre-authorized code grant is supported."""
    if not isinstance(obj, dict):
        raise _invalid_offer("a credential offer is a JSON object")
    issuer = _text(obj.get("credential_issuer"), "credential_issuer", limit=2048)
    ids = obj.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or len(set(map(str, ids))) != len(ids):
        raise _invalid_offer("credential_configuration_ids must be a non-empty unique list")
    ids = [_text(item, "credential configuration id", limit=200) for item in ids]
    grants = obj.get("grants")
    grant = grants.get(PRE_AUTHORIZED_GRANT) if isinstance(grants, dict) else None
    if not isinstance(grant, dict):
        raise InputError(
            "only offers with a pre-authorized code are supported", code="unsupported_grant_type"
        )
    code = _text(grant.get("pre-authorized_code"), "pre-authorized_code")
    return CredentialOffer(issuer, tuple(ids), code, _read_tx_code(grant.get("tx_code")))


@dataclass(frozen=True)
class TokenRequest:
    """A Token Request of the pre-authorized code grant (§6.1)."""

    pre_authorized_code: str
    tx_code: str | None


def read_token_request(form: Mapping[str, str]) -> TokenRequest:
    """Check a token request's form fields; raises with the OAuth error code to answer."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise InputError("grant_type is missing", code="invalid_request")
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise InputError("only the pre-authorized code grant", code="unsupported_grant_type")
    code = form.get("pre-authorized_code")
    if not code or len(code) > MAX_OPAQUE:
        raise InputError("pre-authorized_code is missing", code="invalid_request")
    tx_code = form.get("tx_code")
    if tx_code is not None and len(tx_code) > 64:
        raise TokenError("the transaction code is wrong", code="invalid_grant")
    return TokenRequest(code, tx_code)


def token_response(access_token: str, expires_in: int) -> dict[str, Any]:
    """A successful Token Response (§6.2, RFC 6749 §5.1)."""
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}


def bearer_token(authorization: str | None) -> str:
    """The access token of an `Authorization: Bearer` header (RFC 6750 §2.1)."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _B64TOKEN.fullmatch(token) or len(token) > MAX_OPAQUE:
        raise TokenError("a Bearer access token is required", code="invalid_token")
    return token


@dataclass(frozen=True)
class CredentialRequest:
    """A Credential Request for one configuration with one `jwt` key proof (§8.2)."""

    configuration_id: str
    proof_jwt: str


def read_credential_request(obj: Any, *, offered: Collection[str]) -> CredentialRequest:
    """Check a credential request body; raises with the OAuth error code to answer (§8.3.1.2)."""
    if not isinstance(obj, dict):
        raise InputError(
            "the request body must be a JSON object", code="invalid_credential_request"
        )
    if "credential_identifier" in obj:
        raise InputError(
            "credential identifiers are not used here", code="unknown_credential_identifier"
        )
    config = obj.get("credential_configuration_id")
    if not isinstance(config, str) or not config:
        raise InputError(
            "credential_configuration_id is missing", code="invalid_credential_request"
        )
    if config not in offered:
        raise InputError(
            "this configuration was not offered", code="unknown_credential_configuration"
        )
    proofs = obj.get("proofs")
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
        # "proofs ... contains exactly one parameter named as the proof type" (§8.2).
        raise TokenError("proofs must hold jwt key proofs", code="invalid_proof")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        # No batch issuance (the metadata has no batch_credential_issuance): one key, one proof.
        raise TokenError("exactly one jwt proof is accepted", code="invalid_proof")
    return CredentialRequest(config, jwts[0])


def credential_response(credential: str | dict[str, Any]) -> dict[str, Any]:
    """A Credential Response with one credential (§8.3)."""
    return {"credentials": [{"credential": credential}]}


def _ascii_description(message: str) -> str:
    return _DESCRIPTION_DROP.sub("", message.replace('"', "'"))[:300]


def error_response(error: MicrocredError) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body of an OAuth error response for a core error."""
    code = error.code if _ERROR_CODE.fullmatch(error.code) else "invalid_request"
    status = 401 if code in UNAUTHORIZED_CODES else 400
    if isinstance(error, PayloadTooLarge):
        status = 413
    return status, {"error": code, "error_description": _ascii_description(error.message)}


def read_error(status: int, body: bytes, what: str) -> CredentialError:
    """The wallet's view of an issuer's error answer: a CredentialError with the OAuth code."""
    code = f"http_{status}"
    try:
        data = strictjson.loads_object(body, max_bytes=16_000)
    except InputError:
        data = {}
    if isinstance(data.get("error"), str) and _ERROR_CODE.fullmatch(data["error"]):
        code = data["error"]
    # The description is the issuer's text: kept short and plain, shown only as a detail.
    detail = data.get("error_description")
    detail = f": {_ascii_description(detail)[:120]}" if isinstance(detail, str) else ""
    return CredentialError(f"the issuer refused the {what} ({code}){detail}", code=code)
