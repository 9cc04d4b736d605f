"""OpenID4VCI `jwt` key proofs (Appendix F) and self-verifying c_nonces (SECURITY-CASES G06-G08)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from hand_jws import hand_signed, signing_input

from microcred import base64url, did, jose, strictjson
from microcred.errors import InputError, TokenError
from microcred.key_proof import (
    PROOF_TYP,
    check_c_nonce,
    holder_from_did,
    issue_c_nonce,
    make_proof,
    nonce_digest,
    verify_proof,
)
from microcred.keys import PrivateKey

AUD = "https://issuer.example"
NOW = 1_750_000_000
SECRET = b"s" * 32
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))
OTHER = PrivateKey.from_ed25519_seed(bytes(range(1, 33)))
HOLDER_DID = did.did_key(HOLDER.public_key)
HOLDER_KID = f"{HOLDER_DID}#{HOLDER_DID.removeprefix('did:key:')}"
HOLDER_JWK_KID = did.did_jwk(HOLDER.public_key) + "#0"
# The holder's DID with the fragment of another key: the DID URL names no key of its document.
MIXED_KID = f"{HOLDER_DID}#{did.did_key(OTHER.public_key).removeprefix('did:key:')}"


def token(header: dict[str, Any], payload: dict[str, Any], key: PrivateKey = HOLDER) -> str:
    """Sign any header/payload pair by hand (the proofs a hostile wallet might send)."""
    return hand_signed(header, payload, key)


def claims(**changes: Any) -> dict[str, Any]:
    payload = {"aud": AUD, "iat": NOW, "nonce": "n-1"}
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def jwk_header(**changes: Any) -> dict[str, Any]:
    header = {"alg": "EdDSA", "typ": PROOF_TYP, "jwk": HOLDER.public_key.jwk}
    header.update(changes)
    return {k: v for k, v in header.items() if v is not None}


def test_proof_with_jwk_binds_to_its_did_jwk() -> None:
    proof = make_proof(HOLDER, audience=AUD, nonce="n-1", iat=NOW)
    verified = verify_proof(proof, audience=AUD, now=NOW)
    assert verified.holder.public_key == HOLDER.public_key
    assert verified.holder.did == did.did_jwk(HOLDER.public_key)
    assert verified.nonce == "n-1"


def test_proof_with_a_did_key_kid_binds_to_that_did() -> None:
    proof = make_proof(HOLDER, audience=AUD, nonce="n-1", iat=NOW, kid=HOLDER_KID)
    verified = verify_proof(proof, audience=AUD, now=NOW)
    assert (verified.holder.did, verified.holder.verification_method) == (HOLDER_DID, HOLDER_KID)


def test_proof_with_a_did_jwk_kid_binds_to_that_did() -> None:
    proof = make_proof(HOLDER, audience=AUD, nonce="n-1", iat=NOW, kid=HOLDER_JWK_KID)
    verified = verify_proof(proof, audience=AUD, now=NOW)
    assert verified.holder.did == did.did_jwk(HOLDER.public_key)
    assert verified.holder.public_key == HOLDER.public_key


def test_p256_holders_sign_es256_proofs() -> None:
    key = PrivateKey.generate("P-256")
    proof = make_proof(key, audience=AUD, nonce="n", iat=NOW)
    assert verify_proof(proof, audience=AUD, now=NOW).holder.public_key == key.public_key


def _none_token() -> str:
    header = base64url.encode(strictjson.dumps(jwk_header(alg="none")).encode())
    payload = base64url.encode(strictjson.dumps(claims()).encode())
    return f"{header}.{payload}."


def _hs256_token() -> str:
    # A02: HMAC keyed with the public key bytes, as a confused verifier would check it.
    text = signing_input(jwk_header(alg="HS256"), claims())
    mac = hmac.new(HOLDER.public_key.raw, text.encode(), hashlib.sha256).digest()
    return text + "." + base64url.encode(mac)


BAD_PROOFS: list[tuple[str, Any]] = [
    ("alg-none", lambda: _none_token()),
    ("alg-hs256", lambda: _hs256_token()),
    ("wrong-typ", lambda: token(jwk_header(typ="JWT"), claims())),
    ("no-typ", lambda: token(jwk_header(typ=None), claims())),
    ("crit", lambda: token(jwk_header(crit=["x"]), claims())),
    ("jwk-and-kid", lambda: token(jwk_header(kid=HOLDER_KID), claims())),
    ("no-key", lambda: token(jwk_header(jwk=None), claims())),
    ("x5c", lambda: token(jwk_header(jwk=None, x5c=["MIIB"]), claims())),
    ("private-jwk", lambda: token(jwk_header(jwk=HOLDER.to_jwk()), claims())),
    ("other-key-than-jwk", lambda: token(jwk_header(), claims(), key=OTHER)),
    ("other-key-than-kid", lambda: token(jwk_header(jwk=None, kid=HOLDER_KID), claims(), OTHER)),
    (
        "other-key-than-did-jwk-kid",
        lambda: token(jwk_header(jwk=None, kid=HOLDER_JWK_KID), claims(), OTHER),
    ),
    ("kid-fragment-of-other-key", lambda: token(jwk_header(jwk=None, kid=MIXED_KID), claims())),
    (
        "kid-fragment-of-signing-key",
        lambda: token(jwk_header(jwk=None, kid=MIXED_KID), claims(), OTHER),
    ),
    ("kid-did-web", lambda: token(jwk_header(jwk=None, kid="did:web:evil.example#k"), claims())),
    ("kid-not-did-url", lambda: token(jwk_header(jwk=None, kid="key-1"), claims())),
    ("wrong-aud", lambda: token(jwk_header(), claims(aud="https://other.example"))),
    ("two-auds", lambda: token(jwk_header(), claims(aud=[AUD, "https://other.example"]))),
    ("no-aud", lambda: token(jwk_header(), claims(aud=None))),
    ("no-iat", lambda: token(jwk_header(), claims(iat=None))),
    ("iat-future", lambda: token(jwk_header(), claims(iat=NOW + 3600))),
    ("iat-old", lambda: token(jwk_header(), claims(iat=NOW - 3600))),
    ("iat-text", lambda: token(jwk_header(), claims(iat="now"))),
    ("expired", lambda: token(jwk_header(), claims(exp=NOW - 3600))),
    ("no-nonce", lambda: token(jwk_header(), claims(nonce=None))),
    ("nonce-not-text", lambda: token(jwk_header(), claims(nonce=7))),
    ("not-a-jwt", lambda: "abc"),
    ("huge", lambda: "a" * 20_000),
]


@pytest.mark.parametrize("build", [b for _, b in BAD_PROOFS], ids=[n for n, _ in BAD_PROOFS])
def test_bad_proofs_are_invalid_proof(build: Any) -> None:
    with pytest.raises(TokenError) as caught:
        verify_proof(build(), audience=AUD, now=NOW)
    assert caught.value.code == "invalid_proof"


def test_an_algorithm_outside_the_allowed_set_is_refused() -> None:
    proof = make_proof(PrivateKey.generate("P-256"), audience=AUD, nonce="n", iat=NOW)
    with pytest.raises(TokenError):
        verify_proof(proof, audience=AUD, now=NOW, algs=("EdDSA",))


def test_a_single_element_aud_array_is_tolerated() -> None:
    assert verify_proof(token(jwk_header(), claims(aud=[AUD])), audience=AUD, now=NOW)


def test_c_nonce_verifies_without_storage() -> None:
    nonce = issue_c_nonce(SECRET, now=NOW)
    check_c_nonce(SECRET, nonce, now=NOW + 10)
    assert issue_c_nonce(SECRET, now=NOW) != nonce  # unpredictable: fresh randomness each time
    assert nonce_digest(nonce) == hashlib.sha256(nonce.encode()).hexdigest()


def _flipped(nonce: str) -> str:
    raw = bytearray(base64url.decode(nonce))
    raw[0] ^= 1
    return base64url.encode(bytes(raw))


@pytest.mark.parametrize(
    ("make", "when"),
    [
        (lambda: _flipped(issue_c_nonce(SECRET, now=NOW)), NOW),
        (lambda: issue_c_nonce(b"t" * 32, now=NOW), NOW),
        (lambda: issue_c_nonce(SECRET, now=NOW), NOW + 3600),
        (lambda: issue_c_nonce(SECRET, now=NOW + 3600), NOW),
        (lambda: "not-base64!", NOW),
        (lambda: "", NOW),
        (lambda: "A" * 200, NOW),
    ],
    ids=["tampered", "other-issuer", "expired", "from-the-future", "garbage", "empty", "long"],
)
def test_bad_c_nonces_are_invalid_nonce(make: Any, when: int) -> None:
    with pytest.raises(TokenError) as caught:
        check_c_nonce(SECRET, make(), now=when)
    assert caught.value.code == "invalid_nonce"


def test_holder_from_did_resolves_offline_methods_only() -> None:
    holder = holder_from_did(HOLDER_DID)
    assert (holder.public_key, holder.verification_method) == (HOLDER.public_key, HOLDER_KID)
    jwk_did = did.did_jwk(HOLDER.public_key)
    assert holder_from_did(jwk_did).verification_method == jwk_did + "#0"
    for bad in ("did:web:issuer.example", "did:key:zNotAKey", "not a did"):
        with pytest.raises(InputError) as caught:
            holder_from_did(bad)
        assert caught.value.code == "invalid_holder"


def test_proofs_use_the_strict_jose_parser() -> None:
    # Duplicate header members are refused by the one strict JSON parser (A09).
    header = (
        '{"alg":"EdDSA","typ":"openid4vci-proof+jwt","typ":"JWT","jwk":'
        + strictjson.dumps(HOLDER.public_key.jwk)
        + "}"
    )
    forged = hand_signed(header, claims(), HOLDER)
    with pytest.raises(TokenError):
        verify_proof(forged, audience=AUD, now=NOW)
    assert (
        jose.parse(make_proof(HOLDER, audience=AUD, nonce="n", iat=NOW)).header["typ"] == PROOF_TYP
    )
