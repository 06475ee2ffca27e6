"""HTML pages for people, from Jinja2 templates (``templates/``, autoescaped): entity pages,
the home page, stored-query results, messages.

Labels come in the reader's language (``?lang=``, then ``Accept-Language``) with English as
the fallback; no raw IRI is shown where a label exists, and reused vocabulary terms get
plain names (``foaf:Person`` is "person"). Python prepares what a page shows (:class:`Value`
rows); the templates lay it out.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, TypedDict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..formats import rdf_by_media_type
from ..namespaces import RDF, RDFS, SKOS, WD, curie
from ..sparql.results import QueryResult, to_python
from .conneg import languages as accepted_languages
from .i18n import LANGUAGES, N_, SOURCE, catalogue, interface_language, translator
from .links import href, local_path

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup


def language_preference(query_lang: str | None, accept_language: str | None) -> list[str]:
    """Preferred language tags, best first, always ending with English.

    >>> language_preference(None, "ru-RU,ru;q=0.9,en;q=0.5")
    ['ru-ru', 'ru', 'en']
    >>> language_preference("uz", None)
    ['uz', 'en']
    """
    tags = ([query_lang.lower()] if query_lang else []) + accepted_languages(accept_language)
    return list(dict.fromkeys([*tags, "en"]))


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
    # classes from reused vocabularies, as a page's "kind" line names them
    "http://xmlns.com/foaf/0.1/Person": "person",
    "http://www.w3.org/ns/org#Organization": "organization",
    "http://www.w3.org/ns/org#FormalOrganization": "formal organization",
    "http://www.w3.org/ns/org#OrganizationalUnit": "organizational unit",
    "http://www.w3.org/ns/org#Membership": "membership",
    "http://www.w3.org/ns/org#Post": "post",
    "http://www.w3.org/ns/org#Role": "role",
    "http://www.w3.org/2006/time#Interval": "time interval",
    "http://www.w3.org/2006/time#Instant": "instant",
    "http://www.w3.org/ns/prov#Entity": "source entity",
    "http://www.w3.org/ns/prov#Activity": "activity",
    "http://www.w3.org/2004/02/skos/core#Concept": "concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": "concept scheme",
    "http://purl.org/linked-data/cube#DataSet": "statistical data set",
    "http://purl.org/linked-data/cube#Observation": "observation",
    "http://purl.org/linked-data/cube#DataStructureDefinition": "data structure",
    "http://rdfs.org/ns/void#Dataset": "dataset",
    "http://www.w3.org/ns/dcat#Dataset": "dataset",
    "http://www.w3.org/ns/dcat#Distribution": "distribution",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement": "statement",
    "http://schema.org/Event": "event",
    "http://schema.org/Place": "place",
}


@dataclass(frozen=True)
class Value:
    """One value on a page: a ``link`` (text, href), a ``literal`` (text, lang), a blank
    ``node`` (its parts as (property label, value) pairs) or plain ``text``."""

    kind: str
    text: str = ""
    href: str = ""
    lang: str = ""
    parts: tuple[tuple[str, Value], ...] = field(default=())


def link(node: Node, labeller: Labeller) -> Value:
    """A link for an IRI: local pages for ours, Wikidata's page for items, else out; an IRI
    no page may link to (not http or https, see :mod:`.links`) is shown as text.

    >>> link(URIRef("https://w3id.org/turkestan-kg/person/x"), Labeller(Graph(), ["en"])).href
    '/person/x'
    >>> link(URIRef("javascript:alert(1)"), Labeller(Graph(), ["en"])).kind
    'text'
    """
    text = str(node)
    label = labeller.label(node)
    if text.startswith(str(WD) + "Q"):
        qid = text[len(str(WD)) :]
        return Value("link", f"{label} ({qid})", f"https://www.wikidata.org/wiki/{qid}")
    target = local_path(text) or href(text)
    return Value("link", label, target) if target else Value("text", label)


def value(node: Node, labeller: Labeller, depth: int = 0) -> Value:
    """A fact's value: a link, a literal with its language, or a nested blank node."""
    if isinstance(node, Literal):
        return Value("literal", str(node), lang=node.language or "")
    if isinstance(node, BNode):
        if depth > 3:
            return Value("text", "…")
        parts = tuple(
            (labeller.label(p), value(o, labeller, depth + 1))
            for p, o in sorted(labeller.graph.predicate_objects(node), key=lambda po: str(po[0]))
            if p != RDF.type
        )
        return Value("node", parts=parts)
    return link(node, labeller)


@cache
def environment(language: str = SOURCE) -> Environment:
    """The Jinja2 environment of the templates folder (autoescape on for .html), its
    ``_()`` and ``ngettext()`` speaking ``language`` (:mod:`.i18n`)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("turkestan_kg.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(catalogue(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(
    template: str, *, languages: list[str] | None = None, here: str = "", **context: object
) -> str:
    """A template filled in, in the first of the reader's ``languages`` the interface speaks;
    ``here`` (the page's path and query) makes the language switcher's links. ``title`` is
    what every page has."""
    interface = interface_language(languages or [SOURCE])
    context["lang"] = interface
    context["interface"] = interface
    context["switcher"] = switcher(here)
    return str(environment(interface).get_template(template).render(**context))


def switcher(here: str) -> list[tuple[str, str, str]]:
    """(language, its name, this page in it) for each interface language.

    >>> switcher("/search?q=Ryskulov")[1]
    ('ru', 'Русский', '/search?q=Ryskulov&lang=ru')
    """
    path, _, query = here.partition("?")
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(query) if k != "lang"]
    return [
        (code, name, f"{path}?{urllib.parse.urlencode([*kept, ('lang', code)])}")
        for code, name in LANGUAGES.items()
    ]


def trusted(markup: str) -> Markup:
    """Markup this package drew itself (the SVG charts), placed in a page unescaped."""
    from markupsafe import Markup

    return Markup(markup)


PERHAPS = N_("Perhaps one of these:")


def message_page(
    title: str,
    message: str,
    suggestions: list[Value] | None = None,
    heading: str = PERHAPS,
    *,
    languages: list[str] | None = None,
    here: str = "",
) -> str:
    """A page saying one thing (an error, a search's outcome), with links to what the
    reader may have meant under ``heading``. The title and the heading are translated;
    the message, already in words, is shown as it is."""
    words = translator(languages or [SOURCE])
    return render(
        "message.html",
        title=words.gettext(title),
        message=message,
        suggestions=suggestions or [],
        heading=words.gettext(heading) if heading else "",
        languages=languages,
        here=here,
    )


class LinkRow(TypedDict):
    """A statement on a page: its property's label and its value."""

    property: str
    value: Value


class FactRow(LinkRow):
    """A fact on an entity's page, with the labels of the sources that state it."""

    sources: list[str]


@dataclass(frozen=True)
class Cut:
    """Where a page stops listing statements, and the editor link that lists them all."""

    outgoing: int
    incoming: int
    href: str


def entity_page(
    node: URIRef,
    data: Graph,
    labeller: Labeller,
    *,
    sources: dict[tuple[Node, Node, Node], list[Node]],
    alternates: dict[str, str],
    jsonld: str,
    chart: str = "",
    cut: Cut | None = None,
    table: object = None,
    roles: Sequence[object] = (),
) -> str:
    """The page of one entity: its facts grouped by property with their sources, incoming
    links, Wikidata links, an optional chart, embedded JSON-LD and RDF alternates; for a data
    set ``table`` (a :class:`~.cube.CubeTable`), for a person or a body its ``roles``
    (:class:`~.roles.Role`)."""
    from markupsafe import Markup

    types = [link(t, labeller) for t in sorted(data.objects(node, RDF.type), key=str)]
    return render(
        "entity.html",
        title=labeller.label(node),
        languages=labeller.languages,
        here=local_path(str(node)) or "",
        iri=str(node),
        types=types,
        alternates=alternates,
        downloads=[(rdf_by_media_type(media).title, href) for media, href in alternates.items()],
        jsonld=Markup(jsonld.replace("</", "<\\/")),
        chart=trusted(chart) if chart else "",
        cut=cut,
        table=table,
        roles=roles,
        facts=_fact_rows(node, data, labeller, sources),
        incoming=_incoming(node, data, labeller),
    )


def _fact_rows(
    node: URIRef,
    data: Graph,
    labeller: Labeller,
    sources: dict[tuple[Node, Node, Node], list[Node]],
) -> list[FactRow]:
    by_property: dict[Node, list[Node]] = defaultdict(list)
    for p, o in data.predicate_objects(node):
        if p != RDF.type:
            by_property[p].append(o)
    rows: list[FactRow] = []
    for p in sorted(by_property, key=lambda x: labeller.label(x).lower()):
        for o in sorted(
            by_property[p], key=lambda x: (str(getattr(x, "language", "") or ""), str(x))
        ):
            where = sorted({labeller.label(s) for s in sources.get((node, p, o), [])})
            rows.append(
                {"property": labeller.label(p), "value": value(o, labeller), "sources": where}
            )
    return rows


def _incoming(node: URIRef, data: Graph, labeller: Labeller) -> list[tuple[str, list[Value]]]:
    """What refers to ``node``, grouped by the relation (its label), each group's links in
    label order."""
    groups: dict[str, list[Value]] = defaultdict(list)
    for s, p in data.subject_predicates(node):
        if isinstance(s, URIRef):
            groups[labeller.label(p)].append(link(s, labeller))
    return [(name, sorted(groups[name], key=lambda v: v.text)) for name in sorted(groups)]


def heading(variable: str) -> str:
    """A readable column header for a result variable.

    >>> heading("leaderLabel"), heading("printedPercentage"), heading("start_year")
    ('leader name', 'printed percentage', 'start year')
    """
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable).replace("_", " ").lower().split()
    if len(words) > 1 and words[-1] == "label":
        words[-1] = "name"
    return " ".join(words)


def result_rows(result: QueryResult, labeller: Labeller) -> list[list[Value | None]]:
    """A SELECT result's cells: links (labelled) for IRIs, plain text for the rest."""
    return [
        [
            None
            if row.get(v) is None
            else value(row[v], labeller)
            if isinstance(row[v], URIRef)
            else Value("text", str(to_python(row[v])))
            for v in result.variables
        ]
        for row in result.rows
    ]
