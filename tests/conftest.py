"""Shared fixtures. Every test works in a temporary folder, never the real data folder."""

from __future__ import annotations

import errno
import os

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reflect.paths import ENV_HOME

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKS = PROJECT_ROOT / "prompts"


@pytest.fixture(autouse=True)
def _no_real_data_folder(tmp_path_factory, monkeypatch):
    """Point every default (REFLECT_HOME, XDG, HOME) at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(ENV_HOME, str(home / "reflect-home"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("REFLECT_DEBUG", raising=False)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def workspace(data_dir: Path, clock: FakeClock):
    from reflect.workspace import Workspace

    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS])
    yield ws
    ws.close()


class OsWithFailure:
    """The ``os`` module as the atomic writer sees it, with one call failing like a full disk.

    ``succeed_first`` calls go through before the failures start.
    """

    def __init__(self, name: str, succeed_first: int = 0) -> None:
        self._name = name
        self._succeed_first = succeed_first
        self.calls = 0

    def __getattr__(self, attr: str):
        real = getattr(os, attr)
        if attr != self._name:
            return real

        def failing(*args, **kwargs):
            self.calls += 1
            if self.calls > self._succeed_first:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return failing


def keep_copy_of_space(space_file, into):
    """Copy a space as it is on disk (its file and its change log, if any) into folder ``into``."""
    import shutil
    from pathlib import Path

    from reflect.storage.changelog import log_path

    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(space_file, into / "space")
    log = log_path(space_file)
    (into / "log").unlink(missing_ok=True)
    if log.exists():
        shutil.copy(log, into / "log")


def put_back_space(into, space_file):
    """Put a copy made by :func:`keep_copy_of_space` back over the space, log and all."""
    import shutil
    from pathlib import Path

    from reflect.storage.changelog import log_path

    into = Path(into)
    shutil.copy(into / "space", space_file)
    log = log_path(space_file)
    log.unlink(missing_ok=True)
    if (into / "log").exists():
        shutil.copy(into / "log", log)


def space_bytes(space_file):
    """A space's file and change log, byte for byte."""
    from reflect.storage.changelog import log_path

    log = log_path(space_file)
    return space_file.read_bytes(), (log.read_bytes() if log.exists() else None)


def fold_change_log(space_file):
    """Fold a closed plain space's change log into its file, so the file holds everything
    (for tests that read or hand-edit the file itself)."""
    import orjson

    from reflect.storage.space_store import SpaceStore

    space = orjson.loads(space_file.read_bytes())["_meta"]["space"]["space"]
    with SpaceStore.open(space_file, space=space, create=False) as store:
        store.compact()
