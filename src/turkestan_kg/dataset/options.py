"""The checks on :func:`~.api.open`'s arguments: options that do not go together, and a base
IRI that is not one, are each a UsageError rather than silently ignored.

>>> check_base("https://example.org/data/")
'https://example.org/data/'
"""

from __future__ import annotations

from ..errors import UsageError
from ..sparql import DEFAULT_ENGINE


def check_open(data: object, store: object, endpoint: object, engine: str, timeout: float) -> None:
    """A UsageError for options that do not go together, rather than one silently ignored."""
    if store is not None and endpoint is not None:
        raise UsageError("give a store or an endpoint, not both", hint="drop one of the two")
    elsewhere = "a store" if store is not None else "an endpoint" if endpoint is not None else ""
    if elsewhere and data is not None:
        raise UsageError(f"data files go with the files, not with {elsewhere}")
    if elsewhere and engine != DEFAULT_ENGINE:
        raise UsageError(f"{elsewhere} answers its own queries", hint="drop the engine")
    if not timeout > 0:
        raise UsageError(f"a timeout of {timeout} s: give a number of seconds above 0")


def check_base_for(base: str | None, store: object, endpoint: object) -> None:
    """A UsageError unless ``base`` is an absolute IRI given for files."""
    if base is not None and (store is not None or endpoint is not None):
        raise UsageError("a base resolves the files' relative IRIs: it goes with files")
    check_base(base)


def check_base(base: str | None) -> str | None:
    """``base``, if it is an absolute IRI (as Oxigraph's parser checks one), else a
    UsageError; None stays None.

    >>> check_base("data/")
    Traceback (most recent call last):
    turkestan_kg.errors.UsageError: the base 'data/' is not an absolute IRI: No scheme found in an absolute IRI (give one such as https://example.org/data/)
    """
    if base is None:
        return None
    if not isinstance(base, str):
        raise UsageError(f"the base {base!r} is not an IRI", hint="give it as a string")
    import pyoxigraph as ox

    try:
        ox.NamedNode(base)
    except ValueError as err:
        raise UsageError(
            f"the base {base!r} is not an absolute IRI: {err}",
            hint="give one such as https://example.org/data/",
        ) from None
    return base
