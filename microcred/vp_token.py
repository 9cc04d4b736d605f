"""The Authorization Response a verifier receives by `direct_post` (OpenID4VP 1.0 §8).

`parse_response` reads the posted form strictly (one JSON parser, size-capped); `presentations`
checks the vp_token's shape against the DCQL query before any presentation is verified (§8.6
step 1). What each presentation must satisfy is `presentation_check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import claim_selection, dcql, strictjson
from .errors import InputError, MicrocredError

# A vp_token with one SD-JWT presentation is a few KB (G2).
MAX_VP_TOKEN_BYTES = 512_000


@dataclass(frozen=True)
class Response:
    """A `direct_post` Authorization Response as received: a vp_token or an error."""

    state: str | None
    vp_token: dict[str, Any] | None = None
    error: str | None = None
    error_description: str | None = None


def parse_response(form: Mapping[str, str]) -> Response:
    """Read the posted form strictly; unknown parameters are ignored (§8.1)."""
    state = form.get("state")
    if "error" in form:
        error = form["error"][:64]
        description = form.get("error_description", "")[:300] or None
        return Response(state, error=error, error_description=description)
    text = form.get("vp_token")
    if not text:
        raise InputError("the response has neither vp_token nor error", code="invalid_request")
    try:
        token = strictjson.loads(text, max_bytes=MAX_VP_TOKEN_BYTES)
    except MicrocredError as error:
        raise InputError(
            f"vp_token is not a JSON object: {error.message}", code="invalid_vp_token"
        ) from None
    if not isinstance(token, dict):
        raise InputError("vp_token must be a JSON object (§8.1)", code="invalid_vp_token")
    return Response(state, vp_token=token)


def presentations(response: Response, query: dcql.Query) -> dict[str, tuple[Any, ...]]:
    """The presentations per credential query id, checked against the query's shape (§8.6, 1)."""
    token = response.vp_token or {}
    known = {cq.id: cq for cq in query.credentials}
    unknown = [key for key in token if key not in known]
    if unknown:
        raise InputError("vp_token answers a query that was not asked", code="invalid_vp_token")
    found: dict[str, tuple[Any, ...]] = {}
    for key, value in token.items():
        if not isinstance(value, list) or not value:
            raise InputError("each vp_token entry is a non-empty array", code="invalid_vp_token")
        if len(value) > 1 and not known[key].multiple:
            raise InputError("more presentations than the query allows", code="invalid_vp_token")
        found[key] = tuple(value)
    if not claim_selection.answerable(query, found):
        raise InputError("vp_token lacks a requested credential", code="credential_missing")
    return found
