"""Which credentials and claims answer a DCQL query (OpenID4VP 1.0 §6.4, §7).

A wallet asks `match` which held credentials can answer each credential query and which
claim paths to disclose; a verifier asks `missing_claims` whether a verified credential
carries everything it requested (§8.6). `select` is the claims path pointer (§7.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .dcql import SD_JWT_VC, ClaimPath, ClaimsQuery, CredentialQuery, Query


def select(document: Any, path: ClaimPath) -> list[Any]:
    """Apply a claims path pointer to a JSON credential (§7.1); [] when nothing is selected."""
    selected = [document]
    for step in path:
        following: list[Any] = []
        for element in selected:
            if isinstance(step, str):
                if not isinstance(element, dict):
                    return []  # §7.1.1 2.1: "abort processing and return an error"
                if step in element:
                    following.append(element[step])
            elif step is None:
                if not isinstance(element, list):
                    return []
                following.extend(element)
            else:
                if not isinstance(element, list):
                    return []
                if step < len(element):
                    following.append(element[step])
        selected = following
    return selected


def _satisfied(claim: ClaimsQuery, claims: Mapping[str, Any]) -> bool:
    found = select(claims, claim.path)
    if claim.values is None:
        return bool(found)
    # §6.4.1: the type and value must both match exactly (True is not 1).
    return any(type(v) is type(w) and v == w for v in found for w in claim.values)


@dataclass(frozen=True)
class Held:
    """A credential a wallet holds, as DCQL sees it: its format, type, issuer and all claims."""

    id: str
    format: str
    claims: Mapping[str, Any]
    vct: str | None = None


@dataclass(frozen=True)
class Match:
    """One held credential that answers a credential query, and the claim paths to disclose."""

    query_id: str
    credential_id: str
    paths: tuple[ClaimPath, ...]


def _claims_to_disclose(cq: CredentialQuery, held: Held) -> tuple[ClaimPath, ...] | None:
    """The paths to disclose for this credential, or None if it cannot answer (§6.4.1)."""
    if cq.claims is None:
        return ()
    if cq.claim_sets is None:
        options: Iterable[tuple[ClaimsQuery, ...]] = (cq.claims,)
    else:
        by_id = {c.id: c for c in cq.claims}
        options = (tuple(by_id[i] for i in option) for option in cq.claim_sets)
    for option in options:  # the verifier's order is its preference
        if all(_satisfied(claim, held.claims) for claim in option):
            return tuple(claim.path for claim in option)
    return None


def match(query: Query, held: Iterable[Held]) -> dict[str, list[Match]]:
    """For each credential query, the held credentials that can answer it (§6.4)."""
    credentials = list(held)
    found: dict[str, list[Match]] = {}
    for cq in query.credentials:
        for item in credentials:
            if item.format != cq.format:
                continue
            if cq.format == SD_JWT_VC and item.vct not in cq.vct_values:
                continue
            paths = _claims_to_disclose(cq, item)
            if paths is not None:
                found.setdefault(cq.id, []).append(Match(cq.id, item.id, paths))
    return found


def answerable(query: Query, found: Mapping[str, Any]) -> bool:
    """True if the query ids in `found` satisfy the query (§6.4.2, credential_sets)."""
    if not query.credential_sets:
        return all(cq.id in found for cq in query.credentials)
    return all(
        any(all(i in found for i in option) for option in options)
        for options, required in zip(query.credential_sets, query.required_sets, strict=True)
        if required
    )


def missing_claims(cq: CredentialQuery, claims: Mapping[str, Any]) -> list[ClaimPath]:
    """The requested claim paths a verified credential does not carry (verifier side, §8.6)."""
    if cq.claims is None:
        return []
    if _claims_to_disclose(cq, Held("", cq.format, claims)) is not None:
        return []
    return [c.path for c in cq.claims if not _satisfied(c, claims)]
