"""SD-JWT issue, present and verify (RFC 9901; SECURITY-CASES A01, A14, A18, A19, B01-B25)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hand_jws import hand_signed

from microcred import base64url, jose, key_binding, sdjwt, strictjson
from microcred.disclosure import SD, Disclosure, digest
from microcred.errors import KeyBindingError, MicrocredError, PayloadTooLarge, SDJWTError
from microcred.keys import PrivateKey

ISSUER = PrivateKey.from_ed25519_seed(bytes(range(32)))
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(1, 33)))
OTHER = PrivateKey.from_ed25519_seed(b"\x07" * 32)
NOW = 1_800_000_000
TYP = "example+sd-jwt"
NONCE = "n-0S6_WzA2Mj"
AUD = "https://verifier.example"
BASE = {
    "iss": "https://issuer.example",
    "iat": NOW - 100,
    "exp": NOW + 3600,
    "cnf": {"jwk": HOLDER.public_key.jwk},
}
CLAIMS: dict[str, Any] = {
    **BASE,
    "given_name": SD("Anna"),
    "family_name": SD("Schmidt"),
    "grade": SD("B"),
    "address": SD({"street": SD("Hauptstr. 1"), "country": "DE"}),
    "nationalities": [SD("DE"), "FR"],
}
GOOD_PATHS = [("given_name",), ("grade",), ("address", "street"), ("nationalities", 0)]
VERIFY_ARGS: dict[str, Any] = {
    "typ": TYP,
    "require_key_binding": True,
    "nonce": NONCE,
    "audience": AUD,
    "now": NOW,
}


def counter_salts() -> Callable[[], str]:
    """Deterministic, unique salts for reproducible test credentials."""
    counter = itertools.count()
    return lambda: f"salt-{next(counter):04d}"


ISSUED = sdjwt.issue(CLAIMS, ISSUER, typ=TYP, salt=counter_salts())
GOOD = sdjwt.present(
    ISSUED, disclose=GOOD_PATHS, holder_key=HOLDER, nonce=NONCE, audience=AUD, iat=NOW
)


# --- building blocks for mutated presentations --------------------------------------------


def parts(text: str) -> tuple[str, list[str], str]:
    pieces = text.split("~")
    return pieces[0], pieces[1:-1], pieces[-1]


def join(jwt: str, disclosures: list[str], kb: str = "") -> str:
    return jwt + "~" + "".join(item + "~" for item in disclosures) + kb


DROP = object()


def bind(
    jwt: str,
    disclosures: list[str],
    *,
    key: PrivateKey = HOLDER,
    header: dict[str, Any] | None = None,
    hash_over: str | None = None,
    **claims: Any,
) -> str:
    """Append a KB-JWT whose sd_hash is right unless `hash_over` or `claims` say otherwise."""
    text = join(jwt, disclosures)
    payload = {
        "iat": NOW,
        "aud": AUD,
        "nonce": NONCE,
        "sd_hash": digest(text if hash_over is None else hash_over, "sha-256"),
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not DROP}
    return text + hand_signed(header or {"alg": key.alg, "typ": "kb+jwt"}, payload, key)


def disc(*items: Any) -> tuple[str, str]:
    """A Disclosure of any JSON array (valid or not) and its digest."""
    raw = base64url.encode(json.dumps(list(items)).encode())
    return raw, digest(raw, "sha-256")


def raw_disc(data: bytes) -> tuple[str, str]:
    raw = base64url.encode(data)
    return raw, digest(raw, "sha-256")


def forge(extra: dict[str, Any], disclosures: list[str], *, base: dict[str, Any] = BASE) -> str:
    """An issuer-signed payload with any content, presented with a correct KB-JWT."""
    return bind(jose.sign({**base, **extra}, ISSUER, typ=TYP), disclosures)


def with_disclosure(extra: dict[str, Any], item: tuple[str, str], slot: str = "_sd") -> str:
    raw, hashed = item
    payload = {"_sd": [hashed]} if slot == "_sd" else {"list": [{"...": hashed}]}
    return forge({**payload, **extra}, [raw])


def replace_disclosure(name: str, value: Any) -> str:
    jwt, disclosures, _ = parts(GOOD)
    edited = []
    for raw in disclosures:
        item = json.loads(base64url.decode(raw))
        if item[1:2] == [name]:
            raw = disc(item[0], name, value)[0]
        edited.append(raw)
    return bind(jwt, edited)


def good_with(**changes: Any) -> str:
    jwt, disclosures, _ = parts(GOOD)
    return bind(jwt, disclosures, **changes)


def child_without_parent() -> str:
    jwt, _, _ = parts(GOOD)
    by_name = {Disclosure.decode(raw, "sha-256").name: raw for raw in parts(ISSUED)[1]}
    return bind(jwt, [by_name["street"]])


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


D_NAME = disc("s1", "family_name", "Fake")
D_ARRAY = disc("s2", "DE")
D_INNER = disc("s3", "city", "Berlin")
D_OUTER = disc("s4", "place", {"_sd": [D_INNER[1]]})


def kb_header(**header: Any) -> str:
    jwt, disclosures, _ = parts(GOOD)
    return bind(jwt, disclosures, header=header)


def hs256_kb() -> str:
    # A02: HMAC "signed" with the holder's public JWK as the secret.
    jwt, disclosures, _ = parts(GOOD)
    text = join(jwt, disclosures)
    header = base64url.encode(b'{"alg":"HS256","typ":"kb+jwt"}')
    claims = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(text, "sha-256")}
    body = base64url.encode(json.dumps(claims).encode())
    secret = strictjson.dumps(HOLDER.public_key.jwk).encode()
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return text + f"{header}.{body}.{base64url.encode(mac)}"


def flipped_issuer_signature() -> str:
    jwt, disclosures, _ = parts(GOOD)
    head, body, signature = jwt.split(".")
    raw = bytearray(base64url.decode(signature))
    raw[0] ^= 1
    return bind(f"{head}.{body}.{base64url.encode(bytes(raw))}", disclosures)


def issuer_alg_none() -> str:
    payload = jose.parse(parts(GOOD)[0]).payload
    return bind(hand_signed({"alg": "none", "typ": TYP}, payload, None), [])


def wrong_issuer_typ() -> str:
    return bind(jose.sign(dict(BASE), ISSUER, typ="kb+jwt"), [])


Row = Callable[[], str]


def row(case_id: str, code: str, mutate: Row, **options: Any) -> Any:
    """One negative case: a mutation of the good presentation and the reason code it must get."""
    return pytest.param(mutate, options, code, id=case_id)


NO_EXP = {k: v for k, v in BASE.items() if k != "exp"}
NO_CNF = {k: v for k, v in BASE.items() if k != "cnf"}
D_EXP = disc("s", "exp", NOW + 9)
D_OLD_EXP = disc("s", "exp", NOW - 61)
D_TWIN = disc("t", "family_name", "X")
NOT_REQUIRED = {"require_key_binding": False, "nonce": None, "audience": None}


def good_parts() -> tuple[str, list[str]]:
    jwt, disclosures, _ = parts(GOOD)
    return jwt, disclosures


def unbound() -> str:
    return join(*good_parts())


REJECTIONS: list[Any] = [
    # B01: the whole presentation fails; the bad disclosure is never silently dropped.
    row("B01-edited-value", "unreferenced_disclosure", lambda: replace_disclosure("grade", "A")),
    row(
        "B01-forged-claim",
        "unreferenced_disclosure",
        lambda: forge({}, [disc("s", "role", "x")[0]]),
    ),
    row("B01-child-without-parent", "unreferenced_disclosure", child_without_parent),
    row(
        "B02-duplicate-disclosure",
        "duplicate_disclosure",
        lambda: bind(parts(GOOD)[0], good_parts()[1] * 2),
    ),
    row(
        "B03-twice-in-sd", "duplicate_digest", lambda: forge({"_sd": [D_NAME[1]] * 2}, [D_NAME[0]])
    ),
    row("B03-undisclosed-twice", "duplicate_digest", lambda: forge({"_sd": [D_NAME[1]] * 2}, [])),
    row(
        "B03-twice-in-array",
        "duplicate_digest",
        lambda: forge({"list": [{"...": D_ARRAY[1]}] * 2}, [D_ARRAY[0]]),
    ),
    row(
        "B03-via-recursive-disclosure",
        "duplicate_digest",
        lambda: forge({"_sd": [D_OUTER[1], D_INNER[1]]}, [D_OUTER[0], D_INNER[0]]),
    ),
    row(
        "B03-array-and-object",
        "duplicate_digest",
        lambda: forge({"list": [{"...": D_ARRAY[1]}], "_sd": [D_ARRAY[1]]}, [D_ARRAY[0]]),
    ),
    row(
        "B04-not-an-array",
        "malformed_disclosure",
        lambda: with_disclosure({}, raw_disc(b'{"s":"s","v":1}')),
    ),
    row("B04-one-element", "malformed_disclosure", lambda: with_disclosure({}, disc("s"))),
    row(
        "B04-four-elements",
        "malformed_disclosure",
        lambda: with_disclosure({}, disc("s", "a", 1, 2)),
    ),
    row(
        "B04-salt-not-string", "malformed_disclosure", lambda: with_disclosure({}, disc(1, "a", 1))
    ),
    row(
        "B04-name-not-string", "malformed_disclosure", lambda: with_disclosure({}, disc("s", 7, 1))
    ),
    row(
        "B04-not-json", "malformed_disclosure", lambda: with_disclosure({}, raw_disc(b'["s","a",1'))
    ),
    row(
        "B04-invalid-utf8",
        "malformed_disclosure",
        lambda: with_disclosure({}, raw_disc(b'["s","a","\xff"]')),
    ),
    row(
        "B04-duplicate-key-in-value",
        "malformed_disclosure",
        lambda: with_disclosure({}, raw_disc(b'["s","a",{"b":1,"b":2}]')),
    ),
    row(
        "B04-array-disclosure-in-sd",
        "disclosure_slot_mismatch",
        lambda: with_disclosure({}, D_ARRAY),
    ),
    row(
        "B04-object-disclosure-in-array",
        "disclosure_slot_mismatch",
        lambda: with_disclosure({}, D_NAME, slot="array"),
    ),
    row("B05-name-sd", "reserved_claim_name", lambda: with_disclosure({}, disc("s", "_sd", ["x"]))),
    row("B05-name-dots", "reserved_claim_name", lambda: with_disclosure({}, disc("s", "...", "x"))),
    row(
        "B06-override-plaintext",
        "claim_override",
        lambda: with_disclosure({"family_name": "Real"}, D_NAME),
    ),
    row(
        "B06-same-name-twice",
        "claim_override",
        lambda: forge({"_sd": [D_NAME[1], D_TWIN[1]]}, [D_NAME[0], D_TWIN[0]]),
    ),
    row(
        "B08-exp-only-disclosed",
        "missing_claim",
        lambda: forge({"_sd": [D_EXP[1]]}, [D_EXP[0]], base=NO_EXP),
        required_claims=("exp",),
    ),
    row("B08-cnf-missing", "cnf_missing", lambda: forge({}, [], base=NO_CNF)),
    row("B09-md5", "sd_alg_unsupported", lambda: forge({"_sd_alg": "md5"}, [])),
    row("B09-truncated", "sd_alg_unsupported", lambda: forge({"_sd_alg": "sha-256-32"}, [])),
    row("B09-not-a-string", "sd_alg_unsupported", lambda: forge({"_sd_alg": 256}, [])),
    row("B09-null", "sd_alg_unsupported", lambda: forge({"_sd_alg": None}, [])),
    row("B09-nested", "sd_alg_nested", lambda: forge({"inner": {"_sd_alg": "sha-256"}}, [])),
    row(
        "B10-hash-without-final-tilde",
        "sd_hash_mismatch",
        lambda: good_with(hash_over=unbound()[:-1]),
    ),
    row(
        "B10-disclosure-removed",
        "sd_hash_mismatch",
        lambda: bind(parts(GOOD)[0], good_parts()[1][1:], hash_over=unbound()),
    ),
    row(
        "B10-reordered",
        "sd_hash_mismatch",
        lambda: bind(parts(GOOD)[0], good_parts()[1][::-1], hash_over=unbound()),
    ),
    row(
        "B10-other-hash-alg",
        "sd_hash_mismatch",
        lambda: good_with(sd_hash=base64url.encode(hashlib.sha512(unbound().encode()).digest())),
    ),
    row("B11-kb-stripped", "key_binding_missing", unbound),
    row(
        "B12-invalid-kb-not-required",
        "kb_signature_invalid",
        lambda: good_with(key=OTHER),
        **NOT_REQUIRED,
    ),
    row(
        "B12-wrong-nonce-not-required",
        "kb_nonce_mismatch",
        lambda: good_with(nonce="old"),
        require_key_binding=False,
    ),
    row("B13-kb-by-other-key", "kb_signature_invalid", lambda: good_with(key=OTHER)),
    row("B14-typ-jwt", "kb_wrong_typ", lambda: kb_header(alg="EdDSA", typ="JWT")),
    row("B14-typ-missing", "kb_wrong_typ", lambda: kb_header(alg="EdDSA")),
    row("B14-alg-none", "kb_alg_not_allowed", lambda: kb_header(alg="none", typ="kb+jwt")),
    row("B14-alg-hs256-public-key", "kb_alg_not_allowed", hs256_kb),
    row(
        "B14-alg-not-cnf-key-type",
        "kb_alg_not_allowed",
        lambda: kb_header(alg="ES256", typ="kb+jwt"),
    ),
    row(
        "B14-crit", "kb_crit_unsupported", lambda: kb_header(alg="EdDSA", typ="kb+jwt", crit=["x"])
    ),
    row("B15-wrong-nonce", "kb_nonce_mismatch", lambda: good_with(nonce="replayed-nonce")),
    row("B15-wrong-aud", "kb_aud_mismatch", lambda: good_with(aud="https://other.example")),
    row("B15-aud-array", "kb_invalid_claim", lambda: good_with(aud=[AUD, "https://other.example"])),
    row("B16-iat-future", "kb_iat_future", lambda: good_with(iat=NOW + 61)),
    row("B16-iat-too-old", "kb_iat_too_old", lambda: good_with(iat=NOW - 301)),
    row("B16-kb-expired", "kb_expired", lambda: good_with(exp=NOW - 61)),
    row("B17-no-iat", "kb_missing_claim", lambda: good_with(iat=DROP)),
    row("B17-no-aud", "kb_missing_claim", lambda: good_with(aud=DROP)),
    row("B17-no-nonce", "kb_missing_claim", lambda: good_with(nonce=DROP)),
    row("B17-no-sd-hash", "kb_missing_claim", lambda: good_with(sd_hash=DROP)),
    row("B17-nonce-not-string", "kb_invalid_claim", lambda: good_with(nonce=12345)),
    row("B17-iat-not-number", "kb_invalid_claim", lambda: good_with(iat="now")),
    row("B22-empty", "sd_jwt_malformed", lambda: ""),
    row("B22-jwt-only", "missing_trailing_tilde", lambda: parts(GOOD)[0]),
    row("B22-no-final-tilde", "missing_trailing_tilde", lambda: unbound()[:-1]),
    row("B22-empty-disclosure", "empty_disclosure", lambda: GOOD.replace("~", "~~", 1)),
    row("B22-space", "sd_jwt_malformed", lambda: GOOD.replace("~", " ~", 1)),
    row("B22-trailing-newline", "sd_jwt_malformed", lambda: GOOD + "\n"),
    row("B22-leading-tab", "sd_jwt_malformed", lambda: "\t" + GOOD),
    row("B22-two-kb-jwts", "misplaced_jwt", lambda: GOOD + "~" + parts(GOOD)[2]),
    row(
        "B22-too-many-disclosures",
        "too_many_disclosures",
        lambda: parts(GOOD)[0] + "~" + "WyJhIl0~" * 1001,
    ),
    row("B22-too-large", "too_large", lambda: GOOD + "A" * sdjwt.MAX_SD_JWT_BYTES),
    row("A01-issuer-alg-none", "alg_not_allowed", issuer_alg_none),
    row("A01-issuer-signature", "signature_invalid", flipped_issuer_signature),
    row("A01-other-issuer-key", "signature_invalid", lambda: GOOD, issuer_key=OTHER.public_key),
    row("A18-issuer-typ", "wrong_typ", wrong_issuer_typ),
    row("A19-expired", "expired", lambda: forge({"exp": NOW - 61}, [])),
    row("A19-not-yet-valid", "not_yet_valid", lambda: forge({"nbf": NOW + 61}, [])),
    row(
        "A19-disclosed-exp-counts",
        "expired",
        lambda: forge({"_sd": [D_OLD_EXP[1]]}, [D_OLD_EXP[0]], base=NO_EXP),
    ),
    row("A14-deep-claims", "too_deep", lambda: forge({"deep": nested(80)}, [])),
    row("sd-not-an-array", "invalid_digest", lambda: forge({"_sd": "not-a-list"}, [])),
    row("digest-not-a-string", "invalid_digest", lambda: forge({"_sd": [7]}, [])),
    row(
        "array-digest-extra-member",
        "invalid_digest",
        lambda: forge({"list": [{"...": D_ARRAY[1], "x": 1}]}, [D_ARRAY[0]]),
    ),
    row("dots-outside-array", "reserved_claim_name", lambda: forge({"x": {"...": "abc"}}, [])),
]


def test_good_presentation_verifies() -> None:
    """The control for every row below: only the mutation makes them fail."""
    verified = sdjwt.verify(GOOD, ISSUER.public_key, **VERIFY_ARGS)
    assert verified.key_binding_verified is True
    assert verified.payload == {
        **BASE,
        "given_name": "Anna",
        "grade": "B",
        "address": {"street": "Hauptstr. 1", "country": "DE"},
        "nationalities": ["DE", "FR"],
    }
    assert set(verified.disclosed_paths) == {*GOOD_PATHS, ("address",)}
    assert verified.holder_jwk == HOLDER.public_key.jwk
    assert verified.header == {"alg": "EdDSA", "typ": TYP}


@pytest.mark.parametrize(("mutate", "options", "code"), REJECTIONS)
def test_rejects_mutated_presentation(mutate: Row, options: dict[str, Any], code: str) -> None:
    presentation = mutate()
    args = {**VERIFY_ARGS, **options}
    issuer_key = args.pop("issuer_key", ISSUER.public_key)
    with pytest.raises(MicrocredError) as caught:
        sdjwt.verify(presentation, issuer_key, **args)
    assert caught.value.code == code
    # G4: no token material in the message.
    assert parts(GOOD)[0] not in str(caught.value)


def test_key_binding_errors_are_key_binding_errors() -> None:
    with pytest.raises(KeyBindingError):
        sdjwt.verify(good_with(key=OTHER), ISSUER.public_key, **VERIFY_ARGS)


def test_deep_json_in_a_disclosure_is_a_clean_error() -> None:
    raw, hashed = raw_disc(b'["s","a",' + b"[" * 5000 + b"]" * 5000 + b"]")
    with pytest.raises(PayloadTooLarge):
        sdjwt.verify(forge({"_sd": [hashed]}, [raw]), ISSUER.public_key, **VERIFY_ARGS)


# --- verification outcomes ------------------------------------------------------------------


def test_kb_present_but_not_required_is_checked_yet_not_trusted_without_nonce() -> None:
    # B12: the KB-JWT is validated, but without a nonce/audience it proves no binding.
    verified = sdjwt.verify(GOOD, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW)
    assert verified.key_binding_verified is False
    checked = sdjwt.verify(
        GOOD,
        ISSUER.public_key,
        typ=TYP,
        require_key_binding=False,
        nonce=NONCE,
        audience=AUD,
        now=NOW,
    )
    assert checked.key_binding_verified is True


def test_bearer_presentation_when_policy_allows() -> None:
    bare = join(*parts(GOOD)[:2])
    verified = sdjwt.verify(bare, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW)
    assert verified.key_binding_verified is False
    assert verified.payload["given_name"] == "Anna"


def test_required_key_binding_needs_nonce_and_audience() -> None:
    with pytest.raises(TypeError):
        sdjwt.verify(GOOD, ISSUER.public_key, typ=TYP, require_key_binding=True, now=NOW)


def test_key_lookup_receives_header_and_payload() -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def lookup(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        seen.append((header, payload))
        return ISSUER.public_key

    sdjwt.verify(GOOD, lookup, **VERIFY_ARGS)
    assert seen[0][0]["typ"] == TYP and seen[0][1]["iss"] == BASE["iss"]


def test_verified_is_frozen() -> None:
    verified = sdjwt.verify(GOOD, ISSUER.public_key, **VERIFY_ARGS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verified.key_binding_verified = False  # type: ignore[misc]


# --- issuance --------------------------------------------------------------------------------


def signed_payload(issued: str) -> dict[str, Any]:
    return jose.parse(parts(issued)[0]).payload


def test_issue_hides_sd_claims_and_sorts_digests() -> None:
    payload = signed_payload(ISSUED)
    assert payload["_sd_alg"] == "sha-256"
    assert payload["_sd"] == sorted(payload["_sd"]) and len(payload["_sd"]) == 4
    assert not {"given_name", "family_name", "grade", "address"} & payload.keys()
    assert payload["nationalities"][1] == "FR" and set(payload["nationalities"][0]) == {"..."}
    assert "Anna" not in base64url.decode(parts(ISSUED)[0].split(".")[1]).decode()
    address = next(d for d in sdjwt.parse(ISSUED).disclosures if d.name == "address")
    assert address.value["country"] == "DE" and len(address.value["_sd"]) == 1


def test_issue_is_deterministic_with_given_salts() -> None:
    assert sdjwt.issue(CLAIMS, ISSUER, typ=TYP, salt=counter_salts()) == ISSUED


def test_default_salts_are_128_bit_and_unique() -> None:
    # B25: a fresh CSPRNG salt per claim, never reused across credentials.
    salts = [
        d.salt
        for _ in range(3)
        for d in sdjwt.parse(sdjwt.issue(CLAIMS, ISSUER, typ=TYP)).disclosures
    ]
    assert len(salts) == 18 and len(set(salts)) == 18
    assert all(len(base64url.decode(salt)) == 16 for salt in salts)


def test_reused_salt_is_refused() -> None:
    with pytest.raises(SDJWTError) as caught:
        sdjwt.issue(CLAIMS, ISSUER, typ=TYP, salt=lambda: "same")
    assert caught.value.code == "salt_reused"


def test_decoys_pad_every_sd_array_and_are_ignored() -> None:
    issued = sdjwt.issue(CLAIMS, ISSUER, typ=TYP, decoys=3)
    assert len(signed_payload(issued)["_sd"]) == 7
    address = next(d for d in sdjwt.parse(issued).disclosures if d.name == "address")
    assert len(address.value["_sd"]) == 4
    presented = sdjwt.present(issued, disclose=lambda path: True)
    verified = sdjwt.verify(
        presented, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW
    )
    assert verified.payload["address"] == {"street": "Hauptstr. 1", "country": "DE"}


@pytest.mark.parametrize("hash_alg", ["sha-256", "sha-384", "sha-512"])
def test_hash_algorithms_round_trip(hash_alg: str) -> None:
    issued = sdjwt.issue(CLAIMS, ISSUER, typ=TYP, hash_alg=hash_alg)
    presented = sdjwt.present(
        issued, disclose=GOOD_PATHS, holder_key=HOLDER, nonce=NONCE, audience=AUD, iat=NOW
    )
    verified = sdjwt.verify(presented, ISSUER.public_key, **VERIFY_ARGS)
    assert verified.payload["address"]["street"] == "Hauptstr. 1"
    assert sdjwt.parse(presented).hash_alg == hash_alg


@pytest.mark.parametrize(
    ("claims", "options", "code"),
    [
        pytest.param({"_sd": ["x"]}, {}, "reserved_claim_name", id="reserved-sd"),
        pytest.param({"a": {"...": 1}}, {}, "reserved_claim_name", id="reserved-dots"),
        pytest.param({"_sd_alg": "md5"}, {}, "reserved_claim_name", id="reserved-sd-alg"),
        pytest.param({"a": SD(SD(1))}, {}, "misplaced_sd", id="sd-of-sd"),
        pytest.param({1: "x"}, {}, "invalid_claims", id="non-string-name"),
        pytest.param(SD({"a": 1}), {}, "invalid_claims", id="sd-at-top-level"),
        pytest.param({"a": SD(1)}, {"hash_alg": "md5"}, "sd_alg_unsupported", id="weak-hash"),
        pytest.param({"deep": nested(80)}, {}, "too_deep", id="too-deep"),
    ],
)
def test_issue_refuses(claims: Any, options: dict[str, Any], code: str) -> None:
    with pytest.raises(MicrocredError) as caught:
        sdjwt.issue(claims, ISSUER, typ=TYP, **options)
    assert caught.value.code == code


def test_rfc9901_digest_and_disclosure_examples() -> None:
    # RFC 9901 §4.2.1-4.2.3 examples.
    raw = "WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    assert digest(raw, "sha-256") == "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY"
    item = Disclosure.decode(raw, "sha-256")
    assert (item.salt, item.name, item.value) == ("6qMQvRL5haj", "family_name", "Möbius")
    element = Disclosure.decode("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0", "sha-256")
    assert (element.name, element.value) == (None, "FR")
    assert element.digest == "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"


# --- parsing ---------------------------------------------------------------------------------


def test_parse_splits_issuance_and_presentation() -> None:
    issued = sdjwt.parse(ISSUED)
    assert issued.kb_jwt is None and issued.sd_jwt == ISSUED and len(issued.disclosures) == 6
    presented = sdjwt.parse(GOOD)
    assert presented.kb_jwt == parts(GOOD)[2]
    assert presented.sd_jwt == GOOD[: -len(presented.kb_jwt)] and presented.sd_jwt.endswith("~")
    assert presented.jwt == parts(GOOD)[0] and presented.jws.payload["iss"] == BASE["iss"]


def test_parse_accepts_sd_jwt_without_disclosures() -> None:
    bare = jose.sign(dict(BASE), ISSUER, typ=TYP) + "~"
    assert sdjwt.parse(bare).disclosures == ()
    assert (
        sdjwt.verify(bare, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW).payload
        == BASE
    )


# --- holder: presenting ----------------------------------------------------------------------

NESTED_ARRAYS = sdjwt.issue(
    {"a": SD([SD("x"), SD({"b": SD(1), "c": 2})]), "plain": [[SD("p"), "q"]]},
    ISSUER,
    typ=TYP,
)


@pytest.mark.parametrize(
    ("issued", "selection", "expected"),
    [
        pytest.param(ISSUED, [], set(), id="nothing"),
        pytest.param(ISSUED, [("given_name",)], {("given_name",)}, id="flat"),
        pytest.param(ISSUED, [("address",)], {("address",)}, id="parent-only"),
        pytest.param(
            ISSUED,
            [("address", "street")],
            {("address",), ("address", "street")},
            id="child-adds-parent",
        ),
        pytest.param(
            ISSUED, [("address", "country")], {("address",)}, id="plain-leaf-under-sd-parent"
        ),
        pytest.param(ISSUED, [("nationalities", 0)], {("nationalities", 0)}, id="array-element"),
        pytest.param(ISSUED, [("nationalities", 1)], set(), id="plain-array-element"),
        pytest.param(ISSUED, [("unknown",)], set(), id="unknown-path"),
        pytest.param(
            ISSUED,
            lambda path: path[-1] == "street",
            {("address",), ("address", "street")},
            id="predicate",
        ),
        pytest.param(
            NESTED_ARRAYS, [("a", 1, "b")], {("a",), ("a", 1), ("a", 1, "b")}, id="recursive-array"
        ),
        pytest.param(NESTED_ARRAYS, [("a", 0)], {("a",), ("a", 0)}, id="element-of-sd-array"),
        pytest.param(NESTED_ARRAYS, [("plain", 0, 0)], {("plain", 0, 0)}, id="nested-plain-arrays"),
    ],
)
def test_present_sends_exactly_the_chosen_disclosures_and_their_parents(
    issued: str, selection: Any, expected: set[tuple[Any, ...]]
) -> None:
    # B20: no deselected disclosure, no unrelated one, every needed parent.
    presented = sdjwt.present(issued, disclose=selection)
    assert len(parts(presented)[1]) == len(expected)
    verified = sdjwt.verify(
        presented, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW
    )
    assert set(verified.disclosed_paths) == expected


def test_presented_payload_drops_undisclosed_elements() -> None:
    presented = sdjwt.present(ISSUED, disclose=[("address",)])
    payload = sdjwt.verify(
        presented, ISSUER.public_key, typ=TYP, require_key_binding=False, now=NOW
    ).payload
    assert payload["address"] == {"country": "DE"} and payload["nationalities"] == ["FR"]
    assert "given_name" not in payload


def test_available_paths_lists_every_disclosable_claim_parents_first() -> None:
    paths = sdjwt.available_paths(ISSUED)
    assert set(paths) == {
        ("given_name",),
        ("family_name",),
        ("grade",),
        ("address",),
        ("address", "street"),
        ("nationalities", 0),
    }
    assert paths.index(("address",)) < paths.index(("address", "street"))


def test_key_binding_jwt_content() -> None:
    presented = sdjwt.parse(GOOD)
    assert presented.kb_jwt is not None
    kb = jose.verify(presented.kb_jwt, HOLDER.public_key, typ="kb+jwt")
    assert kb.header == {"alg": "EdDSA", "typ": "kb+jwt"}
    # sd_hash covers the presentation up to and including the final "~" (RFC 9901 §4.3.1).
    assert kb.payload == {
        "iat": NOW,
        "aud": AUD,
        "nonce": NONCE,
        "sd_hash": digest(presented.sd_jwt, "sha-256"),
    }


@pytest.mark.parametrize(
    ("issued", "options", "error"),
    [
        pytest.param(
            ISSUED,
            {"holder_key": OTHER, "nonce": NONCE, "audience": AUD},
            "holder_key_mismatch",
            id="wrong-holder-key",
        ),
        pytest.param(
            sdjwt.issue({"a": SD(1)}, ISSUER, typ=TYP),
            {"holder_key": HOLDER, "nonce": NONCE, "audience": AUD},
            "cnf_missing",
            id="no-cnf",
        ),
        pytest.param(GOOD, {}, "kb_in_issued", id="B18-already-has-kb"),
        pytest.param(
            ISSUED.replace(parts(ISSUED)[1][0], disc("s", "given_name", "Eve")[0]),
            {},
            "unreferenced_disclosure",
            id="B19-tampered-issuance",
        ),
    ],
)
def test_present_refuses(issued: str, options: dict[str, Any], error: str) -> None:
    with pytest.raises(SDJWTError) as caught:
        sdjwt.present(issued, disclose=[("given_name",)], **options)
    assert caught.value.code == error


def test_present_needs_holder_key_and_nonce_together() -> None:
    with pytest.raises(TypeError):
        sdjwt.present(ISSUED, disclose=[], nonce=NONCE, audience=AUD)
    with pytest.raises(TypeError):
        sdjwt.present(ISSUED, disclose=[], holder_key=HOLDER, nonce=NONCE)


def test_key_binding_with_p256_holder() -> None:
    holder = PrivateKey.generate("P-256")
    issued = sdjwt.issue({**CLAIMS, "cnf": {"jwk": holder.public_key.jwk}}, ISSUER, typ=TYP)
    presented = sdjwt.present(
        issued, disclose=GOOD_PATHS, holder_key=holder, nonce=NONCE, audience=AUD, iat=NOW
    )
    assert sdjwt.verify(presented, ISSUER.public_key, **VERIFY_ARGS).key_binding_verified
    assert key_binding.KB_TYP == "kb+jwt"
