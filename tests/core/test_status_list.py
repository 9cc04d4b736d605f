"""W3C Bitstring Status List bitstrings: vectors, bit order, capped expansion, strict indices."""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest

from microcred import base64url
from microcred.errors import StatusListError
from microcred.status_list import (
    GZIP_WBITS,
    MIN_ENTRIES,
    Bitstring,
    inflate,
    parse_index,
)

VECTORS = Path(__file__).parent.parent / "vectors" / "w3c-bitstring-status-list"
BOMB_BYTES = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    return json.loads((VECTORS / "vectors.json").read_text())


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """GZIP of 50 MiB of zeros (about 50 KB), built in chunks so the fixture itself stays small."""
    packer = zlib.compressobj(9, zlib.DEFLATED, GZIP_WBITS)
    chunk = bytes(1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))]
    return b"".join(parts) + packer.flush()


def _gzip_text(data: bytes) -> str:
    return "u" + base64url.encode(gzip.compress(data, mtime=0))


def _with_bits(indices: list[int], size: int = MIN_ENTRIES) -> Bitstring:
    bitstring = Bitstring(size)
    for index in indices:
        bitstring.set(index)
    return bitstring


# --- spec vectors and bit order (E09) ---------------------------------------------------------


def test_spec_vector_reports_exactly_the_set_indices(vectors: dict[str, Any]) -> None:
    bitstring = Bitstring.decode(vectors["encodedList_msb_first_SPEC"])
    assert len(bitstring) == vectors["length_bits"]
    assert bitstring.nonzero_indices() == vectors["set_indices"]
    assert all(bitstring.get(i) == 1 for i in vectors["set_indices"])
    assert bitstring.get(1) == 0 and bitstring.get(9) == 0


def test_lsb_first_list_does_not_decode_to_the_same_set(vectors: dict[str, Any]) -> None:
    wrong = Bitstring.decode(vectors["encodedList_lsb_first_WRONG_ORDER"])
    assert wrong.nonzero_indices() != vectors["set_indices"]
    assert wrong.nonzero_indices() == [0, 7, 15, 1998, 25459, 131064]


def test_spec_example_is_all_zero(vectors: dict[str, Any]) -> None:
    example = vectors["spec_example_all_zero"]
    bitstring = Bitstring.decode(example["encodedList"])
    assert len(bitstring) == example["length_bits"]
    assert bitstring.nonzero_indices() == []


def test_statuslist2021_fixture_reads_left_most_bit_first(vectors: dict[str, Any]) -> None:
    fixture = vectors["ssi_statuslist2021_fixture"]
    bitstring = Bitstring.decode(fixture["encodedList"], legacy=True)
    assert bitstring.nonzero_indices() == fixture["decoded_msb_first_per_W3C_spec"]
    assert bitstring.get(1) == 0  # ssi 0.6 (LSB first) would call index 1 revoked


def test_legacy_list_needs_the_legacy_flag(vectors: dict[str, Any]) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring.decode(vectors["ssi_statuslist2021_fixture"]["encodedList"])
    assert caught.value.code == "status_list_malformed"


def test_legacy_accepts_standard_base64_with_padding() -> None:
    compressed = gzip.compress(_with_bits([3]).to_bytes())
    text = base64.b64encode(compressed).decode()
    assert Bitstring.decode(text, legacy=True).nonzero_indices() == [3]


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bitstring = _with_bits([0, 9])
    assert bitstring.to_bytes()[:2] == bytes([0x80, 0x40])


# --- round trips ------------------------------------------------------------------------------


def test_round_trip_keeps_every_set_index() -> None:
    indices = [0, 1, 7, 8, 4095, 65536, MIN_ENTRIES - 1]
    encoded = _with_bits(indices).encode()
    assert encoded.startswith("uH4sI")
    assert "=" not in encoded
    assert Bitstring.decode(encoded).nonzero_indices() == indices


def test_encode_is_deterministic() -> None:
    assert _with_bits([5]).encode() == _with_bits([5]).encode()


def test_set_clear_and_get() -> None:
    bitstring = Bitstring()
    bitstring.set(42)
    assert bitstring.get(42) == 1 and bitstring.get(41) == 0 and bitstring.get(43) == 0
    bitstring.clear(42)
    assert bitstring.get(42) == 0
    assert bitstring.nonzero_indices() == []


def test_multi_bit_entries_straddle_bytes() -> None:
    bitstring = Bitstring(MIN_ENTRIES * 3, bits=3)
    values = {0: 5, 2: 7, 5: 1, 8: 6, MIN_ENTRIES - 1: 3}
    for index, value in values.items():
        bitstring.set(index, value)
    decoded = Bitstring.decode(bitstring.encode(), bits=3)
    assert {i: decoded.get(i) for i in values} == values
    assert decoded.nonzero_indices() == sorted(values)
    # Entry 2 (value 7 = 0b111) covers bits 6..8: two bits of byte 0 and the first of byte 1.
    assert bitstring.to_bytes()[0] & 0b11 == 0b11 and bitstring.to_bytes()[1] & 0x80


def test_multi_bit_minimum_counts_entries_not_bits() -> None:
    two_bit = Bitstring(MIN_ENTRIES, bits=2)  # 131,072 bits = 65,536 entries
    with pytest.raises(StatusListError) as caught:
        Bitstring.decode(two_bit.encode(), bits=2)
    assert caught.value.code == "status_list_length_error"


# --- hostile encodings (E06, E07, E08) --------------------------------------------------------


def test_gzip_bomb_is_refused_with_bounded_memory(gzip_bomb: bytes) -> None:
    encoded = "u" + base64url.encode(gzip_bomb)
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError) as caught:
            Bitstring.decode(encoded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "status_list_too_large"
    assert peak < 8 * 1024 * 1024  # the 2 MiB cap plus the input, never the 50 MiB expansion


def test_inflate_cap_is_exact() -> None:
    packed = zlib.compress(bytes(1000))
    assert len(inflate(packed, wbits=zlib.MAX_WBITS, max_bytes=1000)) == 1000
    with pytest.raises(StatusListError) as caught:
        inflate(packed, wbits=zlib.MAX_WBITS, max_bytes=999)
    assert caught.value.code == "status_list_too_large"


def _gzip_bytes() -> bytes:
    return gzip.compress(Bitstring().to_bytes(), mtime=0)


def _gzip_unlike_base64url() -> bytes:
    """A valid list whose standard base64 has padding and a '+' or '/', so both forms differ."""
    for index in range(64):
        data = gzip.compress(_with_bits([index]).to_bytes(), mtime=0)
        text = base64.b64encode(data).decode()
        if text.endswith("=") and ("+" in text or "/" in text):
            return data
    raise AssertionError("no suitable list found")


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("u" + base64url.encode(_gzip_bytes()[:-8]), id="truncated-trailer"),
        pytest.param("u" + base64url.encode(_gzip_bytes()[:20]), id="truncated-body"),
        pytest.param("u" + base64url.encode(_gzip_bytes() + b"garbage"), id="trailing-garbage"),
        pytest.param("u" + base64url.encode(_gzip_bytes() * 2), id="second-gzip-member"),
        pytest.param(base64url.encode(_gzip_bytes()), id="no-multibase-prefix"),
        pytest.param("z" + base64url.encode(_gzip_bytes()), id="other-multibase"),
        pytest.param(
            "u" + base64.urlsafe_b64encode(_gzip_unlike_base64url()).decode(), id="padded"
        ),
        pytest.param(
            "u" + base64.b64encode(_gzip_unlike_base64url()).decode().rstrip("="),
            id="standard-alphabet",
        ),
        pytest.param("u" + base64url.encode(zlib.compress(bytes(16384))), id="zlib-not-gzip"),
        pytest.param("u" + base64url.encode(bytes(16384)), id="not-compressed"),
        pytest.param("u", id="empty"),
        pytest.param(None, id="not-a-string"),
        pytest.param("u" + "A" * 3_000_000, id="oversize-text"),
    ],
)
def test_malformed_encoded_list_is_refused(encoded: Any) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring.decode(encoded)
    assert caught.value.code == "status_list_malformed"


def test_corrupted_crc_is_refused() -> None:
    data = bytearray(_gzip_bytes())
    data[-8] ^= 0xFF  # CRC32 in the GZIP trailer (RFC 1952 §2.3.1)
    with pytest.raises(StatusListError) as caught:
        Bitstring.decode("u" + base64url.encode(bytes(data)))
    assert caught.value.code == "status_list_malformed"


def test_short_list_is_a_length_error() -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring.decode(_gzip_text(bytes(MIN_ENTRIES // 8 - 1)))
    assert caught.value.code == "status_list_length_error"


def test_lower_minimum_by_ecosystem_choice() -> None:
    assert len(Bitstring.decode(_gzip_text(bytes(100)), min_size=800)) == 800


# --- indices (E05) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("0", 0, id="zero"),
        pytest.param("94567", 94567, id="spec-example"),
        pytest.param("131071", 131071, id="last-of-minimum"),
    ],
)
def test_parse_index_accepts_decimal_strings(value: str, expected: int) -> None:
    assert parse_index(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("1e3", id="exponent"),
        pytest.param("0x10", id="hex"),
        pytest.param("-1", id="negative"),
        pytest.param("+1", id="plus-sign"),
        pytest.param(" 1", id="leading-space"),
        pytest.param("1 ", id="trailing-space"),
        pytest.param("1\n", id="trailing-newline"),
        pytest.param("01", id="leading-zero"),
        pytest.param("1_000", id="underscore"),
        pytest.param("1.0", id="decimal-point"),
        pytest.param("\u0661\u0662", id="arabic-indic-digits"),
        pytest.param("", id="empty"),
        pytest.param("1" + "0" * 30, id="10^30"),
        pytest.param(5, id="json-number"),
        pytest.param(None, id="missing"),
        pytest.param(True, id="boolean"),
    ],
)
def test_parse_index_refuses_everything_else(value: Any) -> None:
    with pytest.raises(StatusListError) as caught:
        parse_index(value)
    assert caught.value.code == "range_error"


@pytest.mark.parametrize("index", [MIN_ENTRIES, MIN_ENTRIES + 7, -1, 10**30])
def test_get_outside_the_list_is_a_range_error(index: int) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring().get(index)
    assert caught.value.code == "range_error"


@pytest.mark.parametrize(("bits", "value"), [(1, 2), (1, -1), (2, 4), (1, True)])
def test_set_refuses_values_that_do_not_fit(bits: int, value: int) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring(MIN_ENTRIES, bits=bits).set(0, value)
    assert caught.value.code == "range_error"


@pytest.mark.parametrize("size", [0, -8, 12, True])
def test_size_must_be_whole_bytes(size: int) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring(size)
    assert caught.value.code == "invalid_size"


@pytest.mark.parametrize("bits", [0, 9, True, 1.0])
def test_status_size_is_limited(bits: Any) -> None:
    with pytest.raises(StatusListError) as caught:
        Bitstring(bits=bits)
    assert caught.value.code == "unsupported_status_size"
