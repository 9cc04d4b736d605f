"""Credential Issuer and authorization server metadata: what is published, what a wallet accepts."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.errors import InputError
from microcred.issuer_metadata import (
    AS_WELL_KNOWN,
    ISSUER_WELL_KNOWN,
    authorization_server_metadata,
    issuer_metadata,
    read_issuer_metadata,
    read_token_endpoint,
    well_known_url,
)
from microcred.model import VCT
from microcred.oid4vci import JWT_VC_CONFIG, OB3_CONFIG, PRE_AUTHORIZED_GRANT, SD_JWT_CONFIG

ISSUER = "http://localhost:5001"


def published() -> dict[str, Any]:
    return issuer_metadata(ISSUER, name="Sông Hồng", logo_uri=ISSUER + "/logo.png")


def test_the_three_configurations_follow_the_interop_contract() -> None:
    configs = published()["credential_configurations_supported"]
    assert list(configs) == [SD_JWT_CONFIG, OB3_CONFIG, JWT_VC_CONFIG]
    sd, ob3, jwt = configs[SD_JWT_CONFIG], configs[OB3_CONFIG], configs[JWT_VC_CONFIG]
    assert (sd["format"], sd["vct"], sd["cryptographic_binding_methods_supported"]) == (
        "dc+sd-jwt",
        VCT,
        ["jwk"],
    )
    assert ob3["format"] == "ldp_vc"
    assert ob3["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert ob3["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
    assert jwt["format"] == "jwt_vc_json" and "@context" not in jwt["credential_definition"]
    for config in configs.values():
        proof = config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
        assert proof == ["EdDSA", "ES256"]


def test_metadata_names_endpoints_display_and_logo() -> None:
    document = published()
    assert document["credential_issuer"] == ISSUER
    assert document["credential_endpoint"] == ISSUER + "/credential"
    assert document["nonce_endpoint"] == ISSUER + "/nonce"
    assert document["display"][0]["logo"]["uri"] == ISSUER + "/logo.png"


def test_authorization_server_metadata_allows_anonymous_pre_authorized_grants() -> None:
    document = authorization_server_metadata(ISSUER)
    assert document["token_endpoint"] == ISSUER + "/token"
    assert document["grant_types_supported"] == [PRE_AUTHORIZED_GRANT]
    assert document["pre-authorized_grant_anonymous_access_supported"] is True


@pytest.mark.parametrize(
    ("identifier", "url"),
    [
        ("https://issuer.example", "https://issuer.example" + ISSUER_WELL_KNOWN),
        ("https://issuer.example/", "https://issuer.example" + ISSUER_WELL_KNOWN),
        ("https://issuer.example/tenant", "https://issuer.example" + ISSUER_WELL_KNOWN + "/tenant"),
    ],
    ids=["host", "trailing-slash", "path"],
)
def test_well_known_goes_between_host_and_path(identifier: str, url: str) -> None:
    assert well_known_url(identifier, ISSUER_WELL_KNOWN) == url


def test_wallet_reads_published_metadata() -> None:
    read = read_issuer_metadata(published(), credential_issuer=ISSUER)
    assert read.name == "Sông Hồng" and read.logo_uri == ISSUER + "/logo.png"
    assert read.authorization_server == ISSUER
    assert read.configurations[SD_JWT_CONFIG].binding_methods == ("jwk",)
    assert read.configurations[OB3_CONFIG].proof_algs == ("EdDSA", "ES256")


@pytest.mark.parametrize(
    "issuer",
    [ISSUER + "/", "http://localhost:5002", "HTTP://localhost:5001"],
    ids=["slash", "port", "case"],
)
def test_metadata_of_another_issuer_is_refused(issuer: str) -> None:
    # §12.2.4 / G10: a simple string comparison, no normalisation.
    with pytest.raises(InputError) as caught:
        read_issuer_metadata(published(), credential_issuer=issuer)
    assert caught.value.code == "issuer_mismatch"


@pytest.mark.parametrize(
    "change",
    [
        {"credential_endpoint": "javascript:alert(1)"},
        {"credential_endpoint": None},
        {"nonce_endpoint": "file:///x"},
        {"credential_configurations_supported": {}},
        {"credential_configurations_supported": {"x": {"no": "format"}}},
        {"authorization_servers": []},
    ],
    ids=[
        "script-endpoint",
        "no-endpoint",
        "file-nonce",
        "no-configurations",
        "no-format",
        "no-servers",
    ],
)
def test_broken_metadata_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        read_issuer_metadata({**published(), **change}, credential_issuer=ISSUER)


def test_unknown_metadata_members_are_ignored() -> None:
    read = read_issuer_metadata({**published(), "future": {"x": 1}}, credential_issuer=ISSUER)
    assert read.credential_endpoint == ISSUER + "/credential"


def test_a_separate_authorization_server_is_used() -> None:
    document = {**published(), "authorization_servers": ["https://as.example"]}
    assert read_issuer_metadata(document, credential_issuer=ISSUER).authorization_server == (
        "https://as.example"
    )


def test_token_endpoint_comes_from_the_asked_server_only() -> None:
    document = authorization_server_metadata(ISSUER)
    assert read_token_endpoint(document, issuer=ISSUER) == ISSUER + "/token"
    with pytest.raises(InputError):
        read_token_endpoint(document, issuer="https://as.example")
    assert well_known_url(ISSUER, AS_WELL_KNOWN).endswith("/.well-known/oauth-authorization-server")
