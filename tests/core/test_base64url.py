"""Strict base64url (SECURITY-CASES A11)."""

import base64
import random
import re
import string

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
        pytest.param("Zm9v\t", id="tab"),
        pytest.param("Zm\x009v", id="nul"),
        pytest.param("Zm9vé", id="non-ascii"),
        pytest.param("Zm9\udc80", id="lone-surrogate"),
        pytest.param("Z=9v", id="inner-padding"),
        pytest.param("Zm+v", id="plus-only"),
    ],
)
def test_rejects_non_canonical(text: str) -> None:
    with pytest.raises(MalformedEncoding):
        base64url.decode(text)


def test_accepts_exactly_the_canonical_alphabet_texts() -> None:
    """Random texts near the alphabet: accepted iff unpadded base64url with zero spare bits."""
    rng = random.Random(7)
    near = string.ascii_letters + string.digits + "-_+/= \n.!\x00é"
    canonical = re.compile(r"(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?")
    for _ in range(20_000):
        text = "".join(rng.choice(near) for _ in range(rng.randint(0, 9)))
        try:
            data = base64url.decode(text)
        except MalformedEncoding:
            assert (
                canonical.fullmatch(text) is None
                or base64url.encode(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) != text
            )
        else:
            assert base64url.encode(data) == text
