"""HTTP content negotiation (RFC 9110) with Werkzeug's Accept parsers: the best of what we
offer for an ``Accept`` header, and the reader's languages for ``Accept-Language``.

Ties go to the server's order of preference (HTML first for browsers, which send
``text/html`` explicitly; Turtle first for RDF clients). A missing or empty header accepts
anything.

>>> choose("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"])
'text/html'
>>> choose("application/ld+json;q=0.9, text/turtle", ["text/html", "text/turtle", "application/ld+json"])
'text/turtle'
>>> choose("image/png", ["text/html"]) is None
True
>>> choose(None, ["text/turtle", "text/html"])
'text/turtle'
>>> languages("ru-RU,ru;q=0.9,en;q=0.5")
['ru-ru', 'ru', 'en']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

REMEMBERED_HEADER = 512
"""Accept headers up to this length have their choices remembered: clients send a few
headers again and again, and parsing one costs more than the rest of a cached answer."""


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client likes best, or None (answer 406)."""
    if not header or not header.strip():
        return offers[0] if offers else None
    if len(header) <= REMEMBERED_HEADER:
        return _remembered(header, tuple(offers))
    return _best(header, offers)


@lru_cache(maxsize=1024)
def _remembered(header: str, offers: tuple[str, ...]) -> str | None:
    return _best(header, offers)


def _best(header: str, offers: Sequence[str]) -> str | None:
    return parse_accept_header(header, MIMEAccept).best_match(offers)


def languages(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, best first, lower-cased."""
    accepted = parse_accept_header(header or "", LanguageAccept)
    return [tag.lower() for tag, q in accepted if q > 0 and tag != "*"]
