"""What a presentation request would take out of a wallet, shown before the learner consents.

For each held SD-JWT VC that answers a DCQL credential query, `leaving` lists exactly what the
presentation carries: the claims the issuer signed in plaintext (always sent) and the Disclosures
the request needs (OpenID4VP §15 "Selective Disclosure"; SECURITY-CASES F15, B20). `disclosed_names`
reads a built presentation back, so the wallet can check that what it sends is what it showed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import sdjwt
from .claim_selection import Held
from .dcql import SD_JWT_VC, ClaimPath
from .disclosure import ClaimPath as DisclosurePath, process
from .share import claim_label, plain_claims

__all__ = ["Leaving", "LeavingClaim", "covers", "disclosed_names", "held_sd_jwt", "leaving"]


@dataclass(frozen=True)
class LeavingClaim:
    """One claim that would leave the wallet: its name, plain label and value."""

    name: str
    label: str
    value: Any


@dataclass(frozen=True)
class Leaving:
    """Everything one presentation would reveal, split by why it is sent."""

    always: tuple[LeavingClaim, ...]
    requested: tuple[LeavingClaim, ...]

    @property
    def requested_names(self) -> frozenset[str]:
        """Top-level names of the Disclosures that would be sent."""
        return frozenset(item.name for item in self.requested)


def held_sd_jwt(credential_id: str, sd_jwt: str) -> Held:
    """A held SD-JWT VC as DCQL matching sees it: every claim, the holder has all Disclosures."""
    parsed = sdjwt.parse(sd_jwt)
    claims = process(parsed.jws.payload, parsed.disclosures).claims
    vct = claims.get("vct")
    return Held(credential_id, SD_JWT_VC, claims, vct if isinstance(vct, str) else None)


def covers(pattern: ClaimPath, path: DisclosurePath) -> bool:
    """True if a disclosable claim path lies on or under a requested claims path pointer.

    DCQL §7.1: a string selects a member, an integer an element, null every element; a
    Disclosure on the way to a requested claim (a parent) is needed too (RFC 9901 §7.2).
    """
    for want, have in zip(pattern, path, strict=False):
        if not (want == have or (want is None and isinstance(have, int))):
            return False
    return True


def leaving(sd_jwt: str, paths: Iterable[ClaimPath]) -> Leaving:
    """What a presentation of `sd_jwt` disclosing `paths` reveals, top-level claim by claim."""
    patterns = tuple(paths)
    parsed = sdjwt.parse(sd_jwt)
    processed = process(parsed.jws.payload, parsed.disclosures)
    always = tuple(
        LeavingClaim(name, claim_label(name), processed.claims.get(name))
        for name in plain_claims(sd_jwt)
    )
    names: list[str] = []
    for path, _item in processed.disclosed:
        name = path[0]
        if isinstance(name, str) and name not in names and any(covers(p, path) for p in patterns):
            names.append(name)
    requested = tuple(
        LeavingClaim(name, claim_label(name), processed.claims.get(name)) for name in names
    )
    return Leaving(always, requested)


def disclosed_names(presentation: str) -> frozenset[str]:
    """Top-level names of the Disclosures a built presentation carries."""
    parsed = sdjwt.parse(presentation)
    processed = process(parsed.jws.payload, parsed.disclosures)
    return frozenset(str(path[0]) for path, _ in processed.disclosed)
