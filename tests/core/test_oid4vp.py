"""OpenID4VP request objects (JAR) and the wallet-side helpers, in-process (did:key verifier)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from microcred import base64url, dcql, issuance, jose, oid4vp, sdjwt, strictjson
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.did import DIDResolver, did_key
from microcred.errors import FetchError, InputError, MicrocredError, TokenError
from microcred.keys import PrivateKey
from microcred.model import VCT

NOW = 1_790_000_000
VERIFIER = PrivateKey.from_ed25519_seed(bytes(range(1, 33)))
VERIFIER_DID = did_key(VERIFIER.public_key)
KID = f"{VERIFIER_DID}#{VERIFIER_DID.removeprefix('did:key:')}"
CLIENT_ID = oid4vp.client_id_for(VERIFIER_DID)
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))
ISSUER = PrivateKey.from_ed25519_seed(bytes(range(2, 34)))
ISSUER_DID = did_key(ISSUER.public_key)
QUERY = dcql.sd_jwt_vc_query("microcredential", VCT, [("achievement_title",), ("given_name",)])


def claims(**changes: Any) -> dict[str, Any]:
    base = oid4vp.request_object(
        client_id=CLIENT_ID,
        response_uri="https://verifier.example/vp/response/r1",
        nonce=oid4vp.new_secret(),
        state=oid4vp.new_secret(),
        query=QUERY,
        client_name="Employer",
        issued_at=NOW,
        lifetime=600,
    )
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(key: PrivateKey = VERIFIER, kid: str = KID, **changes: Any) -> str:
    return oid4vp.sign_request(claims(**changes), key, kid)


def verify(token: str, client_id: str = CLIENT_ID) -> oid4vp.AuthorizationRequest:
    return oid4vp.verify_request(token, client_id=client_id, resolver=DIDResolver(), now=NOW + 5)


def test_secrets_are_128_bit_and_fresh() -> None:
    values = {oid4vp.new_secret() for _ in range(50)}
    assert len(values) == 50
    assert all(len(base64url.decode(v)) == 16 for v in values)


def test_request_object_round_trip() -> None:
    token = signed()
    header = jose.parse(token).header
    assert header["typ"] == "oauth-authz-req+jwt" and header["kid"] == KID
    request = verify(token)
    assert (
        request.client_id == CLIENT_ID.replace("", "") == "decentralized_identifier:" + VERIFIER_DID
    )
    assert request.response_uri == "https://verifier.example/vp/response/r1"
    assert request.query.credential("microcredential").vct_values == (VCT,)
    assert request.client_name == "Employer"
    assert request.claims["aud"] == oid4vp.SELF_ISSUED


def forged_alg_none() -> str:
    header = base64url.encode(b'{"alg":"none","typ":"oauth-authz-req+jwt"}')
    body = base64url.encode(strictjson.dumps(claims()).encode())
    return f"{header}.{body}."


@pytest.mark.parametrize(
    ("token", "client_id"),
    [
        pytest.param(
            lambda: signed(client_id="decentralized_identifier:did:web:other"),
            CLIENT_ID,
            id="client-id-differs",
        ),
        pytest.param(lambda: signed(key=PrivateKey.generate()), CLIENT_ID, id="other-key"),
        pytest.param(
            lambda: signed(kid="did:web:attacker.example#key-1"), CLIENT_ID, id="kid-of-other-did"
        ),
        pytest.param(
            lambda: signed(redirect_uri="https://evil.example"),
            CLIENT_ID,
            id="redirect-and-response-uri",
        ),
        pytest.param(lambda: signed(response_mode="fragment"), CLIENT_ID, id="not-direct-post"),
        pytest.param(lambda: signed(response_type="code"), CLIENT_ID, id="not-vp-token"),
        pytest.param(
            lambda: signed(response_uri="javascript:alert(1)"), CLIENT_ID, id="script-response-uri"
        ),
        pytest.param(lambda: signed(nonce="short"), CLIENT_ID, id="weak-nonce"),
        pytest.param(
            lambda: signed(nonce="has space in it, sixteen+"), CLIENT_ID, id="nonce-not-url-safe"
        ),
        pytest.param(lambda: signed(state=7), CLIENT_ID, id="state-not-text"),
        pytest.param(
            lambda: signed(aud="https://other-wallet.example"), CLIENT_ID, id="other-audience"
        ),
        pytest.param(lambda: signed(exp=NOW - 3600), CLIENT_ID, id="expired"),
        pytest.param(lambda: signed(dcql_query={"credentials": []}), CLIENT_ID, id="bad-dcql"),
        pytest.param(
            lambda: oid4vp.sign_request(claims(), VERIFIER, KID).replace(".", ".x", 1),
            CLIENT_ID,
            id="tampered",
        ),
        pytest.param(
            lambda: jose.sign(claims(), VERIFIER, typ="JWT", kid=KID), CLIENT_ID, id="wrong-typ"
        ),
        pytest.param(forged_alg_none, CLIENT_ID, id="alg-none"),
        pytest.param(signed, "redirect_uri:https://verifier.example/cb", id="unsigned-prefix"),
    ],
)
def test_bad_request_objects_are_refused(token: Any, client_id: str) -> None:
    with pytest.raises(MicrocredError):
        verify(token(), client_id)


def test_request_links() -> None:
    link = oid4vp.request_link(CLIENT_ID, "https://v.example/vp/request/1")
    assert link.startswith("openid4vp://?")
    assert oid4vp.parse_request_link(link) == (CLIENT_ID, "https://v.example/vp/request/1")
    same_device = oid4vp.request_link(
        CLIENT_ID, "https://v.example/r", wallet_url="https://w.example/"
    )
    parts = urlsplit(same_device)
    assert parts.netloc == "w.example" and parts.path == "/vp"
    assert parse_qs(parts.query)["client_id"] == [CLIENT_ID]


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("openid-credential-offer://?credential_offer_uri=x", id="offer-scheme"),
        pytest.param("javascript:alert(1)", id="script"),
        pytest.param("openid4vp://?client_id=a", id="no-request-uri"),
        pytest.param(
            "openid4vp://?client_id=a&client_id=b&request_uri=https://x", id="two-client-ids"
        ),
        pytest.param(
            "openid4vp://?client_id=a&request_uri=file:///etc/passwd", id="file-request-uri"
        ),
    ],
)
def test_bad_request_links(link: str) -> None:
    with pytest.raises(InputError):
        oid4vp.parse_request_link(link)


class FakeFetcher:
    """Answers one request: records what was asked."""

    def __init__(self, status: int = 200, body: bytes = b"{}") -> None:
        self.status, self.body, self.calls = status, body, []

    def get(self, url: str, **options: Any) -> Any:
        self.calls.append(("GET", url, options))
        return type("R", (), {"status": self.status, "body": self.body})()

    def post_form(self, url: str, data: Any) -> Any:
        self.calls.append(("POST", url, dict(data)))
        body = self.body
        return type(
            "R", (), {"status": self.status, "json": lambda _self: strictjson.loads(body)}
        )()


def test_fetch_request_asks_for_a_request_object() -> None:
    fetcher = FakeFetcher(body=signed().encode())
    token = oid4vp.fetch_request(fetcher, "https://v.example/vp/request/1")
    assert verify(token).client_id == CLIENT_ID
    assert fetcher.calls[0][2]["accept"] == "application/oauth-authz-req+jwt"
    assert fetcher.calls[0][2]["use_cache"] is False


def issued() -> str:
    identity = issuance.IssuerIdentity(ISSUER_DID, f"{ISSUER_DID}#{ISSUER_DID[8:]}", ISSUER, "U")
    return issuance.issue_sd_jwt_vc(
        identity, DEMO_COURSE, DEMO_AWARD, holder_jwk=HOLDER.public_key.jwk,
        issued_at=dt.datetime.fromtimestamp(NOW - 86400, dt.UTC),
    )  # fmt: skip


def test_present_discloses_exactly_the_requested_claims_and_binds_to_the_request() -> None:
    request = verify(signed())
    presentation = oid4vp.present_sd_jwt(
        issued(),
        (("achievement_title",), ("given_name",)),
        holder_key=HOLDER,
        request=request,
        iat=NOW,
    )
    parsed = sdjwt.parse(presentation)
    assert sorted(d.name for d in parsed.disclosures if d.name) == ["given_name"]
    kb = jose.parse(parsed.kb_jwt).payload
    assert kb["aud"] == CLIENT_ID and kb["nonce"] == request.nonce
    verified = sdjwt.verify(
        presentation, ISSUER.public_key, typ="dc+sd-jwt", require_key_binding=True,
        nonce=request.nonce, audience=CLIENT_ID, now=NOW,
    )  # fmt: skip
    assert "assessment_grade" not in verified.payload and "family_name" not in verified.payload


def test_wildcard_paths_disclose_every_element() -> None:
    request = verify(signed())
    presentation = oid4vp.present_sd_jwt(
        issued(), (("skills", None, "label"),), holder_key=HOLDER, request=request, iat=NOW
    )
    assert [d.name for d in sdjwt.parse(presentation).disclosures] == ["skills"]


def test_response_forms_and_submit() -> None:
    request = verify(signed())
    form = oid4vp.build_response(request, {"microcredential": ["ey.x.y~"]})
    assert strictjson.loads(form["vp_token"]) == {"microcredential": ["ey.x.y~"]}
    assert form["state"] == request.state
    declined = oid4vp.error_response(request, "access_denied", "the learner said no")
    assert declined == {"error": "access_denied", "error_description": "the learner said no",
                        "state": request.state}  # fmt: skip
    fetcher = FakeFetcher(body=b'{"redirect_uri":"https://v.example/done#response_code=x"}')
    assert oid4vp.submit(fetcher, request, form)["redirect_uri"].startswith("https://v.example")
    assert fetcher.calls[0][:2] == ("POST", request.response_uri)
    with pytest.raises(FetchError) as caught:
        oid4vp.submit(FakeFetcher(status=400), request, form)
    assert caught.value.code == "http_400"


def test_verify_request_needs_the_did_prefix() -> None:
    with pytest.raises(TokenError):
        oid4vp.verify_request(signed(), client_id=VERIFIER_DID, resolver=DIDResolver(), now=NOW)
