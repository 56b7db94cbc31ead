"""The keys reflect understands, made from the command table (reflect/ui/commands.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reflect.ui.commands import help_markdown


def help_text(*, couple: bool) -> str:
    """The keys; F6 only where there is a shared space to switch to."""
    return help_markdown(couple=couple)


class HelpScreen(ModalScreen[None]):
    """A list of the keys, by screen."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
    ]
    CSS_PATH = "help.tcss"

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Markdown(help_text(couple=self._couple()))

    def _couple(self) -> bool:
        workspace = getattr(self.app, "workspace", None)  # a small host app in tests has none
        return workspace is not None and workspace.household.is_couple

    def on_screen_resume(self) -> None:
        # Made once and kept (App.SCREENS): setup may have made a couple since.
        self.query_one(Markdown).update(help_text(couple=self._couple()))
