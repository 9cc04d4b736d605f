"""A test wallet for OpenID4VP: the wallet app does not exist yet, so this client plays it.

It speaks to the verifier over real HTTP through the core's guarded Fetcher (loopback allowed,
as in the demo), verifies the signed request object against the verifier's did:web, matches
the DCQL query with `claim_selection` and presents with `oid4vp.present_sd_jwt`. Knobs let a
test send what a faulty or hostile wallet would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from issuer_site import HOLDER

from microcred import claim_selection, oid4vp, sdjwt
from microcred.did import DIDResolver
from microcred.disclosure import process
from microcred.fetch import Fetcher, FetchPolicy
from microcred.model import VCT

LOOPBACK = FetchPolicy(allow_http=True, allow_loopback=True)


def held_claims(sd_jwt: str) -> dict[str, Any]:
    """Every claim the holder could disclose, plus the plaintext ones (what DCQL matches on)."""
    parsed = sdjwt.parse(sd_jwt)
    return process(parsed.jws.payload, parsed.disclosures).claims


@dataclass
class Answered:
    """What the wallet saw and sent."""

    request: oid4vp.AuthorizationRequest
    form: dict[str, str]
    answer: dict[str, Any]


class TestWallet:
    """Holds one SD-JWT VC bound to HOLDER and answers requests with it."""

    __test__ = False  # not a pytest test class

    def __init__(self, sd_jwt: str) -> None:
        self.sd_jwt = sd_jwt
        self.fetcher = Fetcher(LOOPBACK)
        self.resolver = DIDResolver(self.fetcher.get_json, web_scheme="http")

    def read(self, link: str) -> oid4vp.AuthorizationRequest:
        """Fetch and verify the request a QR code or link refers to."""
        client_id, request_uri = oid4vp.parse_request_link(link)
        token = oid4vp.fetch_request(self.fetcher, request_uri)
        return oid4vp.verify_request(token, client_id=client_id, resolver=self.resolver)

    def paths_for(self, request: oid4vp.AuthorizationRequest) -> tuple[Any, ...]:
        """The claim paths the query asks of our credential (raises if it cannot answer)."""
        held = claim_selection.Held("held-1", "dc+sd-jwt", held_claims(self.sd_jwt), VCT)
        found = claim_selection.match(request.query, [held])
        return found["microcredential"][0].paths

    def present(
        self,
        request: oid4vp.AuthorizationRequest,
        paths: tuple[Any, ...],
        *,
        nonce: str | None = None,
        audience: str | None = None,
    ) -> str:
        """A presentation of `paths`, bound to the request (or to another nonce/audience)."""
        bound_to = oid4vp.AuthorizationRequest(
            client_id=audience or request.client_id,
            response_uri=request.response_uri,
            nonce=nonce or request.nonce,
            state=request.state,
            query=request.query,
            client_name=request.client_name,
            claims=request.claims,
        )
        return oid4vp.present_sd_jwt(self.sd_jwt, paths, holder_key=HOLDER, request=bound_to)

    def answer(
        self,
        link: str,
        *,
        extra: tuple[Any, ...] = (),
        drop: tuple[Any, ...] = (),
        vp_token: Callable[[oid4vp.AuthorizationRequest, str], dict[str, Any]] | None = None,
        **binding: str,
    ) -> Answered:
        """Answer a request: the asked claims (+ extra, - drop), optionally a custom vp_token."""
        request = self.read(link)
        paths = tuple(p for p in self.paths_for(request) if p not in drop) + extra
        presentation = self.present(request, paths, **binding)
        token = vp_token(request, presentation) if vp_token else {"microcredential": [presentation]}
        form = oid4vp.build_response(request, token)
        return Answered(request, form, self.post(request, form))

    def decline(self, link: str) -> dict[str, Any]:
        """Answer with access_denied."""
        request = self.read(link)
        return self.post(request, oid4vp.error_response(request, "access_denied"))

    def post(self, request: oid4vp.AuthorizationRequest, form: dict[str, str]) -> dict[str, Any]:
        """POST a form to the response_uri; the status and JSON body come back as a dict."""
        response = self.fetcher.post_form(request.response_uri, form)
        return {"status": response.status, **response.json()}
