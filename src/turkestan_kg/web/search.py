"""The search box on every page, and the page it opens: entities found by name with the
matcher reconciliation uses (any script, the usual romanizations, initials), people and
bodies before the records about them. The 404 page suggests from the same matcher
(:meth:`.site.Site.found`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .http import Endpoint, Rendered, computed
from .pages import language_preference, message_page
from .site import Site

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
    found = site.found(text, languages)
    said = (
        f"{len(found)} found for “{text}”, best first:"
        if found
        else f"Nothing in the graph is named like “{text}”."
    )
    return Rendered(message_page("Search", said, found, heading="").encode())
