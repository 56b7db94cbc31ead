"""`reflect check` sees loose modes, missing household files, damaged backups and strays;
small files never block reflect (issue 8, finding 8; issue 11, item 4)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.helpers import run_cli
from reflect.storage.settings import Settings, load_settings
from reflect.storage.errors import StoreError
from reflect.storage.lock import DataFolderLock

PASS_A = "alex passphrase here"
PASS_B = "sam passphrase here"


pytestmark = pytest.mark.usefixtures("cheap_kdf")


def run(argv, capsys, monkeypatch, stdin: str = ""):
    code, out, err = run_cli(argv, capsys, monkeypatch, stdin)
    assert "Error" not in out + err
    return code, out, err


@pytest.fixture
def couple(tmp_path, capsys, monkeypatch) -> Path:
    data = tmp_path / "d"
    assert run(["profiles", "add", "Alex", "--role", "hurt", "--data-dir", str(data)], capsys, monkeypatch, f"{PASS_A}\n")[0] == 0
    assert run(
        ["profiles", "add", "Sam", "--role", "involved", "--data-dir", str(data)], capsys, monkeypatch, f"{PASS_B}\n{PASS_A}\n"
    )[0] == 0
    assert run(["write", "--data-dir", str(data), "--profile", "Alex"], capsys, monkeypatch, f"{PASS_A}\nhello\n")[0] == 0
    return data


def check(data, capsys, monkeypatch):
    return run(["check", "--data-dir", str(data)], capsys, monkeypatch)


# Small files never block reflect.


def test_a_deeply_nested_settings_file_gives_the_defaults(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    data.mkdir()
    (data / "settings.json").write_text("[" * 50_000)  # small enough to be read, too deep to parse
    assert load_settings(data / "settings.json") == Settings()
    code, out, err = run(["list", "--data-dir", str(data)], capsys, monkeypatch)
    assert code == 0 and "RecursionError" not in out + err


def test_a_huge_settings_file_gives_the_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "' + "x" * 100_000 + '"}')
    assert load_settings(path) == Settings()


def test_a_symlinked_lock_file_is_refused_and_its_target_left_alone(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    data.mkdir(mode=0o700)
    target = tmp_path / "someone-elses-file"
    target.write_text("keep me")
    target.chmod(0o644)
    (data / "reflect.lock").symlink_to(target)
    with pytest.raises(StoreError) as refused:
        DataFolderLock(data / "reflect.lock").acquire()
    assert "not a plain file" in refused.value.user_message
    code, out, err = run(["write", "--data-dir", str(data)], capsys, monkeypatch, "words\n")
    assert code == 1 and "not a plain file" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_text() == "keep me"


def test_a_hard_linked_lock_file_is_refused_and_keeps_its_mode(tmp_path):
    data = tmp_path / "d"
    data.mkdir(mode=0o700)
    target = tmp_path / "another-name"
    target.write_text("")
    target.chmod(0o644)
    os.link(target, data / "reflect.lock")
    with pytest.raises(StoreError):
        DataFolderLock(data / "reflect.lock").acquire()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_lock_file_reflect_made_is_still_taken_and_made_private(tmp_path):
    path = tmp_path / "reflect.lock"
    path.write_text("")
    path.chmod(0o644)
    with DataFolderLock(path) as lock:
        assert lock.held
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# reflect check.


def test_a_sound_folder_lists_its_backups_with_dates(couple, capsys, monkeypatch):
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 0 and "sound" in out
    backups = sorted(p.name for p in (couple / "backups").iterdir())
    assert backups
    for name in backups:
        [line] = [line for line in out.splitlines() if name in line]
        assert "taken" in line and any(month in line for month in ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"))


def test_loose_permissions_after_a_copy_are_reported(couple, capsys, monkeypatch):
    for folder, _, files in os.walk(couple):
        os.chmod(folder, 0o755)  # what `cp -r` gives with a usual umask
        for name in files:
            os.chmod(Path(folder) / name, 0o644)
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1
    [loose] = [line for line in out.splitlines() if "Other people on this computer" in line]
    for where in ("the data folder (0755)", "spaces/ (0755)", "backups/ (0755)", "profiles.json (0644)", "spaces/shared.sealed (0644)"):
        assert where in loose
    assert f"chmod -R go-rwx {couple}" in loose
    assert "damaged" not in out  # a loose mode is not damage: every backup is still offered


def test_a_missing_household_file_with_sealed_spaces_is_not_sound(couple, capsys, monkeypatch):
    (couple / "profiles.json").unlink()
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1 and "profiles.json is missing" in out
    assert "profiles--" in out  # its backup, to put back


def test_a_folder_written_before_setup_is_sound_without_a_household_file(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    assert run(["write", "--data-dir", str(data), "before setup"], capsys, monkeypatch)[0] == 0
    code, out, _ = check(data, capsys, monkeypatch)
    assert code == 0, out


def test_a_data_dir_that_is_a_file_gets_a_plain_sentence(tmp_path, capsys, monkeypatch):
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    code, out, err = check(path, capsys, monkeypatch)
    assert code == 1 and "is a file, not a folder" in err
    for command in (["list"], ["write", "words"]):
        code, out, err = run([*command, "--data-dir", str(path)], capsys, monkeypatch)
        assert code == 1 and "is a file, not a folder" in err and out == ""
    assert path.read_text() == "not a folder"


def test_a_damaged_backup_is_reported_and_never_offered(couple, capsys, monkeypatch):
    [backup] = [p for p in (couple / "backups").iterdir() if p.name.startswith("shared--")]
    backup.write_bytes(backup.read_bytes()[:-7])
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1
    assert any(backup.name in line and "copy of shared.sealed" in line for line in out.splitlines() if line.startswith("- "))
    assert "damaged, do not use it" in out


def test_strays_and_leftovers_are_named(couple, capsys, monkeypatch):
    shared = couple / "spaces" / "shared.sealed"
    planted = couple / "spaces" / "private-0123456789ab.sealed"
    planted.write_bytes(shared.read_bytes())
    planted.chmod(0o600)
    (couple / "spaces" / ".shared.sealed.x1y2.tmp").write_bytes(b"half")
    (couple / "backups" / "unknown--20261101-090000.json").write_text("{}")
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("- ")]
    assert any("spaces/private-0123456789ab.sealed" in p and "belongs to no space" in p for p in problems)
    assert any("spaces/.shared.sealed.x1y2.tmp" in p and "interrupted" in p for p in problems)
    assert any("backups/unknown--20261101-090000.json" in p and "not a backup" in p for p in problems)
    assert planted.exists()  # check changes nothing


def test_files_kept_aside_when_found_in_place_of_an_open_space_are_named(couple, capsys, monkeypatch):
    # What SpaceStore.rescue_if_replaced keeps aside (tests/test_replaced_while_open.py).
    spaces = couple / "spaces"
    (spaces / "shared.sealed.found-20261130T235959").write_bytes(b"whatever was there")
    (spaces / "shared.sealed.log.found-20261130T235959").write_bytes(b"an old log")
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("- ")]
    for name, of in (("shared.sealed.found-", "in place of shared.sealed "), ("shared.sealed.log.found-", "in place of shared.sealed.log ")):
        assert any(f"spaces/{name}" in p and of in p and "no save was lost" in p for p in problems), name


def test_a_pipe_or_a_link_in_place_of_a_space_is_named_and_never_read(couple, capsys, monkeypatch, tmp_path):
    shared = couple / "spaces" / "shared.sealed"
    outside = tmp_path / "elsewhere.sealed"
    outside.write_bytes(shared.read_bytes())
    shared.unlink()
    os.mkfifo(shared)  # reading it would wait for ever
    [backup] = [p for p in (couple / "backups").iterdir() if p.name.startswith("shared--")]
    backup.unlink()
    backup.symlink_to(outside)
    code, out, _ = check(couple, capsys, monkeypatch)
    assert code == 1
    assert any("shared.sealed" in line and "not a plain file" in line for line in out.splitlines())
    assert any(backup.name in line and "link" in line for line in out.splitlines())
