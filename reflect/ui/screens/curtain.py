"""The curtain: a full screen between two people's turns at one keyboard.

It shows no text of either partner. It says who should take the keyboard and
who should look away, and waits for the person named to press Enter. The
safety keys (help, pause, resources, lock, hide) still work on it; nothing
else of reflect does. Esc steps back, when the screen that raised it allows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from reflect.domain.display import shown
from reflect.ui.commands import CURTAIN, bindings_for
from reflect.ui.widgets.safety_footer import SafetyFooter


def curtain_words(to: str, away: str | None) -> tuple[str, str]:
    """(heading, the line below it) for a curtain that hands the keyboard to ``to``."""
    heading = f"Pass the keyboard to {to}."
    if away:
        return heading, f"{away}, please look away for now. {to}, press Enter when you are ready."
    return heading, f"{to}, press Enter when you are ready."


class CurtainScreen(Screen[bool]):
    """Names who takes the keyboard next; dismisses with True on Enter.

    ``to`` is the name of who takes the keyboard, ``away`` who looks away
    (None when nobody needs to). ``note`` is one more plain sentence, e.g.
    what comes next ("Next: your answer, on your own."). With
    ``may_step_back``, Esc dismisses with False. Names are shown literally.
    """

    CSS_PATH = "curtain.tcss"
    ONLY_SAFETY_KEYS = True
    """The app answers nothing on this screen but the safety keys (see ReflectApp.check_action)."""

    BINDINGS = bindings_for(CURTAIN)

    def __init__(
        self,
        to: str,
        away: str | None = None,
        *,
        note: str = "",
        may_step_back: bool = True,
        heading: str = "",
        line: str = "",
    ) -> None:
        """``heading`` and ``line`` replace the usual words, for a curtain that
        hands the keyboard to nobody in particular ("Together now")."""
        super().__init__()
        self.to = to
        self.away = away
        self.note = note
        self.may_step_back = may_step_back
        self.heading = heading
        self.line = line

    def compose(self) -> ComposeResult:
        heading, line = curtain_words(shown(self.to), shown(self.away) if self.away else None)
        heading, line = shown(self.heading) or heading, shown(self.line) or line
        with Center(id="curtain-middle"):
            with Vertical(id="curtain"):
                yield Static(Content(heading), id="curtain-heading")
                yield Static(Content(line), id="curtain-line")
                if self.note:
                    yield Static(Content(shown(self.note)), id="curtain-note", classes="muted")
                yield Static(
                    Content("Enter: I am ready" + ("    Esc: step back" if self.may_step_back else "")),
                    id="curtain-keys",
                    classes="muted",
                )
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "the curtain"
        # What was said to the person before comes down with the curtain: nothing of
        # their turn waits to show to the one who takes the keyboard. (Its stylesheet
        # keeps any notification raised meanwhile from being drawn over it.)
        self.app.clear_notifications()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step_back":
            return self.may_step_back
        return True

    def action_ready(self) -> None:
        self.dismiss(True)

    def action_step_back(self) -> None:
        if self.may_step_back:
            self.dismiss(False)
