"""RDFC-1.0: agreement with pyld's URDNA2015, canonical escaping, and the bound on work."""

from __future__ import annotations

import random

import pytest
from pyld.canon import URDNA2015
from pyld.jsonld import JsonLdProcessor

from microcred import canonicalization
from microcred.canonicalization import Quad
from microcred.errors import PayloadTooLarge

NEXT = "<http://example.org/vocab#next>"
KNOWS = "<http://example.org/vocab#knows>"


def reference(quads: list[Quad]) -> str:
    """pyld's URDNA2015, which RDFC-1.0 matches for literals without control characters."""
    text = "".join(canonicalization.serialize(q) for q in dict.fromkeys(quads))
    dataset = JsonLdProcessor.parse_nquads(text)
    return str(URDNA2015().main(dataset, {"format": "application/n-quads"}))


def ring(count: int, prefix: str = "r") -> list[Quad]:
    return [(f"_:{prefix}{i}", NEXT, f"_:{prefix}{(i + 1) % count}", "") for i in range(count)]


def clique(count: int) -> list[Quad]:
    nodes = range(count)
    return [(f"_:k{i}", KNOWS, f"_:k{j}", "") for i in nodes for j in nodes if i != j]


def random_dataset(rng: random.Random) -> list[Quad]:
    nodes = [f"_:n{i}" for i in range(rng.randint(1, 7))]
    nodes += [f"<http://example.org/{i}>" for i in range(rng.randint(0, 3))]
    objects = nodes + ['"a"', '"b"@en', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>']
    graphs = ["", "", "", "_:g", "<http://example.org/graph>"]
    predicates = [NEXT, KNOWS]
    return [
        (rng.choice(nodes), rng.choice(predicates), rng.choice(objects), rng.choice(graphs))
        for _ in range(rng.randint(1, 14))
    ]


@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_pyld_on_random_datasets(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        quads = random_dataset(rng)
        assert canonicalization.canonicalize(quads, max_work=10**6) == reference(quads)


@pytest.mark.parametrize(
    "quads",
    [ring(3), ring(8), ring(4) + ring(4, "q"), clique(4)],
    ids=["ring3", "ring8", "two-rings", "clique4"],
)
def test_agrees_with_pyld_on_symmetric_graphs(quads: list[Quad]) -> None:
    assert canonicalization.canonicalize(quads, max_work=10**6) == reference(quads)


def test_double_circle_labels() -> None:
    # rdf-canon spec example "double circle": two blank nodes linked both ways.
    quads = [
        ("_:e0", NEXT, "_:e1", ""),
        ("_:e0", "<http://example.org/vocab#prev>", "_:e1", ""),
        ("_:e1", NEXT, "_:e0", ""),
        ("_:e1", "<http://example.org/vocab#prev>", "_:e0", ""),
    ]
    result = canonicalization.canonicalize(quads)
    assert result.count("_:c14n0") == 4 and result.count("_:c14n1") == 4
    assert result == reference(quads)


def test_labels_do_not_depend_on_input_names_or_order() -> None:
    quads = [
        ("_:x", KNOWS, "_:y", ""),
        ("_:y", NEXT, '"end"', ""),
        ("<http://e/s>", KNOWS, "_:x", ""),
    ]
    renamed = [(s.replace("_:x", "_:q"), p, o.replace("_:x", "_:q"), g) for s, p, o, g in quads]
    assert canonicalization.canonicalize(quads) == canonicalization.canonicalize(renamed[::-1])


def test_duplicate_statements_count_once() -> None:
    quad = ("<http://e/s>", KNOWS, '"x"', "")
    assert canonicalization.canonicalize([quad, quad]) == canonicalization.serialize(quad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("a\tb\nc\rd", '"a\\tb\\nc\\rd"'),
        ("\b\f", '"\\b\\f"'),
        ("\x00\x01\x1f\x7f", '"\\u0000\\u0001\\u001F\\u007F"'),
        ("é ✓ \U0001f393", '"é ✓ \U0001f393"'),
    ],
    ids=["quote-backslash", "tab-newline", "backspace-formfeed", "control-uchar", "unicode-kept"],
)
def test_literal_escaping(value: str, expected: str) -> None:
    assert canonicalization.literal(value) == expected


def test_literal_forms() -> None:
    assert canonicalization.literal("x", canonicalization.RDF_LANG_STRING, "en") == '"x"@en'
    assert canonicalization.literal("1", "http://www.w3.org/2001/XMLSchema#integer") == (
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )


def test_iri_escaping_keeps_the_statement_intact() -> None:
    assert canonicalization.iri("http://e/a b>c") == "<http://e/a\\u0020b\\u003Ec>"


def test_poison_graph_stops_at_the_work_bound() -> None:
    with pytest.raises(PayloadTooLarge) as raised:
        canonicalization.canonicalize(clique(8))
    assert raised.value.code == "canonicalization_work"


def test_small_symmetric_graph_fits_the_bound() -> None:
    assert canonicalization.canonicalize(ring(20)).count(" .\n") == 20


def test_too_many_statements() -> None:
    quads = [(f"<http://e/{i}>", KNOWS, '"x"', "") for i in range(canonicalization.MAX_QUADS + 1)]
    with pytest.raises(PayloadTooLarge) as raised:
        canonicalization.canonicalize(quads)
    assert raised.value.code == "too_many_quads"
