"""Adding a partner from Preferences: the first passphrase, a hand-over screen, then the partner's own choices."""

from __future__ import annotations

from textual.widgets import Input

from reflect.domain.profiles import Role
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.preferences import PreferencesScreen
from reflect.ui.screens.setup import PersonFormScreen, RecoveryOfferScreen
from reflect.ui.screens.unlock import UnlockScreen
from tests.helpers import PASSPHRASE, PASS_B, SIZE, text_on_every_screen, unlock_as, write_free

PRIVATE = "Robin's private words 4f1e"


async def _press_add_partner(pilot, app):
    """The button sits below the passphrase fields: scrolled into view, as a person would."""
    app.screen.query_one("#add-partner").scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    assert await pilot.click("#add-partner")
    await pilot.pause()


async def _to_preferences(pilot, app):
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, PreferencesScreen)


async def test_adding_a_partner_from_preferences(solo_app, solo_ws):
    app, ws = solo_app, solo_ws
    robin = ws.household.profiles[0]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await write_free(pilot, app, PRIVATE)
        await _to_preferences(pilot, app)
        # Without Robin's passphrase as it is now, nobody is handed anything.
        await _press_add_partner(pilot, app)
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        assert "passphrase as it is now" in text_on_every_screen(app)
        app.screen.query_one("#current", Input).value = "not robin's passphrase"
        await _press_add_partner(pilot, app)
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        await _press_add_partner(pilot, app)
        await pilot.pause()
        # Locked, and a full screen asks Robin to pass the keyboard.
        assert isinstance(app.screen, CurtainScreen)
        assert not ws.is_unlocked
        everything = text_on_every_screen(app)
        assert "Pass the keyboard to your partner." in everything
        assert PRIVATE not in everything and PASSPHRASE not in everything
        for key in ("f4", "f5", "j", "f6"):  # nothing private is one key away
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, CurtainScreen)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonFormScreen)
        assert not form.query("#no-passphrase") and not form.query("#individual")
        form.query_one("#name", Input).value = "Sam"
        await pilot.click("#involved")
        form.query_one("#passphrase", Input).value = PASS_B
        form.query_one("#repeat", Input).value = PASS_B
        await pilot.click("#continue")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryOfferScreen)
        assert "Sam, would you like a recovery key?" in text_on_every_screen(app)
        await pilot.click("#skip")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.door == "new"
        assert PRIVATE not in text_on_every_screen(app)
        assert ws.household.is_couple
        sam = ws.household.find("Sam")
        assert sam.role is Role.INVOLVED and sam.protected
        # Sam opens their own journal and the shared space; Robin's stays Robin's.
        await unlock_as(pilot, app, 1, PASS_B)
        assert ws.current == sam
        assert set(ws.open_spaces) == {sam.space, "shared"}
        assert PRIVATE not in text_on_every_screen(app)
    ws.lock()
    ws.unlock(robin, PASSPHRASE)
    assert set(ws.open_spaces) == {robin.space, "shared"}
    assert [e.text for e in ws.store(robin.space).entries()] == [PRIVATE]


async def test_not_now_adds_nobody_and_stays_locked(solo_app, solo_ws):
    app, ws = solo_app, solo_ws
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _to_preferences(pilot, app)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        await _press_add_partner(pilot, app)
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert any("Nothing was added" in n.message for n in app._notifications)
        # The partner's form, left with Back, adds nobody either.
        await unlock_as(pilot, app, 0, PASSPHRASE)
        await _to_preferences(pilot, app)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        await _press_add_partner(pilot, app)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonFormScreen)
        await pilot.click("#cancel")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
    assert not ws.household.is_couple


async def test_someone_on_their_own_is_told_plainly_why_a_partner_cannot_join(workspaces, seconds):
    from reflect.ui.app import ReflectApp
    from reflect.usecases.workspace import NewPerson

    ws = workspaces.fresh()
    ws.set_up([NewPerson("Kim", Role.INDIVIDUAL, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _to_preferences(pilot, app)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        await _press_add_partner(pilot, app)
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        assert "role 'hurt' or 'involved'" in text_on_every_screen(app)
    assert not ws.household.is_couple
