"""The ``tkg`` group, the options several commands share, and the output helper.

Commands import the library inside their bodies, so ``tkg --help`` loads click and nothing
heavy.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import click

from ..about import DISTRIBUTION
from ..errors import EXIT_CODES, TkgError, interrupted, is_interrupt
from ..paths import display_path, write_atomic
from ..sparql import DEFAULT_ENGINE

if TYPE_CHECKING:
    from ..dataset.api import Dataset

F = TypeVar("F", bound=Callable[..., object])


def source_options(func: F) -> F:
    """--data, --ontology and --base, shared by every command that reads the graph."""
    func = click.option(
        "--base",
        metavar="IRI",
        help="Resolve relative IRIs in the data files against this absolute IRI (an @base "
        "in a file comes first) [default: each file's own file: IRI].",
    )(func)
    func = click.option(
        "--ontology",
        "ontology_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder with turkestan-kg.ttl and shapes.ttl [default: ./ontology].",
    )(func)
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of data .ttl files [default: ./data].",
    )(func)


def store_option(help_text: str) -> Callable[[F], F]:
    """--store DIR (an on-disk Oxigraph store made by `tkg load --store`), as ``store_dir``."""
    return click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


def endpoint_options(
    help_text: str, *, timeout: float = 30.0, timeout_help: str = "Seconds to wait for --endpoint."
) -> Callable[[F], F]:
    """--endpoint URL (a SPARQL 1.1 query URL) and --timeout SECONDS, as ``endpoint`` and
    ``timeout``."""

    def decorate(func: F) -> F:
        func = click.option(
            "--timeout", type=SECONDS, default=timeout, show_default=True, help=timeout_help
        )(func)
        return click.option("--endpoint", type=URL, metavar="URL", help=help_text)(func)

    return decorate


def setting(
    *names: str, type: click.ParamType[object] | type, default: object, help: str | None = None
) -> Callable[[F], F]:
    """An option with a default, shown in ``--help``."""
    return click.option(*names, type=type, default=default, show_default=True, help=help)


def engine_option(registry: Mapping[str, str], help_text: str) -> Callable[[F], F]:
    """--engine NAME, one of a registry's entries (its first is the default)."""
    return click.option(
        "--engine",
        type=RegistryChoice(registry),
        default=next(iter(registry)),
        show_default=True,
        help=help_text,
    )


def url_option(*names: str, help_text: str) -> Callable[[F], F]:
    """An http(s) URL option (its flag, and the parameter's name if not the flag's),
    checked on its parsed parts."""
    return click.option(*names, type=URL, metavar="URL", help=help_text)


def out_option(
    help_text: str = "Write to this file (atomically) instead of standard output.",
) -> Callable[[F], F]:
    """--out FILE, for commands whose output goes to standard output by default (``-``, as
    for most tools, means standard output too)."""
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
        callback=lambda _ctx, _param, value: None if value == Path("-") else value,
        help=help_text,
    )


Command = Callable[..., None]


def pass_dataset(
    store_help: str,
    endpoint: Callable[[Command], Command] | None = None,
    *,
    query_engine: bool = False,
) -> Callable[[Command], Command]:
    """The options that say where the graph is (--data and --ontology, --store, and
    ``endpoint``'s --endpoint and --timeout when given), handed to the command as one
    ``dataset`` (a :class:`~turkestan_kg.dataset.api.Dataset`) instead. With
    ``query_engine`` the command's --engine names the embedded query engine too."""

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def with_dataset(**options: object) -> None:
            where = {k: options.pop(k, None) for k in WHERE}
            engine = str(options["engine"]) if query_engine else DEFAULT_ENGINE
            command(dataset=_dataset(where, engine), **options)

        wrapped = store_option(store_help)(source_options(with_dataset))
        return endpoint(wrapped) if endpoint is not None else wrapped

    return decorate


def check_base(base: str | None) -> str | None:
    """--base, checked (a UsageError unless it is an absolute IRI)."""
    from ..dataset.options import check_base as checked

    return checked(base)


WHERE = ("data_dir", "ontology_dir", "store_dir", "endpoint", "timeout", "base")
"""The options :func:`pass_dataset` turns into a Dataset."""


def _dataset(where: dict[str, object], engine: str) -> Dataset:
    """The Dataset the options in ``where`` (as click parsed them) name."""
    folder = {k: cast(Path | None, where[k]) for k in ("data_dir", "ontology_dir", "store_dir")}
    timeout = where["timeout"]
    return dataset_of(
        **folder,
        endpoint=cast(str | None, where["endpoint"]),
        timeout=timeout if isinstance(timeout, float) else 30.0,
        engine=engine,
        base=cast(str | None, where["base"]),
    )


def dataset_of(
    data_dir: Path | None = None,
    ontology_dir: Path | None = None,
    store_dir: Path | None = None,
    endpoint: str | None = None,
    timeout: float = 30.0,
    engine: str = DEFAULT_ENGINE,
    base: str | None = None,
) -> Dataset:
    """The library's :class:`~turkestan_kg.dataset.api.Dataset` for the options given."""
    from ..dataset.api import open as open_dataset

    return open_dataset(
        data_dir,
        ontology=ontology_dir,
        store=store_dir,
        endpoint=endpoint,
        engine=engine,
        timeout=timeout,
        base=base,
    )


def folder_option(default: str, help_text: str) -> Callable[[F], F]:
    """--out DIR, a folder the command writes, as ``out_dir``."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


def emit(data: str | bytes, out: Path | None, what: str = "") -> None:
    """Write ``data`` to ``out`` atomically (and say so on stderr, with ``what`` it holds),
    or to standard output."""
    if out is not None:
        write_atomic(out, data.encode("utf-8") if isinstance(data, str) else data)
        wrote(out, what)
        return
    click.echo(data.decode("utf-8") if isinstance(data, bytes) else data, nl=False)


def count(n: int, noun: str) -> str:
    """``n`` and the noun, singular or plural.

    >>> count(1, "row"), count(2, "row")
    ('1 row', '2 rows')
    """
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def wrote(out: Path, what: str = "") -> None:
    """One line on stderr: the file written, its size, and ``what`` it holds."""
    facts = [count(out.stat().st_size, "byte")] if out.is_file() else []  # not /dev/stdout
    facts += [what] if what else []
    click.echo(f"wrote {display_path(out)}" + (f" ({', '.join(facts)})" if facts else ""), err=True)


class HttpUrl(click.ParamType[str]):
    """An absolute http(s) URL, checked on its parsed parts (:func:`turkestan_kg.remote.urls.http_url`)."""

    name = "url"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from ..remote.urls import http_url

        try:
            return http_url(str(value))
        except ValueError as err:
            self.fail(str(err), param, ctx)


URL = HttpUrl()


class RegistryChoice(click.Choice[str]):
    """A choice among the names of one or more registries, read when asked (so an entry
    added to a registry is a choice too)."""

    def __init__(self, *registries: Mapping[str, object]) -> None:
        self.registries = registries
        super().__init__([])

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(name for registry in self.registries for name in registry)

    @choices.setter
    def choices(self, value: object) -> None:
        """Click sets the choices once; they are the registry's names instead."""


SECONDS = click.FloatRange(min=0, min_open=True)
COUNT = click.IntRange(min=0)


class TkgGroup(click.Group):
    """Turns every TkgError into one clear line on stderr and its exit code, and Ctrl-C into
    one line and exit code 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except TkgError as err:
            click.echo(f"Error: {one_line(str(err))}", err=True)
            sys.exit(err.exit_code)
        except (KeyboardInterrupt, RuntimeError) as err:
            if is_interrupt(err):
                interrupted()
            raise


def one_line(text: str) -> str:
    """An error's text on one line: what a server or a parser put on several is joined.

    >>> one_line("refused: HTTP 500\\nat line 2\\n")
    'refused: HTTP 500 / at line 2'
    """
    return " / ".join(part.strip() for part in text.strip().splitlines() if part.strip())


EPILOG = "\b\nExit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())


@click.group(cls=TkgGroup, epilog=EPILOG)
@click.version_option(package_name=DISTRIBUTION, prog_name="tkg")
def main() -> None:
    """turkestan-kg: the Communist Party of Turkestan (1918-1924) as a knowledge graph."""
    import logging
    import warnings

    logging.basicConfig(format="warning: %(message)s", level=logging.WARNING)
    # rdflib logs a traceback (and warns) for each ill-typed literal it reads; the data's
    # ill-typed literals are for validation to report, one line each
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=UserWarning, module="rdflib.term")
