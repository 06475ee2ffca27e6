"""Files the server hands out: the ontology and shapes (Turtle or HTML), the published
``dist/``, the SPARQL editor and its static assets, the stylesheet and icon. Files are sent
by Starlette's ``StaticFiles`` (paths resolved inside their folder, ETag and
Last-Modified, ranges), with media types from the one format registry.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from collections.abc import Callable, Collection
from importlib.resources import files as package_files
from pathlib import Path, PurePosixPath

from rdflib import Graph
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles

from ..formats import FORMATS
from ..graph.files import parse_file
from ..paths import ONTOLOGY_FILE, SHAPES_FILE, project_root
from ..publish.htmldoc import ontology_page, shapes_page
from .conneg import choose
from .http import Endpoint, HttpError, Rendered, computed, not_acceptable
from .i18n import translator
from .pages import render
from .site import Site
from .views import HTML, HTML_SUFFIX

STATIC_SUFFIXES = (".js", ".css", ".map")
DIST_SUFFIXES = {f.file_extension for f in FORMATS.values()} | {".html", ".cff", ".svg", ""}
TURTLE = FORMATS["turtle"]
VOCABULARY_VIEWS = {HTML_SUFFIX: HTML, TURTLE.file_extension: TURTLE.media_type}
"""The ontology's and the shapes' views by URL suffix, HTML first (for browsers): their
documentation, or the Turtle file as written."""
ONTOLOGY_PATHS = ("/ontology", *(f"/ontology{suffix}" for suffix in VOCABULARY_VIEWS))
SHAPES_PATHS = ("/shapes", *(f"/shapes{suffix}" for suffix in VOCABULARY_VIEWS))
VERSIONED_ONTOLOGY = re.compile(r"[0-9.]+")


def register_media_types() -> None:
    """Teach ``mimetypes`` (which StaticFiles asks) every RDF and results format we publish."""
    for fmt in FORMATS.values():
        mimetypes.add_type(fmt.media_type, fmt.file_extension)
    mimetypes.add_type("text/javascript", ".js")


def assets() -> list[BaseRoute]:
    """The stylesheets, the editor's script and the site's icon (also at /favicon.ico)."""
    folder = package_files("turkestan_kg.web") / "templates"
    kinds = {".css": "text/css", ".svg": "image/svg+xml", ".js": "text/javascript"}
    answers = {
        name: Rendered((folder / name).read_bytes(), kinds[Path(name).suffix], _cached)
        for name in ASSETS
    }
    routes: list[BaseRoute] = [Route(f"/{name}", _constant(a)) for name, a in answers.items()]
    return [*routes, Route("/favicon.ico", _constant(answers["favicon.svg"]))]


ASSETS = ("site.css", "favicon.svg", "preview.css", "editor.js")
"""The pages' own files beside the templates: stylesheets, the icon, the editor's script
(pages hold no inline script or style, as the Content-Security-Policy asks)."""


_cached = (("Cache-Control", "max-age=86400"),)


def _constant(answer: Rendered) -> Endpoint:
    async def send(request: Request) -> Response:
        return answer.response()

    return send


def vocabularies(site: Site) -> list[BaseRoute]:
    """/ontology and /shapes (and /ontology/VERSION) as Turtle or HTML."""
    ontology = functools.partial(ontology_page, diagram=site.model, data=site.data, home="/")
    answer_ontology = vocabulary(site, ONTOLOGY_FILE, ontology)
    routes: list[BaseRoute] = [Route(p, answer_ontology) for p in ONTOLOGY_PATHS]
    routes.append(Route("/ontology/{version}", _versioned(answer_ontology)))
    answer_shapes = vocabulary(site, SHAPES_FILE, functools.partial(shapes_page, home="/"))
    routes += [Route(p, answer_shapes) for p in SHAPES_PATHS]
    return routes


def _versioned(answer: Endpoint) -> Endpoint:
    async def versioned(request: Request) -> Response:
        if not VERSIONED_ONTOLOGY.fullmatch(request.path_params["version"]):
            raise HttpError(404, f"no ontology version {request.path_params['version']}")
        return await answer(request)

    return versioned


def vocabulary(site: Site, filename: str, render_html: Callable[[Graph], str]) -> Endpoint:
    """The ontology or the shapes: Turtle as written, or its HTML documentation."""
    source = project_root() / "ontology" / filename

    def make(wants: str) -> Rendered:
        headers = (("Vary", "Accept"),)
        if wants == TURTLE.media_type:
            return Rendered(source.read_bytes(), wants, headers)
        return Rendered(render_html(parse_file(source)).encode(), HTML, headers)

    async def answer(request: Request) -> Response:
        wants = _vocabulary_type(request.url.path, request.headers.get("accept"))
        return await computed(lambda: make(wants))

    return answer


def _vocabulary_type(path: str, accept: str | None) -> str:
    """The media type a URL suffix names (``/ontology.ttl``), or the one ``accept`` prefers."""
    if (named := VOCABULARY_VIEWS.get(PurePosixPath(path).suffix)) is not None:
        return named
    offers = list(VOCABULARY_VIEWS.values())
    if (wants := choose(accept, offers)) is None:
        raise not_acceptable(f"{path} is", offers)
    return wants


START = "SELECT ?person ?name WHERE {\n  ?person a foaf:Person ;\n    skos:prefLabel ?name .\n}\nLIMIT 10"
"""The query the editor opens with, after the project's prefixes."""


def editor(site: Site) -> Endpoint:
    """YASGUI when its assets are installed, else a plain form; either opens with the
    project's prefixes, and YASGUI offers every stored query as an example."""

    async def answer(request: Request) -> Response:
        yasgui = (site.static / "yasgui.min.js").is_file()
        languages = site.languages(request)
        page = render(
            "editor.html",
            title=translator(languages).gettext("SPARQL editor"),
            languages=languages,
            here="/editor",
            yasgui=yasgui,
            **editor_data(site.query_names),
        )
        return Rendered(page.encode()).response()

    return answer


def editor_data(names: Collection[str] | None = None) -> dict[str, object]:
    """The editor's first query (the project's prefixes, then :data:`START`) and its
    examples, every stored query by name (of ``names``, the store runs, if given).

    >>> data = editor_data()
    >>> data["start"].splitlines()[0].startswith("PREFIX ")
    True
    """
    from ..namespaces import PREFIXES
    from ..sparql.catalogue import stored_queries

    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))
    examples = [
        {"name": name, "summary": q.summary, "text": q.text}
        for name, q in sorted(stored_queries().items())
        if names is None or name in names
    ]
    return {"start": prefixes + "\n" + START, "examples": examples}


def static_file(site: Site) -> Endpoint:
    """One of the editor's assets (no subfolders)."""
    return _folder(site.static, STATIC_SUFFIXES, "no static file {name}", max_age=3600)


def dist_file(site: Site) -> Endpoint:
    """A file of the last ``tkg build`` (the dataset description's download URLs)."""
    return _folder(
        site.dist, DIST_SUFFIXES, "no file {name} in the published data (run `tkg build`)"
    )


def _folder(root: Path, suffixes: Collection[str], missing: str, max_age: int = 0) -> Endpoint:
    sender = StaticFiles(directory=root, check_dir=False)
    headers = {"Cache-Control": f"max-age={max_age}"} if max_age else {}

    async def answer(request: Request) -> Response:
        name = request.path_params["name"]
        if "\x00" in name or Path(name).suffix not in suffixes or not root.is_dir():
            raise HttpError(404, missing.format(name=name))
        try:
            response = await sender.get_response(name, request.scope)
        except HTTPException as err:
            raise HttpError(err.status_code, missing.format(name=name)) from None
        response.headers.update(headers)
        return response

    return answer
