"""The save-to-file flow the save dialogs share (reflect/ui/screens/saving.py), through a small host app."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from reflect.usecases import wording
from reflect.usecases.exports import write_export
from reflect.ui.screens.dialogs import ConfirmScreen
from reflect.ui.screens.saving import NOTHING_REPLACED, REPLACE_QUESTION, SavesToFile
from tests.helpers import shown_text


class SaveHost(SavesToFile, Screen[None]):
    def __init__(self, path: Path, private_folder: Path) -> None:
        super().__init__()
        self.path = path
        self.folder = private_folder
        self.saved: list[Path] = []

    @property
    def private_folder(self) -> Path:  # a host app has no workspace: the test's folder
        return self.folder

    def compose(self) -> ComposeResult:
        yield Static("", id="problem")

    def _say(self, problem: str) -> None:
        self.query_one("#problem", Static).update(Content(problem))

    def action_save(self) -> None:
        self.save_to(
            self.path,
            lambda replace: write_export(self.path, b"new", replace=replace, private_folder=self.private_folder),
            self.saved.append,
        )


class HostApp(App[None]):
    def __init__(self, host: SaveHost) -> None:
        super().__init__()
        self.host = host

    def on_mount(self) -> None:
        self.push_screen(self.host)


def problem(host: SaveHost) -> str:
    return str(host.query_one("#problem", Static).render())


async def run_save(tmp_path: Path, path: Path) -> tuple[HostApp, SaveHost]:
    host = SaveHost(path, tmp_path / "data" / "exports")
    return HostApp(host), host


async def test_a_save_that_works_reaches_done(tmp_path):
    app, host = await run_save(tmp_path, tmp_path / "out.txt")
    async with app.run_test() as pilot:
        host.action_save()
        await pilot.pause()
        assert host.saved == [None]
        assert (tmp_path / "out.txt").read_bytes() == b"new"


async def test_a_file_already_there_is_replaced_only_after_yes(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    app, host = await run_save(tmp_path, target)
    async with app.run_test() as pilot:
        host.action_save()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert REPLACE_QUESTION in shown_text(app.screen)
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.screen is host
        assert problem(host) == NOTHING_REPLACED
        assert target.read_bytes() == b"old" and host.saved == []
        host.action_save()
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert target.read_bytes() == b"new" and host.saved == [None]


async def test_a_missing_folder_or_a_folder_in_the_way_is_a_sentence(tmp_path):
    missing = tmp_path / "nowhere" / "out.txt"
    app, host = await run_save(tmp_path, missing)
    async with app.run_test() as pilot:
        host.action_save()
        await pilot.pause()
        assert problem(host) == wording.SAVE_FOLDER_MISSING.format(folder=missing.parent)
        host.path = tmp_path
        host.action_save()
        await pilot.pause()
        assert problem(host) == wording.SAVE_IS_A_FOLDER
        assert host.saved == []
