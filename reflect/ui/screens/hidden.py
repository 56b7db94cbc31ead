"""Quick hide: something neutral on screen at once. reflect is locked behind it.

To anyone who types at it, it is an idle shell prompt: keys echo, Enter after
a command gives a new prompt line, Ctrl+C prints ^C. Nothing of reflect is
ever on it. Enter on an empty prompt line comes back (to the lock screen).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

PROMPT = "$ "
MAX_LINE = 500  # a shell line longer than this is not something anyone types at a glance


class HiddenScreen(Screen[None]):
    """Looks like an idle terminal. Enter on an empty prompt comes back."""

    CSS_PATH = "hidden.tcss"

    class ComeBack(Message):
        """Enter on an empty prompt: back to the lock screen (reflect stays locked)."""

    def __init__(self) -> None:
        super().__init__()
        self.earlier: list[str] = []
        """Lines already 'run', as a terminal keeps them above the prompt."""
        self.typing = ""

    def compose(self) -> ComposeResult:
        yield Static(self._shell_text(), id="shell")

    def _shell_text(self) -> Content:
        room = max(1, self.size.height - 1) if self.size.height else 50
        lines = self.earlier[-room:] if room else []
        return Content.assemble(
            *(f"{line}\n" for line in lines),
            PROMPT,
            self.typing,
            (" ", "reverse"),  # the terminal's cursor
        )

    def _show(self) -> None:
        self.query_one("#shell", Static).update(self._shell_text())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "enter":
            if not self.typing.strip():
                self.post_message(self.ComeBack())
                return
            self.earlier.append(PROMPT + self.typing)
            self.typing = ""
        elif event.key == "ctrl+c":
            self.earlier.append(PROMPT + self.typing + "^C")
            self.typing = ""
        elif event.key == "backspace":
            self.typing = self.typing[:-1]
        elif event.is_printable and event.character and len(self.typing) < MAX_LINE:
            self.typing += event.character
        else:
            return
        self._show()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.typing = (self.typing + event.text.splitlines()[0] if event.text else self.typing)[:MAX_LINE]
        self._show()

    def on_resize(self) -> None:
        self._show()
