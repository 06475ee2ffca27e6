"""Which URLs the server puts in front of a client, decided on parsed URLs
(:func:`urllib.parse.urlsplit`), never on text patterns: a live link only for an http(s)
IRI, a redirect or local link only to a path on this server, a public base URL only when it
is an http(s) origin.

>>> href("https://example.org/x"), href("javascript:alert(1)"), href("data:text/html,x")
('https://example.org/x', None, None)
>>> own_path("/person/x"), own_path("//evil.example/x"), own_path("/\\\\evil.example")
('/person/x', None, None)
>>> local_path("https://w3id.org/turkestan-kg/person/x")
'/person/x'
>>> public_url("https://kg.example.org/")
'https://kg.example.org'
"""

from __future__ import annotations

import urllib.parse

from ..errors import TkgError
from ..namespaces import BASE
from ..remote.urls import http_url

LINKED_SCHEMES = frozenset({"http", "https"})


def href(iri: str) -> str | None:
    """``iri`` if a page may link to it (http or https with a host), else None: an IRI
    with any other scheme (``javascript:``, ``data:``, ``file:``...) is shown as text."""
    try:
        parts = urllib.parse.urlsplit(iri)
    except ValueError:
        return None
    if parts.scheme not in LINKED_SCHEMES or not parts.netloc or _unsafe(iri):
        return None
    return iri


def own_path(target: str) -> str | None:
    """``target`` if it is a path on this server (no scheme, no host, one leading slash),
    else None: what redirects and local links may point to."""
    try:
        parts = urllib.parse.urlsplit(target)
    except ValueError:
        return None
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or _unsafe(target):
        return None
    if path[1:2] in ("/", "\\"):
        return None  # browsers read "//host" and "/\host" as another host
    return target


def local_path(iri: str) -> str | None:
    """The server path of one of our IRIs (``/person/x``), or None for outside IRIs and for
    ours whose path would leave this server."""
    if not iri.startswith(BASE):
        return None
    return own_path("/" + iri[len(BASE) :])


def _unsafe(url: str) -> bool:
    """Whether ``url`` holds characters browsers drop or read differently (controls and
    spaces), which would make the parsed URL mean something else to them."""
    return any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url)


def public_url(text: str) -> str:
    """A public base URL (``--base-url``) checked and without its trailing slash: http or
    https, a host, no query, fragment or user.

    >>> public_url("ftp://x")
    Traceback (most recent call last):
    ...
    turkestan_kg.errors.TkgError: the base URL 'ftp://x' is not an http(s) URL with a host
    """
    try:
        parts = urllib.parse.urlsplit(http_url(text))
    except ValueError:
        parts = None
    plain = parts is not None and not (parts.query or parts.fragment or parts.username)
    if not plain or href(text) is None:
        raise TkgError(f"the base URL {text!r} is not an http(s) URL with a host")
    return text.rstrip("/")
