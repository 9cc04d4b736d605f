"""The wallet side of OpenID4VCI 1.0 (pre-authorized code flow), over an injected HTTP client.

`WalletClient.resolve(link)` reads an offer (by reference through the guarded fetcher, or by
value) and the issuer's metadata, so the wallet can show who offers what; `accept(...)` then
redeems the code (with the learner's transaction code), spends one c_nonce per credential and
returns the credentials. The wallet must still verify them (`microcred.verify.Verifier`): this
client only speaks the protocol. Offers are untrusted input (§13.5, SECURITY-CASES G05): every
URL goes through the HTTP client's SSRF policy and the metadata must name the offer's issuer (G10).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from . import did
from .errors import CredentialError, InputError
from .exchange import Response
from .issuer_metadata import (
    AS_WELL_KNOWN,
    ISSUER_WELL_KNOWN,
    IssuerMetadata,
    read_issuer_metadata,
    read_token_endpoint,
    well_known_url,
)
from .key_proof import make_proof
from .keys import PrivateKey
from .oid4vci import (
    MAX_OFFER_BYTES,
    PRE_AUTHORIZED_GRANT,
    CredentialOffer,
    read_error,
    read_offer,
    read_offer_link,
)

JSON = "application/json"
# Formats whose credential travels as a string in the Credential Response (Appendix A).
STRING_FORMATS = frozenset({"dc+sd-jwt", "jwt_vc_json", "jwt_vc_json-ld"})


class HTTPClient(Protocol):
    """What the client needs of `microcred.fetch.Fetcher`."""

    def get(
        self, url: str, *, accept: str = ..., max_bytes: int | None = ..., use_cache: bool = ...
    ) -> Response: ...

    def post_form(
        self, url: str, data: Mapping[str, str], *, headers: Mapping[str, str] | None = ...
    ) -> Response: ...

    def post_json(
        self, url: str, obj: Any, *, headers: Mapping[str, str] | None = ...
    ) -> Response: ...


@dataclass(frozen=True)
class ResolvedOffer:
    """An offer with the checked metadata of its issuer: what the wallet shows before accepting."""

    offer: CredentialOffer
    metadata: IssuerMetadata
    token_endpoint: str

    @property
    def issuer_name(self) -> str:
        """The issuer's display name, or its identifier when it gives none."""
        return self.metadata.name or self.offer.credential_issuer


@dataclass(frozen=True)
class IssuedCredential:
    """One credential as received: its configuration, format and the credential itself."""

    configuration_id: str
    format: str
    credential: str | dict[str, Any]


def _check_issuer_id(value: str, *, allow_http: bool) -> None:
    """§12.2.1: an https URL with host, optional port and path, no query or fragment."""
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc or parts.query or parts.fragment:
        raise InputError("the offer's credential_issuer is not an https URL", code="invalid_offer")
    if "@" in parts.netloc:
        raise InputError("the credential_issuer URL carries user information", code="invalid_offer")


class WalletClient:
    """Runs the OpenID4VCI client flow for one holder key with an injected HTTP client."""

    def __init__(
        self,
        http: HTTPClient,
        holder_key: PrivateKey,
        *,
        allow_http: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._key = holder_key
        self._allow_http = allow_http
        self._clock = clock

    def resolve(self, link: str) -> ResolvedOffer:
        """Read an offer link and fetch and check the offering issuer's metadata."""
        uri, value = read_offer_link(link, allow_http=self._allow_http)
        if uri is not None:
            value = self._get_json(uri, max_bytes=MAX_OFFER_BYTES)
        offer = read_offer(value)
        _check_issuer_id(offer.credential_issuer, allow_http=self._allow_http)
        meta_url = well_known_url(offer.credential_issuer, ISSUER_WELL_KNOWN)
        metadata = read_issuer_metadata(
            self._get_json(meta_url), credential_issuer=offer.credential_issuer
        )
        unknown = [c for c in offer.configuration_ids if c not in metadata.configurations]
        if unknown:
            raise InputError(
                "the offer names configurations the issuer does not describe",
                code="invalid_offer",
            )
        server = metadata.authorization_server
        _check_issuer_id(server, allow_http=self._allow_http)
        token_endpoint = read_token_endpoint(
            self._get_json(well_known_url(server, AS_WELL_KNOWN)), issuer=server
        )
        return ResolvedOffer(offer, metadata, token_endpoint)

    def accept(
        self,
        resolved: ResolvedOffer,
        *,
        tx_code: str | None = None,
        configuration_ids: Sequence[str] | None = None,
    ) -> tuple[IssuedCredential, ...]:
        """Redeem the offer and fetch each wanted configuration (default: all offered)."""
        wanted = tuple(configuration_ids or resolved.offer.configuration_ids)
        if any(c not in resolved.offer.configuration_ids for c in wanted):
            raise InputError("only offered configurations can be requested", code="invalid_offer")
        if resolved.offer.tx_code is not None and not tx_code:
            raise InputError("the issuer asks for a transaction code", code="tx_code_required")
        access_token = self.request_token(resolved, tx_code)
        return tuple(self.request_credential(resolved, access_token, c) for c in wanted)

    def receive(
        self,
        link: str,
        *,
        tx_code: str | None = None,
        configuration_ids: Sequence[str] | None = None,
    ) -> tuple[IssuedCredential, ...]:
        """Resolve and accept in one step (for tests and command-line use)."""
        resolved = self.resolve(link)
        return self.accept(resolved, tx_code=tx_code, configuration_ids=configuration_ids)

    def request_token(self, resolved: ResolvedOffer, tx_code: str | None) -> str:
        """Exchange the pre-authorized code (and transaction code) for an access token (§6)."""
        form = {
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": resolved.offer.pre_authorized_code,
        }
        if tx_code is not None:
            form["tx_code"] = tx_code
        response = self._http.post_form(resolved.token_endpoint, form)
        body = self._json(response, "token request")
        token = body.get("access_token")
        if (
            not isinstance(token, str)
            or not token
            or str(body.get("token_type")).lower() != "bearer"
        ):
            raise CredentialError("the token response has no bearer token", code="bad_response")
        return token

    def request_nonce(self, metadata: IssuerMetadata) -> str | None:
        """A fresh c_nonce from the nonce endpoint (§7), or None when the issuer has none."""
        if metadata.nonce_endpoint is None:
            return None
        body = self._json(self._http.post_form(metadata.nonce_endpoint, {}), "nonce request")
        nonce = body.get("c_nonce")
        if not isinstance(nonce, str) or not nonce:
            raise CredentialError("the nonce response has no c_nonce", code="bad_response")
        return nonce

    def proof_for(self, resolved: ResolvedOffer, configuration_id: str, nonce: str) -> str:
        """A key proof for one configuration: a JWK for `jwk` binding, else a DID URL kid."""
        config = resolved.metadata.configurations[configuration_id]
        kid = None
        if "jwk" not in config.binding_methods:
            public = self._key.public_key
            if "did:key" in config.binding_methods:
                holder = did.did_key(public)
                kid = f"{holder}#{holder.removeprefix('did:key:')}"
            else:
                kid = did.did_jwk(public) + "#0"
        return make_proof(
            self._key,
            audience=resolved.offer.credential_issuer,
            nonce=nonce,
            iat=int(self._clock()),
            kid=kid,
        )

    def request_credential(
        self, resolved: ResolvedOffer, access_token: str, configuration_id: str
    ) -> IssuedCredential:
        """Fetch one credential with a fresh key proof (§8)."""
        nonce = self.request_nonce(resolved.metadata) or ""
        body = {
            "credential_configuration_id": configuration_id,
            "proofs": {"jwt": [self.proof_for(resolved, configuration_id, nonce)]},
        }
        response = self._http.post_json(
            resolved.metadata.credential_endpoint,
            body,
            headers={"Authorization": f"Bearer {access_token}"},
        )
        answer = self._json(response, "credential request")
        fmt = resolved.metadata.configurations[configuration_id].format
        return IssuedCredential(configuration_id, fmt, _one_credential(answer, fmt))

    def _get_json(self, url: str, *, max_bytes: int | None = None) -> Any:
        # Offers and metadata are fetched fresh: a cached offer could be a used one.
        response = self._http.get(url, accept=JSON, max_bytes=max_bytes, use_cache=False)
        return response.json()

    @staticmethod
    def _json(response: Response, what: str) -> dict[str, Any]:
        if not 200 <= response.status < 300:
            raise read_error(response.status, response.body, what)
        body = response.json()
        if not isinstance(body, dict):
            raise CredentialError(f"the {what} answer is not a JSON object", code="bad_response")
        return body


def _one_credential(answer: dict[str, Any], fmt: str) -> str | dict[str, Any]:
    """The single credential of a Credential Response, of the shape its format requires."""
    items = answer.get("credentials")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        # Deferred issuance (transaction_id) is not supported: the issuer must answer at once.
        raise CredentialError("the credential response holds no credential", code="bad_response")
    credential = items[0].get("credential")
    wants_string = fmt in STRING_FORMATS
    if (wants_string and not isinstance(credential, str)) or (
        not wants_string and not isinstance(credential, dict)
    ):
        raise CredentialError(f"a {fmt} credential of the wrong shape", code="bad_response")
    assert isinstance(credential, str | dict)
    return credential
