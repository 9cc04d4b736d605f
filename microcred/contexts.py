"""The offline JSON-LD document loader: only the contexts shipped in `microcred/contexts/`.

A Data Integrity verifier must never fetch a context at verification time (DI "Validating
Contexts", "Network Requests"): an attacker-chosen context can remap terms, and a loader that
follows URLs turns every verification into an SSRF or local-file read. This loader therefore
answers only the URLs below, from files in the package, and raises UnknownContext for the rest.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

from .errors import UnknownContext

# Canonical context URL -> shipped file (see contexts/README.md for sources and licences).
CONTEXT_URLS: dict[str, str] = {
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "credentials-status-v1.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/vc/status-list/2021/v1": "vc-status-list-2021-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "context.json",
}

# Longest URL we even look up; anything longer is refused before any other work.
MAX_URL_LENGTH = 200


@functools.cache
def _parsed(filename: str) -> dict[str, Any]:
    # Parsed once per process; the files are ours, so the stdlib parser is fine here.
    text = resources.files(__package__).joinpath("contexts", filename).read_text("utf-8")
    document = json.loads(text)
    if not isinstance(document, dict):
        raise UnknownContext(f"shipped context {filename} is not a JSON object")
    return document


def _filename(url: object) -> str:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or url not in CONTEXT_URLS:
        # Never echo a long attacker string back; a short prefix identifies it in logs.
        shown = url[:80] if isinstance(url, str) else type(url).__name__
        raise UnknownContext(f"context not shipped with microcred: {shown!r}")
    return CONTEXT_URLS[url]


def load(url: str) -> dict[str, Any]:
    """Return a fresh copy of the shipped context document for `url`."""
    return copy.deepcopy(_parsed(_filename(url)))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve a shipped context to pyld as a remote document; refuse every other URL."""
    # A copy, so nothing pyld does to its input can alter the shared parsed file; pyld
    # caches resolved contexts, so this runs about once per URL, not once per document.
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": load(url),
        "contentType": "application/ld+json",
        # pyld keeps a resolved context in its shared cache only when tagged "static".
        "tag": "static",
    }
