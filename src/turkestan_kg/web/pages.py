"""HTML pages for people: entity pages, the home page, stored-query results.

Labels come in the reader's language (``?lang=`` or ``Accept-Language``) with English as the
fallback; no raw IRI is shown where a label exists. Every page links its RDF alternates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BASE, ONTOLOGY_GRAPH, RDF, RDFS, SKOS, WD, curie
from ..sparql.results import QueryResult, to_python

STYLE = """body{font:16px/1.55 system-ui,sans-serif;max-width:64rem;margin:1.5rem auto;padding:0 1rem;color:#222}
a{color:#0645ad;text-decoration:none}a:hover{text-decoration:underline}h1{margin-bottom:.2rem}
.kind{color:#666;margin-top:0}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e4e4e4}
th{color:#555;font-weight:600;width:14rem}.src{color:#777;font-size:.85rem}nav{font-size:.9rem;margin-bottom:1rem}
.lang{color:#888;font-size:.8rem}code{background:#f4f4f4;padding:0 .2rem}svg{max-width:100%;height:auto}
form.q{margin:.3rem 0 1rem}input{font:inherit}"""


def language_preference(query_lang: str | None, accept_language: str | None) -> list[str]:
    """Preferred language tags, best first, always ending with English.

    >>> language_preference(None, "ru-RU,ru;q=0.9,en;q=0.5")
    ['ru-ru', 'ru', 'en']
    """
    tags: list[tuple[float, str]] = []
    if query_lang:
        tags.append((2.0, query_lang.lower()))
    for part in (accept_language or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        if tag and tag != "*":
            try:
                tags.append((float(q) if q else 1.0, tag.lower()))
            except ValueError:
                continue
    ordered = [t for _, t in sorted(tags, key=lambda x: -x[0])]
    return list(dict.fromkeys([*ordered, "en"]))


class Labeller:
    """Picks a node's label in the preferred languages, from the data and the ontology."""

    def __init__(self, graph: Graph, languages: list[str]) -> None:
        self.graph = graph
        self.languages = languages

    def label(self, node: Node) -> str:
        candidates = [
            o
            for p in (SKOS.prefLabel, RDFS.label, PROV_TITLE)
            for o in self.graph.objects(node, p)
            if isinstance(o, Literal)
        ]
        for language in self.languages:
            for c in candidates:
                tag = (c.language or "").lower()
                if tag == language or tag.split("-")[0] == language.split("-")[0]:
                    return str(c)
        if candidates:
            return str(candidates[0])
        return TERM_LABELS.get(str(node), curie(node))


PROV_TITLE = URIRef("http://purl.org/dc/terms/title")
# Readable names for the reused vocabulary terms whose labels are not in our graph.
TERM_LABELS = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "other name",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "same as (Wikidata)",
    "http://www.w3.org/2004/02/skos/core#definition": "definition",
    "http://www.w3.org/2004/02/skos/core#inScheme": "in scheme",
    "http://www.w3.org/2004/02/skos/core#broader": "broader category",
    "http://www.w3.org/2004/02/skos/core#scopeNote": "scope note",
    "http://www.w3.org/2004/02/skos/core#editorialNote": "editorial note",
    "http://www.w3.org/2004/02/skos/core#note": "note",
    "http://schema.org/foundingDate": "founded",
    "http://schema.org/dissolutionDate": "dissolved",
    "http://schema.org/organizer": "organizer",
    "http://www.w3.org/ns/org#subOrganizationOf": "branch of",
    "http://www.w3.org/ns/org#hasSubOrganization": "has branch",
    "http://www.w3.org/ns/org#unitOf": "unit of",
    "http://www.w3.org/ns/org#hasUnit": "has unit",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "organization",
    "http://www.w3.org/ns/org#role": "role",
    "http://www.w3.org/ns/org#memberDuring": "period",
    "http://www.w3.org/2006/time#hasTime": "time",
    "http://www.w3.org/2006/time#hasBeginning": "from",
    "http://www.w3.org/2006/time#hasEnd": "to",
    "http://www.w3.org/2006/time#inXSDgYear": "year",
    "http://www.w3.org/2006/time#inXSDgYearMonth": "month",
    "http://www.w3.org/2006/time#inXSDDate": "date",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source",
    "http://www.w3.org/ns/prov#wasAttributedTo": "attributed to",
    "http://www.w3.org/ns/prov#wasInformedBy": "prompted by",
    "http://www.w3.org/ns/prov#wasGeneratedBy": "put forward at",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "see also",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://purl.org/dc/terms/description": "description",
    "http://purl.org/dc/terms/subject": "about",
    "http://purl.org/linked-data/cube#dataSet": "data set",
    "http://purl.org/linked-data/cube#structure": "structure",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": "statement about",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate": "statement property",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object": "statement value",
    "http://rdfs.org/ns/void#exampleResource": "example resource",
}


def local_path(iri: str) -> str | None:
    """The server path of one of our IRIs (``/person/x``), or None for outside IRIs."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else None


def link(node: Node, labeller: Labeller) -> str:
    """An HTML link for an IRI: local pages for ours, Wikidata's page for items, else out."""
    text = str(node)
    label = escape(labeller.label(node))
    if text.startswith(str(WD) + "Q"):
        qid = text[len(str(WD)) :]
        return f'<a href="https://www.wikidata.org/wiki/{qid}">{label} ({qid})</a>'
    path = local_path(text)
    return f'<a href="{escape(path or text)}">{label}</a>'


def value_html(node: Node, labeller: Labeller, depth: int = 0) -> str:
    """A value for a fact table: a link, a literal with its language, or a nested blank node."""
    if isinstance(node, Literal):
        lang = f' <span class="lang">{escape(node.language)}</span>' if node.language else ""
        return f'<span lang="{escape(node.language or "")}">{escape(str(node))}</span>{lang}'
    if isinstance(node, BNode):
        if depth > 3:
            return "…"
        parts = [
            f"{escape(labeller.label(p))}: {value_html(o, labeller, depth + 1)}"
            for p, o in sorted(labeller.graph.predicate_objects(node), key=lambda po: str(po[0]))
            if p != RDF.type
        ]
        return "; ".join(parts) or "(blank node)"
    return link(node, labeller)


def page(title: str, body: Iterable[str], *, head: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · turkestan-kg</title><style>{STYLE}</style>{head}</head>\n<body>\n"
        '<nav><a href="/">turkestan-kg</a> · <a href="/editor">SPARQL editor</a> · '
        '<a href="/ontology">ontology</a> · <a href="/shapes">shapes</a></nav>\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def entity_page(
    node: URIRef,
    data: Graph,
    labeller: Labeller,
    *,
    sources: dict[tuple[Node, Node, Node], list[Node]],
    alternates: dict[str, str],
    jsonld: str,
    extra: str = "",
) -> str:
    """The page of one entity: its facts grouped by property with their sources, incoming
    links, Wikidata links, an optional chart, embedded JSON-LD and RDF alternates."""
    title = labeller.label(node)
    types = ", ".join(link(t, labeller) for t in sorted(data.objects(node, RDF.type), key=str))
    rows = _fact_rows(node, data, labeller, sources)
    incoming = _incoming(node, data, labeller)
    head = "".join(
        f'<link rel="alternate" type="{escape(t)}" href="{escape(h)}">'
        for t, h in alternates.items()
    )
    safe_jsonld = jsonld.replace("</", "<\\/")
    head += f'<script type="application/ld+json">{safe_jsonld}</script>'
    downloads = " · ".join(f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in alternates.items())
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="kind">{types}</p>',
        f'<p class="src"><code>{escape(str(node))}</code> · {downloads}</p>',
        extra,
        "<h2>Facts</h2>",
        '<table class="facts"><tr><th>property</th><td><b>value</b></td><td class="src"><b>source</b></td></tr>',
        *rows,
        "</table>",
    ]
    if incoming:
        body += ["<h2>Referred to by</h2>", '<table class="incoming">', *incoming, "</table>"]
    return page(title, body, head=head, lang=labeller.languages[0])


def _fact_rows(
    node: URIRef,
    data: Graph,
    labeller: Labeller,
    sources: dict[tuple[Node, Node, Node], list[Node]],
) -> list[str]:
    by_property: dict[Node, list[Node]] = defaultdict(list)
    for p, o in data.predicate_objects(node):
        if p != RDF.type:
            by_property[p].append(o)
    rows = []
    for p in sorted(by_property, key=lambda x: labeller.label(x).lower()):
        for o in sorted(
            by_property[p], key=lambda x: (str(getattr(x, "language", "") or ""), str(x))
        ):
            where = ", ".join(
                sorted({escape(labeller.label(s)) for s in sources.get((node, p, o), [])})
            )
            rows.append(
                f'<tr><th>{escape(labeller.label(p))}</th><td>{value_html(o, labeller)}</td><td class="src">{where}</td></tr>'
            )
    return rows


def _incoming(node: URIRef, data: Graph, labeller: Labeller) -> list[str]:
    rows = []
    for s, p in sorted(data.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0]))):
        if isinstance(s, URIRef):
            rows.append(
                f"<tr><th>{escape(labeller.label(p))}</th><td>{link(s, labeller)}</td></tr>"
            )
    return rows


def results_table(result: QueryResult, labeller: Labeller) -> str:
    """A SELECT result as an HTML table (labels for IRIs), or an ASK answer."""
    if result.kind == "ask":
        return f"<p>{'yes' if result.boolean else 'no'}</p>"
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    rows = []
    for row in result.rows:
        cells = []
        for v in result.variables:
            term = row.get(v)
            cells.append(
                "<td></td>"
                if term is None
                else f"<td>{value_html(term, labeller) if isinstance(term, URIRef) else escape(str(to_python(term)))}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="results"><tr>{head}</tr>{"".join(rows)}</table><p class="src">{len(rows)} rows</p>'


__all__ = [
    "ONTOLOGY_GRAPH",
    "Labeller",
    "entity_page",
    "language_preference",
    "page",
    "results_table",
]
