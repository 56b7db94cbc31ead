"""While the app holds the data folder, commands that only read still work; writers are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflect.storage.lock import DataFolderLock
from reflect.paths import DataLayout
from tests.helpers import CLI_PASS_A, CLI_PASS_B, run_cli


@pytest.fixture
def app_is_open(cli_couple):
    """The folder lock, held as the running app holds it."""
    with DataFolderLock(DataLayout(Path(cli_couple)).lock_file) as lock:
        yield lock


def test_every_reader_works_while_the_app_is_open(cli_couple, app_is_open, capsys, monkeypatch):
    code, out, err = run_cli(["profiles", "list", "--data-dir", cli_couple], capsys, monkeypatch)
    assert code == 0, err
    assert "Alex" in out and "Sam" in out
    code, out, err = run_cli(["list", "--data-dir", cli_couple, "--profile", "Alex"], capsys, monkeypatch, f"{CLI_PASS_A}\n")
    assert code == 0, err
    code, out, err = run_cli(
        ["export", "--format", "json", "--data-dir", cli_couple, "--profile", "Sam"], capsys, monkeypatch, f"{CLI_PASS_B}\n"
    )
    assert code == 0, err
    code, out, err = run_cli(["check", "--data-dir", cli_couple], capsys, monkeypatch)
    assert code == 0, err


def test_writers_are_still_refused_while_the_app_is_open(cli_couple, app_is_open, capsys, monkeypatch):
    before = sorted((p.name, p.read_bytes()) for p in (Path(cli_couple) / "spaces").iterdir())
    for argv, stdin in (
        (["write", "--profile", "Alex", "words"], f"{CLI_PASS_A}\n"),
        (["checkin", "--profile", "Alex", "--connection", "1"], f"{CLI_PASS_A}\n"),
        (["profiles", "passphrase", "Alex"], f"{CLI_PASS_A}\nanother long one\n"),
    ):
        code, out, err = run_cli([*argv, "--data-dir", cli_couple], capsys, monkeypatch, stdin)
        assert code == 1, (argv, out)
        assert "another copy of reflect" in err.lower() or "open" in err.lower()
    assert sorted((p.name, p.read_bytes()) for p in (Path(cli_couple) / "spaces").iterdir()) == before
