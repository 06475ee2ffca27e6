"""Where the project's files are, how to name them to a user, and how to write them safely.

Every file the tool writes goes through :func:`atomic_path`: a temporary file beside the
target that is moved into place only when it is complete.

>>> (project_root() / "ontology" / ONTOLOGY_FILE).is_file()
True
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError, ParseError, SourceNotFound

ONTOLOGY_FILE = "turkestan-kg.ttl"
SHAPES_FILE = "shapes.ttl"


def project_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``: $TKG_HOME, else the
    checkout this runs in or from, else the copy the installed package carries."""
    if env := os.environ.get("TKG_HOME"):
        home = Path(env)
        if not _holds_knowledge(home):
            raise SourceNotFound(
                f"TKG_HOME is {env}, which has no ontology/{ONTOLOGY_FILE} and data/",
                hint="point TKG_HOME at a turkestan-kg checkout, or unset it",
            )
        return home
    for parent in [Path.cwd(), *Path(__file__).resolve().parents]:
        if _holds_knowledge(parent):
            return parent
    installed = Path(__file__).resolve().parent / PACKAGED
    if _holds_knowledge(installed):
        return installed
    raise SourceNotFound(
        "cannot find the project's ontology/ and data/ folders",
        hint="reinstall turkestan-kg, run from a checkout, or set TKG_HOME to one",
    )


PACKAGED = "knowledge"
"""The folder of the installed package that carries the ontology, data and queries."""


def _holds_knowledge(folder: Path) -> bool:
    return (folder / "ontology" / ONTOLOGY_FILE).is_file() and (folder / "data").is_dir()


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def existing(path: Path) -> Path:
    """The path itself, or SourceNotFound naming it."""
    if not path.is_file():
        raise SourceNotFound(f"file not found: {display_path(path)}", hint="check the path")
    return path


def read_text(path: Path) -> str:
    """A UTF-8 text file's text, or one ParseError (not UTF-8) or SourceNotFound naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(
            f"not UTF-8 text (byte {err.start})", file=display_path(path), hint="save it as UTF-8"
        ) from None
    except OSError as err:
        raise SourceNotFound(f"cannot read {display_path(path)}: {err.strerror}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write to (directly or by a tool given its name);
    it is moved into place if the block succeeds and removed if it fails, so ``path`` is
    never half-written. A failed write becomes a BuildError naming ``path``."""
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise BuildError(
            f"cannot write {display_path(path)}: {display_path(blocking)} is a file, not a folder",
            hint="give a path in a folder you can write to",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as err:
        raise BuildError(
            f"cannot write {display_path(path)}: {err.strerror}",
            hint="give a path in a folder you can write to",
        ) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        if path.exists() and not path.is_file():  # /dev/null, /dev/stdout, a pipe: not ours
            _copy_into(tmp, path)
        else:
            os.replace(tmp, path)
    except OSError as err:
        raise BuildError(f"cannot write {path}: {err.strerror}", file=str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _copy_into(tmp: Path, target: Path) -> None:
    """Write ``tmp``'s bytes into ``target``, which is not a regular file (a device, a pipe):
    it is written to, never replaced."""
    if target.is_dir():
        raise IsADirectoryError(21, "it is a folder")
    with tmp.open("rb") as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------- folders the tool owns

MARKER = ".turkestan-kg"
"""The file that marks a folder as made by tkg (a store, dist/), so tkg may replace it whole."""


def marker_text(kind: str) -> bytes:
    """What the marker of a ``kind`` of folder says."""
    return f"{kind}\nMade by turkestan-kg; `tkg` replaces this folder whole.\n".encode()


def claim(folder: Path, kind: str) -> None:
    """Mark ``folder`` (being built) as a ``kind`` that tkg made and may replace."""
    (folder / MARKER).write_bytes(marker_text(kind))


def owner_kind(folder: Path) -> str | None:
    """The kind a marked folder says it is, or None."""
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        return marker.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    except (OSError, UnicodeDecodeError):
        return None


def check_replaceable(
    target: Path,
    kind: str,
    *,
    looks_ours: Callable[[Path], bool] = lambda _: False,
    holds_only_ours: Callable[[Path], bool] = lambda _: True,
) -> None:
    """Refuse to replace ``target`` unless it is missing, empty, marked as a ``kind`` by tkg
    and holding nothing else than ``holds_only_ours`` allows, or (for folders made before
    markers) ``looks_ours``. Never the working folder, nor a link."""
    if not _checked_place(target, kind):
        return
    made = owner_kind(target)
    if made == kind and holds_only_ours(target):
        return
    if made is None and (_empty(target) or looks_ours(target)):
        return
    raise BuildError(
        f"refusing to replace {display_path(target)}: it is {_whose(made, kind)}",
        hint=f"give a new or empty folder for the {kind}, or move that folder's files away",
    )


def _checked_place(target: Path, kind: str) -> bool:
    """Whether ``target`` exists (False: nothing to replace); a BuildError for a link, a
    file or the working folder, which are never replaced."""
    where = display_path(target)
    if target.is_symlink():
        raise BuildError(
            f"refusing to replace {where}: it is a link", hint=f"give the {kind}'s own folder"
        )
    if not target.exists():
        return False
    if not target.is_dir():
        raise BuildError(f"{where} is a file, not a {kind}", hint="give a folder's path")
    if Path.cwd().resolve().is_relative_to(target.resolve()):
        raise BuildError(
            f"refusing to replace {where}: it holds the working folder",
            hint=f"give a new folder for the {kind}, e.g. ./{kind}",
        )
    return True


def _whose(made: str | None, kind: str) -> str:
    if made == kind:
        return f"a tkg {kind} that also holds files tkg did not write"
    return f"a tkg {made}" if made else "not empty and was not made by tkg"


def _empty(folder: Path) -> bool:
    return next(folder.iterdir(), None) is None


def staging_folder(target: Path) -> Path:
    """A new, empty folder beside ``target`` to build into (its parent is created)."""
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.absolute().name}-", dir=parent))
    except OSError as err:
        raise BuildError(f"cannot write in {display_path(parent)}: {err.strerror}") from None
    staging.chmod(0o755)
    return staging


def swap_folder(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is, atomically on one file system; the previous
    ``target`` is removed only once the new one is in place, and put back if that fails
    (Ctrl-C included)."""
    old = staging.with_name(staging.name + "-old")
    moved = False
    try:
        if target.exists():
            target.rename(old)
            moved = True
        staging.rename(target)
    except BaseException as err:
        if moved and not target.exists():
            old.rename(target)
        if isinstance(err, OSError):
            raise BuildError(f"cannot replace {display_path(target)}: {err.strerror}") from None
        raise
    if moved:
        shutil.rmtree(old, ignore_errors=True)
