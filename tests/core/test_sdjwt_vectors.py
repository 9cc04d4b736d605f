"""SD-JWT against public vectors: RFC 9901 examples, reference test cases, SD-JWT VC examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import sdjwt, sdjwt_vc
from microcred.disclosure import SD
from microcred.keys import PrivateKey, PublicKey

VECTORS = Path(__file__).parent.parent / "vectors" / "sd-jwt"
RFC = VECTORS / "rfc9901-examples"
REFERENCE = VECTORS / "reference-testcases"
VC = VECTORS / "sd-jwt-vc-examples"
# Between the examples' iat (1683000000) and exp (1883000000).
ISSUED_AT_NOW = 1_700_000_000
JSON_ONLY = "JWS JSON serialization is not supported; microcred uses the compact form only"


def cases(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.is_dir())


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def unwrapped(path: Path) -> str:
    # The upstream files are line-wrapped for display.
    return "".join(path.read_text(encoding="ascii").split())


def issuer_public_key(folder: Path) -> PublicKey:
    settings = load(folder / "settings.json")["key_settings"]
    jwk = settings.get("issuer_key") or settings["issuer_keys"][0]
    return PublicKey.from_jwk({name: value for name, value in jwk.items() if name != "d"})


def holder_paths(selection: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Claim paths from the upstream `holder_disclosed_claims` (truthy members, recursively)."""
    if isinstance(selection, dict):
        members = list(selection.items())
    elif isinstance(selection, list):
        members = list(enumerate(selection))
    else:
        return []
    paths: list[tuple[Any, ...]] = []
    for name, value in members:
        if value:
            paths.append((*prefix, name))
            paths.extend(holder_paths(value, (*prefix, name)))
    return paths


def with_markers(value: Any) -> Any:
    """Turn the vectors' {"!sd": value} (YAML `!sd` tag) into SD() markers."""
    if isinstance(value, dict):
        if set(value) == {"!sd"}:
            return SD(with_markers(value["!sd"]))
        return {name: with_markers(item) for name, item in value.items()}
    if isinstance(value, list):
        return [with_markers(item) for item in value]
    return value


def without_markers(value: Any) -> Any:
    """The plain claims behind the vectors' {"!sd": value} markers."""
    if isinstance(value, dict):
        if set(value) == {"!sd"}:
            return without_markers(value["!sd"])
        return {name: without_markers(item) for name, item in value.items()}
    if isinstance(value, list):
        return [without_markers(item) for item in value]
    return value


def verify_example(folder: Path, case: str) -> sdjwt.Verified:
    path = folder / case
    spec = load(path / "specification.json")
    typ = (spec.get("extra_header_parameters") or {}).get("typ", "example+sd-jwt")
    presentation = unwrapped(path / "sd_jwt_presentation.txt")
    if not (path / "kb_jwt_payload.json").exists():
        return sdjwt.verify(
            presentation,
            issuer_public_key(folder),
            typ=typ,
            require_key_binding=False,
            now=ISSUED_AT_NOW,
        )
    kb = load(path / "kb_jwt_payload.json")
    return sdjwt.verify(
        presentation,
        issuer_public_key(folder),
        typ=typ,
        require_key_binding=True,
        nonce=kb["nonce"],
        audience=kb["aud"],
        now=kb["iat"],
    )


@pytest.mark.parametrize("case", cases(RFC))
def test_rfc9901_example_presentation_verifies(case: str) -> None:
    if not (RFC / case / "sd_jwt_presentation.txt").exists():
        pytest.skip(JSON_ONLY)
    verified = verify_example(RFC, case)
    assert verified.payload == load(RFC / case / "verified_contents.json")
    assert verified.key_binding_verified == (RFC / case / "kb_jwt_payload.json").exists()


@pytest.mark.parametrize("case", cases(RFC) + [f"vc-{name}" for name in cases(VC)])
def test_example_issuance_discloses_every_claim(case: str) -> None:
    path = VC / case[3:] if case.startswith("vc-") else RFC / case
    if not (path / "sd_jwt_issuance.txt").exists():
        pytest.skip(JSON_ONLY)
    issuance = unwrapped(path / "sd_jwt_issuance.txt")
    parsed = sdjwt.parse(issuance)
    assert parsed.jws.payload == load(path / "sd_jwt_payload.json")
    verified = sdjwt.verify(
        issuance,
        issuer_public_key(path.parent),
        typ=None,
        require_key_binding=False,
        now=ISSUED_AT_NOW,
    )
    # user_claims.json is line-wrapped upstream (not JSON); the specification holds the same claims.
    user_claims = without_markers(load(path / "specification.json")["user_claims"])
    assert {name: verified.payload[name] for name in user_claims} == user_claims
    assert set(verified.payload) - set(user_claims) <= {"iss", "iat", "exp", "cnf"}


@pytest.mark.parametrize("case", cases(RFC) + [f"vc-{name}" for name in cases(VC)])
def test_present_selects_the_same_disclosures_as_the_reference(case: str) -> None:
    # B20: the holder's selection yields exactly the upstream presentation's Disclosures.
    path = VC / case[3:] if case.startswith("vc-") else RFC / case
    if not (path / "sd_jwt_issuance.txt").exists():
        pytest.skip(JSON_ONLY)
    selection = holder_paths(load(path / "specification.json")["holder_disclosed_claims"])
    ours = sdjwt.present(unwrapped(path / "sd_jwt_issuance.txt"), disclose=selection)
    theirs = unwrapped(path / "sd_jwt_presentation.txt")
    assert sorted(ours.split("~")[1:-1]) == sorted(theirs.split("~")[1:-1])


@pytest.mark.parametrize("case", cases(VC))
def test_sd_jwt_vc_example_verifies(case: str) -> None:
    path = VC / case
    presentation = unwrapped(path / "sd_jwt_presentation.txt")
    kb_file = path / "kb_jwt_payload.json"
    kb = load(kb_file) if kb_file.exists() else {"nonce": None, "aud": None, "iat": ISSUED_AT_NOW}
    verified = sdjwt_vc.verify_vc(
        presentation,
        issuer_public_key(VC),
        require_key_binding=kb_file.exists(),
        nonce=kb["nonce"],
        audience=kb["aud"],
        now=kb["iat"],
    )
    assert verified.payload == load(path / "verified_contents.json")
    assert verified.header["typ"] == "dc+sd-jwt"


@pytest.mark.parametrize("case", cases(REFERENCE))
def test_reference_implementation_outputs_verify(case: str) -> None:
    """What sd-jwt-python issued and presented (another implementation) verifies here."""
    if not (REFERENCE / case / "sd_jwt_presentation.txt").exists():
        pytest.skip(JSON_ONLY)
    issuance = unwrapped(REFERENCE / case / "sd_jwt_issuance.txt")
    assert sdjwt.parse(issuance).jws.payload == load(REFERENCE / case / "sd_jwt_payload.json")
    verified = verify_example(REFERENCE, case)
    assert verified.payload == load(REFERENCE / case / "verified_contents.json")
    assert verified.key_binding_verified == (REFERENCE / case / "kb_jwt_payload.json").exists()
    # B20: our holder picks exactly the Disclosures the reference holder sent.
    selection = holder_paths(
        load(REFERENCE / case / "specification.json")["holder_disclosed_claims"]
    )
    ours = sdjwt.present(issuance, disclose=selection)
    theirs = unwrapped(REFERENCE / case / "sd_jwt_presentation.txt")
    assert sorted(ours.split("~")[1:-1]) == sorted(theirs.split("~")[1:-1])


@pytest.mark.parametrize("case", cases(REFERENCE))
def test_reference_round_trip(case: str) -> None:
    """Issue the case's claims, present `holder_disclosed_claims`, verify the expected claims."""
    spec = load(REFERENCE / case / "specification.json")
    if spec.get("serialization_format") == "json":
        pytest.skip(JSON_ONLY)
    settings = load(REFERENCE / "settings.json")
    issuer = PrivateKey.from_jwk(settings["key_settings"]["issuer_keys"][0])
    holder = PrivateKey.from_jwk(settings["key_settings"]["holder_key"])
    claims = {"iss": settings["identifiers"]["issuer"], **with_markers(spec["user_claims"])}
    expected = {"iss": claims["iss"], **spec["expect_verified_user_claims"]}
    bound = bool(spec.get("key_binding"))
    if bound:
        claims["cnf"] = expected["cnf"] = {"jwk": holder.public_key.jwk}
    issued = sdjwt.issue(
        claims, issuer, typ="example+sd-jwt", header=spec.get("extra_header_parameters")
    )
    selection = holder_paths(spec["holder_disclosed_claims"])
    nonce, audience = settings["key_binding_nonce"], settings["identifiers"]["verifier"]
    if bound:
        presented = sdjwt.present(
            issued,
            disclose=selection,
            holder_key=holder,
            nonce=nonce,
            audience=audience,
            iat=ISSUED_AT_NOW,
        )
    else:
        presented = sdjwt.present(issued, disclose=selection)
    verified = sdjwt.verify(
        presented,
        issuer.public_key,
        typ="example+sd-jwt",
        require_key_binding=bound,
        nonce=nonce if bound else None,
        audience=audience if bound else None,
        now=ISSUED_AT_NOW,
    )
    assert verified.payload == expected
    assert verified.key_binding_verified is bound
