"""Resources: where to find help. Offline: nothing here reaches the network."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown

from reflect.ui.widgets.safety_footer import SafetyFooter


def resources_text() -> str:
    return files("reflect.ui").joinpath("resources.md").read_text(encoding="utf-8")


class ResourcesScreen(Screen[None]):
    """Crisis lines by region, finding an attachment-focused therapist, individual support."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    AUTO_FOCUS = "#resources"
    CSS_PATH = "resources.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="resources", can_focus=True):
            yield Markdown(resources_text(), open_links=False)
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "resources"
