"""Where the project's files are, how to name them to a user, and how to write them safely.

Every file the tool writes goes through :func:`atomic_path`: a temporary file beside the
target that is moved into place only when it is complete.

>>> (project_root() / "ontology" / ONTOLOGY_FILE).is_file()
True
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError, SourceNotFound

ONTOLOGY_FILE = "turkestan-kg.ttl"
SHAPES_FILE = "shapes.ttl"


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``data/``: $TKG_HOME, or the checkout this runs from."""
    if env := os.environ.get("TKG_HOME"):
        return Path(env)
    for parent in [Path.cwd(), *Path(__file__).resolve().parents]:
        if (parent / "ontology").is_dir() and (parent / "data").is_dir():
            return parent
    raise SourceNotFound(
        "cannot find the project's ontology/ and data/ folders",
        hint="run from a turkestan-kg checkout or set TKG_HOME to one",
    )


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write to (directly or by a tool given its name);
    it is moved into place if the block succeeds and removed if it fails, so ``path`` is
    never half-written. A failed write becomes a BuildError naming ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        raise BuildError(f"cannot write {path}: {err.strerror}", file=str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
