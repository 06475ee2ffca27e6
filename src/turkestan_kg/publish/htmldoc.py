"""HTML documentation of the ontology and the shapes, generated from ``ontology/``.

One self-contained page per file, no scripts, no external assets. Every term has an anchor
named after its local name, so ``.../ontology#Tenure`` lands on the term in a browser.

>>> from turkestan_kg.graph.files import parse_file
>>> from turkestan_kg.paths import project_root
>>> page = ontology_page(parse_file(project_root() / "ontology" / "turkestan-kg.ttl"))
>>> 'id="Tenure"' in page and "org:Membership" in page
True
"""

from __future__ import annotations

from html import escape

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import BASE, DCTERMS, OWL, QB, RDF, RDFS, SH, SKOS, TKG, curie

STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.8rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}h3{margin:1.5rem 0 .3rem}
dl{display:grid;grid-template-columns:9rem 1fr;gap:.2rem 1rem}dt{color:#666}dd{margin:0;overflow-wrap:anywhere}
code{background:#f4f4f4;padding:0 .2rem}a{color:#0645ad}.iri{color:#666;font-size:.85rem}
nav{font-size:.9rem}figure.model{margin:0;overflow-x:auto}figure.model svg{width:100%;min-width:60rem;height:auto}
@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}h1{font-size:1.5rem}}"""
SECTIONS = (
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)
DETAILS = (
    (RDFS.subClassOf, "subclass of"),
    (RDFS.subPropertyOf, "subproperty of"),
    (RDFS.domain, "domain"),
    (RDFS.range, "range"),
    (TKG.wikidataProperty, "Wikidata property"),
    (TKG.wikidataClass, "Wikidata class"),
)
WIKIDATA = "http://www.wikidata.org/entity/"


def ontology_page(
    graph: Graph, *, diagram: str = "", data: Graph | None = None, home: str = BASE
) -> str:
    """The ontology as one HTML page: metadata, the data model's picture (an SVG, when
    given), then every term by kind. The Data Cube structures' components are read from
    ``data`` when it is given, where they are published (with the data, as Data Cube asks).
    ``home`` is where the page's links lead: the published site, or a server's own root."""
    iri = next(iter(graph.subjects(RDF.type, OWL.Ontology)))
    title = str(graph.value(iri, DCTERMS.title) or "Ontology")
    body = [f"<h1>{escape(title)}</h1>", _metadata(graph, iri)]
    if diagram:
        body += ['<h2 id="model">Data model</h2>', f'<figure class="model">{diagram}</figure>']
    for kind, heading in SECTIONS:
        body.append(f"<h2>{heading}</h2>")
        body.extend(_term(graph, t) for t in _own_terms(graph, kind))
    structures = sorted(
        s for s in graph.subjects(RDF.type, QB.DataStructureDefinition) if isinstance(s, URIRef)
    )
    body.append("<h2>Data structure definitions</h2>")
    body.extend(_structure(graph, s, data if data is not None else graph) for s in structures)
    return _page(title, body, home)


def _own_terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    """The ontology's own terms of one kind (class, object property, ...), sorted."""
    return sorted(
        t
        for t in graph.subjects(RDF.type, kind)
        if isinstance(t, URIRef) and t.startswith(str(TKG))
    )


def _structure(graph: Graph, dsd: Node, components: Graph) -> str:
    """A Data Cube structure: its description and its dimensions, measures and attributes
    (from ``components``)."""
    rows = []
    for kind, name in (
        (QB.dimension, "dimension"),
        (QB.measure, "measure"),
        (QB.attribute, "attribute"),
    ):
        found = [components.value(c, kind) for c in components.objects(dsd, QB.component)]
        links = sorted(_link(graph, f) for f in found if f is not None)
        if links:
            rows.append((name, ", ".join(links)))
    return _term(graph, dsd) + _dl(rows)


def shapes_page(graph: Graph, *, home: str = BASE) -> str:
    """The SHACL shapes as one HTML page: each shape's description and messages."""
    body = ["<h1>turkestan-kg shapes</h1>"]
    for shape in sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)):
        anchor = shape.split("#")[-1]
        messages = [graph.value(n, SH.message) for n in graph.objects(shape, SH.property)]
        messages += [graph.value(n, SH.message) for n in graph.objects(shape, SH.sparql)]
        messages.append(graph.value(shape, SH.message))
        items = "".join(f"<li>{escape(str(m))}</li>" for m in sorted(str(m) for m in messages if m))
        body.append(
            f'<h3 id="{escape(anchor)}">{escape(str(graph.value(shape, RDFS.label)))}</h3>'
            f'<p class="iri">{escape(str(shape))}</p><p>{escape(str(graph.value(shape, RDFS.comment)))}</p>'
            f"<ul>{items}</ul>"
        )
    return _page("turkestan-kg shapes", body, home)


def _metadata(graph: Graph, iri: Node) -> str:
    rows = [("IRI", escape(str(iri)))]
    for prop, name in (
        (OWL.versionInfo, "version"),
        (DCTERMS.license, "licence"),
        (DCTERMS.source, "source"),
    ):
        value = graph.value(iri, prop)
        if value is not None:
            rows.append((name, _link(graph, value)))
    description = escape(str(graph.value(iri, DCTERMS.description) or ""))
    return f"<p>{description}</p>" + _dl(rows)


def _term(graph: Graph, term: Node) -> str:
    local = str(term).split("#")[-1]
    label = escape(str(graph.value(term, RDFS.label) or local))
    definition = escape(str(graph.value(term, SKOS.definition) or ""))
    rows = [
        (name, ", ".join(sorted(_link(graph, v) for v in graph.objects(term, prop))))
        for prop, name in DETAILS
    ]
    rows = [(n, v) for n, v in rows if v]
    return (
        f'<h3 id="{escape(local)}">{label} <code>tkg:{escape(local)}</code></h3>'
        f"<p>{definition}</p>" + (_dl(rows) if rows else "")
    )


def _link(graph: Graph, value: Node) -> str:
    if not isinstance(value, URIRef):
        return escape(str(value))
    text = str(value)
    if text.startswith(str(TKG)):
        local = text.split("#")[-1]
        return f'<a href="#{escape(local)}">tkg:{escape(local)}</a>'
    if text.startswith(WIKIDATA):
        qid = text[len(WIKIDATA) :]
        return f'<a href="https://www.wikidata.org/wiki/{escape(qid)}">wd:{escape(qid)}</a>'
    return f'<a href="{escape(text)}">{escape(curie(text))}</a>'


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(n)}</dt><dd>{v}</dd>" for n, v in rows) + "</dl>"


def _page(title: str, body: list[str], home: str) -> str:
    links = [(home, "turkestan-kg"), (f"{home}ontology", "ontology"), (f"{home}shapes", "shapes")]
    nav = " · ".join(f'<a href="{escape(href)}">{escape(name)}</a>' for href, name in links)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        f"<nav>{nav}</nav>\n" + "\n".join(body) + "\n</body></html>\n"
    )
