"""Two people at one computer: setup, unlock, lock, quick hide, and what the screen holds."""

from __future__ import annotations

import tempfile

from textual.widgets import Button, Input, Static

from reflect.domain.profiles import Role
from reflect.ui.app import ReflectApp
from reflect.ui.screens.hidden import HiddenScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.setup import PersonFormScreen, SetupScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.ui.screens.write import WriteScreen
from tests.helpers import (
    PASS_A,
    PASS_B,
    SIZE,
    files_under,
    forms_of,
    text_on_every_screen,
    unlock_as,
    write_free,
)

MARKER = "CANARY-app-51c9"


async def test_setting_up_two_people_through_the_screens(workspaces):
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.click("#two-of-us")
        await pilot.pause()
        for name, passphrase, role in (("Alex", PASS_A, "#hurt"), ("Sam", PASS_B, "#involved")):
            form = app.screen
            assert isinstance(form, PersonFormScreen)
            assert not form.query("#no-passphrase")  # a couple always has passphrases
            form.query_one("#name", Input).value = name
            if name == "Alex":  # a role is never assumed: the hurt partner sets the pace
                form.query_one("#passphrase", Input).value = passphrase
                form.query_one("#repeat", Input).value = passphrase
                await pilot.click("#continue")
                await pilot.pause()
                assert "choose how you come to this" in text_on_every_screen(app)
            await pilot.click(role)
            form.query_one("#passphrase", Input).value = passphrase
            form.query_one("#repeat", Input).value = passphrase
            await pilot.click("#continue")
            await pilot.pause()
            if name == "Alex":
                assert "hand the keyboard" in text_on_every_screen(app)
                assert PASS_A not in text_on_every_screen(app)
                await pilot.click("#ready")
                await pilot.pause()
        assert "Sam, would you like a recovery key?" in text_on_every_screen(app)  # Sam has the keyboard
        await pilot.click("#make")
        await pilot.pause()
        key = str(app.screen.query_one("#key", Static).render())
        assert len(key.replace("-", "")) == 40
        await pilot.click("#done")
        await pilot.pause()
        assert "hand the keyboard to Alex" in text_on_every_screen(app)
        assert key not in text_on_every_screen(app)
        await pilot.click("#ready")
        await pilot.pause()
        await pilot.click("#skip")  # no recovery key for Alex
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert not app.screen.query_one("#who").pressed_button  # nobody is assumed
    assert ws.household.is_couple
    roles = {p.name: p.role for p in ws.household.profiles}
    assert roles == {"Alex": Role.HURT, "Sam": Role.INVOLVED}
    sam = ws.household.find("Sam")
    ws.unlock_with_recovery(sam, key, "sam's new passphrase")


async def test_partners_see_their_own_and_the_shared_space_and_locking_clears_the_screen(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert isinstance(app.screen, HomeScreen)
        assert "Alex's private journal" in app.sub_title
        await write_free(pilot, app, f"alex only {MARKER}")
        await pilot.press("f6")
        await pilot.pause()
        assert "shared space" in app.sub_title
        await write_free(pilot, app, "for both of us")
        await pilot.press("j")
        await pilot.pause()
        assert "for both of us" in text_on_every_screen(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert not ws.is_unlocked
        held = text_on_every_screen(app)
        assert MARKER not in held and "for both of us" not in held

        await unlock_as(pilot, app, 1, PASS_A)  # Sam chosen, Alex's passphrase typed
        assert isinstance(app.screen, UnlockScreen)
        # Not opened; the refusal says whose passphrase it is (see test_couple_names.py).
        assert "That passphrase is Alex's, not Sam's." in text_on_every_screen(app)
        assert app.screen.query_one("#passphrase", Input).value == PASS_A  # kept as typed
        await unlock_as(pilot, app, 1, PASS_B)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("j")
        await pilot.pause()
        assert MARKER not in text_on_every_screen(app)
        assert "Nothing here yet" in text_on_every_screen(app)
        await pilot.press("escape", "f6", "j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "for both of us" in text_on_every_screen(app)
        assert MARKER not in text_on_every_screen(app)


async def test_quick_hide_shows_something_neutral_and_locks(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("n")
        await pilot.pause()
        app.screen.editor.insert(f"half written {MARKER}")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, HiddenScreen)
        assert not ws.is_unlocked
        held = text_on_every_screen(app)
        assert MARKER not in held and "reflect" not in held.lower()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await unlock_as(pilot, app, 0, PASS_A)
        assert isinstance(app.screen, WriteScreen)  # back where she was
        assert app.screen.editor.text == f"half written {MARKER}"  # the draft survived the hide


async def test_idle_lock_after_the_set_quiet_time(couple_app, seconds):
    app, ws = couple_app, couple_app.workspace
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        seconds.advance(ws.settings.idle_lock_minutes * 60 - 1)
        app.lock_if_idle()
        assert ws.is_unlocked  # not quite quiet long enough
        seconds.advance(1)
        app.lock_if_idle()
        await pilot.pause()
        assert not ws.is_unlocked
        assert isinstance(app.screen, UnlockScreen)


async def test_canary_written_through_the_app_reaches_no_file(workspaces, data_dir, tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await write_free(pilot, app, f"private {MARKER}")
        await pilot.press("j", "t")
        await pilot.pause()
        await pilot.press("ctrl+a", *"canarytag", "enter")
        await pilot.pause()
        await pilot.press("f6")
        await write_free(pilot, app, f"shared {MARKER}")
        await pilot.press("n")
        await pilot.pause()
        app.screen.editor.insert(f"draft {MARKER}")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await app.action_quit()
    ws.close()
    files = files_under(data_dir, temp)
    assert any(p.suffix == ".sealed" for p in files)
    for path in files:
        content = path.read_bytes()
        for form in forms_of(MARKER) + forms_of("canarytag"):
            assert form not in content, f"{path.name} holds private text"


async def test_a_lone_person_may_skip_the_passphrase_only_after_a_warning(workspaces):
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#just-me")
        await pilot.pause()
        form = app.screen
        form.query_one("#name", Input).value = "Robin"
        await pilot.click("#individual")
        await pilot.click("#no-passphrase")
        await pilot.click("#continue")
        await pilot.pause()
        assert "unencrypted" in text_on_every_screen(app)
        await pilot.click("#cancel")  # the warning's safe answer
        await pilot.pause()
        assert not ws.is_set_up
        await pilot.click("#continue")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert ws.is_set_up and not ws.household.profiles[0].protected


async def test_preferences_change_the_idle_lock_and_the_passphrase(workspaces):
    from textual.widgets import Select

    from reflect.storage.settings import load_settings
    from reflect.ui.screens.preferences import PreferencesScreen

    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        app.screen.query_one("#idle", Select).value = 15
        await pilot.pause()
        app.screen.query_one("#current", Input).value = PASS_A
        app.screen.query_one("#new", Input).value = "a new one for alex"
        app.screen.query_one("#repeat", Input).value = "a new one for alex!"
        await pilot.click("#change")
        await pilot.pause()
        assert "not the same" in text_on_every_screen(app)
        app.screen.query_one("#current", Input).value = PASS_A
        repeat = app.screen.query_one("#repeat", Input)
        repeat.value = "a new one for alex"
        repeat.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Passphrase changed" in text_on_every_screen(app)
        assert "a new one for alex" not in text_on_every_screen(app)
    assert load_settings(ws.layout.settings_file).idle_lock_minutes == 15
    ws.lock()
    ws.unlock(ws.household.find("Alex"), "a new one for alex")


async def test_hiding_while_an_unlock_is_running_keeps_reflect_locked(workspaces):
    import threading

    ws = workspaces.couple()
    app = ReflectApp(ws)
    release, entered = threading.Event(), threading.Event()
    real_open_for = ws.open_for
    prepared = []

    def slow_open_for(profile, passphrase, **kwargs):
        entered.set()
        release.wait(5)
        prepared.append(real_open_for(profile, passphrase, **kwargs))
        return prepared[-1]

    ws.open_for = slow_open_for
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#who-0")
        app.screen.query_one("#passphrase", Input).value = PASS_A
        await pilot.click("#unlock")
        for _ in range(100):  # the key derivation is under way
            if entered.is_set():
                break
            await pilot.pause(0.02)
        assert entered.is_set()
        await pilot.press("f12")
        await pilot.pause()
        release.set()
        for _ in range(100):  # the thread outlives its screen; wait for it to finish
            if prepared:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        assert isinstance(app.screen, HiddenScreen)
        assert not ws.is_unlocked
        assert prepared and prepared[0].stores == {} and prepared[0].seals == {}  # discarded
        for key in ("f1", "f3", "f5", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HiddenScreen), key
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and not ws.is_unlocked


async def test_nothing_crosses_to_the_partner_clipboard_or_shared_drafts(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        app.copy_to_clipboard(f"copied {MARKER}")
        await pilot.press("f6", "n")
        await pilot.pause()
        app.screen.editor.insert(f"alex's unsent shared words {MARKER}")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.clipboard == ""
        await unlock_as(pilot, app, 1, PASS_B)
        await pilot.press("f6", "n")
        await pilot.pause()
        assert app.screen.editor.text == ""
        await pilot.press("ctrl+v")
        await pilot.pause()
        assert MARKER not in app.screen.editor.text
        await pilot.press("escape", "ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)  # Alex gets her own draft back
        assert isinstance(app.screen, WriteScreen) and "shared space" in app.screen.sub_title
        assert app.screen.editor.text == f"alex's unsent shared words {MARKER}"


async def test_words_that_cannot_be_kept_when_locking_are_given_back(workspaces, monkeypatch):
    from reflect.storage.errors import SaveFailed

    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("n")
        await pilot.pause()
        app.screen.editor.insert("words on a full disk")
        store = ws.journal

        def disk_full(*args):
            raise SaveFailed(store.path, 28)

        monkeypatch.setattr(store, "save_draft", disk_full)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "words on a full disk" not in text_on_every_screen(app)
        await unlock_as(pilot, app, 1, PASS_B)
        assert "words on a full disk" not in text_on_every_screen(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert isinstance(app.screen, WriteScreen)
        assert app.screen.editor.text == "words on a full disk"


async def test_an_unexpected_error_prints_a_sentence_not_a_traceback(workspaces, capfd):
    import pytest

    ws = workspaces.couple()
    app = ReflectApp(ws)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.call_later(lambda: (_ for _ in ()).throw(RuntimeError(f"secret {MARKER}")))
            await pilot.pause()
    out, err = capfd.readouterr()
    printed = out + err
    assert "did not expect" in printed and "RuntimeError" in printed
    assert MARKER not in printed and "Traceback" not in printed


async def test_one_person_with_a_passphrase_goes_straight_in_after_setup(workspaces):
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#just-me")
        await pilot.pause()
        form = app.screen
        form.query_one("#name", Input).value = "Robin"
        await pilot.click("#hurt")
        form.query_one("#passphrase", Input).value = PASS_A
        form.query_one("#repeat", Input).value = PASS_A
        await pilot.click("#continue")
        await pilot.pause()
        await pilot.click("#skip")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and ws.is_unlocked
        assert PASS_A not in text_on_every_screen(app)


async def test_copies_never_reach_the_terminal_clipboard(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        written = []
        real_write = app._driver.write
        app._driver.write = lambda data: (written.append(data), real_write(data))[1]
        app.copy_to_clipboard(f"copied {MARKER}")
        await pilot.pause()
        assert app.clipboard == f"copied {MARKER}"
        assert not any("\x1b]52" in chunk for chunk in written)


async def test_switching_space_then_locking_keeps_each_draft_in_its_own_space(workspaces):
    ws = workspaces.couple()
    alex = ws.household.find("Alex")
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("n")
        await pilot.pause()
        app.screen.editor.insert("PRIVATE only for alex")
        await pilot.press("f6", "n")
        await pilot.pause()
        app.screen.editor.insert("shared words")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        resumed = [s for s in app.screen_stack if isinstance(s, WriteScreen)]
        assert [s.space for s in resumed] == ["shared"]
        assert app.screen.editor.text == "shared words"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [e.text for e in ws.store("shared").entries()] == ["shared words"]
        assert ws.store(alex.space).entries() == []
        assert ws.store(alex.space).get_draft(f"{alex.id}/free") == "PRIVATE only for alex"


async def test_the_function_keys_work_while_typing(workspaces):
    from reflect.ui.screens.help import HelpScreen

    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.editor.has_focus
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)



async def test_at_the_keyboard_without_the_passphrase_preferences_change_nothing(workspaces):
    """Sam's journal is open and Alex has the keyboard: no recovery key, no new passphrase."""
    from reflect.ui.screens.preferences import PreferencesScreen
    from reflect.ui.screens.setup import RecoveryKeyScreen, RecoveryOfferScreen

    ws = workspaces.couple()
    files = lambda: {p: p.read_bytes() for p in ws.layout.root.rglob("*") if p.is_file() and p.name != "settings.json"}
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        assert ws.current.name == "Sam"
        before = files()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        # Buttons are pressed directly: a problem line appearing above them moves them.
        app.screen.query_one("#recovery", Button).press()  # nothing typed in "passphrase now"
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        assert "type your passphrase as it is now" in text_on_every_screen(app)
        app.screen.query_one("#current", Input).value = PASS_A  # Alex's own, not Sam's
        app.screen.query_one("#recovery", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RecoveryOfferScreen)
        app.screen.query_one("#make", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert not any(isinstance(s, RecoveryKeyScreen) for s in app.screen_stack)
        assert "nothing was changed" in text_on_every_screen(app)
        app.screen.query_one("#new", Input).value = "alex chose this"
        app.screen.query_one("#repeat", Input).value = "alex chose this"
        app.screen.query_one("#change", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert "nothing was changed" in text_on_every_screen(app).lower()
        assert "Passphrase changed" not in text_on_every_screen(app)
        assert files() == before
    ws.lock()
    ws.unlock(ws.household.find("Sam"), PASS_B)


async def test_an_unlock_says_so_when_reflect_will_never_lock_by_itself(workspaces):
    # settings.json is a plain file: anyone with the folder can turn the idle lock off.
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "will not lock by itself" not in said
        await pilot.press("ctrl+l")
        await pilot.pause()
        ws.settings.idle_lock_minutes = 0  # as if settings.json had been changed
        await unlock_as(pilot, app, 0, PASS_A)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "will not lock by itself" in said and "Preferences" in said
