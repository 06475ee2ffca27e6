"""Stored SPARQL queries: read their ``#+`` headers and bind typed parameters.

A stored query is a ``.rq`` file in ``queries/`` whose leading ``#+`` lines are YAML in the
style of grlc: ``summary``, ``description``, ``tags`` and ``params`` (name -> type, default,
description). Parameter values are turned into RDF terms of the declared type and bound as
such, never pasted into the query text.

>>> query = get_query("leaders-in-year")
>>> [p.name for p in query.params], query.bindings({"year": 1921})["year"].n3()
(['year'], '"1921"^^<http://www.w3.org/2001/XMLSchema#integer>')
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..errors import QueryError, QueryUsageError
from ..paths import display_path, project_root, read_text

if TYPE_CHECKING:
    from rdflib.term import Identifier

IRI_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", re.IGNORECASE)
XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_OFFSET = 2**62  # rows skipped by a page, within every engine's integers
PAGE_SIZE = 100  # rows per page of a query whose header names no page size
SAFE_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # libyaml when built with it
# Terms are made with rdflib, imported when a parameter is first bound: listing the catalogue
# (`tkg queries`, the docs) needs only the headers.


def _integer(value: str) -> Identifier:
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ValueError("expected a whole number, e.g. 1921")
    from rdflib import Literal, URIRef

    return Literal(int(value), datatype=URIRef(XSD + "integer"))


def _year(value: str) -> Identifier:
    if not re.fullmatch(r"-?[0-9]{4}", value):
        raise ValueError("expected a four-digit year, e.g. 1921")
    from rdflib import Literal, URIRef

    return Literal(value, datatype=URIRef(XSD + "gYear"))


def _iri(value: str) -> Identifier:
    """An absolute IRI, or one of the project's CURIEs (``person:turar-risqulov``), expanded."""
    from rdflib import URIRef

    from ..namespaces import PREFIXES

    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not IRI_PATTERN.fullmatch(value):
        raise ValueError(
            "expected an absolute IRI or a CURIE, e.g. person:turar-risqulov or "
            "https://w3id.org/turkestan-kg/person/turar-risqulov"
        )
    return URIRef(value)


def _string(value: str) -> Identifier:
    from rdflib import Literal

    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8 on the way in
        raise ValueError("expected text in UTF-8 (it holds bytes that are not)") from None
    return Literal(value)


PARAM_TYPES: dict[str, Callable[[str], Identifier]] = {
    "xsd:integer": _integer,
    "xsd:gYear": _year,
    "iri": _iri,
    "xsd:string": _string,
}


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str
    default: str | None
    description: str
    example: str | None = None
    """A value to show and test with, for a parameter that has no default (it is required)."""

    def to_term(self, value: object) -> Identifier:
        """The RDF term for ``value`` (text, or a whole number), or QueryError saying what
        was expected."""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise QueryUsageError(
                f"bad value {value!r} for parameter {self.name!r}: expected text or a whole "
                f"number, not {type(value).__name__}"
            )
        try:
            return PARAM_TYPES[self.type](str(value))
        except ValueError as err:
            raise QueryUsageError(
                f"bad value {value!r} for parameter {self.name!r}: {err}"
            ) from None


@dataclass(frozen=True)
class StoredQuery:
    """A ``.rq`` file with its header.

    >>> query = get_query("tenures")
    >>> query.name, query.tags
    ('tenures', ('leaders', 'time'))
    """

    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    page_size: int | None = None
    """From the header's ``page-size``: the answer grows with the data, so the query is
    shown a page at a time, in the store's own order (see :meth:`page`)."""

    @classmethod
    def from_file(cls, path: Path) -> StoredQuery:
        """The query in ``path``, its ``#+`` header read (a bad header is a QueryError
        naming the file).

        >>> StoredQuery.from_file(queries_dir() / "tenures.rq").summary
        'Every leadership tenure, in order'
        """
        text = read_text(path)
        header = _header(text, path)
        return cls(
            name=path.stem,
            path=path,
            summary=str(header.get("summary", "")),
            description=str(header.get("description", "")).strip(),
            tags=_tags(path, header.get("tags", [])),
            params=_params(path, header.get("params", {})),
            text=text,
            page_size=_page_size(path, header.get("page-size")),
        )

    def page(self, number: int, size: int | None = None) -> StoredQuery:
        """This query cut to page ``number`` (from 1) of ``size`` rows (default: the header's
        page size, else 100). A query with a page size in its header gives pages in the
        store's order, at once; any other keeps its ORDER BY (see :func:`~.text.paged`).

        >>> len(open().query(get_query("tenures").page(1, 2), expect="rows"))
        2
        """
        from .text import paged, query_form

        if number < 1 or (size is not None and size < 1):
            raise QueryError("pages and page sizes count from 1")
        if query_form(self.text) != "SELECT":
            raise QueryError(f"query {self.name!r} is not a SELECT query; only rows are paged")
        size = size or self.page_size or PAGE_SIZE
        if (number - 1) * size > MAX_OFFSET or size > MAX_OFFSET:
            raise QueryError(
                f"page {number} of {size} rows is past any answer a store can hold",
                hint="the last page is the first with fewer rows than the page size",
            )
        text = paged(self.text, number, size, keep_order=self.page_size is None)
        return dataclasses.replace(self, text=text)

    def examples(self) -> dict[str, str]:
        """A value for every parameter: its default, or its example if it has none.

        >>> get_query("describe-entity").examples()
        {'entity': 'tenure:abdullo-rakhimbayev-1922'}
        """
        return {p.name: value for p in self.params if (value := p.default or p.example)}

    def bindings(self, values: Mapping[str, object]) -> dict[str, Identifier]:
        """Typed RDF terms for every parameter, from ``values`` or the defaults.

        >>> get_query("leaders-in-year").bindings({"year": "1919"})["year"].n3()
        '"1919"^^<http://www.w3.org/2001/XMLSchema#integer>'
        """
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise QueryUsageError(
                f"query {self.name!r} has no parameter {sorted(unknown)[0]!r}",
                hint=f"its parameters: {known}",
            )
        bound = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                raise QueryUsageError(
                    f"query {self.name!r} needs a value for {param.name!r}",
                    hint=f"e.g. {param.name}={param.example}" if param.example else None,
                )
            bound[param.name] = param.to_term(value)
        return bound


def _header(text: str, path: Path) -> dict[str, object]:
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    try:
        header = yaml.load("\n".join(lines), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as err:
        raise QueryError(
            f"the #+ header is not valid YAML: {err}", file=display_path(path)
        ) from None
    if not isinstance(header, dict) or "summary" not in header:
        raise QueryError("the #+ header needs at least a summary", file=display_path(path))
    return {str(key): value for key, value in header.items()}


def _tags(path: Path, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise QueryError("tags must be a list, e.g. [leaders, time]", file=display_path(path))
    return tuple(str(tag) for tag in value)


def _params(path: Path, value: object) -> tuple[Param, ...]:
    if not isinstance(value, dict) or not all(isinstance(s, dict) for s in value.values()):
        raise QueryError(
            "params must map each parameter's name to its type, default and description",
            file=display_path(path),
        )
    return tuple(_param(path, str(name), spec) for name, spec in value.items())


def _page_size(path: Path, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise QueryError("page-size must be a whole number above 0", file=display_path(path))
    return value


def _param(path: Path, name: str, spec: Mapping[str, object]) -> Param:
    kind = str(spec.get("type", ""))
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"parameter {name!r} has unknown type {kind!r}",
            file=display_path(path),
            hint=f"use one of {', '.join(PARAM_TYPES)}",
        )
    default, example = spec.get("default"), spec.get("example")
    return Param(
        name,
        kind,
        None if default is None else str(default),
        str(spec.get("description", "")),
        None if example is None else str(example),
    )


def queries_dir() -> Path:
    """The project's ``queries/`` folder."""
    return project_root() / "queries"


def query_files(folder: Path | None = None) -> dict[str, Path]:
    """The ``.rq`` files of a folder by query name, in name order (nothing is parsed)."""
    return {p.stem: p for p in sorted((folder or queries_dir()).glob("*.rq"))}


def stored_queries(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query of a folder (the project's ``queries/`` by default), by name.

    >>> "leaders-in-year" in stored_queries()
    True
    """
    return {name: StoredQuery.from_file(path) for name, path in query_files(folder).items()}


def get_query(name: str, folder: Path | None = None) -> StoredQuery:
    """One stored query by name, or QueryError suggesting the closest. The name is looked up
    among the catalogue's files, never made into a path; only that one file is parsed.

    >>> get_query("leaders-in-year").params[0].default
    '1921'
    >>> get_query("tenure")
    Traceback (most recent call last):
    turkestan_kg.errors.QueryUsageError: no stored query named 'tenure' (did you mean tenures?; `tkg queries` lists them)
    """
    catalogue = query_files(folder)
    if name in catalogue:
        return StoredQuery.from_file(catalogue[name])
    close = difflib.get_close_matches(name, list(catalogue), n=1)
    hint = f"did you mean {close[0]}?" if close else f"stored queries: {', '.join(catalogue)}"
    raise QueryUsageError(
        f"no stored query named {name!r}", hint=f"{hint}; `tkg queries` lists them"
    )
