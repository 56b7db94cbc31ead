"""Fixes from an adversarial review: the shared-space prep, writes into the data folder,
forged import authors, odd settings, and command-line edges."""

from __future__ import annotations

import getpass
import io
import json
import sys

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from reflect.cli import main
from reflect.usecases.exports import journal_markdown, write_export, write_exports
from reflect.usecases.imports import import_into, read_import
from reflect.usecases.session_prep import PrepError, PrepSources
from reflect.storage.settings import Settings, load_settings
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.prep import PrepPreviewScreen, PrepScreen
from reflect.ui.screens.section import SectionScreen
from tests.helpers import PASS_A, PASS_B, text_on_every_screen, unlock_as

SIZE = (120, 40)
CANARY = "SAM-PRIVATE-canary-7731"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)


# 1. Session prep is never made from the shared space


async def test_from_the_shared_space_no_way_reaches_the_private_prep(workspaces, clock, data_dir):
    ws = workspaces.couple()
    sam = ws.household.profiles[1]
    ws.unlock(sam, PASS_B)
    ws.write(CANARY)
    ws.lock()
    app = ReflectApp(ws)
    seen_prep = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        await app.run_action("switch_space")
        await pilot.pause()
        assert ws.active_space == ws.household.shared_space
        # Alex holds the keyboard now.
        assert not app.check_action("session_prep", ())
        await app.run_action("session_prep")
        await pilot.pause()
        seen_prep.append(isinstance(app.screen, (PrepScreen, PrepPreviewScreen)))
        # The palette does not offer it.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"session prep")
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        offered = " ".join(str(o.prompt) for o in palette.query_one(OptionList).options)
        assert "Session prep" not in offered
        await pilot.press("escape")
        await pilot.pause()
        # Nor the journal's p, nor step 5's p.
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        seen_prep.append(isinstance(app.screen, (PrepScreen, PrepPreviewScreen)))
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        sections = {s.id: s for _, s in ws.sections()}
        app.push_screen(SectionScreen(sections["attachment-therapy"]))
        await pilot.pause()
        assert "Press p to prepare" not in text_on_every_screen(app)
        await pilot.press("p")
        await pilot.pause()
        seen_prep.append(isinstance(app.screen, (PrepScreen, PrepPreviewScreen)))
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        assert CANARY not in text_on_every_screen(app)
    assert seen_prep == [False, False, False]
    assert not (data_dir / "exports").exists()


def test_the_prep_refuses_to_read_a_private_space_from_the_shared_one(workspaces, clock):
    ws = workspaces.couple()
    ws.unlock(ws.household.profiles[1], PASS_B)
    ws.write(CANARY)
    ws.switch_space(ws.household.shared_space)
    with pytest.raises(PrepError):
        PrepSources.from_workspace(ws)


# 2. No export over reflect's own files


def test_an_export_never_lands_in_the_data_folder_outside_exports(tmp_path):
    data = tmp_path / "data"
    (data / "spaces").mkdir(parents=True)
    sealed = data / "spaces" / "private-x.sealed"
    sealed.write_bytes(b"keep")
    profiles = data / "profiles.json"
    profiles.write_text("{}")
    exports = data / "exports"
    for path in (sealed, profiles, data / "new.md"):
        with pytest.raises(OSError) as refused:
            write_export(path, b"export", replace=True, private_folder=exports)
        assert "data folder" in str(refused.value.strerror)
        with pytest.raises(OSError):
            write_exports([(path, b"export")], replace=True, private_folder=exports)
    assert sealed.read_bytes() == b"keep" and profiles.read_text() == "{}"
    assert not (data / "new.md").exists()
    write_export(exports / "fine.md", b"export", private_folder=exports)
    assert (exports / "fine.md").read_bytes() == b"export"


def test_the_command_line_output_is_refused_inside_the_data_folder(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n"))
    assert main(["write", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    target = data / "settings.json"
    target.write_text("{}")
    for path in (target, data / "other.md"):
        code = main(["export", "--data-dir", str(data), "--format", "md", "-o", str(path), "--force"])
        out, err = capsys.readouterr()
        assert code == 1 and "data folder" in err and "Traceback" not in out + err
    assert target.read_text() == "{}" and not (data / "other.md").exists()
    (data / "exports").mkdir()
    assert main(["export", "--data-dir", str(data), "--format", "md", "-o", str(data / "exports" / "mine.md")]) == 0


# 3. Imports into the shared space are the importer's


def test_an_import_into_the_shared_space_takes_the_importer_as_author(workspaces, clock, tmp_path):
    ws = workspaces.couple()
    alex, sam = ws.household.profiles
    shared = ws.household.shared_space
    ws.unlock(alex, PASS_A)
    forged = {
        "format": "reflect-export",
        "version": 1,
        "entries": [json.loads(json.dumps(_record(ws)))],
        "checkins": [],
    }
    forged["entries"][0]["author"] = sam.id
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    ws.switch_space(shared)
    import_into(ws.store(shared), read_import(path), author=ws.author_in(shared))
    assert [e.author for e in ws.store(shared).entries()] == [alex.id]


def _record(ws) -> dict:
    from reflect.storage.records import entry_to_record

    return entry_to_record(ws.write("forged words"))  # in Alex's private space


# 4. Idle lock minutes outside what is offered


@pytest.mark.parametrize("minutes", [-5, -1, 100000, 31])
def test_an_idle_lock_outside_the_offered_range_is_the_default(tmp_path, minutes):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"idle_lock_minutes": minutes}))
    assert load_settings(path).idle_lock_minutes == Settings().idle_lock_minutes


@pytest.mark.parametrize("minutes", [0, 1, 10, 30])
def test_an_idle_lock_inside_the_range_is_kept(tmp_path, minutes):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"idle_lock_minutes": minutes}))
    assert load_settings(path).idle_lock_minutes == minutes


# 5. Command-line edges


class TerminalInput(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ctrl_d_at_the_passphrase_prompt_is_a_plain_sentence(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "d")
    monkeypatch.setattr(sys, "stdin", io.StringIO("alex passphrase here\n"))
    assert main(["profiles", "add", "Alex", "--role", "hurt", "--data-dir", data]) == 0
    capsys.readouterr()

    def ctrl_d(prompt=""):
        raise EOFError

    monkeypatch.setattr(sys, "stdin", TerminalInput(""))
    monkeypatch.setattr(getpass, "getpass", ctrl_d)
    code = main(["write", "--profile", "Alex", "--data-dir", data])
    out, err = capsys.readouterr()
    assert code == 1
    assert "No passphrase was typed; nothing was changed." in err
    assert "did not expect" not in err


class ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_standard_output_ends_quietly(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n"))
    assert main(["write", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    main(["check", "--data-dir", str(data)])
    _, err = capsys.readouterr()
    assert err == ""


def test_one_import_is_counted_in_the_singular(tmp_path, capsys, monkeypatch):
    data = tmp_path / "d"
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n"))
    assert main(["write", "--data-dir", str(data)]) == 0
    assert main(["export", "--data-dir", str(data), "--format", "json", "-o", str(tmp_path / "one.json")]) == 0
    capsys.readouterr()
    assert main(["import", str(tmp_path / "one.json"), "--data-dir", str(tmp_path / "e")]) == 0
    out, _ = capsys.readouterr()
    assert "Imported 1 reflection and 0 check-ins" in out


# 6. Markdown exports carry no terminal escapes


def test_markdown_exports_show_control_characters_safely_and_json_keeps_them(workspaces, clock, tmp_path):
    ws = workspaces.solo()
    ws.write("before \x1b]0;owned\x07 \x1b[2J after", tags=["x"])
    markdown = journal_markdown(ws.journal.entries())
    assert "\x1b" not in markdown and "\x07" not in markdown and "before" in markdown
    from reflect.usecases.exports import export_records

    raw = export_records("json", ws.journal.entries(), [], clock().tzinfo)
    assert json.loads(raw)["entries"][0]["text"] == "before \x1b]0;owned\x07 \x1b[2J after"
