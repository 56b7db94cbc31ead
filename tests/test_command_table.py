"""One command table: every key on every screen is in the help, and the footer keeps the safety keys.

Also the app shell's promises that need no journey: modals work in a small
host app, and a crash prints one plain sentence, never a traceback.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import textwrap

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

import reflect.ui.screens
from reflect.ui import commands
from reflect.ui.app import ReflectApp
from reflect.ui.commands import ANYWHERE, COMMANDS, PALETTE_ACTIONS, PLACE_TITLES, help_markdown, key_display
from tests.helpers import PASS_A, PASSPHRASE, PROJECT_ROOT, SMALL, unlock_as, visible_footer_actions, write_free


def every_screen_class() -> list[type[Screen]]:
    found = []
    for module_info in pkgutil.iter_modules(reflect.ui.screens.__path__):
        module = importlib.import_module(f"reflect.ui.screens.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def own_bindings(cls: type) -> list:
    """The bindings reflect wrote for this class (Textual's own, like Tab, are its business)."""
    return list(cls.__dict__.get("BINDINGS", []))


def place_of(cls: type) -> str:
    """Where a screen's keys are described: the place its bindings were made for, else the dialogs."""
    if cls is ReflectApp:
        return ANYWHERE
    for place in PLACE_TITLES:
        made = {(b.key, b.action) for b in commands.bindings_for(place)}
        mine = {(b.key, b.action) for b in own_bindings(cls) if isinstance(b, Binding)}
        if mine and made == mine:
            return place
    return commands.DIALOG


def help_keys(couple: bool) -> dict[str, set[str]]:
    """Heading -> every key the help names under it."""
    keys: dict[str, set[str]] = {}
    heading = ""
    for line in help_markdown(couple=couple).splitlines():
        if line.startswith("**"):
            heading = line.strip("*")
            keys[heading] = set()
        elif line.startswith("| ") and not line.startswith("| Key"):
            cell = line.split("|")[1].strip()
            keys[heading].update(re.split(r" or |, ", cell))
    return keys


SCREENS = every_screen_class()


def test_the_screens_are_found():
    names = {cls.__name__ for cls in SCREENS}
    assert {"HomeScreen", "JournalScreen", "WriteScreen", "UnlockScreen", "ConfirmScreen", "HelpScreen"} <= names


@pytest.mark.parametrize("cls", [ReflectApp, *SCREENS], ids=lambda cls: cls.__name__)
def test_every_binding_is_in_the_help(cls):
    described = help_keys(couple=True)
    place = place_of(cls)
    allowed = described[PLACE_TITLES[place]] | described[PLACE_TITLES[ANYWHERE]]
    for binding in own_bindings(cls):
        assert isinstance(binding, Binding), f"{cls.__name__}: write bindings as Binding(...)"
        for key in binding.key.split(","):
            assert key_display(key) in allowed, f"{cls.__name__}: {key} ({binding.description}) is not in the help"


@pytest.mark.parametrize("cls", [ReflectApp, *SCREENS], ids=lambda cls: cls.__name__)
def test_every_binding_runs_an_action_that_exists(cls):
    for binding in own_bindings(cls):
        namespace, _, name = binding.action.rpartition(".")
        target = ReflectApp if namespace == "app" or cls is ReflectApp else cls
        name = name.split("(")[0]
        assert hasattr(target, f"action_{name}"), f"{cls.__name__}: {binding.action} runs nothing"


def test_the_shared_space_key_is_in_the_help_only_for_a_couple():
    assert "F6" in help_keys(couple=True)["Anywhere"]
    assert "F6" not in help_keys(couple=False)["Anywhere"]


def test_each_action_is_written_once():
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    for place in PLACE_TITLES:
        ids = [b.id for b in commands.bindings_for(place)]
        assert len(ids) == len(set(ids)), place


def test_the_palette_is_made_from_the_table_and_runs_app_actions():
    assert [title for title, _, _ in PALETTE_ACTIONS] == [c.palette for c in COMMANDS if c.palette]
    for _, help_line, action in PALETTE_ACTIONS:
        assert help_line and hasattr(ReflectApp, f"action_{action}"), action


def test_the_safety_keys_are_shown_in_the_footer():
    shown = {b.action for b in commands.bindings_for(ANYWHERE) if b.show}
    assert set(commands.SAFETY_COMMANDS) <= shown


# --- 80x24: the safety keys stay visible in every footer, solo too ---

SAFETY = {"help", "pause", "resources", "quick_hide"}


async def test_the_safety_keys_fit_at_80_columns_on_setup(workspaces):
    app = ReflectApp(workspaces.fresh())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert SAFETY <= visible_footer_actions(app)


async def test_the_safety_keys_fit_at_80_columns_on_every_solo_screen(solo_app):
    app = solo_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await write_free(pilot, app, "something to list")
        for keys, name in (
            ((), "home"),
            (("enter",), "section"),
            (("escape", "n"), "write"),
            (("escape", "j"), "journal"),
            (("p",), "session prep"),
            (("ctrl+s",), "the prep before saving"),
            (("escape", "escape", "escape", "t"), "trend"),
        ):
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause()
            assert type(app.screen).__name__ != "HomeScreen" or name == "home", name
            assert SAFETY | {"lock"} <= visible_footer_actions(app), name


async def test_the_safety_keys_fit_at_80_columns_at_the_couples_door(couple_app):
    async with couple_app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert SAFETY <= visible_footer_actions(couple_app)
        await unlock_as(pilot, couple_app, 0, PASS_A)
        assert SAFETY | {"lock", "switch_space"} <= visible_footer_actions(couple_app) | {"switch_space"}
        assert SAFETY | {"lock"} <= visible_footer_actions(couple_app)


# --- modals in a small host app ---

class Host(App[None]):
    """Just enough app to show one dialog and keep what it answered."""

    def __init__(self, dialog: Screen) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


async def test_a_confirmation_answers_no_on_escape_and_yes_on_its_button():
    from reflect.ui.screens.dialogs import ConfirmScreen

    host = Host(ConfirmScreen("Delete this reflection?", "Written today.", confirm_label="Delete"))
    async with host.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert host.answers and not host.answers[0]


async def test_the_help_needs_no_workspace_and_says_the_safety_keys():
    from textual.widgets import Markdown

    from reflect.ui.screens.help import HelpScreen

    host = Host(HelpScreen())
    async with host.run_test() as pilot:
        await pilot.pause()
        source = host.screen.query_one(Markdown).source
        assert "| F12 |" in source and "| Ctrl+L |" in source and "F6" not in source
        await pilot.press("escape")
        await pilot.pause()
    assert host.answers == [None]


# --- never a traceback ---

CRASH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reflect.ui.app import ReflectApp
    from reflect.ui.screens.home import HomeScreen
    from tests.helpers import open_solo
    from datetime import datetime, timezone

    def boom(self):
        private_words = "SECRET-crash-words-41"
        raise RuntimeError("unexpected")

    HomeScreen.on_mount = boom
    ws = open_solo(Path(sys.argv[1]), lambda: datetime(2026, 11, 2, tzinfo=timezone.utc))
    app = ReflectApp(ws)
    app.run(headless=True)
    ws.close()
    sys.exit(app.return_code or 0)
    """
)


def test_a_crash_prints_one_plain_sentence_and_no_traceback(tmp_path):
    env = {"PYTHONPATH": str(PROJECT_ROOT), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(tmp_path / "data")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 1
    assert "reflect stopped because of a problem it did not expect (RuntimeError)" in said
    assert "Traceback" not in said and "SECRET-crash-words-41" not in said
    assert PASSPHRASE not in said


async def test_the_first_run_notice_opens_the_resources_and_the_help_is_made_once(workspaces):
    from reflect.ui.screens.first_run import FirstRunScreen
    from reflect.ui.screens.help import HelpScreen
    from reflect.ui.screens.resources import ResourcesScreen

    app = ReflectApp(workspaces.solo(acknowledged=False))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.click("#resources")
        await pilot.pause()
        assert isinstance(app.screen, ResourcesScreen)
        await pilot.press("escape", "escape")  # the resources, then the notice
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        first = app.screen
        assert isinstance(first, HelpScreen)
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert app.screen is first  # a lazy App.SCREENS factory: made on first use, then kept


async def test_the_palette_offers_private_actions_only_while_unlocked(couple_app, unlock_as):
    from reflect.ui.commands import PRIVATE_ACTIONS, ReflectCommands

    async def offered() -> set[str]:
        provider = ReflectCommands(couple_app.screen)
        return {str(hit.text) for hit in [hit async for hit in provider.discover()]}

    private_titles = {title for title, _, action in PALETTE_ACTIONS if action in PRIVATE_ACTIONS}
    async with couple_app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        locked = await offered()
        assert locked and not locked & private_titles and "Lock" not in locked
        await unlock_as(pilot, couple_app, 0, PASS_A)
        unlocked = await offered()
        assert private_titles <= unlocked and {"Lock", "Switch space", "Switch person"} <= unlocked
