"""Status entries and status list credentials: BSL Validate steps, legacy StatusList2021 reading."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import StatusListError, StatusUnavailable
from microcred.status_list import MIN_ENTRIES, Bitstring
from microcred.status_list_credential import (
    BSL_ENTRY,
    SL2021_ENTRY,
    StatusEntry,
    parse_status_entries,
    parse_status_entry,
    read_status_list_credential,
    status_list_credential,
)

VECTORS = Path(__file__).parent.parent / "vectors" / "w3c-bitstring-status-list"
LIST_ID = "https://issuer.test/status/3"
NOW = datetime.fromisoformat("2025-06-01T00:00:00+00:00").timestamp()


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


@pytest.fixture
def list_vc() -> dict[str, Any]:
    bitstring = Bitstring()
    for index in (94567, 0, MIN_ENTRIES - 1):
        bitstring.set(index)
    return status_list_credential(
        list_id=LIST_ID,
        issuer="did:web:issuer.test",
        purpose="revocation",
        encoded_list=bitstring.encode(),
        valid_from="2025-01-01T00:00:00Z",
        valid_until="2026-01-01T00:00:00Z",
    )


@pytest.fixture
def legacy_vc() -> dict[str, Any]:
    fixture = json.loads((VECTORS / "vectors.json").read_text())["ssi_statuslist2021_fixture"]
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": LIST_ID,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:12345",
        "issuanceDate": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": LIST_ID + "#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": fixture["encodedList"],
        },
    }


def _read(doc: Any, **overrides: Any) -> Bitstring:
    options: dict[str, Any] = {"purpose": "revocation", "list_id": LIST_ID, "now": NOW}
    options.update(overrides)
    return read_status_list_credential(doc, **options)


# --- building --------------------------------------------------------------------------------


def test_built_credential_is_a_vc2_bitstring_status_list(list_vc: dict[str, Any]) -> None:
    assert list_vc["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert list_vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert list_vc["id"] == LIST_ID
    assert list_vc["validUntil"] == "2026-01-01T00:00:00Z"
    subject = list_vc["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    assert "proof" not in list_vc


def test_valid_until_is_optional() -> None:
    doc = status_list_credential(
        list_id=LIST_ID,
        issuer="did:web:issuer.test",
        purpose="suspension",
        encoded_list=Bitstring().encode(),
        valid_from="2025-01-01T00:00:00Z",
    )
    assert "validUntil" not in doc
    assert _read(doc, purpose="suspension", now=_at("2099-01-01T00:00:00+00:00")).get(0) == 0


# --- reading (BSL Validate Algorithm) ----------------------------------------------------------


def test_read_returns_the_bitstring(list_vc: dict[str, Any]) -> None:
    assert _read(list_vc).nonzero_indices() == [0, 94567, MIN_ENTRIES - 1]


def test_multi_purpose_list_serves_each_purpose(list_vc: dict[str, Any]) -> None:
    list_vc["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert _read(list_vc, purpose="suspension").get(94567) == 1


@pytest.mark.parametrize(
    ("purpose", "list_purpose"),
    [
        pytest.param("revocation", "suspension", id="revocation-vs-suspension"),
        pytest.param("suspension", "revocation", id="suspension-vs-revocation"),
        pytest.param("revocation", ["suspension", "message"], id="not-in-list"),
        pytest.param("revocation", None, id="missing"),
        pytest.param("revocation", "Revocation", id="case-differs"),
    ],
)
def test_purpose_mismatch(list_vc: dict[str, Any], purpose: str, list_purpose: Any) -> None:
    list_vc["credentialSubject"]["statusPurpose"] = list_purpose
    with pytest.raises(StatusListError) as caught:
        _read(list_vc, purpose=purpose)
    assert caught.value.code == "purpose_mismatch"


@pytest.mark.parametrize(
    "list_id",
    [
        "https://issuer.test/status/4",
        "https://issuer.test/status/3/",
        "https://ISSUER.test/status/3",
    ],
)
def test_list_id_must_be_the_entrys_status_list_credential(
    list_vc: dict[str, Any], list_id: str
) -> None:
    with pytest.raises(StatusListError) as caught:
        _read(list_vc, list_id=list_id)
    assert caught.value.code == "list_mismatch"


def test_expired_list_is_unavailable(list_vc: dict[str, Any]) -> None:
    with pytest.raises(StatusUnavailable) as caught:
        _read(list_vc, now=_at("2026-01-01T00:02:00+00:00"))
    assert caught.value.code == "status_list_expired"


def test_seven_fraction_digits_are_read(list_vc: dict[str, Any]) -> None:
    list_vc["validUntil"] = "2025-06-01T00:00:00.1234567Z"
    assert _read(list_vc, now=NOW + 60).get(0) == 1  # within the clock-skew leeway
    with pytest.raises(StatusUnavailable):
        _read(list_vc, now=NOW + 61)


def test_list_not_valid_yet_is_unavailable(list_vc: dict[str, Any]) -> None:
    with pytest.raises(StatusUnavailable) as caught:
        _read(list_vc, now=_at("2024-12-31T23:00:00+00:00"))
    assert caught.value.code == "status_list_not_yet_valid"


@pytest.mark.parametrize(
    "value",
    ["2026-01-01", "2026-01-01T00:00:00", "tomorrow", 1767225600, "2026-13-01T00:00:00Z"],
    ids=["date-only", "no-time-zone", "words", "number", "month-13"],
)
def test_malformed_validity_dates(list_vc: dict[str, Any], value: Any) -> None:
    list_vc["validUntil"] = value
    with pytest.raises(StatusListError) as caught:
        _read(list_vc)
    assert caught.value.code == "invalid_list_credential"


def _mutations() -> list[Any]:
    def set_path(path: str, value: Any) -> Any:
        def mutate(doc: dict[str, Any]) -> None:
            *parents, last = path.split(".")
            target = doc
            for name in parents:
                target = target[name]
            target[last] = value

        return pytest.param(mutate, id=f"{path}={value!r}"[:60])

    return [
        set_path("type", ["VerifiableCredential"]),
        set_path("type", ["BitstringStatusListCredential"]),
        set_path("type", "VerifiableCredential"),
        set_path("@context", ["https://www.w3.org/2018/credentials/v1"]),
        set_path("@context", "https://www.w3.org/ns/credentials/v2"),
        set_path("credentialSubject", "https://issuer.test/status/3#list"),
        set_path("credentialSubject", []),
        set_path("credentialSubject.type", "StatusList2021"),
        set_path("credentialSubject.type", ["BitstringStatusList"]),
    ]


@pytest.mark.parametrize("mutate", _mutations())
def test_not_a_bitstring_status_list_credential(list_vc: dict[str, Any], mutate: Any) -> None:
    mutate(list_vc)
    with pytest.raises(StatusListError) as caught:
        _read(list_vc)
    assert caught.value.code == "invalid_list_credential"


def test_list_must_match_the_entry_kind(list_vc: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as caught:
        _read(list_vc, kind=SL2021_ENTRY)
    assert caught.value.code == "invalid_list_credential"
    assert _read(list_vc, kind=BSL_ENTRY).get(0) == 1


def test_short_list_in_a_credential_is_a_length_error(list_vc: dict[str, Any]) -> None:
    list_vc["credentialSubject"]["encodedList"] = Bitstring(MIN_ENTRIES // 2).encode()
    with pytest.raises(StatusListError) as caught:
        _read(list_vc)
    assert caught.value.code == "status_list_length_error"


def test_invalid_encoded_list_in_a_credential(list_vc: dict[str, Any]) -> None:
    list_vc["credentialSubject"]["encodedList"] = list_vc["credentialSubject"]["encodedList"][1:]
    with pytest.raises(StatusListError) as caught:
        _read(list_vc)
    assert caught.value.code == "status_list_malformed"


def test_multi_bit_list_read_with_the_entry_status_size(list_vc: dict[str, Any]) -> None:
    bitstring = Bitstring(MIN_ENTRIES * 2, bits=2)
    bitstring.set(7, 2)
    list_vc["credentialSubject"]["encodedList"] = bitstring.encode()
    assert _read(list_vc, status_size=2).get(7) == 2


# --- legacy StatusList2021Credential -------------------------------------------------------------


def test_legacy_statuslist2021_credential(legacy_vc: dict[str, Any]) -> None:
    bitstring = _read(legacy_vc, kind=SL2021_ENTRY)
    assert bitstring.nonzero_indices() == [6]


def test_legacy_list_rejects_a_multibase_bsl_encoding(legacy_vc: dict[str, Any]) -> None:
    legacy_vc["credentialSubject"]["encodedList"] = Bitstring().encode()
    with pytest.raises(StatusListError) as caught:
        _read(legacy_vc)
    assert caught.value.code == "status_list_malformed"


def test_legacy_expiration_date(legacy_vc: dict[str, Any]) -> None:
    legacy_vc["expirationDate"] = "2022-01-01T00:00:00Z"
    with pytest.raises(StatusUnavailable) as caught:
        _read(legacy_vc)
    assert caught.value.code == "status_list_expired"


def test_legacy_needs_its_context(legacy_vc: dict[str, Any]) -> None:
    legacy_vc["@context"] = legacy_vc["@context"][:1]
    with pytest.raises(StatusListError) as caught:
        _read(legacy_vc)
    assert caught.value.code == "invalid_list_credential"


# --- entries ------------------------------------------------------------------------------------

SPEC_ENTRIES = [
    {
        "id": "https://example.com/credentials/status/3#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.com/credentials/status/3",
    },
    {
        "id": "https://example.com/credentials/status/4#23452",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "23452",
        "statusListCredential": "https://example.com/credentials/status/4",
    },
]


def test_spec_example_entries() -> None:
    assert parse_status_entries(SPEC_ENTRIES) == (
        StatusEntry(BSL_ENTRY, "revocation", "https://example.com/credentials/status/3", 94567),
        StatusEntry(BSL_ENTRY, "suspension", "https://example.com/credentials/status/4", 23452),
    )
    assert parse_status_entries(SPEC_ENTRIES[0]) == (parse_status_entry(SPEC_ENTRIES[0]),)


def test_statuslist2021_entry() -> None:
    entry = dict(SPEC_ENTRIES[0], type="StatusList2021Entry")
    assert parse_status_entry(entry).kind == SL2021_ENTRY


def test_multi_bit_entry_with_messages() -> None:
    messages = [{"status": f"0x{n}", "message": f"m{n}"} for n in range(4)]
    entry = dict(SPEC_ENTRIES[0], statusPurpose="message", statusSize=2, statusMessage=messages)
    assert parse_status_entry(entry).size == 2


@pytest.mark.parametrize(
    "kind",
    ["RevocationList2020Status", "bitstringstatuslistentry", "StatusList2021", None, ["x"]],
)
def test_unknown_status_type(kind: Any) -> None:
    with pytest.raises(StatusListError) as caught:
        parse_status_entry(dict(SPEC_ENTRIES[0], type=kind))
    assert caught.value.code == "unsupported_status_type"


def test_one_unknown_entry_rejects_the_list() -> None:
    entries = [SPEC_ENTRIES[0], dict(SPEC_ENTRIES[1], type="CRLEntry")]
    with pytest.raises(StatusListError) as caught:
        parse_status_entries(entries)
    assert caught.value.code == "unsupported_status_type"


def _without(name: str) -> dict[str, Any]:
    entry = copy.deepcopy(SPEC_ENTRIES[0])
    del entry[name]
    return entry


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        pytest.param(_without("statusPurpose"), "invalid_status_entry", id="no-purpose"),
        pytest.param(_without("statusListCredential"), "invalid_status_entry", id="no-list"),
        pytest.param(_without("statusListIndex"), "range_error", id="no-index"),
        pytest.param(dict(SPEC_ENTRIES[0], statusListIndex=94567), "range_error", id="int-index"),
        pytest.param(dict(SPEC_ENTRIES[0], statusListIndex="-1"), "range_error", id="neg-index"),
        pytest.param(
            dict(SPEC_ENTRIES[0], statusListCredential=""), "invalid_status_entry", id="empty-url"
        ),
        pytest.param(
            dict(SPEC_ENTRIES[0], statusSize=2), "invalid_status_entry", id="size-no-messages"
        ),
        pytest.param(dict(SPEC_ENTRIES[0], statusSize=0), "unsupported_status_size", id="size-0"),
        pytest.param(
            dict(SPEC_ENTRIES[0], statusSize="1"), "unsupported_status_size", id="size-str"
        ),
        pytest.param(dict(SPEC_ENTRIES[0], statusSize=9), "unsupported_status_size", id="size-9"),
        pytest.param("https://example.com/status/3", "invalid_status_entry", id="not-object"),
        pytest.param([], "invalid_status_entry", id="empty-list"),
    ],
)
def test_invalid_entries(entry: Any, code: str) -> None:
    with pytest.raises(StatusListError) as caught:
        parse_status_entries(entry)
    assert caught.value.code == code
