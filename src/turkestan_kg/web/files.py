"""Files the server hands out: the ontology and shapes (Turtle or HTML), the published
``dist/``, the SPARQL editor and its static assets. Every path is resolved and checked
against its root before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import Graph

from ..formats import FORMATS
from ..graph.files import parse_file
from ..paths import project_root
from .conneg import choose
from .http import HttpError, Response
from .pages import page
from .site import Site

STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}
DIST_TYPES = {
    **{f.file_extension: f.media_type for f in FORMATS.values()},
    ".html": "text/html",
    "": "text/plain",
}
EDITOR_SCRIPT = (
    "<script>window.yasgui = new Yasgui(document.getElementById('yasgui'), "
    "{requestConfig: {endpoint: '/sparql', method: 'POST'}, copyEndpointOnNewTab: false, "
    "endpointCatalogueOptions: {getData: () => [{endpoint: '/sparql'}]}});</script>"
)


def vocabulary(
    environ: dict[str, Any], path: str, filename: str, render_html: Callable[[Graph], str]
) -> Response:
    """The ontology or the shapes: Turtle as written, or its HTML documentation."""
    source = project_root() / "ontology" / filename
    wants = _vocabulary_type(environ, path)
    headers = (("Vary", "Accept"),)
    if wants == "text/turtle":
        return Response("200 OK", source.read_bytes(), "text/turtle; charset=utf-8", headers)
    return Response("200 OK", render_html(parse_file(source)).encode(), headers=headers)


def _vocabulary_type(environ: dict[str, Any], path: str) -> str:
    if path.endswith(".ttl"):
        return "text/turtle"
    if path.endswith(".html"):
        return "text/html"
    wants = choose(environ.get("HTTP_ACCEPT"), ["text/html", "text/turtle"])
    if wants is None:
        raise HttpError("406 Not Acceptable", f"{path} is available as text/html and text/turtle")
    return wants


def editor(site: Site) -> Response:
    """YASGUI when its assets are installed, else a plain form."""
    if (site.static / "yasgui.min.js").is_file():
        head = '<link rel="stylesheet" href="/static/yasgui.min.css"><script src="/static/yasgui.min.js"></script>'
        body = ["<h1>SPARQL editor</h1>", '<div id="yasgui"></div>', EDITOR_SCRIPT]
        return Response("200 OK", page("SPARQL editor", body, head=head).encode())
    body = [
        "<h1>SPARQL editor</h1>",
        "<p>The full editor (YASGUI) is installed by <code>python3 tasks.py setup</code>; this is the plain form.</p>",
        '<form method="post" action="/sparql"><textarea name="query" rows="12" cols="80">SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br><button>Run</button></form>',
    ]
    return Response("200 OK", page("SPARQL editor", body).encode())


def static_file(site: Site, path: str) -> Response:
    """One of the editor's assets (no subfolders)."""
    name = path.removeprefix("/static/")
    target = (site.static / name).resolve()
    if (
        "/" in name
        or target.parent != site.static.resolve()
        or not target.is_file()
        or target.suffix not in STATIC_TYPES
    ):
        raise HttpError("404 Not Found", f"no static file {name}")
    return Response(
        "200 OK",
        target.read_bytes(),
        f"{STATIC_TYPES[target.suffix]}; charset=utf-8",
        (("Cache-Control", "max-age=3600"),),
    )


def dist_file(site: Site, name: str) -> Response:
    """A file of the last ``tkg build`` (the dataset description's download URLs)."""
    root = site.dist.resolve()
    try:
        target = (root / name).resolve()
    except (ValueError, OSError):  # a NUL byte or a name the file system refuses
        raise HttpError("404 Not Found", "no such file in the published data") from None
    if not target.is_file() or root not in target.parents or target.suffix not in DIST_TYPES:
        raise HttpError("404 Not Found", f"no file {name} in the published data (run `tkg build`)")
    return Response("200 OK", target.read_bytes(), f"{DIST_TYPES[target.suffix]}; charset=utf-8")
