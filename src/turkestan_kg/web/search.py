"""The search box on every page, and the page it opens: entities found by name with the
matcher reconciliation uses (any script, the usual romanizations, initials), people and
bodies before the records about them. The 404 page suggests from the same matcher
(:meth:`.site.Site.found`).
"""

from __future__ import annotations

import urllib.parse

from starlette.requests import Request
from starlette.responses import Response

from .http import Endpoint, Rendered, computed
from .i18n import N_, translator
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
    words = translator(languages)
    here = f"/search?{urllib.parse.urlencode({'q': text})}"
    if not text:
        said = words.gettext("Type a name in the search box.")
        return Rendered(message_page(SEARCH, said, languages=languages, here=here).encode())
    found = site.found(text, languages)
    if found:
        said = words.ngettext(
            "%(count)d found for “%(text)s”, best first:",
            "%(count)d found for “%(text)s”, best first:",
            len(found),
        ) % {"count": len(found), "text": text}
    else:
        said = words.gettext("Nothing in the graph is named like “%(text)s”.") % {"text": text}
    page = message_page(SEARCH, said, found, heading="", languages=languages, here=here)
    return Rendered(page.encode())


SEARCH = N_("Search")
