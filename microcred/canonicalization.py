"""RDF Dataset Canonicalization (W3C RDFC-1.0) with SHA-256 and a bound on the work it may do.

A quad is four N-Quads terms in their serialized form: `<iri>`, `_:label` or a literal, and a
graph term ("" for the default graph). Building terms through `iri`/`literal` applies the
canonical N-Quads escaping of RDFC-1.0 §4.3, so the output can be hashed and signed as is.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

from .errors import PayloadTooLarge

Quad = tuple[str, str, str, str]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Quads we accept at all; a large credential has a few hundred (RDFC-1.0 "Dataset Poisoning").
MAX_QUADS = 5_000
# Steps of n-degree hashing (calls, related-node hashes, permutations). Credentials whose blank
# nodes differ at first degree need none; a poison graph needs factorially many. 10,000 steps
# take about 20 ms here.
MAX_DEEP_WORK = 10_000
# Canonical N-Quads escapes (rdf-canon §4.3, as the reference implementation writes them).
_LITERAL_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_LITERAL_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_LITERAL_ECHAR.update({'"': '\\"', "\\": "\\\\"})
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _uchar(match: re.Match[str]) -> str:
    char = match.group()
    return _LITERAL_ECHAR.get(char) or f"\\u{ord(char):04X}"


def iri(value: str) -> str:
    """An IRI term in canonical N-Quads form."""
    if _IRI_SPECIAL.search(value):
        value = _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """A literal term in canonical N-Quads form (xsd:string and language tags implicit)."""
    if _LITERAL_SPECIAL.search(value):
        value = _LITERAL_SPECIAL.sub(_uchar, value)
    if datatype == RDF_LANG_STRING and language:
        return f'"{value}"@{language}'
    if datatype == XSD_STRING:
        return f'"{value}"'
    return f'"{value}"^^{iri(datatype)}'


def serialize(quad: Quad) -> str:
    """One quad as a canonical N-Quads line."""
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    """An identifier issuer (RDFC-1.0 §4.5): labels in issue order."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {}

    def issue(self, label: str) -> str:
        """The identifier for `label`, issuing the next one if it has none yet."""
        found = self.issued.get(label)
        if found is None:
            found = self.issued[label] = f"{self.prefix}{len(self.issued)}"
        return found

    def copy(self) -> _Issuer:
        """An independent issuer with the same identifiers issued so far."""
        twin = _Issuer(self.prefix)
        twin.issued = dict(self.issued)
        return twin


class _Canonicalizer:
    """The canonicalization state of RDFC-1.0 §4.2 for one dataset."""

    def __init__(self, quads: Sequence[Quad], max_work: int) -> None:
        self.quads = quads
        self.max_work = max_work
        self.work = 0
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        self.node_quads: dict[str, list[Quad]] = {}
        for quad in quads:  # §4.4.3 step 2: blank node to quads map
            for position in (0, 2, 3):
                term = quad[position]
                if term.startswith("_:"):
                    self.node_quads.setdefault(term, []).append(quad)

    def _tick(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise PayloadTooLarge(
                "canonicalization needs too much work (symmetric blank nodes)",
                code="canonicalization_work",
            )

    def hash_first_degree(self, node: str) -> str:
        """§4.6: hash the quads that mention `node`, with itself as _:a and others as _:z."""
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached

        def mask(term: str) -> str:
            if not term.startswith("_:"):
                return term
            return "_:a" if term == node else "_:z"

        lines = sorted(
            serialize((mask(s), p, mask(o), mask(g))) for s, p, o, g in self.node_quads[node]
        )
        digest = self.first_degree[node] = _sha256("".join(lines))
        return digest

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """§4.7: hash a blank node related to another through `quad`."""
        self._tick()
        label = self.canonical.issued.get(related) or issuer.issued.get(related)
        if label is None:
            label = self.hash_first_degree(related)
        text = position + (quad[1] if position != "g" else "") + label
        return _sha256(text)

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8: hash `node` together with the blank nodes around it."""
        self._tick()
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.node_quads[node]:
            for position, tag in ((0, "s"), (2, "o"), (3, "g")):
                term = quad[position]
                if term.startswith("_:") and term != node:
                    digest = self.hash_related(term, quad, issuer, tag)
                    related_by_hash.setdefault(digest, []).append(term)
        data = []
        for digest in sorted(related_by_hash):
            data.append(digest)
            chosen_path, chosen_issuer = "", issuer
            for permutation in itertools.permutations(sorted(related_by_hash[digest])):
                self._tick()
                found = self._path(permutation, issuer, chosen_path)
                if found is not None and (not chosen_path or found[0] < chosen_path):
                    chosen_path, chosen_issuer = found
            data.append(chosen_path)
            issuer = chosen_issuer
        return _sha256("".join(data)), issuer

    def _path(
        self, permutation: tuple[str, ...], issuer: _Issuer, chosen: str
    ) -> tuple[str, _Issuer] | None:
        """§4.8.3 step 5.4: the path for one permutation, or None once it cannot win."""
        issuer_copy, path, recursion = issuer.copy(), "", []
        for related in permutation:
            label = self.canonical.issued.get(related)
            if label is None:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                label = issuer_copy.issue(related)
            path += label
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        for related in recursion:
            digest, issuer_copy = self.hash_n_degree(related, issuer_copy)
            path += issuer_copy.issue(related) + f"<{digest}>"
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        return path, issuer_copy

    def run(self) -> str:
        """§4.4.3: issue canonical labels, then serialize and sort."""
        by_hash: dict[str, list[str]] = {}
        for node in self.node_quads:
            by_hash.setdefault(self.hash_first_degree(node), []).append(node)
        shared: list[list[str]] = []
        for digest in sorted(by_hash):  # step 4: unique first-degree hashes first
            nodes = by_hash[digest]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append(nodes)
        for nodes in shared:  # step 5: the rest by n-degree hash (fast path: none)
            results = []
            for node in nodes:
                if node not in self.canonical.issued:
                    temporary = _Issuer("_:b")
                    temporary.issue(node)
                    results.append(self.hash_n_degree(node, temporary))
            for _digest, issuer in sorted(results, key=lambda result: result[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        return "".join(sorted(serialize(self._relabel(quad)) for quad in self.quads))

    def _relabel(self, quad: Quad) -> Quad:
        label = self.canonical.issued
        s, p, o, g = quad
        return (
            label[s] if s.startswith("_:") else s,
            p,
            label[o] if o.startswith("_:") else o,
            label[g] if g.startswith("_:") else g,
        )


def canonicalize(quads: Sequence[Quad], *, max_work: int = MAX_DEEP_WORK) -> str:
    """Return the canonical N-Quads document (RDFC-1.0, SHA-256) of a dataset."""
    if len(quads) > MAX_QUADS:
        raise PayloadTooLarge(f"more than {MAX_QUADS} RDF statements", code="too_many_quads")
    # A dataset is a set: the same statement twice is one statement.
    return _Canonicalizer(list(dict.fromkeys(quads)), max_work).run()
