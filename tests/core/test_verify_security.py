"""SECURITY-CASES rows A-E (and G1, G4, G5) at pipeline level: hostile payloads and infrastructure.

Each row names its case id. "Reject" means a report, never an exception: INVALID with the reason
code of the check that failed; unreachable things are UNVERIFIED, never VALID (G1).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
import logging
import socket
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from issuer_site import AWARD, COURSE, DAY, NOW, Institution
from verify_world import (
    AUDIENCE,
    BOUND,
    FORMATS,
    HOLDER,
    HOLDER_DID,
    NAMES,
    NONCE,
    NOW_TS,
    PLAIN,
    World,
    accredited,
    make_verifier,
    present,
    vm_of,
)

from microcred import base64url, data_integrity, did, issuance, jose, key_binding, strictjson
from microcred.did import DIDResolver, did_key
from microcred.fetch import Fetcher, FetchPolicy
from microcred.issuance import IssuerIdentity
from microcred.keys import PrivateKey
from microcred.model import to_open_badge
from microcred.report import Report
from microcred.status_cache import StatusListCache
from microcred.status_list import GZIP_WBITS
from microcred.status_list_credential import status_list_credential
from microcred.token_status_list import sign_status_list_token
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

ATTACKER = PrivateKey.from_ed25519_seed(b"\xa7" * 32)
ATTACKER_DID = did_key(ATTACKER.public_key)
# A bomb is 16x the largest list either decoder accepts (2 MiB BSL, 1 MiB for 2-bit tokens).
BOMB_BYTES = 32 * 1024 * 1024
# Python memory allowed while verifying against a bomb: far below its expansion.
BOMB_MEMORY_CAP = 16 * 1024 * 1024
FMT = "%Y-%m-%dT%H:%M:%SZ"

Build = Callable[[World], Any]


def expect(report: Report, verdict: str, check: str, state: str, code: str) -> None:
    """The verdict, the deciding check's state and code, and the report's reason."""
    found = report.check(check)
    assert (report.verdict, found.state, found.code) == (verdict, state, code)
    assert report.reason == code


# --- forging JWTs ---------------------------------------------------------------------------------


def _b64(value: dict[str, Any]) -> str:
    return base64url.encode(strictjson.dumps(value).encode())


def _decode(part: str) -> dict[str, Any]:
    return strictjson.loads_object(base64url.decode(part))


def _edit(
    token: str, header: dict[str, Any], payload: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body, _ = token.split(".")
    new_header, new_payload = {**_decode(head), **header}, _decode(body)
    for name, value in payload.items():
        new_payload[name] = value(new_payload[name]) if callable(value) else value
    return new_header, new_payload


def resign(
    token: str, key: PrivateKey, header: dict[str, Any] | None = None, **payload: Any
) -> str:
    """The token with header members and claims changed, signed with `key`."""
    new_header, new_payload = _edit(token, header or {}, payload)
    signing_input = _b64(new_header) + "." + _b64(new_payload)
    return signing_input + "." + base64url.encode(key.sign(signing_input.encode()))


def unsigned(token: str, alg: str) -> str:
    """A01: the same claims under another alg, with the signature stripped."""
    head, body, _ = token.split(".")
    return _b64({**_decode(head), "alg": alg}) + "." + body + "."


def hmac_with_public_jwk(token: str, issuer: PrivateKey) -> str:
    """A02: HS256 keyed with the issuer's public JWK, as confused libraries verify it."""
    head, body, _ = token.split(".")
    signing_input = _b64({**_decode(head), "alg": "HS256"}) + "." + body
    secret = strictjson.dumps(issuer.public_key.jwk).encode()
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64url.encode(mac)


def on_jwt(sd: str, change: Callable[[str], str]) -> str:
    """Apply a JWT forgery to the issuer-signed part of an SD-JWT, keeping its disclosures."""
    jwt, _, rest = sd.partition("~")
    return change(jwt) + "~" + rest


def _disclosures(sd: str) -> list[str]:
    return sd.split("~")[1:-1]


def tampered_disclosure(world: World) -> str:
    """B01: the grade disclosure with another value (its digest is then nowhere in the payload)."""
    parts = world.sd.split("~")
    for index, raw in enumerate(parts[1:-1], start=1):
        salt, name, value = strictjson.loads(base64url.decode(raw))
        if name == "assessment_grade":
            parts[index] = base64url.encode(strictjson.dumps([salt, name, "10"]).encode())
    assert parts != world.sd.split("~")
    return "~".join(parts)


def forged_disclosure(world: World) -> str:
    """B01: an extra disclosure the issuer never made."""
    extra = base64url.encode(
        strictjson.dumps(["c2FsdHNhbHRzYWx0", "honours", "cum laude"]).encode()
    )
    return world.sd + extra + "~"


def kb_by(key: PrivateKey, *, iat: float = NOW_TS) -> Build:
    """B13/B16: a KB-JWT over a real presentation, signed by `key` at `iat`."""

    def build(world: World) -> str:
        text = present(world.sd, NAMES).rpartition("~")[0] + "~"
        return text + key_binding.create(
            text, key, nonce=NONCE, audience=AUDIENCE, iat=int(iat), hash_alg="sha-256"
        )

    return build


def strip_kb(world: World) -> str:
    """B11: a real presentation with its KB-JWT cut off."""
    return present(world.sd).rpartition("~")[0] + "~"


def signed_ob(world: World, key: PrivateKey, method: str, **changes: Any) -> dict[str, Any]:
    document = {k: v for k, v in world.ob.items() if k != "proof"}
    purpose = changes.pop("proof_purpose", "assertionMethod")
    document.update(changes)
    return data_integrity.sign(
        document,
        key,
        verification_method=method,
        created="2026-05-31T12:00:00Z",
        proof_purpose=purpose,
    )


def ob_with(change: Callable[[dict[str, Any]], None]) -> Build:
    """Change a signed OB3 credential after signing."""

    def build(world: World) -> dict[str, Any]:
        document = copy.deepcopy(world.ob)
        change(document)
        return document

    return build


def deep_jwt(world: World) -> str:
    """A14: an issuer-signed VC-JWT whose payload nests 20,000 objects."""
    header = {"alg": "EdDSA", "typ": "JWT", "kid": world.inst.identity.verification_method}
    body = f'{{"iss":"{world.inst.did}","vc":' + '{"a":' * 20_000 + "1" + "}" * 20_001
    signing_input = _b64(header) + "." + base64url.encode(body.encode())
    return signing_input + "." + base64url.encode(world.inst.key.sign(signing_input.encode()))


def deep_dict(world: World) -> dict[str, Any]:
    """A14: a credential object nested deeper than any parser or canonicaliser should follow."""
    nested: dict[str, Any] = {"a": 1}
    for _ in range(900):
        nested = {"a": nested}
    document = copy.deepcopy(world.ob)
    document["credentialSubject"]["extra"] = nested
    return document


def future_valid_from(world: World) -> dict[str, Any]:
    """A19: validFrom next week under a proof made today."""
    document = to_open_badge(
        COURSE,
        AWARD,
        credential_id="urn:uuid:8a4f2c1e-0000-4000-8000-000000000003",
        issuer_id=world.inst.did,
        issuer_name=world.inst.identity.name,
        subject_id=HOLDER_DID,
        valid_from=NOW + 7 * DAY,
    )
    return data_integrity.sign(
        document,
        world.inst.key,
        verification_method=world.inst.identity.verification_method,
        created=(NOW - DAY).strftime(FMT),
    )


def _times(fmt: str, **times: dt.datetime) -> Build:
    issue = {
        "sd-jwt-vc": Institution.sd_jwt,
        "ldp-vc": Institution.open_badge,
        "vc-jwt": Institution.vc_jwt,
    }[fmt]
    return lambda world: issue(world.inst, 1, **times)


EXPIRED = {"issued_at": NOW - 30 * DAY, "expires_at": NOW - DAY}
NOT_YET_VALID = {"issued_at": NOW + DAY}


def _row(case: str, build: Build, policy: Policy, check: str, code: str, **kw: Any) -> Any:
    return pytest.param(build, policy, check, code, id=case, **kw)


# Forged, tampered or malformed payloads against the stable institution: always INVALID.
FORGERIES = [
    _row("A01-sd-jwt-alg-none", lambda w: on_jwt(w.sd, lambda t: unsigned(t, "none")), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A01-sd-jwt-alg-NONE", lambda w: on_jwt(w.sd, lambda t: unsigned(t, "NONE")), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A01-vc-jwt-alg-none", lambda w: unsigned(w.jwt, "none"), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A01-vc-jwt-alg-nOnE", lambda w: unsigned(w.jwt, "nOnE"), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A01-vc-jwt-signature-stripped", lambda w: w.jwt.rpartition(".")[0] + ".", PLAIN,
         "signature", "signature_invalid"),
    _row("A02-sd-jwt-hs256-public-jwk",
         lambda w: on_jwt(w.sd, lambda t: hmac_with_public_jwk(t, w.inst.key)), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A02-vc-jwt-hs256-public-jwk", lambda w: hmac_with_public_jwk(w.jwt, w.inst.key), PLAIN,
         "signature", "alg_not_allowed"),
    _row("A04-sd-jwt-embedded-jwk",
         lambda w: on_jwt(w.sd, lambda t: resign(
             t, ATTACKER, {"jwk": ATTACKER.public_key.jwk}, achievement_title="MD")),
         PLAIN, "signature", "signature_invalid"),
    _row("A04-vc-jwt-embedded-jwk",
         lambda w: resign(w.jwt, ATTACKER, {"jwk": ATTACKER.public_key.jwk}), PLAIN,
         "signature", "signature_invalid"),
    _row("A04-vc-jwt-jku-x5u",
         lambda w: resign(w.jwt, ATTACKER, {"jku": "https://evil.example/jwks",
                                            "x5u": "https://evil.example/cert"}), PLAIN,
         "signature", "signature_invalid"),
    _row("A19-sd-jwt-vc-expired", _times("sd-jwt-vc", **EXPIRED), PLAIN, "validity", "expired"),
    _row("A19-ldp-vc-expired", _times("ldp-vc", **EXPIRED), PLAIN, "validity", "expired"),
    _row("A19-vc-jwt-expired", _times("vc-jwt", **EXPIRED), PLAIN, "validity", "expired"),
    _row("A19-sd-jwt-vc-not-yet-valid", _times("sd-jwt-vc", **NOT_YET_VALID), PLAIN,
         "validity", "not_yet_valid"),
    _row("A19-ldp-vc-not-yet-valid", _times("ldp-vc", **NOT_YET_VALID), PLAIN,
         "validity", "not_yet_valid"),
    _row("A19-ldp-vc-validFrom-future", future_valid_from, PLAIN, "validity", "not_yet_valid"),
    _row("A19-vc-jwt-not-yet-valid", _times("vc-jwt", **NOT_YET_VALID), PLAIN,
         "validity", "not_yet_valid"),
    _row("A20-vc-jwt-vc-issuer-differs",
         lambda w: resign(w.jwt, w.inst.key, vc=lambda vc: {**vc, "issuer": ATTACKER_DID}),
         PLAIN, "signature", "issuer_mismatch"),
    _row("A20-vc-jwt-iss-differs",
         lambda w: resign(w.jwt, ATTACKER, {"kid": vm_of(ATTACKER_DID)}, iss=ATTACKER_DID),
         PLAIN, "signature", "issuer_mismatch"),
    _row("A21-sd-jwt-kid-of-another-did",
         lambda w: on_jwt(w.sd, lambda t: resign(t, ATTACKER, {"kid": vm_of(ATTACKER_DID)})),
         PLAIN, "issuer_key", "key_not_authorized"),
    _row("A21-vc-jwt-kid-of-another-did",
         lambda w: resign(w.jwt, ATTACKER, {"kid": vm_of(ATTACKER_DID)}), PLAIN,
         "issuer_key", "kid_not_issuer"),
    _row("A21-ldp-vc-method-of-another-did",
         lambda w: signed_ob(w, ATTACKER, vm_of(ATTACKER_DID)), PLAIN,
         "issuer_key", "key_not_authorized"),
    _row("B01-tampered-disclosure", tampered_disclosure, PLAIN,
         "signature", "unreferenced_disclosure"),
    _row("B01-forged-extra-disclosure", forged_disclosure, PLAIN,
         "signature", "unreferenced_disclosure"),
    _row("B11-no-kb-when-required", lambda w: w.sd, BOUND,
         "holder_binding", "key_binding_missing"),
    _row("B11-kb-stripped", strip_kb, BOUND, "holder_binding", "key_binding_missing"),
    _row("B13-kb-by-another-key", kb_by(ATTACKER), BOUND,
         "holder_binding", "kb_signature_invalid"),
    _row("B15-wrong-nonce", lambda w: present(w.sd, nonce="replayed"), BOUND,
         "holder_binding", "kb_nonce_mismatch"),
    _row("B15-wrong-audience", lambda w: present(w.sd, audience="https://rp.example"), BOUND,
         "holder_binding", "kb_aud_mismatch"),
    _row("B16-kb-too-old", kb_by(HOLDER, iat=NOW_TS - 3600), BOUND,
         "holder_binding", "kb_iat_too_old"),
    _row("C01-unknown-context",
         ob_with(lambda d: d["@context"].append("https://evil.example/context.jsonld")), PLAIN,
         "signature", "unknown_context"),
    _row("C03-inline-context",
         ob_with(lambda d: d["@context"].append({"@vocab": "https://evil.example/#"})), PLAIN,
         "signature", "inline_context"),
    _row("C04-term-added-after-signing",
         ob_with(lambda d: d["credentialSubject"].update(honors="summa cum laude")), PLAIN,
         "signature", "data_loss"),
    _row("C12-authentication-proof-on-credential",
         lambda w: signed_ob(w, w.inst.key, w.inst.identity.verification_method,
                             proof_purpose="authentication"),
         PLAIN, "signature", "proof_purpose_mismatch"),
    _row("A13-10MB-text", lambda w: "e" * 10_000_000, PLAIN, "format", "too_large"),
    _row("A13-10MB-bytes", lambda w: b"{" + b" " * 10_000_000 + b"}", PLAIN,
         "format", "too_large"),
    _row("A14-deep-json-text", lambda w: '{"a":' * 50_000 + "1" + "}" * 50_000, PLAIN,
         "format", "too_large"),
    _row("A14-deep-array-in-credential",
         lambda w: strictjson.dumps(w.ob)[:-1] + ',"x":' + "[" * 60_000 + "]" * 60_000 + "}",
         PLAIN, "format", "too_large"),
    _row("A14-deep-signed-jwt-payload", deep_jwt, PLAIN, "format", "too_large"),
    _row("A14-deep-object", deep_dict, PLAIN, "format", "too_deep"),
]  # fmt: skip


@pytest.mark.parametrize("build, policy, check, code", FORGERIES)
def test_forged_or_malformed_payload_is_invalid(
    world: World, build: Build, policy: Policy, check: str, code: str
) -> None:
    report = make_verifier(world).verify(build(world), policy)
    expect(report, "INVALID", check, "failed", code)
    # G5: nothing from a payload that did not verify is shown.
    assert (report.claims, report.disclosed, report.certificate) == ({}, (), None)


def test_e17_expiry_is_decided_before_status(fresh: World) -> None:
    verifier = make_verifier(fresh)
    for fmt in FORMATS:
        report = verifier.verify(_times(fmt, **EXPIRED)(fresh), PLAIN)
        expect(report, "INVALID", "validity", "failed", "expired")
        assert report.check("revocation").state == "not_checked"
    # The status was valid; it was not even fetched.
    assert not any(path.startswith("/status/") for path in fresh.site.hits)


# --- trust (A24, A25) -----------------------------------------------------------------------------


TRUST_CASES = [
    pytest.param(lambda did: [], False, "issuer_not_in_registry", id="A24-empty-registry"),
    pytest.param(lambda did: [accredited("did:web:uni-ex4mple.org")], False,
                 "issuer_not_in_registry", id="A24-look-alike-listed"),
    pytest.param(lambda did: [accredited(did)], True, "issuer_not_in_registry",
                 id="A24-self-issued"),
    pytest.param(lambda did: [accredited(did, validUntil="2025-12-31")], False,
                 "issuer_expired", id="A25-accreditation-withdrawn"),
    pytest.param(lambda did: [accredited(did, validFrom="2099-01-01")], False,
                 "issuer_not_yet_valid", id="A25-not-yet-accredited"),
]  # fmt: skip


@pytest.mark.parametrize("listing, self_made, code", TRUST_CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_untrusted_issuer_is_unverified_never_valid(
    world: World, fmt: str, listing: Any, self_made: bool, code: str
) -> None:
    payload = self_issued(fmt) if self_made else payload_of(world, fmt)
    report = make_verifier(world, issuers=listing(world.inst.did)).verify(payload, PLAIN)
    expect(report, "UNVERIFIED", "issuer_trust", "failed", code)
    assert all(report.check(name).state == "passed" for name in ("issuer_key", "signature"))
    assert report.issuer.trust_status == code.removeprefix("issuer_")


def self_issued(fmt: str) -> Any:
    identity = IssuerIdentity(ATTACKER_DID, vm_of(ATTACKER_DID), ATTACKER, "Diploma Mill")
    if fmt == "sd-jwt-vc":
        return issuance.issue_sd_jwt_vc(
            identity, COURSE, AWARD, holder_jwk=None, issued_at=NOW - DAY
        )
    issue = issuance.issue_open_badge if fmt == "ldp-vc" else issuance.issue_vc_jwt
    return issue(
        identity,
        COURSE,
        AWARD,
        credential_id="urn:uuid:8a4f2c1e-0000-4000-8000-00000000000f",
        subject_id=HOLDER_DID,
        issued_at=NOW - DAY,
    )


# --- hostile or broken infrastructure ---------------------------------------------------------


def payload_of(world: World, fmt: str) -> Any:
    return {"sd-jwt-vc": world.sd, "ldp-vc": world.ob, "vc-jwt": world.jwt}[fmt]


def second_key_for_authentication_only(world: World, fmt: str) -> Any:
    """A22: key-2 is published, but only under `authentication`."""
    key = PrivateKey.from_ed25519_seed(b"\x22" * 32)
    document = did.did_web_document(
        world.inst.did, [("key-1", world.inst.key.public_key), ("key-2", key.public_key)]
    )
    document["assertionMethod"] = [m for m in document["assertionMethod"] if m.endswith("key-1")]
    world.site.put_json("/.well-known/did.json", document)
    identity = IssuerIdentity(world.inst.did, world.inst.did + "#key-2", key, "Hanoi Uni")
    if fmt == "sd-jwt-vc":
        return issuance.issue_sd_jwt_vc(
            identity, COURSE, AWARD, holder_jwk=None, issued_at=NOW - DAY
        )
    issue = issuance.issue_open_badge if fmt == "ldp-vc" else issuance.issue_vc_jwt
    return issue(
        identity, COURSE, AWARD, credential_id="urn:uuid:22", subject_id=HOLDER_DID,
        issued_at=NOW - DAY,
    )  # fmt: skip


def remove(path: str) -> Callable[[World, str], Any]:
    def arrange(world: World, fmt: str) -> Any:
        del world.site.documents[path]
        return payload_of(world, fmt)

    return arrange


def list_path(fmt: str) -> str:
    return "/status/token" if fmt == "sd-jwt-vc" else "/status/revocation"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unreachable_list(world: World, fmt: str) -> Any:
    """E01: the status list lives on a port where nothing listens."""
    url = f"http://localhost:{closed_port()}/status/list"
    if fmt == "sd-jwt-vc":
        return issuance.issue_sd_jwt_vc(
            world.inst.identity, COURSE, AWARD, holder_jwk=None, issued_at=NOW - DAY,
            status=(url, 1),
        )  # fmt: skip
    entries = issuance.bitstring_status_entries({"revocation": url}, 1)
    return issuance.issue_open_badge(
        world.inst.identity, COURSE, AWARD, credential_id="urn:uuid:e01",
        subject_id=HOLDER_DID, issued_at=NOW - DAY, status=entries,
    )  # fmt: skip


def serve_list(
    world: World,
    fmt: str,
    *,
    key: PrivateKey | None = None,
    issuer: str | None = None,
    method: str | None = None,
    sub: str | None = None,
    valid_until: str | None = None,
    exp: int | None = None,
    encoded: str | None = None,
    token_list: dict[str, Any] | None = None,
) -> None:
    """Replace the served revocation list (BSL) or token list with a variant."""
    inst = world.inst
    key = key or inst.key
    method = method or inst.identity.verification_method
    if fmt == "sd-jwt-vc":
        if token_list is None:
            token = sign_status_list_token(
                inst.token_list, key, sub=sub or inst.token_url, kid=method, iat=int(NOW_TS),
                exp=exp,
            )  # fmt: skip
        else:
            payload = {"sub": inst.token_url, "iat": int(NOW_TS), "status_list": token_list}
            token = jose.sign(payload, key, typ="statuslist+jwt", kid=method)
        world.site.put("/status/token", token, "application/statuslist+jwt")
        return
    document = status_list_credential(
        list_id=inst.list_urls["revocation"],
        issuer=issuer or inst.did,
        purpose="revocation",
        encoded_list=encoded or inst.lists["revocation"].encode(),
        valid_from="2026-01-01T00:00:00Z",
        valid_until=valid_until,
    )
    signed = data_integrity.sign(
        document, key, verification_method=method, created="2026-01-01T00:00:00Z"
    )
    world.site.put_json("/status/revocation", signed, "application/vc+ld+json")


def variant(**changes: Any) -> Callable[[World, str], Any]:
    def arrange(world: World, fmt: str) -> Any:
        serve_list(world, fmt, **changes)
        return payload_of(world, fmt)

    return arrange


def list_of_another_issuer(world: World, fmt: str) -> Any:
    """E02: a list signed by its own (other) issuer, served at the institution's URL."""
    serve_list(world, fmt, key=ATTACKER, issuer=ATTACKER_DID, method=vm_of(ATTACKER_DID))
    return payload_of(world, fmt)


def purpose_mismatch(world: World, fmt: str) -> Any:
    """E04: a revocation entry pointing at the suspension list."""
    entry = issuance.bitstring_status_entries({"revocation": world.inst.list_urls["suspension"]}, 1)
    return issuance.issue_open_badge(
        world.inst.identity, COURSE, AWARD, credential_id="urn:uuid:e04",
        subject_id=HOLDER_DID, issued_at=NOW - DAY, status=entry,
    )  # fmt: skip


BSL, TOKEN = ("ldp-vc", "vc-jwt"), ("sd-jwt-vc",)
UNRESOLVABLE = ("UNVERIFIED", "issuer_key", "not_checked", "issuer_unresolvable")
UNAVAILABLE = ("UNVERIFIED", "revocation", "not_checked", "status_unavailable")
LIST_EXPIRED = ("UNVERIFIED", "revocation", "not_checked", "status_list_expired")


def _infra(case: str, formats: tuple[str, ...], arrange: Any, *expected: str) -> list[Any]:
    return [pytest.param(fmt, arrange, *expected, id=f"{case}-{fmt}") for fmt in formats]


INFRASTRUCTURE = [
    *_infra("A22-key-only-for-authentication", FORMATS, second_key_for_authentication_only,
            "INVALID", "issuer_key", "failed", "invalid_relationship"),
    *_infra("D06-did-json-404", FORMATS, remove("/.well-known/did.json"), *UNRESOLVABLE),
    *_infra("E01-list-404", BSL, remove("/status/revocation"), *UNAVAILABLE),
    *_infra("E01-list-404", TOKEN, remove("/status/token"), *UNAVAILABLE),
    *_infra("E01-list-unreachable", ("ldp-vc", "sd-jwt-vc"), unreachable_list, *UNAVAILABLE),
    *_infra("E02-list-signed-by-another-key", ("ldp-vc", "sd-jwt-vc"), variant(key=ATTACKER),
            "INVALID", "revocation", "failed", "signature_invalid"),
    *_infra("E02-list-of-another-issuer", BSL, list_of_another_issuer,
            "INVALID", "revocation", "failed", "list_issuer_mismatch"),
    *_infra("E02-list-of-another-issuer", TOKEN, list_of_another_issuer,
            "INVALID", "revocation", "failed", "key_not_authorized"),
    *_infra("E03-token-for-another-list", TOKEN, variant(sub="https://other.example/list"),
            "INVALID", "revocation", "failed", "list_mismatch"),
    *_infra("E04-purpose-mismatch", ("ldp-vc",), purpose_mismatch,
            "INVALID", "revocation", "failed", "purpose_mismatch"),
    *_infra("E07-list-not-gzip", BSL, variant(encoded="u" + base64url.encode(bytes(16384))),
            "INVALID", "revocation", "failed", "status_list_malformed"),
    *_infra("E10-list-expired", BSL, variant(valid_until="2026-05-01T00:00:00Z"),
            *LIST_EXPIRED),
    *_infra("E10-list-expired", TOKEN, variant(exp=int(NOW_TS) - 3600), *LIST_EXPIRED),
]  # fmt: skip


@pytest.mark.parametrize("fmt, arrange, verdict, check, state, code", INFRASTRUCTURE)
def test_hostile_or_broken_infrastructure(
    fresh: World, fmt: str, arrange: Any, verdict: str, check: str, state: str, code: str
) -> None:
    payload = arrange(fresh, fmt)
    report = make_verifier(fresh).verify(payload, PLAIN)
    expect(report, verdict, check, state, code)


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """E06: 32 MiB of zeros as a GZIP (BSL) and a zlib (token) stream of some 32 KB each."""
    found = {}
    for fmt, wbits in (("ldp-vc", GZIP_WBITS), ("sd-jwt-vc", zlib.MAX_WBITS)):
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        chunk = bytes(1 << 20)
        found[fmt] = b"".join(packer.compress(chunk) for _ in range(BOMB_BYTES >> 20))
        found[fmt] += packer.flush()
    return found


@pytest.mark.parametrize("fmt", ["ldp-vc", "sd-jwt-vc"])
def test_e06_compressed_bomb_status_list_is_bounded(
    fresh: World, bombs: dict[str, bytes], fmt: str
) -> None:
    lst = base64url.encode(bombs[fmt])
    if fmt == "sd-jwt-vc":
        serve_list(fresh, fmt, token_list={"bits": 2, "lst": lst})
    else:
        serve_list(fresh, fmt, encoded="u" + lst)
    verifier = make_verifier(fresh)
    tracemalloc.start()
    try:
        report = verifier.verify(payload_of(fresh, fmt), PLAIN)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expect(report, "INVALID", "revocation", "failed", "status_list_too_large")
    assert peak < BOMB_MEMORY_CAP


# --- SSRF (D01) -----------------------------------------------------------------------------------


def guarded_verifier(world: World, policy: FetchPolicy, scheme: str, *listed: str) -> Verifier:
    fetcher = Fetcher(policy)
    resolver = DIDResolver(fetcher.get_json, web_scheme=scheme)
    registry = TrustRegistry.from_json(
        {"name": "test", "issuers": [accredited(d) for d in (world.inst.did, *listed)]},
        source="test",
    )
    return Verifier(
        resolver=resolver, status_lists=StatusListCache(fetcher, resolver), registry=registry
    )


@pytest.mark.parametrize(
    "policy, scheme",
    [(FetchPolicy(), "https"), (FetchPolicy(allow_http=True), "http")],
    ids=["default-policy", "http-allowed-loopback-not"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_d01_did_web_on_loopback_is_refused_before_connecting(
    fresh: World, fmt: str, policy: FetchPolicy, scheme: str
) -> None:
    report = guarded_verifier(fresh, policy, scheme).verify(payload_of(fresh, fmt), PLAIN)
    expect(report, *UNRESOLVABLE)
    assert fresh.site.hits == {}


@pytest.mark.parametrize(
    "policy",
    [FetchPolicy(), FetchPolicy(allow_http=True)],
    ids=["default-policy", "http-allowed-loopback-not"],
)
@pytest.mark.parametrize("fmt", ["ldp-vc", "sd-jwt-vc"])
def test_d01_status_list_on_loopback_is_refused_before_connecting(
    fresh: World, fmt: str, policy: FetchPolicy
) -> None:
    # An issuer that resolves offline (did:key) but points its status at a loopback address.
    identity = IssuerIdentity(ATTACKER_DID, vm_of(ATTACKER_DID), ATTACKER, "Offline")
    if fmt == "sd-jwt-vc":
        payload: Any = issuance.issue_sd_jwt_vc(
            identity, COURSE, AWARD, holder_jwk=None, issued_at=NOW - DAY,
            status=(fresh.inst.token_url, 1),
        )  # fmt: skip
    else:
        payload = issuance.issue_open_badge(
            identity, COURSE, AWARD, credential_id="urn:uuid:d01", subject_id=HOLDER_DID,
            issued_at=NOW - DAY, status=fresh.inst.status_entries(1),
        )  # fmt: skip
    verifier = guarded_verifier(fresh, policy, "https", ATTACKER_DID)
    report = verifier.verify(payload, PLAIN)
    expect(report, *UNAVAILABLE)
    assert fresh.site.hits == {}


# --- G5: an INVALID report shows no claims ---------------------------------------------------


def _revoked(world: World) -> Any:
    world.inst.lists["revocation"].set(1)
    world.inst.publish()
    return world.ob


def _suspended(world: World) -> Any:
    world.inst.token_list.set(1, 2)
    world.inst.publish()
    return present(world.sd)


@pytest.mark.parametrize(
    "build, policy",
    [
        pytest.param(tampered_disclosure, PLAIN, id="B01-tampered-disclosure"),
        pytest.param(lambda w: present(w.sd, nonce="replayed"), BOUND, id="B15-wrong-nonce"),
        pytest.param(_times("ldp-vc", **EXPIRED), PLAIN, id="A19-expired"),
        pytest.param(ob_with(lambda d: d["credentialSubject"].update(honors="x")), PLAIN,
                     id="C04-data-loss"),
        pytest.param(_revoked, PLAIN, id="revoked"),
        pytest.param(_suspended, BOUND, id="suspended"),
        pytest.param(lambda w: w.ob, BOUND, id="holder-binding-missing"),
    ],
)  # fmt: skip
def test_g5_invalid_report_shows_no_claims(fresh: World, build: Build, policy: Policy) -> None:
    report = make_verifier(fresh).verify(build(fresh), policy)
    assert report.verdict == "INVALID"
    assert (report.claims, report.disclosed) == ({}, ())
    assert (report.certificate, report.annex_i) == (None, None)
    assert AWARD.family_name not in json.dumps(report.to_json(), ensure_ascii=False)


# --- garbage in, a report out -------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n", id="whitespace"),
        pytest.param(bytes(range(256)), id="random-bytes"),
        pytest.param(b"\xff\xfe\x00c\x00r\x00e\x00d", id="utf16-bytes"),
        pytest.param("[1, 2, 3]", id="json-array"),
        pytest.param('["VerifiableCredential"]', id="json-array-of-type"),
        pytest.param("null", id="json-null"),
        pytest.param("{", id="broken-json"),
        pytest.param('{"type": "VerifiableCredential", "type": "x"}', id="duplicate-keys"),
        pytest.param('{"type": ["VerifiableCredential"]}', id="credential-without-issuer"),
        pytest.param({"type": "VerifiablePresentation"}, id="presentation-without-holder"),
        pytest.param("https://uni.example/credentials/42", id="plain-url"),
        pytest.param("https://uni.example.edu/c", id="url-with-two-dots"),
        pytest.param("https://uni.example/~alice/cert", id="url-with-tilde"),
        pytest.param("javascript:alert(1)", id="javascript-url"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data-url"),
        pytest.param("~", id="lone-tilde"),
        pytest.param(None, id="not-text"),
    ],
)
def test_garbage_gives_an_invalid_report_about_the_format(world: World, payload: Any) -> None:
    report = make_verifier(world).verify(payload, PLAIN)
    assert report.verdict == "INVALID"
    assert report.check("format").state == "failed"
    assert report.reason == report.check("format").code != ""
    assert report.claims == {}
    json.dumps(report.to_json())


def test_an_internal_error_still_gives_a_report(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("microcred.verify.verify_credential", _raise)
    report = make_verifier(world).verify(world.jwt, PLAIN)
    expect(report, "INVALID", "format", "failed", "internal_error")


# --- G4: no secrets in reports or logs ------------------------------------------------------------


def _no_did_document(world: World) -> str:
    del world.site.documents["/.well-known/did.json"]
    return world.jwt


@pytest.mark.parametrize(
    "build, policy, broken",
    [
        pytest.param(tampered_disclosure, PLAIN, False, id="B01"),
        pytest.param(lambda w: present(w.sd, nonce="replayed"), BOUND, False, id="B15"),
        pytest.param(lambda w: on_jwt(w.sd, lambda t: unsigned(t, "none")), PLAIN, False,
                     id="A01"),
        pytest.param(lambda w: resign(w.jwt, ATTACKER, {"kid": vm_of(ATTACKER_DID)}), PLAIN,
                     False, id="A21"),
        pytest.param(_no_did_document, PLAIN, False, id="D06"),
        pytest.param(lambda w: present(w.sd), BOUND, True, id="internal-error"),
    ],
)  # fmt: skip
def test_g4_reports_and_logs_hold_no_keys_or_tokens(
    fresh: World,
    build: Build,
    policy: Policy,
    broken: bool,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    if broken:
        monkeypatch.setattr("microcred.verify.verify_credential", _raise)
    payload = build(fresh)
    report = make_verifier(fresh).verify(payload, policy)
    assert report.verdict != "VALID"
    seen = json.dumps(report.to_json()) + caplog.text
    seen += "".join(str(record.__dict__) for record in caplog.records)
    for secret in (fresh.inst.key.to_jwk()["d"], HOLDER.to_jwk()["d"], ATTACKER.to_jwk()["d"]):
        assert secret not in seen
    assert payload not in seen
    jwt = payload.split("~")[0]
    assert jwt not in seen  # not even the issuer-signed JWT
    signature = jwt.split(".")[-1]
    assert not signature or signature not in seen  # nor its signature
    assert not broken or "verification failed unexpectedly" in caplog.text


def _raise(*args: Any) -> Any:
    raise RuntimeError("a bug")
