"""A quick check-in: moments of connection, moments of distance, a few words if you like.

Reachable from anywhere with F4. The fastest check-in is the key, a digit,
Tab, a digit and Enter. It never says how long it has been since the last
one: a skipped day is not a failure, and a check-in is not a streak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from reflect.usecases.checkins import record_checkin
from reflect.domain.checkins import MAX_MOMENTS, MAX_NOTE_LENGTH, CheckIn
from reflect.domain.display import shown
from reflect.storage.errors import StoreError
from reflect.usecases.journal import Journal

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp


class MomentsInput(Input):
    """A count of moments, 0 to 99: type digits, or step with Up and Down."""

    BINDINGS = [
        Binding("up", "step(1)", "One more", show=False),
        Binding("down", "step(-1)", "One fewer", show=False),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(
            "0",
            id=id,
            restrict=r"[0-9]*",
            max_length=len(str(MAX_MOMENTS)),
            compact=True,
        )

    @property
    def count(self) -> int:
        """The number typed; an empty field counts as none."""
        return int(self.value) if self.value else 0

    def replace(self, text: str, start: int, end: int) -> None:
        """Typing over a lone 0 replaces it, so "0" then "3" is 3, never 03 or 30."""
        if self.value == "0" and text:
            start, end = 0, 1
        super().replace(text, start, end)

    def action_step(self, change: int) -> None:
        """Count one more or one fewer, staying within 0 to 99."""
        self.value = str(min(MAX_MOMENTS, max(0, self.count + change)))
        self.cursor_position = len(self.value)


class CheckInScreen(ModalScreen[CheckIn | None]):
    """Two counts and an optional note; Enter saves, Esc leaves without saving."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#connection"
    CSS_PATH = "checkin.tcss"

    connection_input = getters.query_one("#connection", MomentsInput)
    distance_input = getters.query_one("#distance", MomentsInput)
    note_input = getters.query_one("#note", Input)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Check in", id="checkin-title")
            yield Static(
                "Since your last check-in, or just today. Skipped days are fine.",
                id="checkin-intro",
                classes="muted",
            )
            yield Static(Content(shown(self.where_words())), id="checkin-where", classes="muted")
            with Horizontal(classes="checkin-row"):
                yield Label("Moments of genuine connection")
                yield MomentsInput(id="connection")
                yield Static("↑ ↓", classes="checkin-hint")
            with Horizontal(classes="checkin-row"):
                yield Label("Moments of profound distance")
                yield MomentsInput(id="distance")
                yield Static("↑ ↓", classes="checkin-hint")
            yield Input(
                placeholder="A few words, if you like",
                id="note",
                max_length=MAX_NOTE_LENGTH,
            )
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def where_words(self) -> str:
        """Which space this check-in is saved in, said before it is saved."""
        workspace = self.app.workspace
        space = workspace.active_space
        if space is None:
            return ""
        label = workspace.space_label(space)
        if space == workspace.household.shared_space:
            person = workspace.writer
            by = f", under {person.name}'s name" if person is not None else ""
            away = "" if workspace.together else " F6 goes to your private journal."
            return f"It is saved in the {label}{by}: both of you can see it.{away}"
        return f"It is saved in {label}."

    def checkin_store(self) -> Journal:
        """The space this check-in is saved in: the one place that decides it."""
        return self.app.workspace.journal

    def _say(self, problem: str) -> None:
        shown = self.query_one("#problem", Static)
        shown.update(Content(problem))
        shown.set_class(bool(problem), "shown")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save the check-in; a problem is said in the dialog, and nothing typed is lost."""
        try:
            checkin = record_checkin(
                self.checkin_store(),
                self.connection_input.count,
                self.distance_input.count,
                now=self.app.workspace.now(),
                note=self.note_input.value.strip(),
                author=self.app.workspace.author_in(self.checkin_store().space),
            )
        except ValueError as error:
            self._say(str(error))
            return
        except StoreError as error:
            self._say(error.user_message)
            return
        except OSError:
            self._say("reflect could not write to its data folder. Nothing was saved; try again when you are ready.")
            return
        self.app.notify("Check-in saved.", timeout=3)
        self.dismiss(checkin)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Leave without saving anything."""
        self.dismiss(None)
