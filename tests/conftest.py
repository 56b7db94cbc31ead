"""Shared fixtures. Every test works in a temporary folder, never the real data folder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reflect.paths import ENV_HOME
from tests.helpers import (
    CLI_PASS_A,
    CLI_PASS_B,
    DEFAULT_PACKS,
    PROJECT_ROOT,
    open_couple,
    open_fresh,
    open_solo,
    run_cli,
)
from tests.helpers import unlock_as as _unlock_as

__all__ = ["DEFAULT_PACKS", "PROJECT_ROOT"]


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow: real key derivation, processes that are killed, many generated examples; "
        "`pytest -m \"not slow\"` leaves them out"
    )


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


class Seconds:
    """A monotonic clock (seconds) that only moves when told: the idle lock's and the pause's."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def workspace(data_dir: Path, clock: FakeClock):
    from reflect.usecases.workspace import Workspace

    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS])
    yield ws
    ws.close()


class Workspaces:
    """Opens workspaces for a test and closes every one of them after it."""

    def __init__(self, data_dir: Path, clock: FakeClock) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.opened: list = []

    def _keep(self, ws):
        self.opened.append(ws)
        return ws

    def fresh(self, **options):
        """Nobody set up yet."""
        return self._keep(open_fresh(self.data_dir, self.clock, **options))

    def solo(self, **options):
        """Robin, passphrase-protected, unlocked."""
        return self._keep(open_solo(self.data_dir, self.clock, **options))

    def couple(self):
        """Alex and Sam, locked."""
        return self._keep(open_couple(self.data_dir, self.clock))

    def close_all(self) -> None:
        for ws in self.opened:
            ws.close()


@pytest.fixture
def workspaces(data_dir: Path, clock: FakeClock):
    """``workspaces.solo()``, ``.couple()``, ``.fresh()``: each one closed after the test."""
    opener = Workspaces(data_dir, clock)
    yield opener
    opener.close_all()


@pytest.fixture
def solo_ws(workspaces):
    """A passphrase-protected solo journal, unlocked."""
    return workspaces.solo()


@pytest.fixture
def couple_ws(workspaces):
    """Alex and Sam, set up and locked."""
    return workspaces.couple()


@pytest.fixture
def couple(couple_ws):
    """(workspace, Alex, Sam), set up and locked: for tests below the screens."""
    alex, sam = couple_ws.household.profiles
    return couple_ws, alex, sam


@pytest.fixture
def cheap_kdf(monkeypatch):
    """The command line derives keys with the cheap test parameters."""
    from reflect.storage.sealed import KdfParams

    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)


@pytest.fixture
def cli_couple(tmp_path, capsys, monkeypatch, cheap_kdf) -> str:
    """A data folder (as a string) with Alex and Sam, set up through the command line."""
    data = str(tmp_path / "d")
    code, out, _ = run_cli(
        ["profiles", "add", "Alex", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n"
    )
    assert code == 0, out
    code, out, _ = run_cli(
        ["profiles", "add", "Sam", "--role", "involved", "--data-dir", data],
        capsys,
        monkeypatch,
        f"{CLI_PASS_B}\n{CLI_PASS_A}\n",
    )
    assert code == 0, out
    return data


@pytest.fixture
def solo_app(solo_ws, seconds):
    """The app on Robin's unlocked journal; its idle clock is ``seconds``."""
    from reflect.ui.app import ReflectApp

    return ReflectApp(solo_ws, clock=seconds)


@pytest.fixture
def couple_app(couple_ws, seconds):
    """The app for Alex and Sam, at the lock screen; its idle clock is ``seconds``."""
    from reflect.ui.app import ReflectApp

    return ReflectApp(couple_ws, clock=seconds)


@pytest.fixture
def unlock_as():
    """``await unlock_as(pilot, app, index, passphrase)``: who is here, their passphrase, Unlock."""
    return _unlock_as
