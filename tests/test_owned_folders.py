"""Folders tkg replaces whole (a store, dist/) are marked; anything else is never replaced.

Each case runs the real command on a real folder and then checks that nothing of the user's
was touched, that the message names the folder, and the exit code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from turkestan_kg import build
from turkestan_kg.cli import main
from turkestan_kg.errors import BuildError
from turkestan_kg.paths import MARKER, swap_folder


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path) -> Iterator[Path]:
    monkeypatch.setenv("TKG_HOME", str(root))
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def tkg(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_load_store_refuses_the_working_folder(work: Path) -> None:
    (work / "thesis.docx").write_bytes(b"PK\x03\x04 a week of work")
    before = snapshot(work)
    result = tkg("load", "--store", ".")
    assert result.exit_code == 1
    assert "refusing to replace ." in result.output and "working folder" in result.output
    assert snapshot(work) == before
    assert sorted(p.name for p in work.iterdir()) == ["thesis.docx"]  # no staging left


@pytest.mark.parametrize("command", [["build", "--out"], ["load", "--store"]])
def test_a_folder_of_the_users_is_never_replaced(work: Path, command: list[str]) -> None:
    mine = work / "mine"
    mine.mkdir()
    (mine / "draft.md").write_text("my notes\n")
    result = tkg(*command, "mine")
    assert result.exit_code == 1
    assert "refusing to replace mine: it is not empty and was not made by tkg" in result.output
    assert snapshot(mine) == {"draft.md": b"my notes\n"}
    assert sorted(p.name for p in work.iterdir()) == ["mine"]


def test_a_file_is_not_a_folder(work: Path) -> None:
    (work / "dist").write_text("not a folder\n")
    result = tkg("build", "--out", "dist")
    assert result.exit_code == 2 and "'dist' is a file" in result.output  # click's own check
    with pytest.raises(BuildError, match="dist is a file, not a dist"):
        build(work / "dist")
    assert (work / "dist").read_text() == "not a folder\n"


def test_marked_folders_are_replaced_and_stay_marked(work: Path) -> None:
    assert tkg("build", "--out", "dist").exit_code == 0
    assert tkg("build", "--out", "dist").exit_code == 0
    assert (work / "dist" / MARKER).read_text().startswith("dist\n")
    assert tkg("load", "--store", "store").exit_code == 0
    assert tkg("load", "--store", "store").exit_code == 0
    assert (work / "store" / MARKER).read_text().startswith("store\n")
    assert tkg("query", "--store", "store", "tenures").exit_code == 0


def test_a_store_never_replaces_a_dist_nor_a_dist_a_store(work: Path) -> None:
    assert tkg("build", "--out", "dist").exit_code == 0
    assert tkg("load", "--store", "store").exit_code == 0
    result = tkg("load", "--store", "dist")
    assert result.exit_code == 1 and "it is a tkg dist" in result.output
    result = tkg("build", "--out", "store")
    assert result.exit_code == 1 and "it is a tkg store" in result.output


def test_an_empty_folder_is_used(work: Path) -> None:
    (work / "out").mkdir()
    assert tkg("build", "--out", "out").exit_code == 0
    assert (work / "out" / "SHA256SUMS").is_file()


def test_folders_made_before_markers_are_recognised(work: Path, root: Path) -> None:
    """A dist/ whose every file its SHA256SUMS lists was made by tkg before folders were
    marked."""
    build(work / "old-dist")
    (work / "old-dist" / MARKER).unlink()
    assert tkg("build", "--out", "old-dist").exit_code == 0
    del_marker = work / "old-dist" / MARKER
    del_marker.unlink()
    (work / "old-dist" / "notes.txt").write_text("mine\n")
    result = tkg("build", "--out", "old-dist")
    assert result.exit_code == 1 and (work / "old-dist" / "notes.txt").is_file()


def test_a_database_or_files_tkg_did_not_write_are_never_replaced(work: Path) -> None:
    """An unmarked RocksDB folder may be another program's database; a tkg store that also
    holds someone's notes is not all tkg's; a link is not the folder itself."""
    store = ox.Store(str(work / "other-db"))
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    store.flush()
    del store
    result = tkg("load", "--store", "other-db")
    assert result.exit_code == 1 and "was not made by tkg" in result.output
    assert len(ox.Store.read_only(str(work / "other-db"))) == 1
    assert tkg("load", "--store", "store").exit_code == 0
    (work / "store" / "my-notes.txt").write_text("mine\n")
    result = tkg("load", "--store", "store")
    assert result.exit_code == 1 and "also holds files tkg did not write" in result.output
    assert (work / "store" / "my-notes.txt").read_text() == "mine\n"
    (work / "link").symlink_to(work / "store")
    result = tkg("load", "--store", "link")
    assert result.exit_code == 1 and "it is a link" in result.output
    assert (work / "link").is_symlink()


def test_an_interrupted_build_leaves_the_previous_output(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import turkestan_kg.publish.dist as dist

    assert tkg("build", "--out", "dist").exit_code == 0
    before = snapshot(work / "dist")
    writes = 0

    def interrupted(path: Path, data: bytes) -> None:
        nonlocal writes
        writes += 1
        if writes == 5:
            raise KeyboardInterrupt
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr(dist, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dist.build(work / "dist")
    assert snapshot(work / "dist") == before
    assert sorted(p.name for p in work.iterdir()) == ["dist"]


def test_an_interrupted_swap_puts_the_old_folder_back(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, staging = work / "target", work / ".target-new"
    target.mkdir()
    (target / "old").write_text("old\n")
    staging.mkdir()
    (staging / "new").write_text("new\n")
    real_rename = Path.rename

    def rename(self: Path, to: Path) -> Path:
        if self == staging:
            raise KeyboardInterrupt
        return real_rename(self, to)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        swap_folder(staging, target)
    assert snapshot(target) == {"old": b"old\n"}


def test_a_parent_that_is_a_file_is_one_clear_error(work: Path) -> None:
    (work / "afile").write_text("x\n")
    with pytest.raises(BuildError, match="cannot write in afile"):
        build(work / "afile" / "dist")
    assert (work / "afile").read_text() == "x\n"


def test_export_of_a_store_reports_progress_and_writes_whole(work: Path) -> None:
    assert tkg("load", "--store", "store").exit_code == 0
    result = tkg("export", "--store", "store", "--format", "nquads", "--out", "all.nq")
    assert result.exit_code == 0
    size = (work / "all.nq").stat().st_size
    assert size > 100_000
    assert f"{size / 1e6:,.1f} MB written" in result.output
    assert sorted(p.name for p in work.iterdir()) == ["all.nq", "store"]
