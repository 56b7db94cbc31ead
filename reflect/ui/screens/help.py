"""The keys reflect understands, made from the command table (reflect/ui/commands.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reflect.ui.commands import help_markdown


def help_text(*, couple: bool, together: bool = False) -> str:
    """The keys; F6 only where there is a shared space to switch to, in its together words while both are here."""
    return help_markdown(couple=couple, together=together)


class HelpScreen(ModalScreen[None]):
    """A list of the keys, by screen."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
    ]
    CSS_PATH = "help.tcss"

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Markdown(help_text(couple=self._couple(), together=self._together()))

    def _couple(self) -> bool:
        workspace = getattr(self.app, "workspace", None)  # a small host app in tests has none
        return workspace is not None and workspace.household.is_couple

    def _together(self) -> bool:
        workspace = getattr(self.app, "workspace", None)
        return workspace is not None and workspace.together

    def on_screen_resume(self) -> None:
        # Made once and kept (App.SCREENS): setup may have made a couple since, and
        # whether both are here changes what F6 does.
        self.query_one(Markdown).update(help_text(couple=self._couple(), together=self._together()))
