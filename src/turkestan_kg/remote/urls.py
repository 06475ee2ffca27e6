"""URLs a user gives (endpoints, stores), judged on their parsed parts, never by pattern.

>>> http_url("http://127.0.0.1:7878/query")
'http://127.0.0.1:7878/query'
>>> http_url("not-a-url")
Traceback (most recent call last):
...
ValueError: 'not-a-url' is not an http or https URL
"""

from __future__ import annotations

import urllib.parse


def http_url(text: str) -> str:
    """``text`` if it is an absolute http(s) URL with a host (and a valid port), else a
    ValueError saying what is wrong with it."""
    try:
        parts = urllib.parse.urlsplit(text)
        _ = parts.port  # parsing the port raises for "http://h:99999" or "http://h:x"
    except ValueError as err:
        raise ValueError(f"{text!r} is not a URL: {err}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{text!r} is not an http or https URL")
    if not parts.hostname:
        raise ValueError(f"{text!r} names no host")
    return text
