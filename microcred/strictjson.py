"""One strict JSON parser for all input: no duplicate keys, NaN, lone surrogates, trailing data."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import MalformedJSON, PayloadTooLarge

# Largest JSON text the core parses at all (a credential is a few KB; a DID document far less).
MAX_JSON_BYTES = 1_000_000
# \uD800-\uDFFF escapes may form lone surrogates that json.loads lets through.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # a name repeated: find it for the message (rare path)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise MalformedJSON(f"duplicate member name {key[:40]!r}")
            seen.add(key)
    return obj


def _no_constant(name: str) -> Any:
    raise MalformedJSON(f"{name} is not JSON")


_JSON_SPACE = " \t\n\r"
# One decoder for every call: building it per call costs more than parsing a small header.
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_no_constant)


def _check_surrogates(value: Any) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedJSON("lone surrogate in string") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_surrogates(key)
            _check_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _check_surrogates(item)


def _decode(text: str) -> Any:
    # JSONDecoder.decode, without its two regex calls when there is no whitespace around the
    # value (it runs 8 times per SD-JWT presentation): JSON whitespace is exactly " \t\n\r".
    start = len(text) - len(text.lstrip(_JSON_SPACE)) if text[:1] in _JSON_SPACE else 0
    value, end = _DECODER.raw_decode(text, start)
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def loads(data: str | bytes, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse JSON text strictly, raising MalformedJSON or PayloadTooLarge."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"JSON text over {max_bytes} bytes")
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        try:
            text = raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise MalformedJSON("JSON text is not valid UTF-8") from None
        # Searching the bytes is twice as fast as the decoded text once it holds letters
        # beyond Latin-1 (Vietnamese names); most input arrives as bytes (base64url parts).
        escaped = _SURROGATE_ESCAPE_BYTES.search(raw) is not None
    else:
        text = data
        escaped = _SURROGATE_ESCAPE.search(text) is not None
    if text.startswith("\ufeff"):
        raise MalformedJSON("byte order mark before JSON text")
    try:
        value = _decode(text)
    except MalformedJSON:
        raise
    except RecursionError:
        raise PayloadTooLarge("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and int_max_str_digits overflows
        raise MalformedJSON(f"invalid JSON: {str(exc)[:80]}") from None
    if escaped:
        try:
            _check_surrogates(value)
        except RecursionError:
            raise PayloadTooLarge("JSON nested too deeply") from None
    return value


def loads_object(data: str | bytes, *, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """Parse JSON text that must be an object."""
    value = loads(data, max_bytes=max_bytes)
    if not isinstance(value, dict):
        raise MalformedJSON("JSON text is not an object")
    return value


def dumps(value: Any) -> str:
    """Serialise compactly (no spaces), keeping non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
