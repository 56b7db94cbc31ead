"""Passphrase and recovery-key fields: nothing typed in them can be copied out (issue 8, finding 5)."""

from __future__ import annotations

from textual.widgets import Input

from reflect.ui.app import ReflectApp
from reflect.ui.screens.preferences import PreferencesScreen
from reflect.ui.screens.setup import PersonFormScreen, SetupScreen
from reflect.ui.screens.unlock import RecoverScreen, UnlockScreen
from tests.helpers import PASS_A, SIZE, unlock_as

WRONG = "amistypedsecret"


async def fail_once(pilot, app) -> Input:
    assert isinstance(app.screen, UnlockScreen)
    await pilot.click("#who-0")
    field = app.screen.query_one("#passphrase", Input)
    field.focus()
    await pilot.pause()
    await pilot.press(*WRONG, "enter")  # typed, as a person would; the focus stays in the field
    await app.workers.wait_for_complete()
    await pilot.pause()
    return field


async def test_a_failed_passphrase_cannot_be_copied_into_the_recovery_field(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = await fail_once(pilot, app)
        assert app.screen.focused is field
        await pilot.press("end", "shift+home", "ctrl+c")
        await pilot.press("end", "shift+home", "ctrl+x")
        await pilot.pause()
        assert WRONG not in app.clipboard
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen)
        key = app.screen.query_one("#key", Input)
        key.focus()
        await pilot.press("ctrl+v")
        await pilot.pause()
        assert WRONG not in key.value
        assert key.password  # the recovery key is masked too


async def test_a_failed_passphrase_is_selected_so_typing_replaces_it(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = await fail_once(pilot, app)
        assert field.selected_text == WRONG
        await pilot.press("x")
        assert field.value == "x"
        await pilot.press("backspace")
        field.value = PASS_A
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ws.is_unlocked


async def test_every_passphrase_field_refuses_copy_and_cut(workspaces):
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.click("#just-me")
        await pilot.pause()
        assert isinstance(app.screen, PersonFormScreen)
        for field_id in ("#passphrase", "#repeat"):
            field = app.screen.query_one(field_id, Input)
            field.focus()
            field.value = WRONG
            await pilot.press("end", "shift+home", "ctrl+c", "end", "shift+home", "ctrl+x")
            await pilot.pause()
            assert WRONG not in app.clipboard
            assert field.value == WRONG  # cut does not take it away either
        name = app.screen.query_one("#name", Input)
        name.focus()
        await pilot.press("ctrl+v")
        assert WRONG not in name.value


async def test_the_preferences_passphrase_fields_refuse_copy(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        app.action_preferences()
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        for field_id in ("#new", "#repeat"):
            field = app.screen.query_one(field_id, Input)
            field.focus()
            field.value = WRONG
            await pilot.press("end", "shift+home", "ctrl+c", "ctrl+x")
            await pilot.pause()
            assert WRONG not in app.clipboard


async def test_a_failed_recovery_key_is_selected_so_typing_replaces_it(workspaces):
    ws = workspaces.couple()
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#who-0")
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen)
        for field_id, value in (("#new", "a brand new passphrase"), ("#repeat", "a brand new passphrase")):
            app.screen.query_one(field_id, Input).value = value
        key = app.screen.query_one("#key", Input)
        key.focus()
        await pilot.pause()
        await pilot.press(*WRONG, "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen) and not ws.is_unlocked
        assert app.screen.focused is key and key.selected_text == WRONG
        await pilot.press("end", "shift+home", "ctrl+c")
        assert WRONG not in app.clipboard
