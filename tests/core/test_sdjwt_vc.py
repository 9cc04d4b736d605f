"""SD-JWT VC issue and verify (SECURITY-CASES A18, B07, B08, B11, B13, B25)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import jose, key_binding, sdjwt, sdjwt_vc
from microcred.disclosure import SD
from microcred.errors import InvalidKey, MicrocredError, SDJWTError
from microcred.keys import PrivateKey

ISSUER = PrivateKey.from_ed25519_seed(b"\x11" * 32)
HOLDER = PrivateKey.from_ed25519_seed(b"\x22" * 32)
OTHER = PrivateKey.from_ed25519_seed(b"\x33" * 32)
NOW = 1_800_000_000
ISS = "did:web:uni.example"
VCT = "https://uni.example/credentials/micro-credential"
NONCE = "n-4c3b2a"
AUD = "https://employer.example"
STATUS = {"status_list": {"idx": 7, "uri": "https://uni.example/status/1"}}
CLAIMS = {
    "given_name": SD("Anna"),
    "family_name": SD("Schmidt"),
    "achievement_title": SD("Data Literacy"),
    "ects_credits": SD(5),
    "assessment_grade": SD("1.3"),
    "skills": [SD({"uri": "http://data.europa.eu/esco/skill/1", "label": "statistics"}), "SQL"],
    "issuing_country": "DE",
}


def issue(**changes: Any) -> str:
    options: dict[str, Any] = {
        "issuer": ISS,
        "vct": VCT,
        "holder_jwk": HOLDER.public_key.jwk,
        "kid": f"{ISS}#key-1",
        "iat": NOW - 60,
        "exp": NOW + 86_400,
        "status": STATUS,
    }
    options.update(changes)
    return sdjwt_vc.issue_vc(CLAIMS, ISSUER, **options)


DISCLOSE = [("given_name",), ("achievement_title",), ("skills", 0)]


def present(issued: str) -> str:
    return sdjwt.present(
        issued, disclose=DISCLOSE, holder_key=HOLDER, nonce=NONCE, audience=AUD, iat=NOW
    )


def present_signed_by(key: PrivateKey) -> str:
    """A presentation whose KB-JWT is signed by `key` whatever the credential's cnf says."""
    unbound = sdjwt.present(issue(), disclose=DISCLOSE)
    kb = key_binding.create(unbound, key, nonce=NONCE, audience=AUD, iat=NOW, hash_alg="sha-256")
    return unbound + kb


def verify(presentation: str, **changes: Any) -> sdjwt.Verified:
    options: dict[str, Any] = {
        "require_key_binding": True,
        "nonce": NONCE,
        "audience": AUD,
        "now": NOW,
    }
    options.update(changes)
    return sdjwt_vc.verify_vc(presentation, ISSUER.public_key, **options)


def test_issue_and_verify_with_holder_binding() -> None:
    verified = verify(present(issue()))
    assert verified.key_binding_verified is True
    assert verified.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": f"{ISS}#key-1"}
    assert verified.payload == {
        "iss": ISS,
        "iat": NOW - 60,
        "exp": NOW + 86_400,
        "vct": VCT,
        "status": STATUS,
        "cnf": {"jwk": HOLDER.public_key.jwk},
        "given_name": "Anna",
        "achievement_title": "Data Literacy",
        "skills": [{"uri": "http://data.europa.eu/esco/skill/1", "label": "statistics"}, "SQL"],
        "issuing_country": "DE",
    }
    assert set(verified.disclosed_paths) == {("given_name",), ("achievement_title",), ("skills", 0)}


def test_registered_claims_are_plaintext_in_the_signed_payload() -> None:
    payload = sdjwt.parse(issue()).jws.payload
    assert {"iss", "iat", "exp", "vct", "cnf", "status"} <= payload.keys()
    assert payload["cnf"] == {"jwk": HOLDER.public_key.jwk}
    assert len(payload["_sd"]) == 5


def test_optional_claims_can_be_left_out() -> None:
    issued = issue(exp=None, status=None, holder_jwk=None)
    payload = sdjwt.parse(issued).jws.payload
    assert not {"exp", "status", "cnf"} & payload.keys()
    bearer = sdjwt.present(issued, disclose=[("given_name",)])
    assert (
        verify(bearer, require_key_binding=False, nonce=None, audience=None).payload["vct"] == VCT
    )


def test_default_salts_are_unique_per_claim() -> None:
    # B25.
    salts = [item.salt for item in sdjwt.parse(issue()).disclosures]
    salts += [item.salt for item in sdjwt.parse(issue()).disclosures]
    assert len(salts) == len(set(salts)) == 12


def test_legacy_media_type_is_accepted() -> None:
    issued = sdjwt.issue(
        {"iss": ISS, "vct": VCT, "cnf": {"jwk": HOLDER.public_key.jwk}, "a": SD(1)},
        ISSUER,
        typ="vc+sd-jwt",
    )
    assert verify(present(issued)).header["typ"] == "vc+sd-jwt"


def forged(claims: dict[str, Any], *, typ: str = "dc+sd-jwt") -> str:
    """An issuer-signed SD-JWT VC with any claims, fully disclosed, without key binding."""
    issued = sdjwt.issue(claims, ISSUER, typ=typ)
    return sdjwt.present(issued, disclose=lambda path: True)


PLAIN = {"iss": ISS, "vct": VCT, "iat": NOW}
WITHOUT_ISS = {"vct": VCT, "iat": NOW}
WITHOUT_VCT = {"iss": ISS, "iat": NOW}


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        # B07: registered claims arriving in a Disclosure.
        pytest.param({**WITHOUT_ISS, "iss": SD(ISS)}, "registered_claim_disclosed", id="B07-iss"),
        pytest.param({**PLAIN, "nbf": SD(NOW - 5)}, "registered_claim_disclosed", id="B07-nbf"),
        pytest.param({**PLAIN, "exp": SD(NOW + 5)}, "registered_claim_disclosed", id="B07-exp"),
        pytest.param(
            {**PLAIN, "cnf": SD({"jwk": HOLDER.public_key.jwk})},
            "registered_claim_disclosed",
            id="B07-cnf",
        ),
        pytest.param(
            {**PLAIN, "cnf": {"jwk": SD(HOLDER.public_key.jwk)}},
            "registered_claim_disclosed",
            id="B07-cnf-member",
        ),
        pytest.param({**WITHOUT_VCT, "vct": SD(VCT)}, "registered_claim_disclosed", id="B07-vct"),
        pytest.param(
            {**PLAIN, "vct#integrity": SD("sha256-x")},
            "registered_claim_disclosed",
            id="B07-vct-integrity",
        ),
        pytest.param(
            {**PLAIN, "status": SD(STATUS)}, "registered_claim_disclosed", id="B07-status"
        ),
        # B08 and the SD-JWT VC required claims.
        pytest.param(WITHOUT_VCT, "missing_claim", id="vct-missing"),
        pytest.param(WITHOUT_ISS, "missing_claim", id="iss-missing"),
        pytest.param({**PLAIN, "vct": 42}, "invalid_claim", id="vct-not-a-string"),
        pytest.param({**PLAIN, "vct": ""}, "invalid_claim", id="vct-empty"),
        pytest.param({**PLAIN, "iss": ["a"]}, "invalid_claim", id="iss-not-a-string"),
    ],
)
def test_verify_vc_rejects(claims: dict[str, Any], code: str) -> None:
    presentation = forged(claims)
    # The same credential passes the generic RFC 9901 checks: only the VC rules refuse it.
    sdjwt.verify(presentation, ISSUER.public_key, typ=None, require_key_binding=False, now=NOW)
    with pytest.raises(SDJWTError) as caught:
        verify(presentation, require_key_binding=False, nonce=None, audience=None)
    assert caught.value.code == code


def test_undisclosed_vct_counts_as_missing() -> None:
    # B08: a hidden registered claim is as good as absent.
    hidden = sdjwt.present(
        sdjwt.issue({**WITHOUT_VCT, "vct": SD(VCT)}, ISSUER, typ="dc+sd-jwt"), disclose=[]
    )
    with pytest.raises(SDJWTError) as caught:
        verify(hidden, require_key_binding=False, nonce=None, audience=None)
    assert caught.value.code == "missing_claim"


@pytest.mark.parametrize("typ", ["example+sd-jwt", "kb+jwt", "JWT", "vc+jwt"])
def test_other_media_types_are_refused(typ: str) -> None:
    # A18: type confusion with other JWTs.
    with pytest.raises(MicrocredError) as caught:
        verify(forged(PLAIN, typ=typ), require_key_binding=False, nonce=None, audience=None)
    assert caught.value.code == "wrong_typ"


@pytest.mark.parametrize(
    ("presentation", "code"),
    [
        pytest.param(
            lambda: present(issue()).rsplit("~", 1)[0] + "~",
            "key_binding_missing",
            id="B11-stripped",
        ),
        pytest.param(lambda: present_signed_by(OTHER), "kb_signature_invalid", id="B13-other-key"),
        pytest.param(
            lambda: sdjwt.present(issue(holder_jwk=None), disclose=[]),
            "key_binding_missing",
            id="no-cnf-bearer",
        ),
        pytest.param(
            lambda: forged(PLAIN) + sdjwt.parse(present(issue())).kb_jwt,
            "cnf_missing",
            id="B08-kb-without-cnf",
        ),
        pytest.param(lambda: present(issue(exp=NOW - 120)), "expired", id="A19-expired"),
    ],
)
def test_holder_binding_is_enforced(presentation: Any, code: str) -> None:
    with pytest.raises(MicrocredError) as caught:
        verify(presentation())
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        *(
            pytest.param({name: SD("x")}, "registered_claim_disclosable", id=f"sd-{name}")
            for name in sorted(
                {"iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}
            )
        ),
        *(
            pytest.param({name: "x"}, "duplicate_claim", id=f"plain-{name}")
            for name in ("iss", "iat", "exp", "vct", "cnf", "status")
        ),
    ],
)
def test_issue_vc_keeps_registered_claims_plain(claims: dict[str, Any], code: str) -> None:
    with pytest.raises(SDJWTError) as caught:
        sdjwt_vc.issue_vc(
            claims, ISSUER, issuer=ISS, vct=VCT, holder_jwk=None, kid="k", iat=NOW, exp=None
        )
    assert caught.value.code == code


@pytest.mark.parametrize(("issuer", "vct"), [("", VCT), (ISS, ""), (ISS, None)])
def test_issue_vc_needs_issuer_and_vct(issuer: Any, vct: Any) -> None:
    with pytest.raises(SDJWTError) as caught:
        sdjwt_vc.issue_vc(
            {}, ISSUER, issuer=issuer, vct=vct, holder_jwk=None, kid="k", iat=NOW, exp=None
        )
    assert caught.value.code == "invalid_claim"


def test_issue_vc_refuses_a_private_holder_key() -> None:
    with pytest.raises(InvalidKey):
        issue(holder_jwk=HOLDER.to_jwk())


def test_plain_nbf_is_allowed_and_checked() -> None:
    issued = sdjwt_vc.issue_vc(
        {"nbf": NOW + 600}, ISSUER, issuer=ISS, vct=VCT, holder_jwk=None, kid="k", iat=NOW, exp=None
    )
    with pytest.raises(MicrocredError) as caught:
        verify(issued, require_key_binding=False, nonce=None, audience=None)
    assert caught.value.code == "not_yet_valid"
    assert jose.parse(issued.split("~")[0]).payload["nbf"] == NOW + 600


def test_kb_signed_by_the_cnf_key_is_the_control_for_b13() -> None:
    assert verify(present_signed_by(HOLDER)).key_binding_verified is True
