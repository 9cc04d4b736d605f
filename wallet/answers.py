"""Answering a verifier (OpenID4VP 1.0, DCQL, direct_post): look, consent or decline, respond.

The protocol pieces are `microcred.oid4vp`'s. This module adds the wallet's rules: the request
object is fetched through the guarded fetcher (no redirects, F07) and its signature checked
against the verifier's DID before anything is shown; the answer goes only to the verifier's own
host (a did:web verifier that asks to post elsewhere is refused; for a did:key or did:jwk
verifier, which names no host, the learner is warned and must confirm where it goes); what
leaves is exactly what the consent screen listed; and the browser follows only a safe
`redirect_uri` (F10).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import current_app
from flask_babel import gettext as _

from microcred import claim_selection, dcql, oid4vp
from microcred.consent import Leaving, disclosed_names, held_sd_jwt, leaving
from microcred.credential import SD_JWT_VC
from microcred.errors import CredentialError, InputError, MicrocredError
from microcred.wallet_link import (
    Binding,
    binding,
    check_client_id,
    safe_redirect,
    verifier_host,
)

from .outside import get_outside
from .portability import open_key
from .store import cards as card_store, get_db


@dataclass(frozen=True)
class Option:
    """One held credential that can answer one credential query, and what it would reveal."""

    query_id: str
    credential_id: str
    card: dict[str, Any]
    paths: tuple[dcql.ClaimPath, ...]
    leaving: Leaving


@dataclass(frozen=True)
class Consent:
    """What the consent screen shows for one verified request."""

    request: oid4vp.AuthorizationRequest
    verifier_host: str | None
    response_host: str
    options: dict[str, list[Option]]
    answerable: bool
    binding: Binding = "same_host"

    @property
    def needs_confirmation(self) -> bool:
        """True when nothing ties the verifier's identifier to where the answer goes."""
        return self.binding == "unbound"

    @property
    def did_method(self) -> str:
        """The verifier's DID method, e.g. `did:key`."""
        did = self.request.client_id.removeprefix(oid4vp.DID_PREFIX)
        return ":".join(did.split(":")[:2])


def fetch(client_id: str, request_uri: str) -> str:
    """Fetch the signed request object by reference (checked link, guarded fetch)."""
    check_client_id(client_id)  # refused prefixes cost no request to their request_uri
    link = "openid4vp://?" + urlencode({"client_id": client_id, "request_uri": request_uri})
    client_id, request_uri = oid4vp.parse_request_link(link)
    return oid4vp.fetch_request(get_outside().fetcher, request_uri)


def verify(client_id: str, token: str) -> oid4vp.AuthorizationRequest:
    """Check the request's signature against the verifier's DID and where it wants the answer."""
    check_client_id(client_id)
    request = oid4vp.verify_request(token, client_id=client_id, resolver=get_outside().resolver)
    if binding(request.client_id, request.response_uri) == "other_host":
        raise CredentialError(
            _(
                "This request wants your answer sent to %(host)s, which is not the verifier's own "
                "address. Nothing was sent.",
                host=urlsplit(request.response_uri).netloc[:100],
            ),
            code="response_uri_mismatch",
        )
    if not bool(current_app.config["ALLOW_INSECURE_LOCALHOST"]):
        if urlsplit(request.response_uri).scheme != "https":
            raise CredentialError(_("The verifier's answer address is not https."), code="insecure")
    return request


def _held(user_id: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every SD-JWT VC of the user: credential id -> (credential row, card summary)."""
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    cards = {card["id"]: card for card in card_store.list_cards(get_db(), user_id)}
    for row in card_store.all_credentials(get_db(), user_id):
        if row["format"] == SD_JWT_VC and row["card_id"] in cards:
            found[row["id"]] = (row, cards[row["card_id"]])
    return found


def consent(user_id: str, request: oid4vp.AuthorizationRequest) -> Consent:
    """Match the request's DCQL query against the learner's credentials."""
    held = _held(user_id)
    items = []
    for credential_id, (row, _card) in held.items():
        try:
            items.append(held_sd_jwt(credential_id, row["body"]))
        except MicrocredError:
            continue
    matches = claim_selection.match(request.query, items)
    options = {
        query_id: [
            Option(
                query_id,
                m.credential_id,
                held[m.credential_id][1],
                m.paths,
                leaving(held[m.credential_id][0]["body"], m.paths),
            )
            for m in found
        ]
        for query_id, found in matches.items()
    }
    return Consent(
        request,
        verifier_host(request.client_id),
        urlsplit(request.response_uri).netloc,
        options,
        claim_selection.answerable(request.query, options),
        binding(request.client_id, request.response_uri),
    )


def respond(user: dict[str, Any], view: Consent, choices: dict[str, str]) -> dict[str, Any]:
    """Build the vp_token for the chosen credentials and post it; return the verifier's answer."""
    vp_token: dict[str, list[str]] = {}
    for query_id, options in view.options.items():
        option = next((o for o in options if o.credential_id == choices.get(query_id)), None)
        if option is None:
            continue
        row = held_row(user, option.credential_id)
        holder = open_key(user, card_store.sealed_key(get_db(), user["id"], row["key_id"]) or {})
        presentation = oid4vp.present_sd_jwt(
            row["body"], option.paths, holder_key=holder.key, request=view.request
        )
        # What leaves must be exactly what the consent screen listed (B20).
        if disclosed_names(presentation) != option.leaving.requested_names:
            raise CredentialError(_("The answer would reveal more than shown."), code="mismatch")
        vp_token[query_id] = [presentation]
    if not claim_selection.answerable(view.request.query, vp_token):
        raise InputError(_("Choose a credential for each thing asked."), code="incomplete")
    form = oid4vp.build_response(view.request, vp_token)
    return oid4vp.submit(get_outside().fetcher, view.request, form)


def held_row(user: dict[str, Any], credential_id: str) -> dict[str, Any]:
    """One of the user's credential rows (with its key id)."""
    row = card_store.credential_row(get_db(), user["id"], credential_id)
    if row is not None and row["key_id"]:
        return row
    raise CredentialError(_("That credential has no holder key in this wallet."), code="no_key")


def decline(request: oid4vp.AuthorizationRequest) -> dict[str, Any] | None:
    """Tell the verifier the learner declined (access_denied); None if it cannot be told."""
    form = oid4vp.error_response(request, "access_denied", "The holder declined.")
    try:
        return oid4vp.submit(get_outside().fetcher, request, form)
    except MicrocredError:
        return None


def next_url(answer: dict[str, Any] | None, request: oid4vp.AuthorizationRequest) -> str | None:
    """The verifier's redirect_uri if it is safe to follow (https, the verifier's host)."""
    if not answer:
        return None
    return safe_redirect(
        answer.get("redirect_uri"),
        verifier=urlsplit(request.response_uri).netloc.lower(),
        allow_http_localhost=bool(current_app.config["ALLOW_INSECURE_LOCALHOST"]),
    )
