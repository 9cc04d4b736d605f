"""Strict compact JWS (SECURITY-CASES A01-A03, A06-A08, A11-A13, A16-A19)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from microcred import base64url, jose, strictjson
from microcred.errors import (
    AlgorithmNotAllowed,
    Expired,
    InputError,
    InvalidKey,
    InvalidSignature,
    MalformedEncoding,
    MalformedJSON,
    MicrocredError,
    NotYetValid,
    PayloadTooLarge,
    TokenError,
)
from microcred.keys import PrivateKey, PublicKey

NOW = 1_800_000_000


def _b64json(text: str) -> str:
    return base64url.encode(text.encode())


def _forge(header_json: str, payload_json: str, key: PrivateKey | None) -> str:
    """Hand-build a token from raw JSON text so duplicate members survive."""
    signing_input = _b64json(header_json) + "." + _b64json(payload_json)
    signature = key.sign(signing_input.encode()) if key else b""
    return signing_input + "." + base64url.encode(signature)


@pytest.fixture(scope="module")
def ed_key() -> PrivateKey:
    return PrivateKey.from_ed25519_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def p256_key() -> PrivateKey:
    return PrivateKey.generate("P-256")


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_sign_verify_round_trip(kind: str) -> None:
    key = PrivateKey.generate(kind)
    token = jose.sign({"iss": "did:example:1", "n": "Nguyễn"}, key, typ="vc+jwt", kid="k1")
    jws = jose.verify(token, key.public_key, typ="vc+jwt")
    assert jws.payload == {"iss": "did:example:1", "n": "Nguyễn"}
    assert jws.header == {"alg": key.alg, "typ": "vc+jwt", "kid": "k1"}


def test_key_lookup_callback_gets_header_and_payload(ed_key: PrivateKey) -> None:
    token = jose.sign({"iss": "a"}, ed_key, typ="JWT", kid="k")
    seen = []

    def lookup(header: dict, payload: dict) -> PublicKey:
        seen.append((header["kid"], payload["iss"]))
        return ed_key.public_key

    jose.verify(token, lookup)
    assert seen == [("k", "a")]


@pytest.mark.parametrize(
    "alg", ["none", "None", "NONE", "nOnE", "HS256", "RS256", "ES256K", "PS256"]
)
def test_a01_a03_algorithms_outside_allow_list(ed_key: PrivateKey, alg: str) -> None:
    token = _forge(json.dumps({"alg": alg, "typ": "JWT"}), '{"a":1}', None)
    with pytest.raises(AlgorithmNotAllowed):
        jose.verify(token, ed_key.public_key)


def test_a01_empty_signature(ed_key: PrivateKey) -> None:
    good = jose.sign({"a": 1}, ed_key, typ="JWT")
    stripped = good.rsplit(".", 1)[0] + "."
    with pytest.raises(InvalidSignature):
        jose.verify(stripped, ed_key.public_key)


@pytest.mark.parametrize("form", ["jwk-json", "raw-x", "pem"])
def test_a02_hmac_with_public_key_as_secret(ed_key: PrivateKey, form: str) -> None:
    public = ed_key.public_key
    secret = {
        "jwk-json": strictjson.dumps(public.jwk).encode(),
        "raw-x": public.raw,
        "pem": b"-----BEGIN PUBLIC KEY-----\n" + public.raw + b"\n-----END PUBLIC KEY-----\n",
    }[form]
    signing_input = _b64json('{"alg":"HS256","typ":"JWT"}') + "." + _b64json('{"a":1}')
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(AlgorithmNotAllowed):
        jose.verify(signing_input + "." + base64url.encode(mac), public)


def test_a02_alg_must_match_key_type(ed_key: PrivateKey, p256_key: PrivateKey) -> None:
    es_token = jose.sign({"a": 1}, p256_key, typ="JWT")
    with pytest.raises(AlgorithmNotAllowed):
        jose.verify(es_token, ed_key.public_key)


def test_a03_per_context_allow_list(p256_key: PrivateKey) -> None:
    token = jose.sign({"a": 1}, p256_key, typ="JWT")
    with pytest.raises(AlgorithmNotAllowed):
        jose.verify(token, p256_key.public_key, algs={"EdDSA"})


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"crit": ["x-custom"], "x-custom": 1}, id="A06-unknown-crit"),
        pytest.param({"crit": []}, id="A07-empty-crit"),
        pytest.param({"crit": "exp"}, id="A07-non-array-crit"),
        pytest.param({"crit": [1]}, id="A07-non-string-crit"),
        pytest.param({"crit": ["alg"]}, id="A07-crit-lists-alg"),
        pytest.param({"crit": ["missing"]}, id="A07-crit-absent-header"),
        pytest.param({"b64": False, "crit": ["b64"]}, id="A08-b64-false-crit"),
        pytest.param({"b64": False}, id="A08-b64-false"),
        pytest.param({"zip": "DEF"}, id="A16-zip"),
    ],
)
def test_header_extensions_refused(ed_key: PrivateKey, extra: dict) -> None:
    token = jose.sign({"a": 1}, ed_key, typ="JWT", header=extra)
    with pytest.raises(TokenError):
        jose.verify(token, ed_key.public_key)


@pytest.mark.parametrize(
    ("header", "payload"),
    [
        pytest.param('{"alg":"EdDSA","alg":"none"}', '{"a":1}', id="A09-duplicate-alg"),
        pytest.param('{"alg":"EdDSA"}', '{"iss":"a","iss":"b"}', id="A09-duplicate-iss"),
        pytest.param('{"alg":"EdDSA"}', '{"exp":NaN}', id="A10-nan"),
        pytest.param('{"alg":"EdDSA"}', "[1,2]", id="A10-array-payload"),
        pytest.param('{"alg":"EdDSA"}', '"text"', id="A10-string-payload"),
        pytest.param('{"alg":"EdDSA"}', '{"a":1}trailing', id="A10-trailing"),
    ],
)
def test_a09_a10_strict_json_in_tokens(ed_key: PrivateKey, header: str, payload: str) -> None:
    with pytest.raises(MalformedJSON):
        jose.verify(_forge(header, payload, ed_key), ed_key.public_key)


def test_a10_invalid_utf8_payload(ed_key: PrivateKey) -> None:
    signing_input = _b64json('{"alg":"EdDSA"}') + "." + base64url.encode(b'{"a":"\xff"}')
    token = signing_input + "." + base64url.encode(ed_key.sign(signing_input.encode()))
    with pytest.raises(MalformedJSON):
        jose.verify(token, ed_key.public_key)


@pytest.mark.parametrize("mutation", ["pad", "plus", "newline"])
def test_a11_non_canonical_base64url(ed_key: PrivateKey, mutation: str) -> None:
    header, payload, sig = jose.sign({"a": 1}, ed_key, typ="JWT").split(".")
    if mutation == "pad":
        sig += "=="
    elif mutation == "plus":
        sig = sig.replace("-", "+").replace("_", "/") if ("-" in sig or "_" in sig) else "+" + sig
    else:
        payload = payload[:4] + "\n" + payload[4:]
    with pytest.raises(MalformedEncoding):
        jose.verify(f"{header}.{payload}.{sig}", ed_key.public_key)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param('{"payload":"e30","signatures":[]}', id="A12-json-serialization"),
        pytest.param("a.b", id="two-parts"),
        pytest.param("a.b.c.d", id="four-parts"),
        pytest.param("", id="empty"),
    ],
)
def test_a12_only_compact_serialization(ed_key: PrivateKey, token: str) -> None:
    with pytest.raises(InputError):
        jose.verify(token, ed_key.public_key)


def test_a13_oversize_token_refused_before_decoding(ed_key: PrivateKey) -> None:
    with pytest.raises(PayloadTooLarge):
        jose.verify("a" * 10_000_000, ed_key.public_key)


def test_a17_der_encoded_es256_refused(p256_key: PrivateKey) -> None:
    signing_input = _b64json('{"alg":"ES256","typ":"JWT"}') + "." + _b64json('{"a":1}')
    der = p256_key._signer.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        jose.verify(signing_input + "." + base64url.encode(der), p256_key.public_key)


def test_a17_psychic_zero_signature(p256_key: PrivateKey) -> None:
    signing_input = _b64json('{"alg":"ES256","typ":"JWT"}') + "." + _b64json('{"a":1}')
    with pytest.raises(InvalidSignature):
        jose.verify(signing_input + "." + base64url.encode(bytes(64)), p256_key.public_key)


@pytest.mark.parametrize("typ", ["kb+jwt", "statuslist+jwt", "openid4vci-proof+jwt", None])
def test_a18_typ_confusion(ed_key: PrivateKey, typ: str | None) -> None:
    header = {} if typ else {"typ": None}
    token = jose.sign({"a": 1}, ed_key, typ=typ or "x", header=header)
    with pytest.raises(TokenError):
        jose.verify(token, ed_key.public_key, typ="dc+sd-jwt")


def test_typ_compare_is_case_insensitive(ed_key: PrivateKey) -> None:
    token = jose.sign({"a": 1}, ed_key, typ="DC+SD-JWT")
    assert jose.verify(token, ed_key.public_key, typ="dc+sd-jwt").payload == {"a": 1}


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        pytest.param({"exp": NOW - 61}, Expired, id="A19-expired"),
        pytest.param({"nbf": NOW + 61}, NotYetValid, id="A19-nbf-future"),
        pytest.param({"iat": NOW + 61}, NotYetValid, id="A19-iat-future"),
        pytest.param({"exp": 1e309}, TokenError, id="A15-float-overflow"),
        pytest.param({"exp": 10**30}, TokenError, id="A15-huge-int"),
        pytest.param({"exp": "1800000000"}, TokenError, id="exp-string"),
        pytest.param({"exp": True}, TokenError, id="exp-bool"),
        pytest.param({"exp": None}, TokenError, id="exp-null"),
    ],
)
def test_time_claims(claims: dict, error: type[MicrocredError]) -> None:
    with pytest.raises(error):
        jose.check_times(claims, now=NOW)


def test_time_claims_within_leeway_pass() -> None:
    jose.check_times({"exp": NOW - 30, "nbf": NOW + 30, "iat": 1704067200.0}, now=NOW)


def test_required_iat() -> None:
    with pytest.raises(TokenError):
        jose.check_times({}, now=NOW, require_iat=True)


def test_private_key_repr_hides_material(ed_key: PrivateKey) -> None:
    secret = ed_key.to_jwk()["d"]
    assert secret not in repr(ed_key) and secret not in str(ed_key)


@pytest.mark.parametrize(
    "jwk",
    [
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, id="short-ed25519"),
        pytest.param({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, id="off-curve"),
        pytest.param({"kty": "RSA", "n": "x", "e": "AQAB"}, id="rsa"),
        pytest.param({"kty": "OKP", "crv": "X25519", "x": "A" * 43}, id="x25519"),
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43}, id="private"),
        pytest.param("not-a-jwk", id="not-object"),
    ],
)
def test_invalid_public_jwks(jwk: object) -> None:
    with pytest.raises(InvalidKey):
        PublicKey.from_jwk(jwk)


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_private_jwk_round_trip(kind: str) -> None:
    key = PrivateKey.generate(kind)
    again = PrivateKey.from_jwk(key.to_jwk())
    data = b"hello"
    key.public_key.verify(again.sign(data), data)


def test_rfc7638_thumbprint_example() -> None:
    # RFC 8037 §A.3: thumbprint of the RFC 8037 §A.2 Ed25519 public key.
    public = PublicKey.from_jwk(
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    )
    assert public.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_rfc8037_ed25519_signature_vector() -> None:
    # RFC 8037 §A.4: the deterministic EdDSA signature over "Example of Ed25519 signing".
    key = PrivateKey.from_jwk(
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        }
    )
    signing_input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    assert base64url.encode(key.sign(signing_input)) == (
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    )


def test_a_repeated_header_is_still_checked_and_never_shared(ed_key: PrivateKey) -> None:
    # Header decoding is cached: the rules must still apply per token, and one caller's
    # change to its header must not reach the next token with the same header.
    token = jose.sign({"n": 1}, ed_key, typ="kb+jwt")
    first = jose.parse(token, typ="kb+jwt")
    first.header["typ"] = "changed"
    assert jose.parse(token, typ="kb+jwt").header["typ"] == "kb+jwt"
    with pytest.raises(TokenError) as raised:
        jose.parse(token, typ="dc+sd-jwt")
    assert raised.value.code == "wrong_typ"
    with pytest.raises(AlgorithmNotAllowed):
        jose.parse(token, algs={"ES256"})
