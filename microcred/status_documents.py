"""The issuer's published status documents, rebuilt from the award states (never edited in place).

Rebuilding from the full set of states is idempotent: whatever happened before (a crash between
two writes, a lost update), publishing again gives the lists the database says (SECURITY-CASES
E19). Three documents per list: a W3C BitstringStatusListCredential per purpose, signed
eddsa-rdfc-2022, and one IETF Token Status List (2 bits: 0 valid, 1 revoked, 2 suspended), signed
as a JWT. An issuer may have several numbered lists, each with its own three URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import data_integrity, strictjson
from .issuance import IssuerIdentity
from .status_index import LIST_SIZE, REVOKED, SUSPENDED, token_value
from .status_list import REVOCATION, SUSPENSION, Bitstring
from .status_list_credential import status_list_credential
from .token_status_list import TokenStatusList, sign_status_list_token

# The documents of each status list: a Bitstring list per purpose and one Token Status List.
KINDS = ("revocation", "suspension", "token")
# Where the first list's documents are served; later lists add their number (`list_path`).
REVOCATION_PATH = "/status/revocation"
SUSPENSION_PATH = "/status/suspension"
TOKEN_PATH = "/status/token"
CREDENTIAL_MEDIA_TYPE = "application/vc+ld+json"
TOKEN_MEDIA_TYPE = "application/statuslist+jwt"
# Seconds a verifier may keep the token list (TSL `ttl`), matching the HTTP max-age served.
TOKEN_TTL = 60


@dataclass(frozen=True)
class StatusDocument:
    """One published document: where it is served, its media type and exact bytes."""

    path: str
    media_type: str
    body: bytes


def list_path(list_id: int, kind: str) -> str:
    """Where a list's document of one kind is served: `/status/<kind>`, then `/status/<n>/<kind>`.

    The first list keeps the unnumbered paths that credentials issued before lists were
    numbered already name.
    """
    if kind not in KINDS or list_id < 1:
        raise ValueError(f"no status document {kind!r} for list {list_id}")
    return f"/status/{kind}" if list_id == 1 else f"/status/{list_id}/{kind}"


def status_urls(base_url: str, list_id: int = 1) -> dict[str, str]:
    """The Bitstring Status List URL of each purpose of one list of an issuer at `base_url`."""
    return {
        REVOCATION: base_url + list_path(list_id, "revocation"),
        SUSPENSION: base_url + list_path(list_id, "suspension"),
    }


def token_url(base_url: str, list_id: int = 1) -> str:
    """A Token Status List URL (`status.status_list.uri` of SD-JWT VCs)."""
    return base_url + list_path(list_id, "token")


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_lists(
    entries: Iterable[tuple[int, str]], *, size: int = LIST_SIZE
) -> tuple[Bitstring, Bitstring, TokenStatusList]:
    """The revocation and suspension bitstrings and the token list for (index, state) pairs."""
    revocation, suspension = Bitstring(size), Bitstring(size)
    tokens = TokenStatusList(bits=2, size=size)
    for index, state in entries:
        if state == REVOKED:
            revocation.set(index)
        elif state == SUSPENDED:
            suspension.set(index)
        if state in (REVOKED, SUSPENDED):
            tokens.set(index, token_value(state))
    return revocation, suspension, tokens


def status_documents(
    identity: IssuerIdentity,
    base_url: str,
    entries: Iterable[tuple[int, str]],
    *,
    now: dt.datetime,
    size: int = LIST_SIZE,
    list_id: int = 1,
    ttl: int = TOKEN_TTL,
) -> tuple[StatusDocument, ...]:
    """Build and sign the three status documents of one list from its awards' states.

    `ttl` goes into the token list, and should be the max-age the lists are served with: a
    verifier keeps the list that long, so a status change reaches it within `ttl` seconds.
    """
    revocation, suspension, tokens = build_lists(entries, size=size)
    created = _timestamp(now)
    documents = []
    for purpose, bits in ((REVOCATION, revocation), (SUSPENSION, suspension)):
        url = status_urls(base_url, list_id)[purpose]
        # No validUntil: the lists change only when a status does, and an expired list would
        # make every credential UNVERIFIED until the next change (BSL "Validity Periods").
        unsigned = status_list_credential(
            list_id=url,
            issuer=identity.did,
            purpose=purpose,
            encoded_list=bits.encode(),
            valid_from=created,
        )
        signed = data_integrity.sign(
            unsigned,
            identity.key,
            verification_method=identity.verification_method,
            created=created,
        )
        path = url[len(base_url) :]
        body = strictjson.dumps(signed).encode("utf-8")
        documents.append(StatusDocument(path, CREDENTIAL_MEDIA_TYPE, body))
    token = sign_status_list_token(
        tokens,
        identity.key,
        sub=token_url(base_url, list_id),
        kid=identity.verification_method,
        iat=int(now.timestamp()),
        ttl=ttl,
    )
    path = list_path(list_id, "token")
    documents.append(StatusDocument(path, TOKEN_MEDIA_TYPE, token.encode("ascii")))
    return tuple(documents)
