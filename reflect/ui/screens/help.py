"""The keys reflect understands, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_TEXT = """\
# Keys

**Anywhere**

| Key | What it does |
|---|---|
| F1 | This help |
| F2 or Ctrl+G | Pause: a short breathing exercise. Nothing is saved. |
| F3 | Resources: crisis lines and where to find support |
| F4 | Check in: moments of connection and of distance |
| F5 | The trend of your check-ins |
{switch_space}| Ctrl+L | Lock now |
| F12 | Hide the screen at once, and lock. It looks like an idle terminal prompt; press Enter on its empty prompt to come back. |
| Ctrl+P | Search for any action |
| Ctrl+Q | Quit |

reflect also locks itself after a quiet while: five minutes, unless you
choose otherwise in Preferences (P on the path).

**On the path**

| Key | What it does |
|---|---|
| Up, Down, Enter | Choose a step and open it |
| J | Your journal |
| N | Write freely, without a prompt |
| C | Check in |
| T | The trend |
| P | Preferences: when reflect locks itself; your passphrase |

**In a step**

| Key | What it does |
|---|---|
| Enter | Write to the highlighted question |
| A | Show all the questions, or only those written for you |
| Tab | Move between the reading and the questions |
| P | Prepare for a session (in the step on couples therapy) |
| Esc | Back to the path |

**Writing**

| Key | What it does |
|---|---|
| Ctrl+S | Save |
| Tab | Move to the tags |
| Esc | Back (you will be asked about words not yet saved) |

Drafts are kept as you type, so nothing you write is lost if you stop.

**In the journal**

| Key | What it does |
|---|---|
| / | Search |
| Enter | Open and edit the highlighted reflection |
| S | Star or unstar it |
| T | Edit its tags |
| D | Delete it (you will be asked first) |
| U | Undo the last delete |
| C | Check in |
| P | Session prep: gather what to bring to a therapy session |
| E | Save a copy of this space (Markdown, JSON or CSV) |
| I | Import a reflect export, or a journal from jrnl or Day One |
| Esc | Back |

**The trend**

| Key | What it does |
|---|---|
| C | Check in |
| T | Change the time span shown |
| E | Save the chart as a picture (SVG), to a place you choose |
| X | Save the check-ins as a spreadsheet file (CSV) |
| Esc | Back |

Press Esc to close this help.
"""


SWITCH_SPACE_ROW = (
    "| F6 | From your private journal to the shared space; from the shared space, "
    "to a private journal (it asks whose, and that person's passphrase) |\n"
)


def help_text(*, couple: bool) -> str:
    """The keys; F6 only where there is a shared space to switch to."""
    return HELP_TEXT.replace("{switch_space}", SWITCH_SPACE_ROW if couple else "")


class HelpScreen(ModalScreen[None]):
    """A list of the keys, by screen."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 76;
        max-width: 95%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Markdown(help_text(couple=self.app.workspace.household.is_couple))
