"""The HTTP client's answer cache: answers by request, on disk (diskcache), with expiry and
a SHA-256 per entry, so a damaged entry is noticed, reported and fetched again.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import check_replaceable, claim, display_path, owner_kind

if TYPE_CHECKING:
    import diskcache

LOCK_WAIT = 5.0
"""Seconds to wait for another run's lock on the answer cache before going without it."""
Notice = Callable[[str], None]


class AnswerCache:
    """Answers by request, on disk (diskcache), with expiry and a SHA-256 per entry. The
    folder is marked as tkg's; a damaged one is reported and started afresh."""

    def __init__(self, folder: Path, ttl: float, notice: Notice) -> None:
        self.folder, self.ttl, self.notice = folder, ttl, notice
        check_replaceable(folder, "cache", looks_ours=_old_cache)
        self.store = self._open()

    def _open(self) -> diskcache.Cache | None:
        import diskcache

        if self.folder.exists() and owner_kind(self.folder) != "cache":
            _reset(self.folder)  # empty, or the loose answers of an earlier version
        self.folder.mkdir(parents=True, exist_ok=True)
        claim(self.folder, "cache")
        try:
            return diskcache.Cache(str(self.folder), timeout=LOCK_WAIT)
        except sqlite3.OperationalError as err:  # locked by another run: go without
            self.notice(f"the answer cache is busy ({err}); asking the server")
            return None
        except (sqlite3.DatabaseError, OSError) as err:
            where = display_path(self.folder)
            self.notice(f"the answer cache {where} was damaged ({err}); starting it anew")
            _reset(self.folder)
            claim(self.folder, "cache")
            return diskcache.Cache(str(self.folder), timeout=LOCK_WAIT)

    def close(self) -> None:
        """Close the cache's database."""
        if self.store is not None:
            self.store.close()

    def get(self, key: str) -> bytes | None:
        """The answer stored under ``key``, or None (expired, missing, or damaged)."""
        if self.store is None:
            return None
        try:
            value = self.store.get(key)
        except (sqlite3.DatabaseError, OSError) as err:
            self.notice(f"the answer cache could not be read ({err}); asking the server")
            return None
        if value is None:
            return None
        if not isinstance(value, bytes) or len(value) < 64 or not _intact(value):
            self.notice(
                f"a damaged entry in the answer cache {display_path(self.folder)} was dropped"
            )
            self.drop(key)
            return None
        return value[64:]

    def put(self, key: str, body: bytes) -> None:
        """Store an answer that passed its check."""
        digest = hashlib.sha256(body).hexdigest().encode("ascii")
        if self.store is None:
            return
        try:
            self.store.set(key, digest + body, expire=self.ttl)
        except (sqlite3.DatabaseError, OSError) as err:
            self.notice(f"the answer could not be cached ({err})")

    def drop(self, key: str) -> None:
        """Forget one entry."""
        if self.store is not None:
            with contextlib.suppress(sqlite3.DatabaseError, OSError):
                self.store.delete(key)


def _old_cache(folder: Path) -> bool:
    """The cache of earlier versions: nothing but ``<sha256>.json`` answer files."""
    return all(p.is_file() and len(p.stem) == 64 and p.suffix == ".json" for p in folder.iterdir())


def _reset(folder: Path) -> None:
    """Empty a cache folder that is tkg's (checked by the caller)."""
    import shutil

    for entry in folder.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _intact(value: bytes) -> bool:
    return hashlib.sha256(value[64:]).hexdigest().encode("ascii") == value[:64]
