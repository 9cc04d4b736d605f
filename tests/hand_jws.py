"""JWS made by hand for bad-input tests: any header, even one microcred.jose would never write."""

from __future__ import annotations

from typing import Any

from microcred import base64url, strictjson
from microcred.keys import PrivateKey


def signing_input(header: dict[str, Any] | str, payload: dict[str, Any]) -> str:
    """`header.payload`, base64url of the JSON (a str header is taken as its JSON text)."""
    head = header if isinstance(header, str) else strictjson.dumps(header)
    return (
        base64url.encode(head.encode()) + "." + base64url.encode(strictjson.dumps(payload).encode())
    )


def hand_signed(
    header: dict[str, Any] | str, payload: dict[str, Any], key: PrivateKey | None
) -> str:
    """A compact JWS signed with `key` whatever the header says; `key=None` leaves no signature."""
    text = signing_input(header, payload)
    signature = key.sign(text.encode()) if key else b""
    return text + "." + base64url.encode(signature)
