"""Shared world for the pipeline tests: a loopback institution, issued credentials, verifiers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from issuer_site import HOLDER, HOLDER_DID, NOW, Institution, Site

from microcred import data_integrity, sdjwt
from microcred.did import DIDResolver, did_key
from microcred.fetch import Fetcher, FetchPolicy
from microcred.keys import PrivateKey
from microcred.report import Report
from microcred.status_cache import StatusListCache
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

NOW_TS = NOW.timestamp()
NONCE = "n-5f1c0b7e"
AUDIENCE = "https://verifier.example"
VC2 = "https://www.w3.org/ns/credentials/v2"
# The demo setting: plain http and loopback are allowed only because the site runs on 127.0.0.1.
LOOPBACK = FetchPolicy(allow_http=True, allow_loopback=True)
FORMATS = ("sd-jwt-vc", "ldp-vc", "vc-jwt")
NAMES = (("given_name",), ("family_name",))
PLAIN = Policy(now=NOW_TS)
BOUND = Policy(now=NOW_TS, require_holder_binding=True, nonce=NONCE, audience=AUDIENCE)
REQUIRED = ("format", "issuer_key", "signature", "validity", "revocation", "suspension")


# --- the institution, its credentials and verifiers ---------------------------------------------


@dataclass(frozen=True)
class World:
    """An institution on a site and one credential of each format (status index 1)."""

    site: Site
    inst: Institution
    sd: str
    ob: dict[str, Any]
    jwt: str


def vm_of(did: str) -> str:
    """The verification method of a did:key."""
    return f"{did}#{did.removeprefix('did:key:')}"


def build_world(site: Site, base_url: str) -> World:
    """A new institution on the site, on the fixed clock NOW, and its three credentials."""
    inst = Institution(site, base_url, "Hanoi Uni", now=NOW)
    return World(site, inst, inst.sd_jwt(), inst.open_badge(), inst.vc_jwt())


def accredited(did: str, **period: str) -> dict[str, Any]:
    return {"did": did, "name": "Hanoi Uni", "country": "VN", "accreditingBody": "MOET", **period}


def make_verifier(
    world: World,
    *,
    issuers: list[dict[str, Any]] | None = None,
    registry: bool = True,
    clock: Any = None,
) -> Verifier:
    """A fresh verifier (fresh caches) whose registry lists the world's institution."""
    fetcher = Fetcher(LOOPBACK)
    resolver = DIDResolver(fetcher.get_json, web_scheme="http")
    cache = StatusListCache(fetcher, resolver, **({"clock": clock} if clock else {}))
    listed = [accredited(world.inst.did)] if issuers is None else issuers
    trust = TrustRegistry.from_json({"name": "test", "issuers": listed}, source="test")
    return Verifier(resolver=resolver, status_lists=cache, registry=trust if registry else None)


def present(sd: str, disclose: Any = NAMES, *, nonce: str = NONCE, audience: str = AUDIENCE) -> str:
    return sdjwt.present(
        sd, disclose=disclose, holder_key=HOLDER, nonce=nonce, audience=audience, iat=int(NOW_TS)
    )


def presented(world: World, fmt: str) -> tuple[Any, Policy]:
    """What a holder shows for each format, and the policy a verifier checks it with."""
    if fmt == "sd-jwt-vc":
        return present(world.sd), BOUND
    return (world.ob if fmt == "ldp-vc" else world.jwt), PLAIN


def presentation(
    credential: dict[str, Any],
    *,
    holder: PrivateKey = HOLDER,
    holder_did: str = HOLDER_DID,
    purpose: str = "authentication",
) -> dict[str, Any]:
    """A Data Integrity VerifiablePresentation of one credential, bound to NONCE and AUDIENCE."""
    vp = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [credential],
    }
    return data_integrity.sign(
        vp,
        holder,
        verification_method=vm_of(did_key(holder.public_key)),
        created="2026-06-01T11:59:00Z",
        proof_purpose=purpose,
        challenge=NONCE,
        domain=AUDIENCE,
    )


def outcome(report: Report, name: str) -> tuple[str, str, str]:
    check = report.check(name)
    return report.verdict, check.state, check.code
