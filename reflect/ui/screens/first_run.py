"""The first-run notice: what reflect is, what it is not, and where help is."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

NOTICE = """\
# Before you begin

**reflect** is a private place to read, think and write about closeness after
infidelity, alone or with your partner. What you write stays on this computer.

**What reflect is not**

- It is **not therapy**, and it does not replace a therapist.
- It is **not a crisis service**. If you are in danger, or thinking about
  harming yourself, contact your local emergency number now. Press **F3** at
  any time for crisis lines and other support.
- It is meant for **adults** (18 and over).

**Go at your own pace.** Nothing here needs to be finished, and no step is
overdue. If something you read stirs up too much, press **F2** for a short
breathing pause. It saves nothing.
"""


class FirstRunScreen(ModalScreen[bool]):
    """Shown until it is acknowledged."""

    AUTO_FOCUS = "#understood"
    CSS_PATH = "first_run.tcss"

    def compose(self) -> ComposeResult:
        # The buttons stay in view below the notice, which scrolls if it must.
        with Vertical(id="notice"):
            with VerticalScroll(id="notice-text"):
                yield Markdown(NOTICE)
            with Horizontal():
                yield Button("Resources", id="resources")
                yield Button("I understand", id="understood", variant="primary")

    def on_mount(self) -> None:
        # Focus sits on the button at the bottom; the reading starts at the top.
        self.call_after_refresh(self.query_one("#notice-text").scroll_home, animate=False)

    @on(Button.Pressed, "#understood")
    def understood(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resources")
    async def show_resources(self) -> None:
        await self.run_action("app.resources")
