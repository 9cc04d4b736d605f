"""JSON-LD for Data Integrity: the context policy, lossless expansion and its caches."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from microcred import linked_data
from microcred.errors import DataIntegrityError, DataLoss, PayloadTooLarge, UnknownContext

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL: dict[str, Any] = {
    "@context": [VC2, OB3],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example University"},
    "validFrom": "2024-01-01T00:00:00Z",
    "name": "Data Literacy",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.edu/achievements/data-literacy",
            "type": ["Achievement"],
            "name": "Data Literacy",
            "description": "Reads and questions data.",
            "criteria": {"narrative": "Passed the final assessment."},
        },
    },
}


def credential() -> dict[str, Any]:
    return copy.deepcopy(CREDENTIAL)


def test_open_badge_canonicalizes() -> None:
    nquads = linked_data.canonical_nquads(credential())
    assert "<did:example:learner> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " in nquads
    assert '"Passed the final assessment."' in nquads
    assert nquads == linked_data.canonical_nquads(credential())


def test_input_is_not_changed() -> None:
    document = credential()
    linked_data.canonical_nquads(document)
    assert document == CREDENTIAL


def test_processed_contexts_are_reused_across_documents() -> None:
    linked_data.canonical_nquads(credential())
    cached = len(linked_data._PROCESSED)
    for _ in range(3):
        linked_data.canonical_nquads(credential())
    assert len(linked_data._PROCESSED) == cached


@pytest.mark.parametrize(
    ("contexts", "error", "code"),
    [
        ([VC2, "https://evil.example/ctx"], UnknownContext, "unknown_context"),
        ([VC2, {"@vocab": "https://evil.example/#"}], DataIntegrityError, "inline_context"),
        ([VC2, 42], UnknownContext, "unknown_context"),
        ([OB3, VC2], DataIntegrityError, "invalid_context_list"),
        ([], DataIntegrityError, "invalid_context_list"),
        (None, DataIntegrityError, "invalid_context_list"),
        ({"@vocab": "https://evil.example/#"}, DataIntegrityError, "invalid_context_list"),
        ([VC2, linked_data.EXAMPLES_V2], DataIntegrityError, "context_not_allowed"),
    ],
    ids=["unknown", "inline", "not-a-string", "order", "empty", "missing", "object", "vocab"],
)
def test_context_policy(contexts: Any, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as raised:
        linked_data.check_contexts(contexts)
    assert raised.value.code == code  # type: ignore[attr-defined]


def test_caller_can_narrow_the_allowed_contexts() -> None:
    with pytest.raises(DataIntegrityError) as raised:
        linked_data.check_contexts([VC2, OB3], allowed_contexts={VC2})
    assert raised.value.code == "context_not_allowed"


def _set(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = credential()
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (_set(("credentialSubject", "honors"), "summa cum laude"), "data_loss"),
        (_set(("credentialSubject", "achievement", "level"), "EQF 6"), "data_loss"),
        (_set(("@unknownKeyword",), "x"), "data_loss"),
        (_set(("credentialSubject", "id"), "learner-42"), "relative_iri"),
        (_set(("issuer", "id"), "../issuer"), "relative_iri"),
        (_set(("type",), ["VerifiableCredential", "OpenBadgeCredential", "Extra"]), "relative_iri"),
        (
            _set(("credentialSubject", "achievement", "id"), "https://example.edu/a b"),
            "relative_iri",
        ),
        (_set(("name",), {"@value": "x", "@direction": "rtl"}), "data_loss"),
        (_set(("name",), {"@value": "x", "@index": "i"}), "data_loss"),
        (_set(("credentialSubject", "@index"), "i"), "data_loss"),
    ],
    ids=[
        "undefined-term",
        "undefined-nested-term",
        "unknown-keyword",
        "relative-subject-id",
        "relative-issuer",
        "undefined-type",
        "iri-with-space",
        "direction",
        "value-index",
        "node-index",
    ],
)
def test_anything_rdf_would_drop_is_refused(document: dict[str, Any], code: str) -> None:
    with pytest.raises(DataLoss) as raised:
        linked_data.canonical_nquads(document)
    assert raised.value.code == code


def test_language_tag_cannot_inject_statements() -> None:
    document = _set(("name",), {"@value": "x", "@language": 'en" .\n<a> <b> <c'})
    with pytest.raises(DataIntegrityError) as raised:
        linked_data.canonical_nquads(document)
    assert raised.value.code == "invalid_language"


def test_language_tag_is_kept() -> None:
    document = _set(("name",), {"@value": "Datenkompetenz", "@language": "de"})
    assert '"Datenkompetenz"@de' in linked_data.canonical_nquads(document)


def test_nested_context_is_refused() -> None:
    document = _set(("credentialSubject", "achievement", "@context"), [VC2])
    with pytest.raises(DataIntegrityError) as raised:
        linked_data.canonical_nquads(document)
    assert raised.value.code == "nested_context"


def test_presentation_may_embed_credentials_with_their_contexts() -> None:
    presentation = {"@context": [VC2], "type": ["VerifiablePresentation"]}
    presentation["verifiableCredential"] = [credential()]
    assert "<did:example:learner>" in linked_data.canonical_nquads(presentation)
    bad = credential()
    bad["@context"] = [VC2, "https://evil.example/ctx"]
    presentation["verifiableCredential"] = [bad]
    with pytest.raises(UnknownContext):
        linked_data.canonical_nquads(presentation)


def test_protected_term_redefinition_is_a_processing_error() -> None:
    document = credential()
    document["@context"] = ["https://www.w3.org/2018/credentials/v1", VC2]
    with pytest.raises(DataIntegrityError):
        linked_data.canonical_nquads(document)


@pytest.mark.parametrize(
    "value",
    [{"@value": {"not": "a string"}}, {"@value": "x", "@type": "notAnIri"}],
    ids=["object-value", "relative-datatype"],
)
def test_pyld_errors_become_data_integrity_errors(value: Any) -> None:
    with pytest.raises(DataIntegrityError) as raised:
        linked_data.canonical_nquads(_set(("validFrom",), value))
    assert raised.value.code == "jsonld_invalid"


def test_non_json_values_are_refused() -> None:
    with pytest.raises(DataIntegrityError) as raised:
        linked_data.check_document(_set(("name",), object()))
    assert raised.value.code == "malformed_document"
    with pytest.raises(DataIntegrityError):
        linked_data.check_document([credential()])
    with pytest.raises(DataIntegrityError):
        linked_data.check_document(_set(("credentialSubject", "score"), float("nan")))


def test_too_many_values_are_refused() -> None:
    document = _set(("credentialSubject", "achievement", "tag"), ["x"] * linked_data.MAX_VALUES)
    with pytest.raises(PayloadTooLarge) as raised:
        linked_data.check_document(document)
    assert raised.value.code == "too_large"
