"""One error hierarchy. Every error says what went wrong, where, and how to fix it.

>>> e = ParseError("unexpected end of file", file="data/x.ttl", line=3, column=11,
...                hint="close the string literal")
>>> str(e)
'data/x.ttl:3:11: unexpected end of file (close the string literal)'
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which tkg's start waits on
if TYPE_CHECKING:
    from typing import NoReturn

EXIT_CODES = {
    0: "done: the data conforms, the files are written, the links are fine",
    1: "findings or a failed step: invalid data, links that need attention, a bad file",
    2: "bad usage: an unknown option, a missing or malformed argument",
    3: "an endpoint could not be reached, refused, or answered something not to be trusted",
    130: "stopped by Ctrl-C: nothing half-written is left behind",
}
"""What ``tkg`` exits with; the command line's help and docs/reference/cli.md list them."""

INTERRUPTED = 130
"""The exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report it)."""


def is_interrupt(err: BaseException) -> bool:
    """Whether ``err`` is Ctrl-C: a KeyboardInterrupt, or the RuntimeError Python wraps one
    in when it comes while a class is being made (``__set_name__``)."""
    return isinstance(err, KeyboardInterrupt) or isinstance(err.__cause__, KeyboardInterrupt)


def interrupted() -> NoReturn:
    """Ctrl-C: say so in one line on stderr and exit 130."""
    sys.stderr.write("\nInterrupted.\n")
    sys.exit(INTERRUPTED)


class TkgError(Exception):
    """Base class of every error turkestan-kg raises on purpose."""

    exit_code = 1

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
        return printable(f"{text} ({self.hint})" if self.hint else text)


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


class QuerySyntaxError(QueryError):
    """A query text that is not SPARQL: where its parse stopped, and what was expected."""


class RemoteError(TkgError):
    """An endpoint or store over HTTP could not be reached, refused the request, or answered
    something that cannot be trusted (exit code 3)."""

    exit_code = 3


class EndpointError(QueryError, RemoteError):
    """A SPARQL endpoint failed to answer a query (a QueryError and a RemoteError)."""


def printable(text: str) -> str:
    r"""``text`` with control characters (a NUL read from a binary file, an escape sequence)
    shown as escapes, so a message cannot garble the terminal. Line breaks are kept.

    >>> print(printable("a NUL \x00 and an escape \x1b[31m"))
    a NUL \x00 and an escape \x1b[31m
    """
    return "".join(
        c if c.isprintable() or c == "\n" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


class UsageError(TkgError):
    """A call or command was given something it cannot take: an unknown engine or format, a
    mix of options that do not go together (exit code 2, as for bad usage on the command line)."""

    exit_code = 2


class QueryUsageError(UsageError, QueryError):
    """A stored query called wrongly: an unknown name or parameter, a missing or ill-typed
    value (a QueryError, with exit code 2 as a usage mistake)."""
