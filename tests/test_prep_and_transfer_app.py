"""Pilot tests: session prep, export and import from the app, found from the journal, step 5 and the palette."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Checkbox, Input, RadioButton, Static, TextArea

from reflect.usecases.checkins import record_checkin
from reflect.usecases.imports import read_import
from reflect.ui.app import ReflectApp
from reflect.ui.commands import PALETTE_ACTIONS
from reflect.ui.screens.dialogs import ConfirmScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.prep import PrepPreviewScreen, PrepScreen
from reflect.ui.screens.section import SectionScreen
from reflect.ui.screens.transfer import ExportSpaceScreen, ImportScreen
from tests.helpers import shown_text
from tests.helpers import PASS_A, PASS_B, unlock_as

SIZE = (120, 40)
SMALL = (80, 24)
SAMPLES = Path(__file__).parent / "samples"
MARKUP = "[b]not bold[/b] <script>x</script>"


async def open_journal(pilot, app) -> JournalScreen:
    await pilot.press("j")
    await pilot.pause()
    assert isinstance(app.screen, JournalScreen)
    return app.screen


async def test_prep_from_the_journal_previews_then_saves_both_files(workspaces, data_dir, clock):
    ws = workspaces.solo()
    ws.write(f"About the phone {MARKUP}", tags=["phone"])
    record_checkin(ws.journal, 2, 1, now=clock(), note="quiet")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_journal(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PrepScreen)
        intro = shown_text(app.screen)
        assert "never read" in intro and "drafts are never included" in intro
        app.screen.query_one("#bring-up", TextArea).insert("The holidays. [i]Really[/i].")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PrepPreviewScreen)
        preview = str(app.screen.query_one("#preview-body", Static).render())
        assert MARKUP in preview and "The holidays. [i]Really[/i]." in preview
        assert "not encrypted" in shown_text(app.screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        saved = sorted((data_dir / "exports").iterdir())
        assert [p.suffix for p in saved] == [".html", ".md"]
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in saved)
        assert "not encrypted" in " ".join(n.message for n in app._notifications)
        assert "&lt;script&gt;x&lt;/script&gt;" in saved[0].read_text()


async def test_prep_refuses_a_backwards_period_plainly_and_keeps_the_words(workspaces, data_dir):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await app.run_action("session_prep")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrepScreen)
        screen.query_one("#choose", RadioButton).value = True  # "From one day to another"
        await pilot.pause()
        screen.query_one("#first-day", Input).value = "2026-11-30"
        screen.query_one("#last-day", Input).value = "2026-11-01"
        screen.query_one("#bring-up", TextArea).insert("keep me")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PrepScreen)
        assert "comes after" in str(screen.query_one("#prep-problem", Static).render())
        assert screen.query_one("#bring-up", TextArea).text == "keep me"
        assert not (data_dir / "exports").exists()


async def test_step_five_offers_the_prep_and_other_steps_do_not(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    sections = {s.id: s for _, s in ws.sections()}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SectionScreen(sections["attachment-therapy"]))
        await pilot.pause()
        assert "Press p to prepare for a session" in shown_text(app.screen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PrepScreen)
        await pilot.press("escape")
        await pilot.pause()
        other = next(s for sid, s in sections.items() if sid != "attachment-therapy")
        app.push_screen(SectionScreen(other))
        await pilot.pause()
        assert "to prepare for a session" not in shown_text(app.screen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SectionScreen)


def test_the_palette_offers_prep_export_and_import():
    actions = {action for _, _, action in PALETTE_ACTIONS}
    assert {"session_prep", "export_space", "import_journal"} <= actions
    titles = {title.lower() for title, _, _ in PALETTE_ACTIONS}
    assert "export" in titles and "import" in titles and "session prep" in titles


async def test_palette_actions_are_hidden_while_locked(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.lock_now()
        await pilot.pause()
        for action in ("session_prep", "export_space", "import_journal"):
            assert not app.check_action(action, ())


async def test_export_each_format_from_the_journal(workspaces, data_dir, clock):
    ws = workspaces.solo()
    ws.write(f"kept {MARKUP}")
    record_checkin(ws.journal, 3, 1, now=clock(), note='a, "quoted" note')
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_journal(pilot, app)
        for index, fmt in enumerate(("md", "json", "csv")):
            await pilot.press("e")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExportSpaceScreen)
            assert "not encrypted" in shown_text(screen)
            screen.query_one(f"#format-{fmt}").value = True
            await pilot.pause()
            path = screen.query_one("#export-path", Input).value
            assert path.endswith(f".{fmt}") and "/exports/reflect-journal-" in path
            screen.query_one("#export-path", Input).focus()
            await pilot.press("enter")  # the last save's notice may cover the button
            await pilot.pause()
            assert isinstance(app.screen, JournalScreen), shown_text(app.screen)
        files = {p.suffix: p for p in (data_dir / "exports").iterdir()}
        assert set(files) == {".md", ".json", ".csv"}
        assert MARKUP in files[".md"].read_text()
        assert json.loads(files[".json"].read_text())["entries"][0]["text"] == f"kept {MARKUP}"
        assert '"a, ""quoted"" note"' in files[".csv"].read_text()
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files.values())


async def test_export_never_replaces_a_file_unasked(workspaces, data_dir):
    ws = workspaces.solo()
    ws.write("first")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("export_space")
        await pilot.pause()
        target = data_dir / "exports" / "mine.md"
        target.parent.mkdir()
        target.write_text("precious")
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#save")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#cancel")
        await pilot.pause()
        assert target.read_text() == "precious"
        assert "Nothing was replaced" in shown_text(app.screen)


async def test_import_from_the_app_twice_adds_nothing_and_counts_what_was_left_out(workspaces):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        journal = await open_journal(pilot, app)
        for attempt in range(2):
            await pilot.press("i")
            await pilot.pause()
            assert isinstance(app.screen, ImportScreen)
            app.screen.query_one("#import-path", Input).value = str(SAMPLES / "dayone" / "Journal.json")
            await pilot.click("#import")
            await app.workers.wait_for_complete()
            await pilot.pause()
            result = str(app.screen.query_one("#import-result", Static).render())
            already = 0 if attempt == 0 else 2
            assert f"Imported {2 - already} reflections and 0 check-ins ({already} were already here)" in result
            assert "1 record in the file could not be read and was left out" in result and "photos" not in result
            await pilot.click("#close")
            await pilot.pause()
        assert app.screen is journal
        assert "2 reflections" in str(journal.query_one("#count", Static).render())


async def test_an_unknown_file_gets_a_sentence_naming_what_was_expected(workspaces, tmp_path):
    ws = workspaces.solo()
    app = ReflectApp(ws)
    odd = tmp_path / "notes.txt"
    odd.write_text("SECRET words that are not JSON")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await app.run_action("import_journal")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(odd)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        problem = str(app.screen.query_one("#import-problem", Static).render())
        assert "jrnl" in problem and "Day One" in problem and "SECRET" not in problem
        assert ws.journal.entries() == []


async def test_in_the_shared_space_imports_and_writing_carry_the_author(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await app.run_action("switch_space")
        await pilot.pause()
        await app.run_action("import_journal")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(SAMPLES / "jrnl-export.json")
        await pilot.click("#import")
        await app.workers.wait_for_complete()
        await pilot.pause()
        alex = ws.household.profiles[0]
        shared = ws.store(ws.household.shared_space)
        assert len(shared.entries()) == 3 and {e.author for e in shared.entries()} == {alex.id}
        assert {e.id for e in read_import(SAMPLES / "jrnl-export.json").entries} == {e.id for e in shared.entries()}


async def test_the_prep_of_a_partner_never_shows_the_other_partners_words(workspaces):
    ws = workspaces.couple()
    sam = ws.household.profiles[1]
    ws.unlock(sam, PASS_B)
    ws.write("SAM-PRIVATE-canary")
    ws.write("SAM-SHARED-canary", space=ws.household.shared_space)
    ws.lock()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await app.run_action("session_prep")
        await pilot.pause()
        assert isinstance(app.screen, PrepScreen)
        assert app.screen.query_one("#kind-shared-entries", Checkbox).value
        assert "who wrote them" in shown_text(app.screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        preview = str(app.screen.query_one("#preview-body", Static).render())
        assert "canary" not in preview
        assert "Nothing I wrote in the shared space" in preview
