"""The one strict JSON parser (SECURITY-CASES A09, A10, A14, A15)."""

import pytest

from microcred import strictjson
from microcred.errors import MalformedJSON, PayloadTooLarge


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"alg":"EdDSA","alg":"none"}', id="A09-duplicate-member"),
        pytest.param('{"a":{"_sd":[],"_sd":[]}}', id="A09-duplicate-nested"),
        pytest.param('{"exp":NaN}', id="A10-nan"),
        pytest.param('{"exp":Infinity}', id="A10-infinity"),
        pytest.param('{"exp":-Infinity}', id="A10-minus-infinity"),
        pytest.param('{"a":"\\ud800"}', id="A10-lone-surrogate"),
        pytest.param('{"\\udfff":1}', id="A10-lone-surrogate-key"),
        pytest.param('{"a":1} {"b":2}', id="A10-trailing-data"),
        pytest.param('{"a":1}x', id="A10-trailing-garbage"),
        pytest.param("\ufeff{}", id="A10-bom"),
        pytest.param('{"a":' + "1" * 5000 + "}", id="A15-huge-int"),
        pytest.param("", id="empty"),
    ],
)
def test_rejects(text: str) -> None:
    with pytest.raises(MalformedJSON):
        strictjson.loads(text)


def test_rejects_invalid_utf8() -> None:
    with pytest.raises(MalformedJSON):
        strictjson.loads(b'{"a":"\xff"}')


def test_deep_nesting_is_a_clean_error() -> None:
    with pytest.raises(PayloadTooLarge):
        strictjson.loads("[" * 100_000 + "]" * 100_000, max_bytes=1_000_000)


def test_size_cap_before_parsing() -> None:
    with pytest.raises(PayloadTooLarge):
        strictjson.loads("[" + "1," * 600_000 + "1]")


def test_accepts_valid_pair_surrogates_and_unicode() -> None:
    value = strictjson.loads('{"emoji":"\\ud83c\\udf93","vi":"Nguyễn Thị Ánh"}')
    assert value == {"emoji": "🎓", "vi": "Nguyễn Thị Ánh"}


def test_loads_object_requires_object() -> None:
    with pytest.raises(MalformedJSON):
        strictjson.loads_object("[1]")
    assert strictjson.loads_object(b'{"a":[1,2]}') == {"a": [1, 2]}


def test_dumps_is_compact_and_keeps_unicode() -> None:
    assert strictjson.dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'
