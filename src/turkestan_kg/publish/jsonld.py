"""JSON-LD done the way JSON-LD users expect: a context made from the data, compaction, frames.

The context lists only the vocabulary prefixes and terms the data uses. Each property becomes
a short term with a definition that lets its values read as plain JSON: IRIs as
``"@type": "@id"``, typed literals with their datatype, language-tagged names as a language map
(``"prefLabel": {"en": "...", "ru": "..."}``). The project's own entities are written relative
to ``"@base": "https://w3id.org/turkestan-kg/"`` (``"person/turar-risqulov"``), so that no
entity prefix collides with a property term such as ``organization``. JSON-LD ignores
``@base`` in a context fetched from elsewhere, so the context is embedded in every document.

>>> from turkestan_kg.graph.dataset import load
>>> context = build_context(load().data_graph())["@context"]
>>> context["prefLabel"]
{'@id': 'skos:prefLabel', '@container': '@language'}
>>> context["percentage"]
{'@id': 'tkg:percentage', '@type': 'xsd:decimal'}
>>> context["memberCount"]  # integers are plain JSON numbers
{'@id': 'tkg:memberCount'}
"""

from __future__ import annotations

import copy
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import split_uri
from rdflib.term import Node

from ..graph.terms import canonical_language
from ..namespaces import BASE, PREFIXES, RDF, TKG, TKGSH, XSD, curie
from ..values import Json, JsonObject

NATIVE_TYPES = {"useNativeTypes": True}
RDF_LANGSTRING = str(RDF.langString)
NATIVE_JSON = {XSD.integer, XSD.boolean}  # written as JSON numbers and booleans
# In frames, literal-valued properties are named by compact IRI: a language-map term would
# expand the match-anything frame {} to nothing.


def build_context(graph: Graph, prefixes: dict[str, str] = PREFIXES) -> JsonObject:
    """A JSON-LD context for ``graph``: used prefixes, and one term per used property.

    It uses nothing JSON-LD 1.1 added, so it sets no ``"@version": 1.1``, which JSON-LD 1.0
    readers (Jena's, through jsonld-java) refuse; 1.0 and 1.1 processors read the same graph.
    """
    vocabularies = {p: ns for p, ns in prefixes.items() if not _is_entity_namespace(ns)}
    used = _used_prefixes(graph, vocabularies)
    context: JsonObject = {"@base": BASE, "id": "@id", "type": "@type", **used}
    names = _term_names(
        p for p in set(graph.predicates()) if isinstance(p, URIRef) and p != RDF.type
    )
    names = {p: n for p, n in names.items() if n not in used and n not in context}
    for predicate, name in sorted(names.items(), key=lambda item: item[1]):
        context[name] = _definition(graph, predicate, used)
    return {"@context": context}


def _is_entity_namespace(namespace: str) -> bool:
    return namespace.startswith(BASE) and namespace not in (str(TKG), str(TKGSH))


def _used_prefixes(graph: Graph, prefixes: dict[str, str]) -> dict[str, str]:
    iris = _iris(graph)
    return {p: ns for p, ns in sorted(prefixes.items()) if _in_namespace(iris, ns)}


def _iris(graph: Graph) -> set[str]:
    """Every IRI ``graph`` mentions, its literals' datatypes included."""
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    datatypes = (o.datatype for o in graph.objects() if isinstance(o, Literal))
    return iris | {str(d) for d in datatypes if d}


def _in_namespace(iris: set[str], namespace: str) -> bool:
    """Whether any of ``iris`` is in ``namespace`` (the namespace itself aside)."""
    return any(i.startswith(namespace) and i != namespace for i in iris)


def _term_names(predicates: Iterable[URIRef]) -> dict[URIRef, str]:
    """Local names as terms; where two namespaces share a local name, neither gets a term."""
    by_local: dict[str, list[URIRef]] = defaultdict(list)
    for predicate in predicates:
        by_local[split_uri(predicate)[1]].append(predicate)
    return {preds[0]: local for local, preds in by_local.items() if len(preds) == 1}


def _definition(graph: Graph, predicate: URIRef, prefixes: dict[str, str]) -> JsonObject:
    objects = set(graph.objects(None, predicate))
    return {"@id": curie(predicate, prefixes), **_values(objects, prefixes)}


def _values(objects: set[Node], prefixes: dict[str, str]) -> dict[str, str]:
    """How a term's values read: as IRIs, as a language map, with their datatype, or plain."""
    if all(isinstance(o, URIRef | BNode) for o in objects):
        return {"@type": "@id"}
    if all(isinstance(o, Literal) and o.language for o in objects):
        return {"@container": "@language"}
    datatype = _datatype(objects)
    if datatype is None or datatype in NATIVE_JSON:
        return {}
    return {"@type": curie(URIRef(str(datatype)), prefixes)}


def _datatype(objects: set[Node]) -> URIRef | None:
    """The datatype all ``objects`` share, if they are all literals of one datatype."""
    datatypes = {o.datatype for o in objects if isinstance(o, Literal)}
    uniform = len(datatypes) == 1 and all(isinstance(o, Literal) for o in objects)
    return datatypes.pop() if uniform else None


def expanded(canonical_nquads: str) -> list[Json]:
    """The N-Quads as expanded JSON-LD (a fresh copy: pyld may change what it is given)."""
    return copy.deepcopy(_expanded(canonical_nquads))


@functools.lru_cache(maxsize=4)
def _expanded(canonical_nquads: str) -> list[Json]:
    # pyld's own N-Quads parser compares each quad with every earlier one of its graph (over
    # a second for the dumps): Oxigraph parses, and pyld is handed its dataset structure.
    return list(jsonld.from_rdf(pyld_dataset(canonical_nquads), NATIVE_TYPES))


PyldTerm = dict[str, str]
PyldDataset = dict[str, list[dict[str, PyldTerm]]]


def pyld_dataset(nquads: str) -> PyldDataset:
    """N-Quads (blank node labels kept) as pyld's RDF dataset: graph name -> triples."""
    out: PyldDataset = {}
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name
        key = "@default" if isinstance(name, ox.DefaultGraph) else _pyld_term(name)["value"]
        triple = {
            k: _pyld_term(v)
            for k, v in zip(SPO, (quad.subject, quad.predicate, quad.object), strict=True)
        }
        out.setdefault(key, []).append(triple)
    return out


SPO = ("subject", "predicate", "object")


def _pyld_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> PyldTerm:
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if not isinstance(term, ox.Literal):
        raise TypeError(f"JSON-LD 1.1 has no triple terms: {term}")
    if term.language:
        language = canonical_language(term.language)
        return {
            "type": "literal",
            "value": term.value,
            "datatype": RDF_LANGSTRING,
            "language": language,
        }
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def compact(canonical_nquads: str, context: JsonObject) -> JsonObject:
    """The canonical N-Quads compacted against ``context``, nodes sorted by ``id``."""
    options = {"graph": True, "skipExpansion": True}  # from_rdf gives expanded JSON-LD
    document = jsonld.compact(expanded(canonical_nquads), context, options)
    return _tidy(document, context)


def frame(canonical_nquads: str, context: JsonObject, shape: JsonObject) -> JsonObject:
    """A framed, nested view of the data: ``shape`` is a JSON-LD 1.1 frame without context."""
    options = {"omitGraph": False, "omitDefault": True}
    framed = jsonld.frame(expanded(canonical_nquads), {**context, **shape}, options)
    return _tidy(framed, context)


def _tidy(document: JsonObject, context: JsonObject) -> JsonObject:
    """Sort the top-level nodes by id; restore BCP 47 case in language maps (pyld lower-cases)."""
    maps = {
        k
        for k, v in _members(context["@context"]).items()
        if isinstance(v, dict) and v.get("@container") == "@language"
    }
    nodes = document.get("@graph", [])
    listed = nodes if isinstance(nodes, list) else []
    document["@graph"] = sorted((_language_case(node, maps) for node in listed), key=_node_id)
    return document


def _members(value: Json) -> Mapping[str, Json]:
    """A JSON object's members (none for any other value)."""
    return value if isinstance(value, Mapping) else {}


def _node_id(node: Json) -> str:
    return str(_members(node).get("id", ""))


def _language_case(value: Json, maps: set[str]) -> Json:
    if isinstance(value, list):
        return [_language_case(v, maps) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        k: (
            {canonical_language(t): x for t, x in v.items()}
            if k in maps and isinstance(v, dict)
            else _language_case(v, maps)
        )
        for k, v in value.items()
    }


def dumps(document: JsonObject) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )


PARTY = "organization/communist-party-of-turkestan"
LABEL_ONLY: JsonObject = {"@explicit": True, "skos:prefLabel": {}}
PERIOD: JsonObject = {
    "@explicit": True,
    "hasBeginning": {"@explicit": True, "time:inXSDgYear": {}, "time:inXSDgYearMonth": {}},
    "hasEnd": {"@explicit": True, "time:inXSDgYear": {}, "time:inXSDgYearMonth": {}},
}
FRAMES: dict[str, JsonObject] = {
    "party": {
        "@context": {"tenures": {"@reverse": "org:organization"}},
        "id": PARTY,
        "@explicit": True,
        "skos:prefLabel": {},
        "schema:foundingDate": {},
        "schema:dissolutionDate": {},
        "ideology": LABEL_ONLY,
        "subOrganizationOf": LABEL_ONLY,
        "operatingArea": LABEL_ONLY,
        "tenures": {
            "type": "tkg:Tenure",
            "@explicit": True,
            "skos:prefLabel": {},
            "member": LABEL_ONLY,
            "role": LABEL_ONLY,
            "memberDuring": PERIOD,
        },
    },
    "people": {
        "@context": {"roles": {"@reverse": "org:member"}},
        "type": "foaf:Person",
        "@explicit": True,
        "skos:prefLabel": {},
        "ethnicity": LABEL_ONLY,
        "comesFrom": LABEL_ONLY,
        "roles": {
            "@explicit": True,
            "skos:prefLabel": {},
            "organization": LABEL_ONLY,
            "role": LABEL_ONLY,
            "memberDuring": PERIOD,
        },
    },
}


def framed_views(canonical_nquads: str, context: JsonObject) -> dict[str, bytes]:
    """The application views, by name: the party with its tenures; people with their roles."""
    views = {}
    for name, shape in FRAMES.items():
        local: JsonObject = {
            "@context": {**_members(context["@context"]), **_members(shape["@context"])}
        }
        body = {k: v for k, v in shape.items() if k != "@context"}
        views[name] = dumps(frame(canonical_nquads, local, body))
    return views


__all__ = ["XSD", "build_context", "compact", "dumps", "frame", "framed_views"]
