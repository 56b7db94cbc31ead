"""While the app holds the data folder, commands that only read still work; writers are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflect.storage.lock import DataFolderLock
from reflect.paths import DataLayout
from tests.test_cli_profiles import PASS_A, PASS_B, cheap_kdf, couple, run  # noqa: F401


@pytest.fixture
def app_is_open(couple):
    """The folder lock, held as the running app holds it."""
    with DataFolderLock(DataLayout(Path(couple)).lock_file) as lock:
        yield lock


def test_every_reader_works_while_the_app_is_open(couple, app_is_open, capsys, monkeypatch):
    code, out, err = run(["profiles", "list", "--data-dir", couple], capsys, monkeypatch)
    assert code == 0, err
    assert "Alex" in out and "Sam" in out
    code, out, err = run(["list", "--data-dir", couple, "--profile", "Alex"], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0, err
    code, out, err = run(
        ["export", "--format", "json", "--data-dir", couple, "--profile", "Sam"], capsys, monkeypatch, f"{PASS_B}\n"
    )
    assert code == 0, err
    code, out, err = run(["check", "--data-dir", couple], capsys, monkeypatch)
    assert code == 0, err


def test_writers_are_still_refused_while_the_app_is_open(couple, app_is_open, capsys, monkeypatch):
    before = sorted((p.name, p.read_bytes()) for p in (Path(couple) / "spaces").iterdir())
    for argv, stdin in (
        (["write", "--profile", "Alex", "words"], f"{PASS_A}\n"),
        (["checkin", "--profile", "Alex", "--connection", "1"], f"{PASS_A}\n"),
        (["profiles", "passphrase", "Alex"], f"{PASS_A}\nanother long one\n"),
    ):
        code, out, err = run([*argv, "--data-dir", couple], capsys, monkeypatch, stdin)
        assert code == 1, (argv, out)
        assert "another copy of reflect" in err.lower() or "open" in err.lower()
    assert sorted((p.name, p.read_bytes()) for p in (Path(couple) / "spaces").iterdir()) == before
