"""The home page (dataset description, charts, entities by type, stored queries as forms)
and the stored queries run from those forms.
"""

from __future__ import annotations

import urllib.parse
from html import escape
from typing import Any

from rdflib import URIRef

from ..errors import QueryError
from ..formats import FORMATS
from ..namespaces import BASE, DCTERMS, FOAF, QB, RDF, RDFS, TKG, bind_prefixes
from ..sparql.catalogue import StoredQuery, get_query, query_files, stored_queries
from ..sparql.results import MEDIA_TYPES, SELECT_FORMATS, QueryResult, render
from . import charts
from .http import HttpError, Response
from .pages import Labeller, page, results_table
from .site import Site
from .views import serialize_graph

DATASET = URIRef(BASE + "dataset/turkestan-kg")
ENTITY_GROUPS = {  # heading: class, in the order the home page lists them
    "Parties": TKG.PoliticalParty,
    "Party bodies": TKG.PartyBody,
    "People": FOAF.Person,
    "Tenures": TKG.Tenure,
    "Events": TKG.Event,
    "States": TKG.State,
    "Places": TKG.Place,
    "Statistics": QB.DataSet,
}


def draw_charts(site: Site) -> dict[str, str]:
    """The three charts of the home page, as SVG."""
    return {
        "composition": composition_svg(site),
        "leaders": timeline_svg(site),
        "hierarchy": hierarchy_svg(site),
    }


def home(site: Site, environ: dict[str, Any]) -> Response:
    """The home page, labelled in the request's languages."""
    labeller = site.labeller(environ)
    body = [
        f"<h1>{escape(labeller.label(DATASET))}</h1>",
        f"<p>{escape(str(site.data.value(DATASET, DCTERMS.description) or ''))}</p>",
        f'<p class="src">{escape(str(site.data.value(DATASET, DCTERMS.rights) or ""))}</p>',
        "<h2>Membership in 1922</h2>",
        f'<figure class="chart" id="composition">{site.charts["composition"]}</figure>',
        "<h2>Leaders</h2>",
        f'<figure class="chart" id="leaders">{site.charts["leaders"]}</figure>',
        "<h2>Hierarchy</h2>",
        f'<figure class="chart" id="hierarchy">{site.charts["hierarchy"]}</figure>',
        "<h2>Entities</h2>",
        entity_lists(site, labeller),
        "<h2>Stored queries</h2>",
        query_forms(),
    ]
    return Response(
        "200 OK",
        page("turkestan-kg", body, lang=labeller.languages[0]).encode(),
        headers=(("Vary", "Accept-Language"),),
    )


def composition_svg(site: Site) -> str:
    """The 1922 composition as bars."""
    rows = site.engine.run(get_query("composition-1922").text, {}).rows
    return charts.composition_chart(
        [(str(r["categoryLabel"]), int(str(r["count"])), str(r["printedPercentage"])) for r in rows]
    )


def timeline_svg(site: Site) -> str:
    """Every leader's tenure on one time axis."""
    rows = site.tenures
    return charts.timeline_chart(
        [(n, s, e) for n, s, e, _, _ in rows],
        first=min(r[1] for r in rows),
        last=max(r[2] for r in rows),
    )


def hierarchy_svg(site: Site) -> str:
    """The party's bodies and their parents."""
    rows = site.engine.run(get_query("hierarchy").text, {}).rows
    return charts.hierarchy_chart(
        [(str(r["bodyLabel"]), str(r["parentLabel"]), int(str(r["depth"]))) for r in rows]
    )


def entity_lists(site: Site, labeller: Labeller) -> str:
    """One list of links per kind of entity (subclasses included)."""
    out = []
    for heading, cls in ENTITY_GROUPS.items():
        members = {s for s in site.data.subjects(RDF.type, cls) if isinstance(s, URIRef)}
        members |= {
            s
            for sub in site.data.subjects(RDFS.subClassOf, cls)
            for s in site.data.subjects(RDF.type, sub)
            if isinstance(s, URIRef)
        }
        items = "".join(
            f'<li><a href="/{escape(str(s)[len(BASE) :])}">{escape(labeller.label(s))}</a></li>'
            for s in sorted(members, key=lambda s: labeller.label(s))
        )
        out.append(f"<h3>{heading}</h3><ul>{items}</ul>")
    return "".join(out)


def query_forms() -> str:
    """Every stored query as a form with its parameters."""
    return "".join(_form(name, q) for name, q in stored_queries().items())


def _form(name: str, q: StoredQuery) -> str:
    inputs = "".join(
        f'<label>{escape(p.name)} <input name="{escape(p.name)}" value="{escape(p.default or "")}"></label> '
        for p in q.params
    )
    return f'<form class="q" action="/queries/{escape(name)}"><b>{escape(q.summary)}</b><br>{inputs}<button>Run</button></form>'


def stored_query(site: Site, name: str, environ: dict[str, Any]) -> Response:
    """A stored query run with the request's parameters: a page, or ``?format=`` a download."""
    params = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
    fmt = params.pop("format", None)
    lang = params.pop("lang", None)
    if name not in query_files():  # by catalogue name only: never a path
        raise HttpError("404 Not Found", "no stored query by that name; the home page lists them")
    query = get_query(name)
    try:
        result = site.engine.run(query.text, query.bindings(params))
    except QueryError as err:
        raise HttpError("400 Bad Request", err.message) from None
    if fmt:
        return format_result(result, fmt, site.context)
    labeller = site.labeller({**environ, "QUERY_STRING": f"lang={lang}" if lang else ""})
    body = [
        f"<h1>{escape(query.summary)}</h1>",
        f"<p>{escape(query.description)}</p>",
        f'<p class="src">Download: {_download_links(name, params, result)}</p>',
        _result_html(result, labeller),
    ]
    return Response("200 OK", page(query.summary, body).encode())


def _download_links(name: str, params: dict[str, str], result: QueryResult) -> str:
    qs = urllib.parse.urlencode(params)
    return " · ".join(
        f'<a href="/queries/{escape(name)}?{escape(qs)}&amp;format={f}">{f}</a>'
        for f in ("csv", "tsv", "json", "xml", "turtle")
        if (f == "turtle") == (result.kind == "graph")
    )


def _result_html(result: QueryResult, labeller: Labeller) -> str:
    if result.kind != "graph":
        return results_table(result, labeller)
    return f"<pre>{escape(result.graph.serialize(format='turtle') if result.graph else '')}</pre>"


def format_result(result: QueryResult, fmt: str, context: dict[str, Any]) -> Response:
    """A download of a stored query's answer (graph answers are always Turtle)."""
    if result.kind == "graph":
        assert result.graph is not None
        turtle = FORMATS["turtle"].media_type
        body = serialize_graph(bind_prefixes(result.graph), turtle, context)
        return Response("200 OK", body, f"{turtle}; charset=utf-8")
    if fmt not in SELECT_FORMATS:
        raise HttpError(
            "400 Bad Request", f"unknown format {fmt}; use one of {', '.join(SELECT_FORMATS)}"
        )
    return Response("200 OK", render(result, fmt).encode(), f"{MEDIA_TYPES[fmt]}; charset=utf-8")
