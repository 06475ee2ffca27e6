"""Build ``dist/``: load, validate, and write every format, replacing the old output whole.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "dist"
>>> result = build(out)
>>> sorted(p.name for p in result.files)[:2]
['ontology.ttl', 'shapes.ttl']
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, InvalidData
from .export import FORMATS, serialize, write_atomic
from .load import ONTOLOGY_FILE, SHAPES_FILE, KnowledgeGraph, load, project_root
from .validate import ValidationReport, validate

DIST_NAME = "turkestan-kg"
DEFAULT_FORMATS = ("turtle", "jsonld", "ntriples", "nquads", "trig", "rdfxml")


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote and the validation report it checked."""

    out_dir: Path
    files: tuple[Path, ...]
    report: ValidationReport


def build(
    out_dir: Path | str = "dist",
    *,
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    allow_invalid: bool = False,
) -> BuildResult:
    """Load and validate the graph, then write it to ``out_dir`` in every format.

    Invalid data is refused with :class:`InvalidData` unless ``allow_invalid``. The output is
    built in a temporary folder and swapped in at the end, so a failure leaves ``out_dir`` as
    it was.
    """
    kg = load(data_dir, ontology_dir)
    ontology = Path(ontology_dir) if ontology_dir else project_root() / "ontology"
    report = validate(kg, shapes=ontology / SHAPES_FILE)
    if not report.conforms and not allow_invalid:
        n = len(report.problems)
        raise InvalidData(
            f"the graph has {n} validation problem{'s' * (n != 1)}; nothing was written",
            hint="run `tkg validate` to see them, or pass --allow-invalid",
        )
    out = Path(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=_parent(out)))
    staging.chmod(0o755)
    try:
        names = _write_all(kg, ontology, report, staging)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out, tuple(out / n for n in names), report)


def _parent(out: Path) -> Path:
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _write_all(kg: KnowledgeGraph, ontology: Path, report: ValidationReport, to: Path) -> list[str]:
    names = []
    for name in DEFAULT_FORMATS:
        fmt = FORMATS[name]
        names.append(DIST_NAME + fmt.file_extension)
        write_atomic(to / names[-1], serialize(kg, fmt))
    for source, name in ((ONTOLOGY_FILE, "ontology.ttl"), (SHAPES_FILE, "shapes.ttl")):
        write_atomic(to / name, (ontology / source).read_bytes())
        names.append(name)
    write_atomic(to / "validation-report.ttl", report.to_turtle().encode())
    return sorted([*names, "validation-report.ttl"])


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is; the old ``out`` is removed only after that worked."""
    old = staging.with_name(staging.name + "-old")
    try:
        if out.exists():
            out.rename(old)
        staging.rename(out)
    except OSError as err:
        if old.exists() and not out.exists():
            old.rename(out)
        raise BuildError(f"cannot replace {out}: {err.strerror}", file=str(out)) from None
    shutil.rmtree(old, ignore_errors=True)
