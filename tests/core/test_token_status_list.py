"""IETF Token Status List: spec vectors (1/2/4/8 bits), capped inflation, JWT, `status` claim."""

from __future__ import annotations

import json
import math
import re
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest

from microcred import base64url, jose, strictjson
from microcred.errors import StatusListError, StatusUnavailable
from microcred.keys import PrivateKey, PublicKey
from microcred.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    TokenStatusList,
    TokenStatusRef,
    clamp_ttl,
    parse_token_status_claim,
    sign_status_list_token,
    verify_status_list_token,
)

VECTORS = Path(__file__).parent.parent / "vectors" / "ietf-token-status-list"
CASES = json.loads((VECTORS / "token-status-list-vectors.json").read_text())["cases"]
SUB = "https://issuer.test/statuslists/1"
IAT = 1_750_000_000
BOMB_BYTES = 50 * 1024 * 1024
EXAMPLE = "eNrbuRgAAhcBXQ"  # the draft's 16-entry example list
MALFORMED = "status_list_malformed"
BAD_SIZE = "unsupported_status_size"


def _nonzero(lst: TokenStatusList) -> dict[int, int]:
    """Every non-zero status, found through the public get() (only non-zero bytes are visited)."""
    per_byte = 8 // lst.bits
    found = {}
    for byte_no, byte in enumerate(lst.to_bytes()):
        if byte:
            for index in range(byte_no * per_byte, (byte_no + 1) * per_byte):
                if lst.get(index):
                    found[index] = lst.get(index)
    return found


@pytest.fixture(scope="module")
def zlib_bomb() -> bytes:
    """zlib of 50 MiB of zeros (about 50 KB), built in chunks."""
    packer = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    return (
        b"".join(packer.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))) + packer.flush()
    )


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return PrivateKey.from_ed25519_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def small_list() -> TokenStatusList:
    lst = TokenStatusList(bits=2, size=1024)
    lst.set(0, INVALID)
    lst.set(5, SUSPENDED)
    lst.set(1023, 3)
    return lst


# --- spec vectors (E09) --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["file"].removesuffix(".md") for c in CASES])
def test_spec_vector_values(case: dict[str, Any]) -> None:
    lst = TokenStatusList.decode({"bits": case["bits"], "lst": case["lst"]})
    statuses = {int(index): value for index, value in case["statuses"].items()}
    assert lst.bits == case["bits"]
    assert len(lst) == case["size"]
    assert {index: lst.get(index) for index in statuses} == statuses
    # Nothing else is set: every entry the draft does not list is VALID.
    assert _nonzero(lst) == {index: value for index, value in statuses.items() if value}


@pytest.mark.parametrize(
    "case", [c for c in CASES if "byte_array" in c], ids=lambda c: c["file"].removesuffix(".md")
)
def test_spec_byte_arrays_and_exact_encoding(case: dict[str, Any]) -> None:
    lst = TokenStatusList.decode({"bits": case["bits"], "lst": case["lst"]})
    assert list(lst.to_bytes()) == case["byte_array"]
    # The draft's examples use zlib level 9 ("highest compression level"): same bytes here.
    assert lst.encode(level=9) == {"bits": case["bits"], "lst": case["lst"]}


def test_spec_example_status_list_token_payload() -> None:
    raw = re.sub(r"\s", "", (VECTORS / "status_list_jwt_raw.md").read_text())
    jws = jose.parse(
        raw, typ="statuslist+jwt"
    )  # ES256 key not among the vectors: no signature check
    assert jws.payload["sub"] == "https://example.com/statuslists/1"
    lst = TokenStatusList.decode(jws.payload["status_list"])
    assert [lst.get(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]


def test_least_significant_bit_first() -> None:
    lst = TokenStatusList(bits=1, size=16)
    lst.set(0, 1)
    lst.set(9, 1)
    assert lst.to_bytes() == bytes([0x01, 0x02])
    four = TokenStatusList(bits=4, size=2)
    four.set(1, 0xA)
    assert four.to_bytes() == bytes([0xA0])


# --- round trips and values ----------------------------------------------------------------------


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_round_trip(bits: int) -> None:
    lst = TokenStatusList(bits=bits, size=4096)
    values = {i * 37 % 4096: (i % ((1 << bits) - 1)) + 1 for i in range(100)}
    for index, value in values.items():
        lst.set(index, value)
    lst.set(values.__iter__().__next__(), VALID)  # clearing works too
    expected = {index: lst.get(index) for index in values}
    decoded = TokenStatusList.decode(lst.encode())
    assert {index: decoded.get(index) for index in values} == expected
    assert decoded.to_bytes() == lst.to_bytes()


def test_reserved_and_application_values_are_returned_raw() -> None:
    lst = TokenStatusList(bits=8, size=8)
    for index, value in enumerate([0x03, 0x0C, 0x0F, 0x05, 0xFF]):
        lst.set(index, value)
    decoded = TokenStatusList.decode(lst.encode())
    assert [decoded.get(i) for i in range(5)] == [0x03, 0x0C, 0x0F, 0x05, 0xFF]


def test_size_rounds_up_to_whole_bytes() -> None:
    assert len(TokenStatusList(bits=2, size=5)) == 8
    assert len(TokenStatusList(bits=8, size=5)) == 5


@pytest.mark.parametrize("index", [1024, -1, 2**70])
def test_index_out_of_bounds(small_list: TokenStatusList, index: int) -> None:
    with pytest.raises(StatusListError) as caught:
        small_list.get(index)
    assert caught.value.code == "range_error"


@pytest.mark.parametrize(("bits", "value"), [(1, 2), (2, 4), (8, 256), (4, -1), (1, True)])
def test_set_refuses_values_that_do_not_fit(bits: int, value: int) -> None:
    with pytest.raises(StatusListError) as caught:
        TokenStatusList(bits=bits, size=8).set(0, value)
    assert caught.value.code == "range_error"


# --- hostile lists (E06, E07) --------------------------------------------------------------------


def test_zlib_bomb_is_refused_with_bounded_memory(zlib_bomb: bytes) -> None:
    hostile = {"bits": 1, "lst": base64url.encode(zlib_bomb)}
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError) as caught:
            TokenStatusList.decode(hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "status_list_too_large"
    assert peak < 4 * 1024 * 1024  # 512 KiB cap at 1 bit plus the input, not 50 MiB


def test_max_entries_is_enforced() -> None:
    case = CASES[2]  # 2**20 one-bit entries
    with pytest.raises(StatusListError) as caught:
        TokenStatusList.decode({"bits": 1, "lst": case["lst"]}, max_entries=2**20 - 8)
    assert caught.value.code == "status_list_too_large"
    assert len(TokenStatusList.decode({"bits": 1, "lst": case["lst"]}, max_entries=2**20)) == 2**20


def _lst(packed: bytes) -> dict[str, Any]:
    return {"bits": 1, "lst": base64url.encode(packed)}


ZLIB = zlib.compress(bytes(64))


@pytest.mark.parametrize(
    ("status_list", "code"),
    [
        pytest.param(_lst(ZLIB[:-4]), MALFORMED, id="truncated"),
        pytest.param(_lst(ZLIB + b"\0"), MALFORMED, id="trailing-byte"),
        pytest.param(_lst(zlib.compress(bytes(64), wbits=31)), MALFORMED, id="gzip-not-zlib"),
        pytest.param(_lst(zlib.compress(bytes(64), wbits=-15)), MALFORMED, id="raw-deflate"),
        pytest.param(_lst(bytes(64)), MALFORMED, id="not-compressed"),
        pytest.param({"bits": 1, "lst": EXAMPLE + "=="}, MALFORMED, id="padded"),
        pytest.param({"bits": 1, "lst": EXAMPLE[:-2] + "+/"}, MALFORMED, id="std-alphabet"),
        pytest.param({"bits": 1, "lst": 12}, MALFORMED, id="lst-number"),
        pytest.param({"bits": 1}, MALFORMED, id="no-lst"),
        pytest.param(_lst(zlib.compress(b"")), "status_list_length_error", id="empty"),
        pytest.param({"bits": 3, "lst": EXAMPLE}, BAD_SIZE, id="bits-3"),
        pytest.param({"bits": 16, "lst": EXAMPLE}, BAD_SIZE, id="bits-16"),
        pytest.param({"bits": 1.0, "lst": EXAMPLE}, BAD_SIZE, id="bits-float"),
        pytest.param({"bits": True, "lst": EXAMPLE}, BAD_SIZE, id="bits-bool"),
        pytest.param({"bits": "1", "lst": EXAMPLE}, BAD_SIZE, id="bits-string"),
        pytest.param({"lst": EXAMPLE}, BAD_SIZE, id="no-bits"),
        pytest.param([EXAMPLE], MALFORMED, id="not-object"),
    ],
)
def test_malformed_status_list(status_list: Any, code: str) -> None:
    with pytest.raises(StatusListError) as caught:
        TokenStatusList.decode(status_list)
    assert caught.value.code == code


# --- Status List Token (JWT) ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_sign_and_verify(small_list: TokenStatusList, kind: str) -> None:
    signer = PrivateKey.generate(kind)
    token = sign_status_list_token(
        small_list, signer, sub=SUB, kid="k1", iat=IAT, exp=IAT + 86400, ttl=3600
    )
    header = jose.parse(token).header
    assert header["typ"] == "statuslist+jwt" and header["kid"] == "k1"
    lst = verify_status_list_token(token, signer.public_key, expected_sub=SUB, now=IAT + 10)
    assert lst.to_bytes() == small_list.to_bytes()
    assert (lst.get(0), lst.get(5), lst.get(1023), lst.get(1)) == (INVALID, SUSPENDED, 3, VALID)
    assert (lst.iat, lst.exp, lst.ttl) == (IAT, IAT + 86400, 3600)


def test_verify_with_key_lookup(small_list: TokenStatusList, key: PrivateKey) -> None:
    token = sign_status_list_token(small_list, key, sub=SUB, kid="k1", iat=IAT)
    seen: list[str] = []

    def lookup(header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        seen.append(header["kid"])
        return key.public_key

    lst = verify_status_list_token(token, lookup, expected_sub=SUB, now=IAT)
    assert seen == ["k1"] and lst.get(5) == SUSPENDED and lst.exp is None and lst.ttl is None


def _token(key: PrivateKey, header: dict[str, Any] | None = None, **claims: Any) -> str:
    payload: dict[str, Any] = {
        "sub": SUB,
        "iat": IAT,
        "status_list": {"bits": 1, "lst": EXAMPLE},
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not _DROP}
    fields = {"typ": "statuslist+jwt", **(header or {})}
    typ = fields.pop("typ")
    return jose.sign(payload, key, typ=typ, header=fields)


_DROP = object()


def _verify(token: str, key: PrivateKey, now: float = IAT + 10) -> TokenStatusList:
    return verify_status_list_token(token, key.public_key, expected_sub=SUB, now=now)


def test_application_media_type_is_accepted(key: PrivateKey) -> None:
    token = _token(key, {"typ": "application/statuslist+jwt"})
    assert _verify(token, key).get(0) == 1


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        pytest.param(
            {"sub": "https://issuer.test/statuslists/2"}, "list_mismatch", id="other-list"
        ),
        pytest.param({"sub": SUB + "/"}, "list_mismatch", id="trailing-slash"),
        pytest.param({"sub": _DROP}, "list_mismatch", id="no-sub"),
        pytest.param({"sub": ["x"]}, "list_mismatch", id="sub-array"),
        pytest.param({"iat": _DROP}, "missing_claim", id="no-iat"),
        pytest.param({"iat": IAT + 3600}, "not_yet_valid", id="iat-future"),
        pytest.param({"iat": "1750000000"}, "invalid_claim", id="iat-string"),
        pytest.param({"ttl": 0}, "status_list_token_invalid", id="ttl-zero"),
        pytest.param({"ttl": -60}, "status_list_token_invalid", id="ttl-negative"),
        pytest.param({"ttl": "60"}, "status_list_token_invalid", id="ttl-string"),
        pytest.param({"ttl": True}, "status_list_token_invalid", id="ttl-bool"),
        pytest.param({"ttl": None}, "status_list_token_invalid", id="ttl-null"),
        pytest.param({"status_list": _DROP}, "status_list_malformed", id="no-status-list"),
        pytest.param(
            {"status_list": "eNrbuRgAAhcBXQ"}, "status_list_malformed", id="status-list-string"
        ),
    ],
)
def test_invalid_status_list_token_claims(
    key: PrivateKey, claims: dict[str, Any], code: str
) -> None:
    with pytest.raises(StatusListError) as caught:
        _verify(_token(key, **claims), key)
    assert caught.value.code == code
    assert not isinstance(caught.value, StatusUnavailable)


def test_expired_status_list_token_is_unavailable(key: PrivateKey) -> None:
    token = _token(key, exp=IAT + 100)
    assert _verify(token, key, now=IAT + 100).get(0) == 1
    with pytest.raises(StatusUnavailable) as caught:
        _verify(token, key, now=IAT + 100 + jose.DEFAULT_LEEWAY + 1)
    assert caught.value.code == "status_list_expired"


@pytest.mark.parametrize(
    "header",
    [{"typ": "JWT"}, {"typ": "statuslist+cwt"}, {"typ": "dc+sd-jwt"}],
    ids=["jwt", "cwt", "sd-jwt"],
)
def test_wrong_typ_is_refused(key: PrivateKey, header: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as caught:
        _verify(_token(key, header), key)
    assert caught.value.code == "wrong_typ"


def test_missing_typ_is_refused(key: PrivateKey) -> None:
    payload = {"sub": SUB, "iat": IAT, "status_list": {"bits": 1, "lst": EXAMPLE}}
    head = base64url.encode(strictjson.dumps({"alg": "EdDSA"}).encode())
    body = base64url.encode(strictjson.dumps(payload).encode())
    token = f"{head}.{body}." + base64url.encode(key.sign(f"{head}.{body}".encode()))
    with pytest.raises(StatusListError) as caught:
        _verify(token, key)
    assert caught.value.code == "wrong_typ"


def test_list_signed_by_another_key_is_refused(key: PrivateKey) -> None:
    token = _token(PrivateKey.generate("Ed25519"))
    with pytest.raises(StatusListError) as caught:
        _verify(token, key)
    assert caught.value.code == "signature_invalid"


def test_tampered_list_is_refused(key: PrivateKey) -> None:
    head, body, signature = _token(key).split(".")
    payload = json.loads(base64url.decode(body))
    payload["status_list"]["lst"] = TokenStatusList(1, 16).encode()["lst"]  # "un-revoke" all
    forged = f"{head}.{base64url.encode(strictjson.dumps(payload).encode())}.{signature}"
    with pytest.raises(StatusListError) as caught:
        _verify(forged, key)
    assert caught.value.code == "signature_invalid"


def test_alg_none_is_refused(key: PrivateKey) -> None:
    head = base64url.encode(b'{"alg":"none","typ":"statuslist+jwt"}')
    body = _token(key).split(".")[1]
    with pytest.raises(StatusListError) as caught:
        _verify(f"{head}.{body}.", key)
    assert caught.value.code == "alg_not_allowed"


def test_bomb_inside_a_signed_token_is_refused(key: PrivateKey, zlib_bomb: bytes) -> None:
    token = _token(key, status_list={"bits": 8, "lst": base64url.encode(zlib_bomb)})
    with pytest.raises(StatusListError) as caught:
        verify_status_list_token(
            token, key.public_key, expected_sub=SUB, now=IAT, max_entries=2**20
        )
    assert caught.value.code == "status_list_too_large"


# --- the Referenced Token's status claim ---------------------------------------------------------


def test_status_claim() -> None:
    ref = parse_token_status_claim({"status_list": {"idx": 412, "uri": SUB}})
    assert ref == TokenStatusRef(SUB, 412)
    assert ref.uri == SUB and ref.idx == 412


@pytest.mark.parametrize(
    ("status", "code"),
    [
        pytest.param({"status_list": {"idx": -1, "uri": SUB}}, "range_error", id="negative"),
        pytest.param({"status_list": {"idx": 1.0, "uri": SUB}}, "range_error", id="float"),
        pytest.param({"status_list": {"idx": "0", "uri": SUB}}, "range_error", id="string"),
        pytest.param({"status_list": {"idx": True, "uri": SUB}}, "range_error", id="bool"),
        pytest.param({"status_list": {"idx": 10**30, "uri": SUB}}, "range_error", id="huge"),
        pytest.param({"status_list": {"uri": SUB}}, "range_error", id="no-idx"),
        pytest.param({"status_list": {"idx": 0}}, "invalid_status_claim", id="no-uri"),
        pytest.param(
            {"status_list": {"idx": 0, "uri": ""}}, "invalid_status_claim", id="empty-uri"
        ),
        pytest.param(
            {"status_list": {"idx": 0, "uri": 7}}, "invalid_status_claim", id="uri-number"
        ),
        pytest.param({"status_list": [0, SUB]}, "invalid_status_claim", id="array"),
        pytest.param({"other": {}}, "invalid_status_claim", id="no-status-list"),
        pytest.param("https://issuer.test/statuslists/1", "invalid_status_claim", id="not-object"),
    ],
)
def test_invalid_status_claim(status: Any, code: str) -> None:
    with pytest.raises(StatusListError) as caught:
        parse_token_status_claim(status)
    assert caught.value.code == code


# --- ttl clamping (E11) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [(0.0, 60), (1, 60), (3600, 3600), (10 * 365 * 86400, 86400), (None, 86400), (math.inf, 86400)],
    ids=["zero", "hammer", "normal", "ten-years", "absent", "infinite"],
)
def test_clamp_ttl(ttl: float | None, expected: float) -> None:
    assert clamp_ttl(ttl, 60, 86400) == expected
