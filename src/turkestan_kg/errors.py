"""One error hierarchy. Every error says what went wrong, where, and how to fix it.

>>> e = ParseError("unexpected end of file", file="data/x.ttl", line=3, column=11,
...                hint="close the string literal")
>>> str(e)
'data/x.ttl:3:11: unexpected end of file (close the string literal)'
"""

from __future__ import annotations


class TkgError(Exception):
    """Base class of every error turkestan-kg raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        entity: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.entity = entity
        self.hint = hint

    def location(self) -> str:
        """``file:line:column`` with what is known, or the entity, or ''."""
        parts = [str(p) for p in (self.file, self.line, self.column) if p is not None]
        where = ":".join(parts)
        if self.entity:
            where = f"{where} <{self.entity}>" if where else f"<{self.entity}>"
        return where

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ParseError(TkgError):
    """An ontology, data, shapes or query file is not well-formed."""


class SourceNotFound(TkgError):
    """A file or folder the command needs does not exist."""


class InvalidData(TkgError):
    """The graph does not conform to the shapes (raised by ``build``)."""


class BuildError(TkgError):
    """Writing the output failed; the previous output is left in place."""


class QueryError(TkgError):
    """A stored query is missing, malformed, or was given bad parameters."""
