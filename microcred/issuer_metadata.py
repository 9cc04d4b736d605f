"""OpenID4VCI Credential Issuer metadata (§12.2) and OAuth server metadata (RFC 8414), both sides.

The issuer publishes `issuer_metadata(...)` and `authorization_server_metadata(...)`; the wallet
reads them with `read_issuer_metadata` / `read_token_endpoint`, which refuse metadata that names
another issuer than the one whose URL was fetched (§12.2.4, SECURITY-CASES G10 mix-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError
from .model import OB3_CONTEXTS, VCT
from .oid4vci import (
    CONFIGURATION_IDS,
    FORMATS,
    JWT_VC_CONFIG,
    OB3_CONFIG,
    PRE_AUTHORIZED_GRANT,
    SD_JWT_CONFIG,
)

ISSUER_WELL_KNOWN = "/.well-known/openid-credential-issuer"
AS_WELL_KNOWN = "/.well-known/oauth-authorization-server"
# Key proof algorithms the issuer accepts (interop contract: EdDSA for Ed25519, ES256 for P-256).
PROOF_ALGS = ("EdDSA", "ES256")
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
# (claim, English label) shown by wallets for the SD-JWT VC, in display order (§A.3 `claims`).
SD_JWT_CLAIMS = (
    ("achievement_title", "Title"),
    ("issuing_authority", "Awarding body"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("learner_identification", "Learner identifier"),
    ("date_of_issuance", "Date of issuing"),
    ("learning_outcomes", "Learning outcomes"),
    ("ects_credits", "ECTS credits"),
    ("workload_hours", "Workload (hours)"),
    ("level_of_learning_experience", "EQF level"),
    ("assessment_type", "Type of assessment"),
    ("assessment_grade", "Grade"),
    ("form_of_participation", "Form of participation"),
    ("types_of_quality_assurance", "Quality assurance"),
    ("skills", "Skills"),
)
_BINDING = {
    SD_JWT_CONFIG: ["jwk"],
    OB3_CONFIG: ["did:key", "did:jwk"],
    JWT_VC_CONFIG: ["did:key", "did:jwk"],
}
_SIGNING = {SD_JWT_CONFIG: ["EdDSA"], OB3_CONFIG: ["eddsa-rdfc-2022"], JWT_VC_CONFIG: ["EdDSA"]}
_NAMES = {
    SD_JWT_CONFIG: "Micro-credential (SD-JWT VC, selective disclosure)",
    OB3_CONFIG: "Micro-credential (Open Badges 3.0)",
    JWT_VC_CONFIG: "Micro-credential (VC-JWT, VCDM 1.1)",
}


def well_known_url(identifier: str, suffix: str) -> str:
    """Insert a well-known suffix between host and path (§12.2.2, RFC 8414 §3.1)."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{suffix}{path}"


def _configuration(config_id: str, locale: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "format": FORMATS[config_id],
        "scope": config_id,
        "cryptographic_binding_methods_supported": _BINDING[config_id],
        "credential_signing_alg_values_supported": _SIGNING[config_id],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGS)}},
    }
    if config_id == SD_JWT_CONFIG:
        entry["vct"] = VCT
    elif config_id == OB3_CONFIG:
        entry["credential_definition"] = {
            "@context": list(OB3_CONTEXTS),
            "type": CREDENTIAL_TYPES,
        }
    else:
        entry["credential_definition"] = {"type": CREDENTIAL_TYPES}
    metadata: dict[str, Any] = {"display": [{"name": _NAMES[config_id], "locale": locale}]}
    if config_id == SD_JWT_CONFIG:
        metadata["claims"] = [
            {"path": [claim], "display": [{"name": label, "locale": locale}]}
            for claim, label in SD_JWT_CLAIMS
        ]
    entry["credential_metadata"] = metadata
    return entry


def issuer_metadata(
    credential_issuer: str, *, name: str, logo_uri: str | None = None, locale: str = "en"
) -> dict[str, Any]:
    """The issuer's `/.well-known/openid-credential-issuer` document (§12.2.4)."""
    display: dict[str, Any] = {"name": name, "locale": locale}
    if logo_uri:
        display["logo"] = {"uri": logo_uri, "alt_text": name}
    return {
        "credential_issuer": credential_issuer,
        "credential_endpoint": credential_issuer + "/credential",
        "nonce_endpoint": credential_issuer + "/nonce",
        "display": [display],
        "credential_configurations_supported": {
            config_id: _configuration(config_id, locale) for config_id in CONFIGURATION_IDS
        },
    }


def authorization_server_metadata(issuer: str) -> dict[str, Any]:
    """RFC 8414 metadata of the issuer acting as its own authorization server (§12.3)."""
    return {
        "issuer": issuer,
        "token_endpoint": issuer + "/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


@dataclass(frozen=True)
class Configuration:
    """What the wallet needs of one credential configuration."""

    format: str
    binding_methods: tuple[str, ...]
    proof_algs: tuple[str, ...]


@dataclass(frozen=True)
class IssuerMetadata:
    """Checked issuer metadata: endpoints, configurations and the display name."""

    credential_issuer: str
    credential_endpoint: str
    nonce_endpoint: str | None
    authorization_server: str
    configurations: dict[str, Configuration]
    name: str | None
    logo_uri: str | None


def _bad(message: str) -> InputError:
    return InputError(message, code="invalid_issuer_metadata")


def _url(value: Any, name: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("https", "http"):
        raise _bad(f"{name} must be an http(s) URL")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _read_configuration(value: Any) -> Configuration:
    if not isinstance(value, dict) or not isinstance(value.get("format"), str):
        raise _bad("a credential configuration needs a format")
    proofs = value.get("proof_types_supported")
    jwt = proofs.get("jwt") if isinstance(proofs, dict) else None
    algs = _strings(jwt.get("proof_signing_alg_values_supported")) if isinstance(jwt, dict) else ()
    binding = _strings(value.get("cryptographic_binding_methods_supported"))
    return Configuration(value["format"], binding, algs)


def _display(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    display = doc.get("display")
    first = display[0] if isinstance(display, list) and display else None
    if not isinstance(first, dict):
        return None, None
    name = first.get("name") if isinstance(first.get("name"), str) else None
    logo = first.get("logo")
    uri = logo.get("uri") if isinstance(logo, dict) else None
    return (name[:200] if name else None), (uri if isinstance(uri, str) else None)


def read_issuer_metadata(doc: Any, *, credential_issuer: str) -> IssuerMetadata:
    """Check metadata fetched for `credential_issuer`; unknown parameters are ignored (§12.2.4)."""
    if not isinstance(doc, dict):
        raise _bad("issuer metadata is not a JSON object")
    # §12.2.4 / G10: identical by simple string comparison, else the data MUST NOT be used.
    if doc.get("credential_issuer") != credential_issuer:
        raise InputError(
            "metadata names another credential issuer than the one asked", code="issuer_mismatch"
        )
    servers = doc.get("authorization_servers")
    if servers is not None and (not isinstance(servers, list) or not _strings(servers)):
        raise _bad("authorization_servers must be a non-empty list of URLs")
    configs = doc.get("credential_configurations_supported")
    if not isinstance(configs, dict) or not configs:
        raise _bad("credential_configurations_supported is missing")
    nonce = doc.get("nonce_endpoint")
    name, logo = _display(doc)
    return IssuerMetadata(
        credential_issuer=credential_issuer,
        credential_endpoint=_url(doc.get("credential_endpoint"), "credential_endpoint"),
        nonce_endpoint=None if nonce is None else _url(nonce, "nonce_endpoint"),
        authorization_server=_url(_strings(servers)[0], "authorization_servers")
        if servers
        else credential_issuer,
        configurations={str(k): _read_configuration(v) for k, v in configs.items()},
        name=name,
        logo_uri=logo,
    )


def read_token_endpoint(doc: Any, *, issuer: str) -> str:
    """The token endpoint of RFC 8414 metadata whose `issuer` must be the one asked (§3.3)."""
    if not isinstance(doc, dict) or doc.get("issuer") != issuer:
        raise InputError(
            "authorization server metadata names another issuer", code="issuer_mismatch"
        )
    return _url(doc.get("token_endpoint"), "token_endpoint")
