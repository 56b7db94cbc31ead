"""seen.json, reflect's note of each sealed space's last save, changed by someone else.

The other partner (same account, write access to the folder) puts back an
older copy of a space and then garbles, edits, links or removes its note. The
note is plain, so reflect cannot refuse the copy; it must never trust it in
silence either: whoever unlocks is told, `reflect check` names it, and the
changed note is kept aside instead of being written over.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reflect.usecases.folder_check import check_data_folder
from tests.helpers import CLI_PASS_A, CLI_PASS_B, copy_data_folder, run_cli

NAMED = "cannot tell whether"


def changed_copies(note: Path) -> list[Path]:
    """Notes reflect kept aside (found by name, so that this runs against older code too)."""
    return sorted(note.parent.glob(note.name + ".changed-*"))


def sound_note(note: Path) -> bool:
    try:
        return json.loads(note.read_text())["version"] == 1 and not note.is_symlink()
    except (OSError, ValueError, KeyError, TypeError):
        return False


def profiles(data: str) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads((Path(data) / "profiles.json").read_text())["profiles"]}


def alex_space(data: str) -> str:
    return profiles(data)["Alex"]["space"]


def write_as(data, who, password, text, capsys, monkeypatch):
    return run_cli(["write", "--profile", who, "--data-dir", data], capsys, monkeypatch, f"{password}\n{text}\n")


def list_as(data, who, password, capsys, monkeypatch, *extra):
    return run_cli(["list", "--profile", who, "--data-dir", data, *extra], capsys, monkeypatch, f"{password}\n")


def seen_of(data) -> dict:
    return json.loads((Path(data) / "seen.json").read_text())


def roll_back_alex(data: str) -> None:
    """The review's steps: yesterday's copy over the journal, its log removed."""
    space = alex_space(data)
    folder = Path(data)
    shutil.copy(folder / "backups" / f"{space}--1.sealed", folder / "spaces" / f"{space}.sealed")
    (folder / "spaces" / f"{space}.sealed.log").unlink(missing_ok=True)


@pytest.fixture
def written(cli_couple, capsys, monkeypatch):
    """Alex and Sam; Alex has written twice (the backup holds his journal from before)."""
    for text in ("first words", "second words"):
        assert write_as(cli_couple, "Alex", CLI_PASS_A, text, capsys, monkeypatch)[0] == 0
    assert list_as(cli_couple, "Sam", CLI_PASS_B, capsys, monkeypatch)[0] == 0
    return cli_couple


def test_an_older_copy_put_back_with_its_proof_edited_is_named_and_the_evidence_kept(written, capsys, monkeypatch):
    data = written
    space = alex_space(data)
    roll_back_alex(data)
    seen = seen_of(data)
    seen["spaces"][space]["proof"] = "AAAA" + seen["spaces"][space]["proof"][4:]
    (Path(data) / "seen.json").write_text(json.dumps(seen))
    edited = (Path(data) / "seen.json").read_bytes()
    sam_line = seen["spaces"][profiles(data)["Sam"]["space"]]

    # check cannot verify the note without a key, and no longer says unlocking "confirms" it
    code, out, _ = run_cli(["check", "--data-dir", data], capsys, monkeypatch)
    assert code == 1 and "older copy" in out and "confirms" not in out

    code, out, err = list_as(data, "Alex", CLI_PASS_A, capsys, monkeypatch)
    assert code == 0
    assert NAMED in err and "your private journal" in err and "backups" in err
    assert (Path(data) / "seen.json").read_bytes() == edited  # a reader changes nothing

    code, out, err = write_as(data, "Alex", CLI_PASS_A, "third", capsys, monkeypatch)
    assert code == 0 and "Saved." in out and NAMED in err
    [kept] = changed_copies(Path(data) / "seen.json")
    assert kept.read_bytes() == edited and kept.name in err
    now = seen_of(data)["spaces"]
    assert now[profiles(data)["Sam"]["space"]] == sam_line  # the partner's line, exactly as it was

    # told once: the note is reflect's own again, so the next unlock is quiet
    code, out, err = list_as(data, "Alex", CLI_PASS_A, capsys, monkeypatch)
    assert code == 0 and NAMED not in err and "third" in out
    # check names the note kept aside until the person deletes it
    code, out, _ = run_cli(["check", "--data-dir", data], capsys, monkeypatch)
    assert code == 1 and kept.name in out
    kept.unlink()
    assert run_cli(["check", "--data-dir", data], capsys, monkeypatch)[0] == 0


@pytest.mark.parametrize("how", ["garbage", "link", "folder", "missing"])
def test_a_note_that_cannot_be_read_or_is_gone_is_named_by_check_and_every_unlock(written, capsys, monkeypatch, how, tmp_path):
    data = written
    note = Path(data) / "seen.json"
    roll_back_alex(data)
    target = tmp_path / "elsewhere.json"
    if how == "garbage":
        note.write_text("{not a note")
    elif how == "link":
        shutil.copy(note, target)
        note.unlink()
        note.symlink_to(target)
    elif how == "folder":
        note.unlink()
        note.mkdir()
    else:
        note.unlink()

    report = check_data_folder(Path(data))
    assert not report.sound
    assert any(p.startswith("seen.json:") and "reflect cannot tell" in p for p in report.problems)
    assert any(alex_space(data) in str(b) for b in report.backups)  # the copies to compare with

    for command in (["list"], ["list", "-n", "1"], ["export", "--format", "json"]):
        code, _, err = run_cli([*command, "--profile", "Alex", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n")
        assert code == 0 and NAMED in err, command
        assert ("removed" in err) == (how == "missing")

    code, out, err = write_as(data, "Alex", CLI_PASS_A, "after", capsys, monkeypatch)
    assert code == 0 and NAMED in err
    assert sound_note(note)
    if how != "missing":
        [kept] = changed_copies(note)
        assert kept.name in err
        if how == "link":
            assert kept.is_symlink() and json.loads(target.read_text())["version"] == 1  # not followed
    # Sam's line could not be kept: Sam is told too, at his own unlock
    code, _, err = list_as(data, "Sam", CLI_PASS_B, capsys, monkeypatch)
    assert code == 0 and NAMED in err


def test_a_line_removed_from_the_note_is_named(written, capsys, monkeypatch):
    data = written
    roll_back_alex(data)
    seen = seen_of(data)
    del seen["spaces"][alex_space(data)]
    (Path(data) / "seen.json").write_text(json.dumps(seen))
    assert any("its line in seen.json" in p for p in check_data_folder(Path(data)).problems)
    code, _, err = list_as(data, "Alex", CLI_PASS_A, capsys, monkeypatch)
    assert code == 0 and NAMED in err


def test_a_lone_persons_quick_list_and_write_name_it_too(tmp_path, capsys, monkeypatch, cheap_kdf):
    data = str(tmp_path / "solo")
    assert run_cli(["profiles", "add", "Robin", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n")[0] == 0
    for text in ("one", "two"):
        assert run_cli(["write", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n{text}\n")[0] == 0
    (Path(data) / "seen.json").write_text("[]")
    code, out, err = run_cli(["list", "-n", "1", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n")
    assert code == 0 and "two" in out and NAMED in err and "your journal" in err
    code, out, err = run_cli(["write", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\nthree\n")
    assert code == 0 and NAMED in err
    assert len(changed_copies(Path(data) / "seen.json")) == 1


def test_a_folder_from_before_seen_json_is_not_called_changed(tmp_path, clock):
    """Format 1 spaces were written before reflect kept a note: nothing is missing there."""
    from tests.test_format_guards import FIXTURE, PASS_SAM, open_ws

    folder = tmp_path / "old"
    copy_data_folder(FIXTURE, folder)
    assert not (folder / "seen.json").exists()
    assert not any("seen.json" in p for p in check_data_folder(folder).problems)
    ws = open_ws(folder, clock)
    ws.unlock(ws.household.find("Sam"), PASS_SAM)  # upgrades Sam's journal and the shared space
    assert ws.session.take_notice() is None
    ws.lock()
    ws.unlock(ws.household.find("Sam"), PASS_SAM)
    assert ws.session.take_notice() is None
    ws.close()
    assert not any("seen.json" in p for p in check_data_folder(folder).problems)


def test_a_new_folder_and_a_partner_added_later_are_never_called_changed(tmp_path, capsys, monkeypatch, cheap_kdf):
    data = str(tmp_path / "d")
    assert run_cli(["profiles", "add", "Alex", "--role", "hurt", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\n")[0] == 0
    assert run_cli(["write", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_A}\nalone\n")[0] == 0
    code, _, err = run_cli(
        ["profiles", "add", "Sam", "--role", "involved", "--data-dir", data], capsys, monkeypatch, f"{CLI_PASS_B}\n{CLI_PASS_A}\n"
    )
    assert code == 0 and NAMED not in err
    for who, password in (("Sam", CLI_PASS_B), ("Alex", CLI_PASS_A)):
        code, _, err = list_as(data, who, password, capsys, monkeypatch)
        assert code == 0 and NAMED not in err
    assert check_data_folder(Path(data)).sound


def test_the_notice_is_taken_once_and_not_again_once_the_note_is_reflects_own(workspaces):
    ws = workspaces.solo()
    ws.write("mine")
    ws.lock()
    ws.layout.seen_file.write_text("nonsense")
    robin = ws.household.profiles[0]
    from tests.helpers import PASSPHRASE

    ws.unlock(robin, PASSPHRASE)
    notice = ws.session.take_notice()
    assert notice and NAMED in notice and "your journal" in notice and "seen.json.changed-" in notice
    assert ws.session.take_notice() is None
    ws.lock()
    ws.unlock(robin, PASSPHRASE)
    assert ws.session.take_notice() is None


async def test_the_app_shows_the_notice_once_at_the_unlock_and_goes_on(couple_app, unlock_as):
    from reflect.ui.screens.notice import NoticeScreen
    from tests.helpers import PASS_A, shown_text

    ws = couple_app.workspace
    os.unlink(ws.layout.seen_file)
    async with couple_app.run_test() as pilot:
        await unlock_as(pilot, couple_app, 0, PASS_A)
        await pilot.pause()
        assert isinstance(couple_app.screen, NoticeScreen)
        text = shown_text(couple_app.screen)
        assert NAMED in text and "your private journal and the shared space" in text and "removed" in text
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(couple_app.screen, NoticeScreen)
        assert ws.is_unlocked
        couple_app.lock_now()
        await pilot.pause()
        await unlock_as(pilot, couple_app, 0, PASS_A)
        await pilot.pause()
        assert not isinstance(couple_app.screen, NoticeScreen)


@pytest.mark.parametrize("fixture", ["before-head-part", "before-quick-append"])
def test_folders_written_by_earlier_versions_are_not_called_changed(tmp_path, capsys, monkeypatch, fixture):
    folder = copy_data_folder(Path(__file__).parent / "fixtures" / fixture / "sealed", tmp_path / "old")
    assert not any("seen.json" in p for p in check_data_folder(folder).problems)
    code, out, err = run_cli(["list", "--data-dir", str(folder)], capsys, monkeypatch, "robin's test passphrase\n")
    assert code == 0 and out.strip() and NAMED not in err


def test_a_partners_malformed_line_is_kept_as_it_was_and_named_to_them(written, capsys, monkeypatch):
    data = written
    sam_space = profiles(data)["Sam"]["space"]
    seen = seen_of(data)
    seen["spaces"][sam_space] = {"counter": "many", "proof": "%%%"}
    (Path(data) / "seen.json").write_text(json.dumps(seen))
    code, _, err = write_as(data, "Alex", CLI_PASS_A, "alex again", capsys, monkeypatch)
    assert code == 0 and NAMED not in err  # Alex's own spaces are vouched for
    assert seen_of(data)["spaces"][sam_space] == {"counter": "many", "proof": "%%%"}
    assert any("its line in seen.json" in p and sam_space in p for p in check_data_folder(Path(data)).problems)
    code, _, err = list_as(data, "Sam", CLI_PASS_B, capsys, monkeypatch)
    assert code == 0 and NAMED in err and "your private journal" in err
