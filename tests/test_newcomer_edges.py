"""Rough edges a newcomer hit (issue 13), each held by a test through the app."""

from __future__ import annotations

from reflect.storage import changelog
from reflect.ui.app import ReflectApp
from reflect.ui.screens.write import WriteScreen
from tests.helpers import (
    DEFAULT_PACKS,
    PASS_A,
    PASS_B,
    PASSPHRASE,
    SIZE,
    SMALL,
    in_view,
    open_solo,
    run_cli,
    text_on_every_screen,
    unlock_as,
    visible_footer_actions,
    write_free,
)


async def test_saving_writes_the_entry_and_clears_its_draft_in_one_save(workspaces, monkeypatch):
    """A crash right after Ctrl+S can never leave a draft of words already saved."""
    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteScreen)
        screen.editor.insert("words kept as a draft first")
        screen.keep_draft()
        assert ws.journal.get_draft(screen.draft_key) == "words kept as a draft first"
        saves = []
        real = changelog.LogWriter.append

        def counted(log, data):
            saves.append(log.path)
            return real(log, data)

        monkeypatch.setattr(changelog.LogWriter, "append", counted)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(saves) == 1
        assert ws.journal.get_draft(screen.draft_key) is None
        [entry] = ws.journal.entries()
        assert entry.text == "words kept as a draft first"


def test_an_edit_and_its_draft_are_one_save_and_read_back_as_saved(workspaces, clock, monkeypatch):
    ws = workspaces.solo()
    entry = ws.write("first words", tags=["evening"])
    ws.journal.save_draft("robin/edit:x", "first words, and more")
    saves = []
    real = changelog.LogWriter.append
    monkeypatch.setattr(changelog.LogWriter, "append", lambda log, data: (saves.append(log.path), real(log, data)))
    edited = entry.edited("first words, and more", clock())
    ws.journal.update(edited, clearing_draft="robin/edit:x")
    assert len(saves) == 1
    profile = ws.current
    ws.lock()
    ws.unlock(profile, "a long enough passphrase")
    assert [e.text for e in ws.journal.entries()] == ["first words, and more"]
    assert ws.journal.entries()[0].tags == ("evening",)
    assert ws.journal.get_draft("robin/edit:x") is None
    ws.journal.save_draft("robin/free", "later")  # the store keeps working after the one-write save
    assert ws.journal.get_draft("robin/free") == "later"


# --- F6 from the shared space (issue 9's privacy hole) and solo (item 10) ---

from reflect.ui.screens.home import HomeScreen  # noqa: E402
from reflect.ui.screens.journal import JournalScreen  # noqa: E402
from reflect.ui.screens.unlock import UnlockScreen  # noqa: E402

CANARY = "CANARY-private-alex-7d31"


async def press_everything(pilot, app) -> None:
    """What a curious partner might press on the screen they were handed."""
    for key in ("j", "escape", "f6", "j", "u", "escape", "n", "escape", "f4", "escape", "f5", "escape", "p", "escape"):
        await pilot.press(key)
        await pilot.pause()
        assert CANARY not in text_on_every_screen(app)


async def test_f6_from_the_shared_space_asks_whose_journal_and_their_passphrase(workspaces):
    ws = workspaces.couple()
    alex = ws.household.find("Alex")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await write_free(pilot, app, f"only mine {CANARY}")
        await pilot.press("f6")  # Alex goes to the shared space, and hands Sam the keyboard
        await pilot.pause()
        assert "shared space" in app.sub_title
        assert CANARY not in text_on_every_screen(app)
        await pilot.press("f6")  # Sam presses F6: a door, not Alex's journal
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert not ws.is_unlocked  # whatever was open privately is locked
        shown = text_on_every_screen(app)
        assert "Whose journal is it?" in shown and CANARY not in shown
        await press_everything(pilot, app)
        assert not ws.is_unlocked

        await unlock_as(pilot, app, 0, PASS_B)  # Alex chosen, Sam's passphrase: refused
        assert isinstance(app.screen, UnlockScreen) and not ws.is_unlocked
        assert CANARY not in text_on_every_screen(app)

        await unlock_as(pilot, app, 1, PASS_B)  # Sam opens Sam's own journal
        assert isinstance(app.screen, HomeScreen)
        assert ws.active_space == ws.household.find("Sam").space
        await press_everything(pilot, app)  # including F6 to the shared space and back
        assert CANARY not in text_on_every_screen(app)

        if ws.is_unlocked:
            await pilot.press("ctrl+l")
            await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)  # Alex, with Alex's passphrase, sees it again
        assert ws.active_space == alex.space
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert CANARY in text_on_every_screen(app)


async def test_preferences_in_the_shared_space_offer_no_new_passphrase_or_recovery_key(workspaces):
    from textual.widgets import Button

    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f6", "p")
        await pilot.pause()
        ids = {b.id for b in app.screen.query(Button)}
        assert "recovery" not in ids and "change" not in ids
        assert not app.screen.query("#new")
        await pilot.press("escape", "f6")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("p")
        await pilot.pause()
        assert {"recovery", "change"} <= {b.id for b in app.screen.query(Button)}


async def test_solo_f6_is_not_offered_anywhere(workspaces):
    from reflect.ui.screens.help import HelpScreen

    ws = workspaces.solo()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("switch_space", ()) is False
        footer_keys = {binding.key for (_, binding, enabled, _) in app.screen.active_bindings.values() if enabled}
        assert "f6" not in footer_keys
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "F6" not in text_on_every_screen(app)


async def test_the_lock_screen_just_after_a_couple_sets_up_does_not_say_welcome_back(workspaces):
    from reflect.domain.profiles import Role
    from reflect.usecases.workspace import NewPerson

    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        profiles = ws.set_up([NewPerson("Alex", Role.HURT, PASS_A), NewPerson("Sam", Role.INVOLVED, PASS_B)])
        app.after_setup(profiles)
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        shown = text_on_every_screen(app)
        assert "Welcome back" not in shown and "reflect is ready" in shown
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Welcome back" in text_on_every_screen(app)


async def test_the_check_in_says_which_space_it_saves_to(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f4")
        await pilot.pause()
        assert "It is saved in Alex's private journal." in text_on_every_screen(app)
        await pilot.press("escape", "f6", "f4")
        await pilot.pause()
        shown = text_on_every_screen(app)
        assert "saved in the shared space (Alex & Sam), under Alex's name: both of you can see it" in shown
    ws.close()


# --- the undo promise across lock, hide and idle lock (item 2), and its toast (item 3) ---

from reflect.storage.sealed import is_sealed  # noqa: E402
from reflect.usecases.undo_keeping import UNDO_TABLE  # noqa: E402


async def delete_the_highlighted(pilot, app) -> None:
    await pilot.press("d")
    await pilot.pause()
    await pilot.click("#confirm")
    await pilot.pause()


async def unlock_solo(pilot, app) -> None:
    assert isinstance(app.screen, UnlockScreen)
    app.screen.query_one("#passphrase").value = PASSPHRASE
    await pilot.click("#unlock")
    await app.workers.wait_for_complete()
    await pilot.pause()


def toasts(app) -> list[str]:
    from textual.widgets._toast import Toast

    return [str(t.render()) for t in app.screen.query(Toast)]


async def test_undo_survives_lock_hide_and_idle_lock_for_the_same_person(solo_app, seconds):
    app = solo_app
    ws = app.workspace
    ws.write(f"keep me safe {CANARY}")
    space_file = ws.space_path(ws.current.space)
    async with app.run_test(size=SIZE) as pilot:
        for lock_with in ("ctrl+l", "f12", "idle"):
            await pilot.press("j")
            await pilot.pause()
            await delete_the_highlighted(pilot, app)
            assert ws.journal.entries() == []
            if lock_with == "idle":
                ws.settings.idle_lock_minutes = 1
                seconds.advance(120)
                app.lock_if_idle()
            else:
                await pilot.press(lock_with)
            await pilot.pause()
            if lock_with == "f12":
                await pilot.press("enter")
                await pilot.pause()
            assert not ws.is_unlocked and app.last_deleted is None  # nothing held in memory
            stored = space_file.read_bytes()
            assert is_sealed(stored) and CANARY.encode() not in stored  # kept sealed, never in the clear
            await unlock_solo(pilot, app)
            await pilot.press("j", "u")
            await pilot.pause()
            assert [e.text for e in ws.journal.entries()] == [f"keep me safe {CANARY}"], lock_with
            assert ws.journal.table_records(UNDO_TABLE) == []  # taken out of the file again
            await pilot.press("escape")
            await pilot.pause()
    ws.close()


async def test_an_undo_kept_at_a_lock_is_not_offered_after_leaving_reflect(workspaces):
    ws = workspaces.solo()
    ws.write("gone for good")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        await delete_the_highlighted(pilot, app)
        await pilot.press("ctrl+l")
        await pilot.pause()
    ws.close()
    ws = workspaces.solo()
    again = ReflectApp(ws)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.last_deleted is None
        await pilot.press("j", "u")
        await pilot.pause()
        assert ws.journal.entries() == []
        assert ws.journal.table_records(UNDO_TABLE) == []


async def test_a_partner_cannot_undo_the_other_partners_delete(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f6")
        await write_free(pilot, app, "ours, for now")
        await pilot.press("j")
        await pilot.pause()
        await delete_the_highlighted(pilot, app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        await pilot.press("f6", "j", "u")
        await pilot.pause()
        assert ws.store("shared").entries() == []
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f6", "j", "u")
        await pilot.pause()
        assert [e.text for e in ws.store("shared").entries()] == ["ours, for now"]


async def test_after_undo_the_delete_notice_does_not_come_back(workspaces):
    ws = workspaces.solo()
    ws.write("keep me")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j")
        await pilot.pause()
        await delete_the_highlighted(pilot, app)
        await pilot.pause()
        assert any("Press u to undo" in t for t in toasts(app))
        await pilot.press("u")
        await pilot.pause()
        await pilot.pause()
        assert toasts(app) == ["Restored."]


async def test_a_new_recovery_key_from_preferences_comes_after_the_look_away(workspaces):
    from reflect.storage.sealed import sealed_slot_ids
    from reflect.ui.screens.setup import RecoveryKeyScreen, RecoveryOfferScreen

    ws = workspaces.solo()
    space_file = ws.space_path(ws.current.space)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        from textual.widgets import Input

        from tests.helpers import PASSPHRASE

        app.screen.query_one("#current", Input).value = PASSPHRASE
        await pilot.click("#recovery")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryOfferScreen)
        assert "look away" in text_on_every_screen(app)
        assert not any(isinstance(s, RecoveryKeyScreen) for s in app.screen_stack)
        assert not any(slot.startswith("recovery") for slot in sealed_slot_ids(space_file.read_bytes()))
        await pilot.click("#make")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryKeyScreen)
        assert any(slot.startswith("recovery") for slot in sealed_slot_ids(space_file.read_bytes()))
    ws.close()


# --- small content slips (item 14) ---


def test_the_markdown_export_names_each_reflections_step(tmp_path, capsys, monkeypatch):

    data = str(tmp_path / "d")
    code, _, err = run_cli(["write", "--data-dir", data, "--prompt", "body-now", "what my body does"], capsys, monkeypatch)
    assert code == 0, err
    code, out, err = run_cli(["export", "--format", "md", "--data-dir", data], capsys, monkeypatch)
    assert code == 0, err
    title = next(line for line in (DEFAULT_PACKS / "after-betrayal" / "01-why-it-feels-impossible.md").read_text().splitlines() if line.startswith("title:"))
    assert f"From the step: *{title.removeprefix('title:').strip()}*" in out
    assert "what my body does" in out


def test_the_prompt_pack_guide_prints_what_validate_prints(capsys):
    from reflect.cli import main

    assert main(["packs", "validate", str(DEFAULT_PACKS / "after-betrayal")]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert f"`{printed}`" in (DEFAULT_PACKS / "README.md").read_text()


def test_the_demo_journal_is_about_one_partner():
    import re

    from reflect.usecases.demo_content import SAMPLE_ENTRIES

    names = {"Sam", "Robin", "Alex", "Jo", "Kit", "Lee"}
    named = {n for e in SAMPLE_ENTRIES for n in names if re.search(rf"\b{n}\b", e["text"])}
    assert named == {"Sam"}


# --- the quick-hide screen as an idle shell prompt (item 9) ---


async def test_the_hide_screen_echoes_like_a_shell_and_still_locks(workspaces):
    from reflect.ui.screens.hidden import HiddenScreen

    ws = workspaces.solo()
    ws.write(f"private words {CANARY}")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, HiddenScreen) and not ws.is_unlocked
        await pilot.press(*"ls -la", "enter", "f1", "j", "ctrl+c", *"cd", "backspace", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HiddenScreen) and not ws.is_unlocked
        shell = str(app.screen.query_one("#shell").render())
        assert shell.splitlines() == ["$ ls -la", "$ j^C", "$ c", "$  "]  # the last: prompt and cursor
        held = text_on_every_screen(app)
        assert CANARY not in held and "reflect" not in held.lower()
        await pilot.press("backspace", "enter")  # Enter on an empty prompt: the way back, as before
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and not ws.is_unlocked
        assert "$ ls" not in text_on_every_screen(app)
    ws.close()


# --- 80x24: the safety keys stay visible in every footer (item 7) ---

SAFETY_ACTIONS = {"help", "pause", "resources", "quick_hide"}


async def test_the_safety_keys_fit_every_footer_at_80_columns(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert SAFETY_ACTIONS <= visible_footer_actions(app), "unlock"
        await unlock_as(pilot, app, 0, PASS_A)
        await write_free(pilot, app, "something to list")
        unlocked = SAFETY_ACTIONS | {"lock"}
        for keys, name in (
            ((), "home"),
            (("enter",), "section"),
            (("escape", "n"), "write"),
            (("escape", "j"), "journal"),
            (("escape", "t"), "trend"),
            (("escape", "r"), "resources"),
            (("escape", "f6"), "home in the shared space"),
            (("j",), "shared journal"),
        ):
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause()
            assert unlocked <= visible_footer_actions(app), name


async def test_dialog_buttons_are_in_view_at_80x24_without_scrolling(workspaces, data_dir, clock):
    from reflect.ui.screens.first_run import FirstRunScreen
    from reflect.ui.screens.setup import PersonFormScreen
    from reflect.ui.screens.unlock import RecoverScreen

    ws = workspaces.fresh()
    ws.settings.first_run_acknowledged = False
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert in_view(app, "#understood") and in_view(app, "#resources")
        await pilot.click("#understood")
        await pilot.pause()
        await pilot.click("#just-me")
        await pilot.pause()
        assert isinstance(app.screen, PersonFormScreen)
        assert in_view(app, "#continue")
        app.screen.query_one("#no-passphrase").value = True  # as Tab, Tab, Tab, Space would
        await pilot.pause()
        await pilot.pause()
        assert in_view(app, "#no-passphrase-warning") and in_view(app, "#continue")
    ws.close()

    ws = open_solo(data_dir.parent / "other", clock)
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        assert in_view(app, ".screen-title") and in_view(app, "#close") and in_view(app, "#change")
        await pilot.press("escape", "ctrl+l")
        await pilot.pause()
        await pilot.click("#recover")
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen)
        assert in_view(app, "#open") and in_view(app, "#key")
