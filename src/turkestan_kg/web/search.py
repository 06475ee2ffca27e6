"""The search box on every page, and the page it opens: entities found by name with the
matcher reconciliation uses (any script, the usual romanizations, initials), people and
bodies before the records about them. The 404 page suggests from the same matcher.

>>> words_of("/person/turar-rysqulov")
'turar rysqulov'
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response

from .http import Rendered, computed
from .pages import Value, language_preference, link, message_page
from .site import Site

Endpoint = Callable[[Request], Awaitable[Response]]
MAX_TEXT = 200
"""Characters of a search that are read (a name is shorter)."""


def search_page(site: Site) -> Endpoint:
    """``/search?q=TEXT``: the entities TEXT names, as links, best first."""

    async def answer(request: Request) -> Response:
        text = request.query_params.get("q", "")[:MAX_TEXT].strip()
        languages = language_preference(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        return await computed(lambda: _results(site, text, languages))

    return answer


def _results(site: Site, text: str, languages: list[str]) -> Rendered:
    if not text:
        return Rendered(message_page("Search", "Type a name in the search box.").encode())
    found = found_links(site, text, languages)
    said = (
        f"{len(found)} found for “{text}”, best first:"
        if found
        else f"Nothing in the graph is named like “{text}”."
    )
    return Rendered(message_page("Search", said, found, heading="").encode())


def found_links(site: Site, text: str, languages: list[str], limit: int = 10) -> list[Value]:
    """Links to the entities ``text`` names, best first."""
    labeller = site.labeller(languages)
    return [link(URIRef(m.entity), labeller) for m in site.dataset.search(text, limit=limit)]


def words_of(path: str) -> str:
    """The words of a page's path, as a name to search for (its last part, dashes as
    spaces)."""
    return path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
