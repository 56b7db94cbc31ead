"""Profiles from the command line; passphrases from the terminal or standard input only."""

from __future__ import annotations

import json

import pytest

from reflect.cli import main
from tests.helpers import run_cli

PASS_A = "alex passphrase here"
PASS_B = "sam passphrase here"


pytestmark = pytest.mark.usefixtures("cheap_kdf")


run = run_cli


@pytest.fixture
def couple(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    assert run(["profiles", "add", "Alex", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    code, out, _ = run(
        ["profiles", "add", "Sam", "--role", "involved", "--data-dir", data],
        capsys,
        monkeypatch,
        f"{PASS_B}\n{PASS_A}\n",
    )
    assert code == 0, out
    return data


def texts(out: str) -> list[str]:
    return [r["text"] for r in json.loads(out)]


def test_each_partner_writes_and_reads_only_their_own_and_the_shared_space(couple, capsys, monkeypatch):
    data = couple
    assert run(["write", "--data-dir", data, "--profile", "alex", "alex alone"], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert run(["write", "--data-dir", data, "--profile", "Sam"], capsys, monkeypatch, f"{PASS_B}\nsam alone\n")[0] == 0
    assert run(["write", "--data-dir", data, "--profile", "Sam", "--shared", "ours"], capsys, monkeypatch, f"{PASS_B}\n")[0] == 0

    code, out, _ = run(["list", "--data-dir", data, "--profile", "Alex", "--json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert texts(out) == ["alex alone"]
    code, out, _ = run(["list", "--data-dir", data, "--profile", "Sam", "--json"], capsys, monkeypatch, f"{PASS_B}\n")
    assert texts(out) == ["sam alone\n"]
    code, out, _ = run(["list", "--data-dir", data, "--profile", "Alex", "--shared", "--json"], capsys, monkeypatch, f"{PASS_A}\n")
    assert texts(out) == ["ours"]
    code, out, _ = run(["export", "--format", "json", "--data-dir", data, "--profile", "Alex"], capsys, monkeypatch, f"{PASS_A}\n")
    assert "sam alone" not in out and "alex alone" in out


def test_wrong_passphrase_or_unclear_profile_is_a_plain_message(couple, capsys, monkeypatch):
    data = couple
    code, _, err = run(["list", "--data-dir", data, "--profile", "Alex"], capsys, monkeypatch, f"{PASS_B}\n")
    assert code == 1 and "passphrase" in err.lower()
    code, _, err = run(["list", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 1 and "--profile" in err
    code, _, err = run(["list", "--data-dir", data, "--profile", "Kim"], capsys, monkeypatch, "")
    assert code == 1 and "Alex" in err and "Sam" in err
    code, _, err = run(["list", "--data-dir", data, "--profile", "Alex"], capsys, monkeypatch, "")
    assert code == 1 and "standard input" in err


def test_a_passphrase_is_never_a_command_line_argument(couple, capsys, monkeypatch):
    with pytest.raises(SystemExit) as done:
        main(["list", "--data-dir", couple, "--profile", "Alex", "--passphrase", PASS_A])
    assert done.value.code == 2


def test_profiles_list_and_passphrase_change(couple, capsys, monkeypatch):
    data = couple
    code, out, _ = run(["profiles", "list", "--data-dir", data], capsys, monkeypatch)
    assert "Alex" in out and "the partner who was hurt" in out and "shared space" in out
    assert PASS_A not in out
    code, out, _ = run(
        ["profiles", "passphrase", "alex", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\nnew alex passphrase\n"
    )
    assert code == 0
    assert run(["list", "--data-dir", data, "--profile", "Alex"], capsys, monkeypatch, f"{PASS_A}\n")[0] == 1
    assert run(["list", "--data-dir", data, "--profile", "Alex", "--shared"], capsys, monkeypatch, "new alex passphrase\n")[0] == 0


def test_a_third_person_is_refused(couple, capsys, monkeypatch):
    code, _, err = run(
        ["profiles", "add", "Kim", "--role", "hurt", "--data-dir", couple], capsys, monkeypatch, "kim passphrase\n"
    )
    assert code == 1 and "couple" in err


def test_no_passphrase_is_only_for_one_person_and_warns(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    code, _, err = run(["profiles", "add", "Robin", "--role", "individual", "--no-passphrase", "--data-dir", data], capsys, monkeypatch)
    assert code == 0 and "unencrypted" in err
    assert run(["write", "--data-dir", data, "plain words"], capsys, monkeypatch)[0] == 0
    code, _, err = run(["profiles", "add", "Sam", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, "sam passphrase\n\n")
    assert code == 1


def test_check_reports_damage_and_backups(couple, capsys, monkeypatch, tmp_path):
    from pathlib import Path

    data = Path(couple)
    assert run(["write", "--data-dir", str(data), "--profile", "alex", "hello"], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert run(["check", "--data-dir", str(data)], capsys, monkeypatch)[0] == 0
    from reflect.storage.household import load_household

    alex = load_household(data / "profiles.json").find("Alex")
    alex_space = data / "spaces" / f"{alex.space}.sealed"
    before = alex_space.read_bytes()
    alex_space.write_bytes(before[:-10])
    code, out, _ = run(["check", "--data-dir", str(data)], capsys, monkeypatch)
    assert code == 1
    assert alex_space.name in out and "backups" in out.lower()
    assert alex_space.read_bytes() == before[:-10]
    # The backups to restore from come first, under their own heading; the others follow.
    restore_part = out.split("restore from")[1].split("Other backups:")[0]
    listed_backups = [line.strip() for line in restore_part.splitlines() if line.startswith("  ")]
    assert listed_backups and all(alex_space.stem in line for line in listed_backups)
