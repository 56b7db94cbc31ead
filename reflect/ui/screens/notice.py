"""Something the person who just unlocked must know, shown once; everything stays open."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reflect.domain.display import shown


class NoticeScreen(ModalScreen[None]):
    """A plain notice after an unlock (today: reflect cannot tell whether a space is its newest copy)."""

    DEFAULT_CSS = """
    NoticeScreen .dialog-body {
        max-height: 70vh;
    }
    """
    BINDINGS = [Binding("escape", "dismiss_notice", "Close")]
    AUTO_FOCUS = "#read"

    def __init__(self, message: str, heading: str = "Please look at this") -> None:
        super().__init__()
        self.message = message
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.heading).stylize("bold"))
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(shown(self.message)))
            with Horizontal(classes="dialog-buttons"):
                yield Button("I have read this", id="read", variant="primary")

    @on(Button.Pressed, "#read")
    def read(self) -> None:
        self.dismiss(None)

    def action_dismiss_notice(self) -> None:
        self.dismiss(None)
