"""JSON-LD for Data Integrity: the context policy, lossless expansion and the RDF dataset signed.

Only contexts shipped with microcred are ever processed (contexts.document_loader), every
document is checked before pyld sees it, and expansion must keep every property and IRI: what
JSON-LD would drop is not covered by a signature, so it is an error here (DI "Securing Data
Losslessly"), never silently ignored.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Collection
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError, JsonLdProcessor

from . import canonicalization
from .canonicalization import Quad
from .contexts import CONTEXT_URLS, document_loader
from .errors import DataIntegrityError, DataLoss, MicrocredError, PayloadTooLarge, UnknownContext

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
# One of these must come first (VCDM 1.1 §4.1, VCDM 2.0 §4.3) and nowhere else.
BASE_CONTEXTS = (VC_V1, VC_V2)
# Every shipped context except the spec-examples one: its catch-all @vocab would sign undefined
# terms under issuer-dependent IRIs, so it is opt-in (SECURITY-CASES C05).
DEFAULT_CONTEXTS = frozenset(CONTEXT_URLS) - {EXAMPLES_V2}
# Nesting and size caps checked before JSON-LD processing (pyld recurses per level).
MAX_DEPTH = 32
MAX_VALUES = 20_000
# Absolute IRI: a scheme, then no character that N-Quads would have to escape.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*\Z")
# BCP 47 shape; anything else could break out of the N-Quads language tag.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")
# Keywords that may appear in expanded output without losing anything when going to RDF.
_CONTAINER_KEYWORDS = frozenset({"@graph", "@list", "@set", "@included"})

# pyld's resolved-context cache, private to us so no other pyld user's loader can fill it. Its
# keys are shipped context URLs and the scoped contexts inside them, so it stays small.
_RESOLVED: dict[str, Any] = {}
# Processed active contexts by (parent context, local context, flags); see _Processor.
_PROCESSED: LRUCache[tuple[Any, ...], tuple[Any, Any]] = LRUCache(maxsize=1024)
_PROCESSED_LOCK = threading.Lock()


def check_document(document: Any, allowed_contexts: Collection[str] = DEFAULT_CONTEXTS) -> None:
    """Refuse a document whose contexts or shape cannot be processed safely and losslessly."""
    if not isinstance(document, dict):
        raise DataIntegrityError("document is not a JSON object", code="malformed_document")
    check_contexts(document.get("@context"), allowed_contexts)
    _check_tree(document, _embedded_credentials(document, allowed_contexts))


def check_contexts(contexts: Any, allowed_contexts: Collection[str] = DEFAULT_CONTEXTS) -> None:
    """Accept only a list of shipped, allowed context URLs that starts with a VC base context."""
    if not isinstance(contexts, list) or not contexts:
        raise DataIntegrityError("@context must be a non-empty list", code="invalid_context_list")
    for entry in contexts:
        if isinstance(entry, dict):  # DI "Context Injection": no inline definitions (C03)
            raise DataIntegrityError("inline @context objects are refused", code="inline_context")
        if not isinstance(entry, str) or entry not in CONTEXT_URLS:  # C01, C08, C09
            shown = entry[:80] if isinstance(entry, str) else type(entry).__name__
            raise UnknownContext(f"context not shipped with microcred: {shown!r}")
        if entry not in allowed_contexts:
            raise DataIntegrityError(
                f"context not allowed here: {entry}", code="context_not_allowed"
            )
    # DI "Context Validation" (C02): the base context first, once; no repeats.
    if contexts[0] not in BASE_CONTEXTS or any(c in BASE_CONTEXTS for c in contexts[1:]):
        raise DataIntegrityError("first @context must be VC v1 or v2", code="invalid_context_list")
    if len(set(contexts)) != len(contexts):
        raise DataIntegrityError("@context lists a context twice", code="invalid_context_list")


def _embedded_credentials(document: dict[str, Any], allowed: Collection[str]) -> set[int]:
    # A presentation embeds whole credentials, each with its own (checked) context list.
    types = document.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        return set()
    embedded = document.get("verifiableCredential")
    items = embedded if isinstance(embedded, list) else [embedded]
    found = set()
    for item in items:
        if isinstance(item, dict) and "@context" in item:
            check_contexts(item["@context"], allowed)
            found.add(id(item))
    return found


def _check_tree(document: dict[str, Any], embedded: set[int]) -> None:
    # Breadth-first, so a deep document fails on depth before any recursion anywhere.
    level: list[Any] = [document]
    count, depth = 0, 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise PayloadTooLarge(f"document nested deeper than {MAX_DEPTH}", code="too_deep")
        below: list[Any] = []
        for value in level:
            count += 1
            if isinstance(value, dict):
                if depth > 1 and "@context" in value and id(value) not in embedded:
                    # C06: a subtree that redefines terms the signer's contexts defined
                    raise DataIntegrityError("nested @context is refused", code="nested_context")
                below.extend(value.values())
            elif isinstance(value, list):
                below.extend(value)
            elif not _is_json_scalar(value):
                raise DataIntegrityError(
                    "document holds a non-JSON value", code="malformed_document"
                )
        if count > MAX_VALUES:
            raise PayloadTooLarge(f"document has more than {MAX_VALUES} values", code="too_large")
        level = below


def _is_json_scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)  # NaN and infinities have no JSON (or RDF) form
    return value is None or isinstance(value, str | int | bool)


class _Processor(JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with processed contexts remembered across documents.

    pyld caches a processed context per parent context, but every type-scoped context starts
    from a fresh clone, so the OB 3.0 and VC contexts were re-processed for every credential.
    Processed contexts are frozen and depend only on the parent context, the local context
    (shipped, hence fixed) and the flags, so the result can be shared.
    """

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        key = _memo_key(active_ctx, local_ctx, (override_protected, propagate, validate_scoped))
        if key is not None:
            with _PROCESSED_LOCK:
                hit = _PROCESSED.get(key)
            if hit is not None and (not isinstance(key[1], int) or hit[0] is local_ctx):
                return hit[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if key is not None and isinstance(result, frozendict):
            with _PROCESSED_LOCK:
                _PROCESSED[key] = (local_ctx, result)
        return result


def _memo_key(active_ctx: Any, local_ctx: Any, flags: tuple[bool, ...]) -> tuple[Any, ...] | None:
    # Only finished (frozen) parent contexts have a stable identity worth caching under.
    if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx:
        return None
    if isinstance(local_ctx, str):
        local: Any = local_ctx
    elif isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
        local = tuple(local_ctx)
    elif isinstance(local_ctx, dict | frozendict):
        local = id(local_ctx)  # a scoped context inside a cached context; checked by identity
    else:
        return None
    return (active_ctx["_uuid"], local, *flags)


def _property_dropped(expanded: Any) -> None:
    shown = str(expanded)[:60]
    raise DataLoss(f"property {shown!r} is not defined by any context and would not be signed")


def _translate(error: BaseException) -> MicrocredError:
    cause: BaseException | None = error
    while cause is not None:  # a loader or callback error wrapped by pyld
        if isinstance(cause, MicrocredError):
            return cause
        cause = cause.__cause__
    code = getattr(error, "code", None) or "error"
    return DataIntegrityError(f"JSON-LD processing failed: {code}", code="jsonld_invalid")


def _to_dataset(document: dict[str, Any]) -> list[Quad]:
    """Expand a checked document and return its RDF statements, refusing any loss of data."""
    processor = _Processor(on_property_dropped=_property_dropped)
    options = {
        "base": None,  # DI "Securing Data Losslessly": no base IRI (C07)
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_RESOLVED, document_loader),
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
    }
    try:
        expanded = processor.expand(document, options)
        _check_expanded(expanded)
        return _statements(processor, expanded, options)
    except JsonLdError as error:
        raise _translate(error) from None
    except RecursionError:
        raise PayloadTooLarge("document too deeply nested", code="too_deep") from None


def _check_expanded(expanded: Any) -> None:
    # Everything toRdf would skip: relative IRIs, @index, @direction, unknown keywords.
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(_check_object(item))


def _check_object(item: dict[str, Any]) -> list[Any]:
    if "@value" in item:
        for key, value in item.items():
            if key == "@type" and value != "@json":
                _require_iri(value)
            elif key == "@language" and not _LANGUAGE_TAG.match(str(value)):
                raise DataIntegrityError("invalid language tag", code="invalid_language")
            elif key not in ("@value", "@type", "@language"):
                raise DataLoss(f"{key} is not kept in RDF")
        return []
    children: list[Any] = []
    for key, value in item.items():
        if key == "@id":
            _require_node(value)
        elif key == "@type":
            for type_iri in value:
                _require_node(type_iri)
        elif key in _CONTAINER_KEYWORDS:
            children.append(value)
        elif key == "@reverse":
            for reverse_key, reverse_value in value.items():
                _require_iri(reverse_key)
                children.append(reverse_value)
        elif key.startswith("@") or key.startswith("_:"):
            raise DataLoss(f"{key[:40]!r} is not kept in RDF")
        else:
            _require_iri(key)
            children.append(value)
    return children


def _require_node(value: Any) -> None:
    if not (isinstance(value, str) and value.startswith("_:")):
        _require_iri(value)


def _require_iri(value: Any) -> None:
    if not isinstance(value, str) or not _ABSOLUTE_IRI.match(value):
        raise DataLoss(f"relative or invalid IRI {str(value)[:60]!r}", code="relative_iri")


def _statements(processor: _Processor, expanded: Any, options: dict[str, Any]) -> list[Quad]:
    # JsonLdProcessor.to_rdf without its second expansion: node map, then triples per graph.
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    quads: list[Quad] = []
    for graph_name, graph in sorted(node_map.items()):
        if graph_name == "@default":
            graph_term = ""
        else:
            graph_term = (
                graph_name if graph_name.startswith("_:") else canonicalization.iri(graph_name)
            )
        for triple in processor._graph_to_rdf(graph, issuer, options):
            subject, predicate, obj = (_term(triple[k]) for k in ("subject", "predicate", "object"))
            quads.append((subject, predicate, obj, graph_term))
    return quads


def _term(term: dict[str, Any]) -> str:
    if term["type"] == "IRI":
        return canonicalization.iri(term["value"])
    if term["type"] == "blank node":
        return str(term["value"])
    return canonicalization.literal(term["value"], term["datatype"], term.get("language"))


def canonical_nquads(
    document: dict[str, Any], allowed_contexts: Collection[str] = DEFAULT_CONTEXTS
) -> str:
    """Check a JSON-LD document and return its RDFC-1.0 canonical N-Quads."""
    check_document(document, allowed_contexts)
    return canonicalization.canonicalize(_to_dataset(document))
