"""The offline document loader serves the shipped contexts and refuses everything else."""

from __future__ import annotations

import builtins
import json
import socket
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from microcred import contexts
from microcred.errors import UnknownContext

CONTEXT_DIR = Path(str(resources.files("microcred").joinpath("contexts")))


@pytest.mark.parametrize("url", sorted(contexts.CONTEXT_URLS))
def test_every_shipped_context_loads(url: str) -> None:
    document = contexts.document_loader(url)
    assert document["documentUrl"] == url
    assert document["contextUrl"] is None
    assert isinstance(document["document"]["@context"], dict)


def test_every_file_is_mapped_and_documented() -> None:
    shipped = {p.name for p in CONTEXT_DIR.iterdir() if p.suffix in (".json", ".jsonld")}
    assert shipped == set(contexts.CONTEXT_URLS.values())
    readme = (CONTEXT_DIR / "README.md").read_text("utf-8")
    for url, filename in contexts.CONTEXT_URLS.items():
        assert f"| {url} | `{filename}` |" in readme


def test_files_are_unchanged_copies() -> None:
    # The OB 3.0.3 context defines the vocabulary the vectors were signed with.
    ob = contexts.load("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
    assert ob["@context"]["OpenBadgeCredential"]["@id"].endswith("vocab.html#OpenBadgeCredential")
    examples = contexts.load("https://www.w3.org/ns/credentials/examples/v2")
    assert examples == {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}


def test_load_returns_a_private_copy() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    first = contexts.load(url)
    first["@context"]["id"] = "https://evil.example/id"
    assert contexts.load(url)["@context"]["id"] == "@id"
    served = contexts.document_loader(url)["document"]
    served["@context"].clear()
    assert contexts.load(url)["@context"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/context.json",  # C01
        "http://169.254.169.254/latest/meta-data/",  # C08
        "file:///etc/passwd",  # C08
        "http://www.w3.org/ns/credentials/v2",  # C09: the http twin of a shipped URL
        "https://www.w3.org/ns/credentials/v2/",  # not the exact URL
        "https://www.w3.org/ns/credentials/v2#x",
        "contexts/credentials-v2.jsonld",  # a relative path to a shipped file
        "https://www.w3.org/ns/credentials/v2" + "x" * 500,
    ],
    ids=["unknown", "metadata-ip", "file", "http", "trailing-slash", "fragment", "path", "long"],
)
def test_other_urls_are_refused_without_any_io(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_io(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the loader tried to do I/O")

    monkeypatch.setattr(socket, "create_connection", no_io)
    monkeypatch.setattr(socket.socket, "connect", no_io)
    monkeypatch.setattr(builtins, "open", no_io)
    with pytest.raises(UnknownContext) as raised:
        contexts.document_loader(url)
    assert raised.value.code == "unknown_context"
    assert len(str(raised.value)) < 150  # a long URL is not echoed whole
    with pytest.raises(UnknownContext):
        contexts.load(url)


def test_non_string_url_is_refused() -> None:
    with pytest.raises(UnknownContext):
        contexts.document_loader(["https://www.w3.org/ns/credentials/v2"])  # type: ignore[arg-type]


def test_pyld_with_the_loader_cannot_reach_other_contexts() -> None:
    document = {"@context": "https://evil.example/ctx.json", "name": "x"}
    with pytest.raises(jsonld.JsonLdError) as raised:
        jsonld.expand(document, {"documentLoader": contexts.document_loader})
    cause: BaseException | None = raised.value
    while cause is not None and not isinstance(cause, UnknownContext):
        cause = cause.__cause__
    assert isinstance(cause, UnknownContext)


def test_pyld_expands_with_shipped_contexts() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiableCredential",
        "name": "Teamwork",
    }
    expanded = jsonld.expand(document, {"documentLoader": contexts.document_loader})
    assert expanded[0]["https://schema.org/name"] == [{"@value": "Teamwork"}]
    assert json.dumps(expanded)  # plain JSON data
