"""Strict base64url (SECURITY-CASES A11)."""

import pytest

from microcred import base64url
from microcred.errors import MalformedEncoding


@pytest.mark.parametrize("data", [b"", b"f", b"fo", b"foo", bytes(range(256))])
def test_round_trip(data: bytes) -> None:
    assert base64url.decode(base64url.encode(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Zm8=", id="padding"),
        pytest.param("a+b/", id="standard-alphabet"),
        pytest.param("Zm9v\n", id="newline"),
        pytest.param("Zm 9v", id="space"),
        pytest.param("Zm9v!", id="illegal-char"),
        pytest.param("Zh", id="non-zero-trailing-bits"),
        pytest.param("Zm9vY", id="impossible-length"),
    ],
)
def test_rejects_non_canonical(text: str) -> None:
    with pytest.raises(MalformedEncoding):
        base64url.decode(text)
