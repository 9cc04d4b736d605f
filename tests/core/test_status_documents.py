"""The published status documents: rebuilt from states, signed, readable by the core's readers."""

from __future__ import annotations

import datetime as dt

import pytest

from microcred import data_integrity, did, strictjson
from microcred.issuance import IssuerIdentity
from microcred.keys import PrivateKey
from microcred.status_documents import (
    CREDENTIAL_MEDIA_TYPE,
    TOKEN_MEDIA_TYPE,
    build_lists,
    list_path,
    status_documents,
    status_urls,
    token_url,
)
from microcred.status_list_credential import read_status_list_credential
from microcred.token_status_list import verify_status_list_token

BASE = "https://uni.example"
KEY = PrivateKey.from_ed25519_seed(bytes(range(32)))
DID = did.did_web(BASE)
IDENTITY = IssuerIdentity(DID, DID + "#key-1", KEY, "Uni")
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
ENTRIES = [(7, "revoked"), (100_000, "suspended"), (3, "active")]


def test_lists_carry_each_state_in_its_own_place() -> None:
    revocation, suspension, tokens = build_lists(ENTRIES)
    assert revocation.nonzero_indices() == [7]
    assert suspension.nonzero_indices() == [100_000]
    assert (tokens.get(7), tokens.get(100_000), tokens.get(3)) == (1, 2, 0)


def test_documents_are_signed_and_read_back() -> None:
    documents = {d.path: d for d in status_documents(IDENTITY, BASE, ENTRIES, now=NOW)}
    assert set(documents) == {"/status/revocation", "/status/suspension", "/status/token"}
    now = NOW.timestamp()
    for purpose, index in (("revocation", 7), ("suspension", 100_000)):
        document = documents[f"/status/{purpose}"]
        assert document.media_type == CREDENTIAL_MEDIA_TYPE
        credential = strictjson.loads_object(document.body)
        data_integrity.verify(credential, lambda vm, rel: KEY.public_key, now=now)
        bits = read_status_list_credential(
            credential, purpose=purpose, list_id=status_urls(BASE)[purpose], now=now
        )
        assert bits.nonzero_indices() == [index]
        assert "validUntil" not in credential  # lists change only with statuses: no expiry
    token = documents["/status/token"]
    assert token.media_type == TOKEN_MEDIA_TYPE
    lst = verify_status_list_token(
        token.body.decode(), KEY.public_key, expected_sub=token_url(BASE), now=now
    )
    assert (lst.get(7), lst.get(100_000), lst.ttl) == (1, 2, 60)


def test_token_list_ttl_is_the_lifetime_the_issuer_serves() -> None:
    documents = {d.path: d for d in status_documents(IDENTITY, BASE, ENTRIES, now=NOW, ttl=5)}
    token = documents["/status/token"].body.decode()
    now = NOW.timestamp() + 1
    lst = verify_status_list_token(token, KEY.public_key, expected_sub=token_url(BASE), now=now)
    assert lst.ttl == 5


def test_rebuilding_is_idempotent() -> None:
    first = build_lists(ENTRIES)
    second = build_lists(list(reversed(ENTRIES)))
    assert [a.to_bytes() for a in first] == [b.to_bytes() for b in second]


def test_later_lists_have_numbered_addresses_and_their_own_size() -> None:
    signed = status_documents(IDENTITY, BASE, [(5, "revoked")], now=NOW, size=64, list_id=2)
    documents = {d.path: d for d in signed}
    assert set(documents) == {"/status/2/revocation", "/status/2/suspension", "/status/2/token"}
    assert status_urls(BASE, 2) == {
        "revocation": BASE + "/status/2/revocation",
        "suspension": BASE + "/status/2/suspension",
    }
    credential = strictjson.loads_object(documents["/status/2/revocation"].body)
    assert credential["id"] == BASE + "/status/2/revocation"  # BSL: id = statusListCredential
    bits = read_status_list_credential(
        credential, purpose="revocation", list_id=BASE + "/status/2/revocation", min_size=64
    )
    assert (len(bits), bits.nonzero_indices()) == (64, [5])
    token = documents["/status/2/token"].body.decode()
    lst = verify_status_list_token(
        token, KEY.public_key, expected_sub=token_url(BASE, 2), now=NOW.timestamp()
    )
    assert lst.get(5) == 1


def test_list_paths_refuse_unknown_kinds_and_numbers() -> None:
    assert list_path(1, "token") == "/status/token" and list_path(3, "token") == "/status/3/token"
    for kind, number in (("other", 1), ("token", 0)):
        with pytest.raises(ValueError):
            list_path(number, kind)
