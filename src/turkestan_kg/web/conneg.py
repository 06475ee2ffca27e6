"""HTTP content negotiation (RFC 9110): pick the best of what we offer for an Accept header.

Handles lists, q-values, ``type/*`` and ``*/*``, and prefers the more specific range when
several match. Ties go to the server's order of preference (HTML first for browsers, which
send ``text/html`` explicitly; Turtle first for RDF clients).

>>> choose("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"])
'text/html'
>>> choose("application/ld+json;q=0.9, text/turtle", ["text/html", "text/turtle", "application/ld+json"])
'text/turtle'
>>> choose("image/png", ["text/html"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``offer`` (0 if none matches)."""
    best_specificity, best_q = -1, 0.0
    kind = offer.split("/")[0]
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_q


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client likes best, or None (answer 406)."""
    ranges = parse_accept(header)
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None
