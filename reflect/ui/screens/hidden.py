"""Quick hide: something neutral on screen at once. reflect is locked behind it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static


class HiddenScreen(Screen[None]):
    """Looks like an idle, empty terminal. Enter comes back (to the lock, if there is one)."""

    BINDINGS = [Binding("enter", "come_back", "", show=False)]
    DEFAULT_CSS = """
    HiddenScreen {
        background: $background;
    }
    HiddenScreen Static {
        color: $text-muted;
        padding: 0 0;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("$ ")

    def action_come_back(self) -> None:
        self.app.come_back_from_hiding()
