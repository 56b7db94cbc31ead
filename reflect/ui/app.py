"""The reflect app: built from a workspace, so tests can hand it a temporary one."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reflect.domain.entries import Entry
from reflect.ui.commands import ReflectCommands
from reflect.workspace import Workspace

# Textual's screenshot command writes an SVG of the screen (with whatever
# private text is on it) to the Downloads folder. reflect never offers it.
HIDDEN_SYSTEM_COMMANDS = frozenset({"Screenshot"})


class ReflectApp(App[None]):
    """A guided path through the article, and a private journal."""

    TITLE = "reflect"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ReflectCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="The keys reflect understands"),
        Binding(
            "f2,ctrl+g",
            "pause",
            "Pause",
            id="pause",
            priority=True,
            tooltip="A short breathing exercise. Nothing is saved.",
        ),
        Binding("f3", "resources", "Resources", id="resources", tooltip="Where to find help"),
    ]

    def __init__(self, workspace: Workspace, *, demo: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.demo = demo
        self._theme_restored = False
        self.last_deleted: Entry | None = None
        """The last reflection deleted in this session, so it can be restored."""

    def on_mount(self) -> None:
        from reflect.ui.screens.first_run import FirstRunScreen
        from reflect.ui.screens.home import HomeScreen

        if self.workspace.settings.theme in self.available_themes:
            self.theme = self.workspace.settings.theme
        self._theme_restored = True
        self.sub_title = "demo: sample data, nothing is kept" if self.demo else "your journal"
        self.push_screen(HomeScreen())
        for path in self.workspace.packs.skipped:
            self.notify(
                f"A prompt pack was skipped because it has problems: {path}. "
                f"`reflect packs validate {path}` shows them.",
                title="Pack skipped",
                severity="warning",
                markup=False,
                timeout=12,
            )
        if not self.workspace.settings.first_run_acknowledged:
            self.push_screen(FirstRunScreen(), self._acknowledged)

    def _acknowledged(self, understood: bool | None) -> None:
        if understood and not self.demo:
            self.workspace.settings.first_run_acknowledged = True
            self.save_settings_quietly()

    def save_settings_quietly(self) -> None:
        """Settings are a convenience: failing to save them is said, not fatal."""
        from reflect.storage.errors import StoreError

        try:
            self.workspace.save_settings()
        except (OSError, StoreError):
            self.notify("Your preferences could not be saved this time.", severity="warning")

    def watch_theme(self, theme: str) -> None:
        if self._theme_restored and self.workspace.settings.theme != theme:
            self.workspace.settings.theme = theme
            self.save_settings_quietly()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in HIDDEN_SYSTEM_COMMANDS:
                yield command

    def action_help(self) -> None:
        from reflect.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_pause(self) -> None:
        from reflect.ui.screens.pause import PauseScreen

        if not isinstance(self.screen, PauseScreen):
            self.push_screen(PauseScreen())

    def action_resources(self) -> None:
        from reflect.ui.screens.resources import ResourcesScreen

        if not isinstance(self.screen, ResourcesScreen):
            self.push_screen(ResourcesScreen())

    def action_journal(self) -> None:
        from reflect.ui.screens.journal import JournalScreen

        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen())

    def action_free_write(self) -> None:
        from reflect.ui.screens.write import WriteScreen

        self.push_screen(WriteScreen())

    def action_home(self) -> None:
        from reflect.ui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
