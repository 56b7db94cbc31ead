"""No control character from anyone's data reaches the terminal through the app (issue 8, finding 7).

Every screen below is filled with hostile text: names, the name of a skipped pack,
a reflection, its tags and the prompt it answered. What the compositor would send to the
terminal is read back and must hold no C0 (but newline and tab), DEL or C1 character.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Header

from reflect.domain.profiles import Role
from reflect.storage.sealed import KdfParams
from reflect.ui.app import ReflectApp
from reflect.ui.screens.dialogs import ConfirmScreen, TagsScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.section import SectionScreen
from reflect.ui.screens.unlock import RecoverScreen, UnlockScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.workspace import NewPerson, Workspace
from tests.helpers import DEFAULT_PACKS
from tests.helpers import PACK_MD, write_pack
from tests.helpers import PASS_A, PASS_B, SIZE, unlock_as

ESC = "\x1b]0;pwned\x07\x1b[31m\x9b2J\x7f\x85"
NAME_A = f"Al{ESC}ex"
NAME_B = f"Sa{ESC}m"


def unsafe_on_screen(app) -> list[str]:
    """Control characters in what the active screen would send to the terminal."""
    strips = app.screen._compositor.render_strips()
    text = "".join(segment.text for strip in strips for segment in strip)
    return [hex(ord(c)) for c in text if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]


def hostile_household(data_dir, clock, tmp_path) -> Workspace:
    """Two people with hostile names, and one reflection as an import from elsewhere could bring it.

    Prompt packs refuse control characters when they load (a pack with one is
    skipped and named); a pack folder with an ESC in its name checks that naming.
    """
    packs = tmp_path / "packs"
    write_pack(packs / f"bad{ESC}pack", {"pack.md": PACK_MD.replace("A test pack", f"A pack{ESC}")})
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS, packs], kdf=KdfParams.TEST)
    assert ws.packs.skipped
    ws.settings.first_run_acknowledged = True
    ws.set_up([NewPerson(NAME_A, Role.HURT, PASS_A), NewPerson(NAME_B, Role.INVOLVED, PASS_B)])
    ws.unlock(ws.household.profiles[0], PASS_A)
    entry = ws.write(f"From an import{ESC}\nsecond line{ESC}", prompt_id="body-now", tags=(f"t{ESC}ag",))
    ws.journal.update(replace(entry, prompt_text=f"An old prompt{ESC}"))
    ws.lock()
    return ws


async def test_every_screen_shows_hostile_data_without_control_characters(data_dir, clock, tmp_path):
    ws = hostile_household(data_dir, clock, tmp_path)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.query("Toast")  # the skipped pack is named
        assert unsafe_on_screen(app) == []
        await pilot.click("#who-0")
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen) and unsafe_on_screen(app) == []
        await pilot.press("escape")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert isinstance(app.screen, HomeScreen)
        assert "Al\ufffd" in str(app.screen.query_one(Header).format_title())
        assert unsafe_on_screen(app) == []

        app.push_screen(SectionScreen(ws.find_section("why-impossible")))
        await pilot.pause()
        assert unsafe_on_screen(app) == []
        await pilot.press("escape")

        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen) and unsafe_on_screen(app) == []
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen) and unsafe_on_screen(app) == []
        await pilot.press("escape")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and unsafe_on_screen(app) == []
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen) and unsafe_on_screen(app) == []
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f6")  # the notification names the space, and so the person
        await pilot.pause()
        assert unsafe_on_screen(app) == []
        app.action_preferences()
        await pilot.pause()
        assert unsafe_on_screen(app) == []
    ws.close()


async def test_an_entry_opened_and_left_unchanged_stays_as_it_was_stored(data_dir, clock, tmp_path):
    ws = hostile_household(data_dir, clock, tmp_path)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        assert not app.screen.has_unsaved_changes  # nothing to ask about: the person changed nothing
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        [entry] = ws.journal.entries()
        assert entry.text == f"From an import{ESC}\nsecond line{ESC}"
    ws.close()


async def test_setup_screens_show_a_hostile_name_safely(data_dir, clock):
    from reflect.ui.screens.setup import CurtainScreen, RecoveryKeyScreen, RecoveryOfferScreen

    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.settings.first_run_acknowledged = True
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for screen in (
            CurtainScreen(f"Now please hand the keyboard to {NAME_B}."),
            RecoveryOfferScreen(NAME_A),
            RecoveryKeyScreen(NAME_A, "ABCD-EFGH"),
        ):
            app.push_screen(screen)
            await pilot.pause()
            assert unsafe_on_screen(app) == [], type(screen).__name__
            app.pop_screen()
    ws.close()


async def test_a_paste_holding_terminal_escapes_lands_as_placeholders(data_dir, clock, tmp_path):
    from textual import events

    ws = hostile_household(data_dir, clock, tmp_path)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        app.post_message(events.Paste(f"pasted{ESC}\nnext line\ttab"))
        await pilot.pause()
        assert app.screen.editor.text.startswith("pasted\ufffd]0;pwned")
        assert "\nnext line\ttab" in app.screen.editor.text
        assert unsafe_on_screen(app) == []
    ws.close()
