"""The trusted-issuer registry (SECURITY-CASES A24, A25; G2 caps, G7 strict JSON for its file)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import FetchError, TrustRegistryError
from microcred.trust import MAX_ENTRIES, MAX_REGISTRY_BYTES, TrustedIssuer, TrustRegistry

UTC = dt.UTC
HUST = "did:web:hust.example.edu.vn"
REGISTRY: dict[str, Any] = {
    "name": "Bộ Giáo dục và Đào tạo — demo",
    "issuers": [
        {
            "did": HUST,
            "name": "Đại học Bách khoa Hà Nội",
            "country": "VN",
            "accreditingBody": "Bộ Giáo dục và Đào tạo",
            "validFrom": "2024-01-01",
            "validUntil": "2026-12-31",
        },
        {
            "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "name": "Open Academy",
            "country": "DE",
            "accreditingBody": "Akkreditierungsrat",
            "validFrom": None,
        },
        {
            "did": "did:web:later.example:courses",
            "name": "Later College",
            "country": "FR",
            "accreditingBody": "HCERES",
            "validFrom": "2027-01-01T08:00:00+01:00",
        },
    ],
}


def registry(data: dict[str, Any] | None = None, source: str = "test") -> TrustRegistry:
    return TrustRegistry.from_json(copy.deepcopy(REGISTRY if data is None else data), source=source)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# --- lookups ------------------------------------------------------------------------------------


def test_listed_issuer_inside_its_period_is_trusted() -> None:
    result = registry().lookup(HUST, at=at(2025, 6, 30))
    assert result.status == "trusted" and result.trusted
    assert result.entry == TrustedIssuer(
        did=HUST,
        name="Đại học Bách khoa Hà Nội",
        country="VN",
        accrediting_body="Bộ Giáo dục và Đào tạo",
        valid_from="2024-01-01",
        valid_until="2026-12-31",
    )
    assert result.source == "test"


@pytest.mark.parametrize(
    ("did", "when", "status"),
    [
        (HUST, at(2024, 1, 1), "trusted"),
        (HUST, at(2023, 12, 31, 23, 59, 59), "not_yet_valid"),
        (HUST, at(2026, 12, 31, 23, 59, 59), "trusted"),
        (HUST, at(2027, 1, 1), "expired"),
        ("did:web:hust.example.edu.vn.evil", at(2025, 1, 1), "not_in_registry"),
        ("did:web:HUST.example.edu.vn", at(2025, 1, 1), "not_in_registry"),
        ("did:web:hust-example.edu.vn", at(2025, 1, 1), "not_in_registry"),
        (HUST + "#key-1", at(2025, 1, 1), "not_in_registry"),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", at(1990, 1, 1), "trusted"),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", at(2999, 1, 1), "trusted"),
        ("did:web:later.example:courses", at(2027, 1, 1, 6, 59, 59), "not_yet_valid"),
        ("did:web:later.example:courses", at(2027, 1, 1, 7), "trusted"),
    ],
    ids=[
        "first-day",
        "day-before",
        "last-second-of-last-day",
        "day-after",
        "suffix-look-alike",
        "case-look-alike",
        "dash-look-alike",
        "did-url",
        "open-start",
        "open-end",
        "before-offset-start",
        "at-offset-start",
    ],
)
def test_lookup_status(did: str, when: dt.datetime, status: str) -> None:
    result = registry().lookup(did, at=when)
    assert result.status == status
    assert result.trusted is (status == "trusted")
    assert (result.entry is None) is (status == "not_in_registry")


def test_lookup_defaults_to_now() -> None:
    assert registry().lookup("did:web:later.example:courses").status in ("not_yet_valid", "trusted")


def test_lookup_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        registry().lookup(HUST, at=dt.datetime(2025, 1, 1))


def test_empty_registry_trusts_nobody() -> None:
    empty = TrustRegistry.from_json({"name": "empty", "issuers": []}, source="x")
    assert empty.lookup(HUST, at=at(2025, 1, 1)).status == "not_in_registry"
    assert empty.entries() == ()


# --- merging, serialising -------------------------------------------------------------------------


def renewal(valid_from: str, valid_until: str | None) -> dict[str, Any]:
    entry = dict(REGISTRY["issuers"][0], validFrom=valid_from, validUntil=valid_until)
    return {"name": "renewals", "issuers": [entry]}


def test_merge_keeps_each_entry_with_its_source() -> None:
    merged = registry(source="national.json").merge(
        registry(renewal("2027-01-01", "2031-12-31"), source="https://eu.example/registry.json")
    )
    assert len(merged.entries()) == 4
    old = merged.lookup(HUST, at=at(2025, 1, 1))
    new = merged.lookup(HUST, at=at(2028, 1, 1))
    assert (old.status, old.source) == ("trusted", "national.json")
    assert (new.status, new.source) == ("trusted", "https://eu.example/registry.json")
    assert new.entry is not None and new.entry.valid_until == "2031-12-31"


def test_merged_duplicates_prefer_upcoming_over_expired() -> None:
    merged = registry().merge(registry(renewal("2030-01-01", None)))
    assert merged.lookup(HUST, at=at(2028, 1, 1)).status == "not_yet_valid"
    both_old = registry().merge(registry(renewal("2020-01-01", "2021-01-01")))
    assert both_old.lookup(HUST, at=at(2028, 1, 1)).status == "expired"


def test_to_json_round_trips() -> None:
    original = registry()
    again = TrustRegistry.from_json(json.loads(json.dumps(original.to_json())), source="again")
    assert again.entries() == original.entries()
    assert again.name == original.name
    assert original.to_json()["issuers"][1]["validUntil"] is None


# --- loading from files and URLs ------------------------------------------------------------------


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(REGISTRY, ensure_ascii=False), encoding="utf-8")
    loaded = TrustRegistry.load(path)
    assert loaded.entries() == registry().entries()
    assert loaded.lookup(HUST, at=at(2025, 1, 1)).source == str(path)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"name": "a", "name": "b", "issuers": []}', "malformed_json"),
        (b'{"name": "a", "issuers": [NaN]}', "malformed_json"),
        (b'{"name": "a", "issuers": []} trailing', "malformed_json"),
        (b'{"name": "\xff", "issuers": []}', "malformed_json"),
        (b"[" * 100_000, "too_large"),
        (b" " * (MAX_REGISTRY_BYTES + 1) + b"{}", "too_large"),
        (b'["not", "an", "object"]', "registry_invalid"),
    ],
    ids=["duplicate-key", "nan", "trailing-data", "bad-utf8", "deep", "oversize", "array"],
)
def test_load_refuses_bad_files(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "registry.json"
    path.write_bytes(content)
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.load(path)
    assert caught.value.code == code


def test_load_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TrustRegistryError, match="cannot read"):
        TrustRegistry.load(tmp_path / "absent.json")


@pytest.mark.parametrize(
    "answer",
    [REGISTRY, json.dumps(REGISTRY), json.dumps(REGISTRY).encode()],
    ids=["parsed", "text", "bytes"],
)
def test_fetch_uses_the_injected_client(answer: Any) -> None:
    asked: list[str] = []

    def fetch_json(url: str) -> Any:
        asked.append(url)
        return copy.deepcopy(answer)

    url = "https://registry.example/issuers.json"
    fetched = TrustRegistry.fetch(url, fetch_json)
    assert asked == [url]
    assert fetched.lookup(HUST, at=at(2025, 1, 1)).source == url


def test_fetch_failure_passes_through_unchanged() -> None:
    def fetch_json(url: str) -> Any:
        raise FetchError("registry host unreachable")

    # "Unavailable" stays distinguishable from "invalid": the caller keeps its stale copy or
    # reports UNVERIFIED (SECURITY-CASES A25), it never trusts anyone on a failed refresh.
    with pytest.raises(FetchError):
        TrustRegistry.fetch("https://registry.example/issuers.json", fetch_json)


def test_fetch_refuses_an_invalid_answer() -> None:
    with pytest.raises(TrustRegistryError):
        TrustRegistry.fetch("https://registry.example/x", lambda url: b'{"name": 1}')


# --- strict validation ----------------------------------------------------------------------------


def with_entry(**changes: Any) -> dict[str, Any]:
    """The sample registry with its second entry changed (None removes a member)."""
    data = copy.deepcopy(REGISTRY)
    entry = data["issuers"][1]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return data


BAD_ENTRIES = [
    ("missing-did", with_entry(did=None), "issuers[1].did"),
    ("did-not-text", with_entry(did=5), "issuers[1].did"),
    ("not-a-did", with_entry(did="web:uni.example"), "issuers[1].did"),
    ("upper-method", with_entry(did="did:WEB:uni.example"), "issuers[1].did"),
    ("did-with-fragment", with_entry(did="did:web:uni.example#key-1"), "issuers[1].did"),
    ("did-with-path", with_entry(did="did:web:uni.example/path"), "issuers[1].did"),
    ("did-with-space", with_entry(did="did:web:uni example"), "issuers[1].did"),
    ("did-ends-in-colon", with_entry(did="did:web:uni.example:"), "issuers[1].did"),
    ("did-too-long", with_entry(did="did:web:" + "a" * 600), "issuers[1].did"),
    ("empty-name", with_entry(name=" "), "issuers[1].name"),
    ("long-name", with_entry(name="x" * 201), "issuers[1].name"),
    ("no-accrediting-body", with_entry(accreditingBody=None), "issuers[1].accreditingBody"),
    ("country-lowercase", with_entry(country="de"), "issuers[1].country"),
    ("country-alpha3", with_entry(country="DEU"), "issuers[1].country"),
    ("date-not-text", with_entry(validFrom=20240101), "issuers[1].validFrom"),
    ("month-13", with_entry(validFrom="2024-13-01"), "issuers[1].validFrom"),
    ("february-30", with_entry(validUntil="2025-02-30"), "issuers[1].validUntil"),
    ("datetime-without-zone", with_entry(validFrom="2024-01-01T00:00:00"), "issuers[1].validFrom"),
    ("loose-date", with_entry(validUntil="31/12/2026"), "issuers[1].validUntil"),
    (
        "ends-before-start",
        with_entry(validFrom="2025-01-01", validUntil="2024-12-31"),
        "issuers[1]",
    ),
    ("unknown-member", with_entry(trusted=True), "issuers[1]"),
    (
        "entry-not-object",
        {**REGISTRY, "issuers": [REGISTRY["issuers"][0], "did:web:x"]},
        "issuers[1]",
    ),
    (
        "duplicate-did",
        {**REGISTRY, "issuers": [REGISTRY["issuers"][0], REGISTRY["issuers"][0]]},
        "issuers[1].did",
    ),
    ("no-name", {"issuers": []}, "registry.name"),
    ("issuers-not-list", {"name": "x", "issuers": {}}, "issuers must be a list"),
    ("unknown-top-member", {**REGISTRY, "trustEveryone": True}, "unknown members trustEveryone"),
    ("not-an-object", ["x"], "JSON object"),
]


@pytest.mark.parametrize(
    ("data", "where"),
    [(data, where) for _, data, where in BAD_ENTRIES],
    ids=[name for name, _, _ in BAD_ENTRIES],
)
def test_invalid_registries_are_refused_with_the_entry_number(data: Any, where: str) -> None:
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.from_json(data, source="test")
    assert where in str(caught.value)
    assert caught.value.code == "registry_invalid"


def test_entry_count_is_capped() -> None:
    entry = REGISTRY["issuers"][1]
    issuers = [dict(entry, did=f"did:web:uni{i}.example") for i in range(MAX_ENTRIES + 1)]
    with pytest.raises(TrustRegistryError) as caught:
        TrustRegistry.from_json({"name": "big", "issuers": issuers}, source="x")
    assert caught.value.code == "too_large"
    assert (
        len(TrustRegistry.from_json({"name": "ok", "issuers": issuers[:-1]}, source="x").entries())
        == MAX_ENTRIES
    )


def test_percent_encoded_and_colon_separated_dids_are_accepted() -> None:
    data = with_entry(did="did:web:localhost%3A5001:issuers:hust")
    assert registry(data).lookup("did:web:localhost%3A5001:issuers:hust", at=at(2025, 1, 1)).trusted
