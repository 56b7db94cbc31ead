"""Unlocking: who is here, and their passphrase. Or their recovery key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, getters, on, work
from textual.message import Message
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Label, RadioButton, RadioSet, Static

from reflect.domain.display import shown
from reflect.domain.profiles import Profile, ProfileError, check_passphrase
from reflect.storage.errors import StoreError, WrongPassphrase
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.widgets.secret_input import SecretInput
from reflect.ui.commands import DOOR, bindings_for

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp


DOOR_WORDS = {
    "locked": (
        "Welcome back",
        "reflect is locked, so nothing private is on screen. Your passphrase opens it.",
    ),
    "new": (
        "reflect is ready",
        "Each of you opens reflect with your own passphrase, whenever you like.",
    ),
    "demo": (
        "Welcome to the demo",
        "Nothing private is on screen until a passphrase opens it.",
    ),
    "private": (
        "Going to a private journal",
        "A private journal opens only with its owner's passphrase, so reflect has locked. "
        "Nothing private is on screen.",
    ),
}


def open_or_refusal(workspace, profile: Profile, passphrase: str):
    """``(opened, "")``, or ``(None, the plain sentence why not)``. Derives keys: call it from a thread.

    One wording for every door that opens someone's spaces with their passphrase.
    """
    try:
        return workspace.open_for(profile, passphrase), ""
    except WrongPassphrase:
        return None, f"That passphrase did not open {profile.name}'s spaces. Check it and try again."
    except StoreError as error:
        return None, error.user_message


class UnlockScreen(Screen[None]):
    """The door: nothing private is on screen until a passphrase opens it."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    AUTO_FOCUS = "#passphrase"
    BINDINGS = bindings_for(DOOR)
    CSS_PATH = "unlock.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Below 30 rows the door draws tighter, so that a couple's Unlock fits at 80x24."""

    class Opened(Message):
        """A passphrase opened someone's spaces; the app lets them in if nothing locked meanwhile."""

        def __init__(self, opened, generation: int) -> None:
            super().__init__()
            self.opened = opened
            self.generation = generation
            """The app's lock generation when the attempt began."""

    class Recovered(Message):
        """A recovery key opened the spaces and set a new passphrase: the person is in."""

    def __init__(self, door: str = "locked", problem: str = "") -> None:
        """``door``: "locked" (a lock), "new" (just set up), "private" (leaving the shared space).

        ``problem``: a plain sentence saying why reflect locked, shown under the passphrase.
        """
        super().__init__()
        self.door = door
        self.problem = problem
        self._attempt = 0
        """Counts attempts: only the newest may let anyone in."""

    def compose(self) -> ComposeResult:
        household = self.app.workspace.household
        title, intro = DOOR_WORDS.get(self.shown_door, DOOR_WORDS["locked"])
        yield Header()
        with VerticalScroll():
            with Vertical(id="door"):
                yield Static(title, classes="screen-title")
                yield Static(intro, classes="screen-intro")
                if getattr(self.app, "demo_note", ""):
                    yield Static(Content(shown(self.app.demo_note)), id="demo-note", classes="screen-intro")
                if household.is_couple:
                    yield Label("Whose journal is it?" if self.door == "private" else "Who is here?")
                    with RadioSet(id="who"):
                        for index, profile in enumerate(household.profiles):
                            yield RadioButton(Content(shown(profile.name)), id=f"who-{index}")
                        if self.door != "private":
                            yield RadioButton("Both of us", id="who-both")
                    yield Static(
                        "Each of you types your own passphrase in turn, behind a curtain. "
                        "Then only the shared space is open. Press Enter to begin.",
                        id="both-note",
                        classes="muted",
                    )
                yield Label("Passphrase", id="passphrase-label")
                yield SecretInput(id="passphrase")
                yield Static("", id="problem")
                with Horizontal(id="door-buttons"):
                    yield Button("Unlock", id="unlock", variant="primary")
                    yield Button("I forgot my passphrase", id="recover")
        yield SafetyFooter()

    @property
    def shown_door(self) -> str:
        """Which words the door shows: the demo's first door welcomes, it never says "back"."""
        app = self.app
        first_open = getattr(app, "lock_generation", 1) == 0  # nothing has locked or hidden yet
        if self.door == "locked" and getattr(app, "demo", False) and first_open:
            return "demo"
        return self.door

    def on_mount(self) -> None:
        self.sub_title = "locked"
        self.show_problem(self.problem)
        if self.app.workspace.household.is_couple:
            self.query_one("#both-note").display = False
            self.query_one("#who", RadioSet).focus()  # first: who is here

    @on(events.DescendantFocus)
    def keep_unlock_in_view(self, event: events.DescendantFocus) -> None:
        """Whatever a person is doing at the door, the Unlock button stays in sight below it."""
        if event.widget.id in {"who", "passphrase", "unlock"}:
            buttons = self.query_one("#door-buttons")
            self.call_after_refresh(buttons.scroll_visible, animate=False)

    @property
    def both_chosen(self) -> bool:
        """"Both of us" is chosen: each partner types their passphrase in turn."""
        found = self.query("#who-both")
        return bool(found) and found.first(RadioButton).value

    @on(RadioSet.Changed, "#who")
    def who_changed(self) -> None:
        both = self.both_chosen
        self.query_one("#both-note").display = both
        self.query_one("#passphrase-label").display = not both
        self.query_one("#passphrase").display = not both
        self.show_problem("")
        button = self.query_one("#unlock", Button)
        button.label = "Begin" if both else "Unlock"
        if both:
            button.focus()

    def chosen_profile(self) -> Profile | None:
        """Who is here; for a couple, nobody until they say (never assumed)."""
        household = self.app.workspace.household
        if household.is_couple:
            index = self.query_one("#who", RadioSet).pressed_index
            return household.profiles[index] if 0 <= index < len(household.profiles) else None
        return household.profiles[0]

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#unlock")
    def unlock(self) -> None:
        if self.query_one("#unlock", Button).disabled:
            return  # one attempt at a time
        if self.both_chosen:
            self.show_problem("")
            self.app.together_at_the_door()
            return
        passphrase = self.query_one("#passphrase", Input).value
        profile = self.chosen_profile()
        if profile is None:
            self.show_problem("First choose who is here.")
            return
        if not passphrase:
            self.show_problem("Type your passphrase, then press Enter.")
            return
        self.show_problem("Unlocking…")
        self.query_one("#unlock", Button).disabled = True
        self._attempt += 1
        self.try_unlock(profile, passphrase, self._attempt, self.app.lock_generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock")
    def try_unlock(self, profile: Profile, passphrase: str, attempt: int, generation: int) -> None:
        """Argon2id takes a noticeable moment: keep the screen alive meanwhile."""
        app = self.app
        opened, refusal = open_or_refusal(app.workspace, profile, passphrase)
        if opened is None:
            app.call_from_thread(self.failed, refusal)
        else:
            app.call_from_thread(self._opened, attempt, generation, opened)

    def _opened(self, attempt: int, generation: int, opened) -> None:
        if attempt != self._attempt or not self.is_attached:
            # Tried again, or locked or hidden meanwhile (this screen is gone).
            opened.discard()
            return
        self.post_message(self.Opened(opened, generation))

    def failed(self, message: str) -> None:
        # The passphrase stays in the field, selected: typing replaces it, and
        # the field never lets it be copied out.
        self.query_one("#unlock", Button).disabled = False
        self.show_problem(message)
        self.query_one("#passphrase", SecretInput).refused()

    def show_problem(self, message: str) -> None:
        self.query_one("#problem", Static).update(Content(shown(message)))

    @on(Button.Pressed, "#recover")
    def action_recover(self) -> None:
        profile = self.chosen_profile()
        if self.both_chosen:
            self.show_problem("Choose your own name above first: a recovery key opens one person's journal.")
            return
        if profile is None:
            self.show_problem("First choose who is here.")
            return
        self.app.push_screen(RecoverScreen(profile), self._recovered)

    def _recovered(self, opened: bool | None) -> None:
        if opened:
            self.post_message(self.Recovered())


class RecoverScreen(ModalScreen[bool]):
    """Open with a recovery key and choose a new passphrase."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    BINDINGS = [Binding("escape", "dismiss", "Back")]
    AUTO_FOCUS = "#key"
    CSS_PATH = "unlock.tcss"

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -fill"):
            yield Static(Content(shown(f"{self.profile.name}: open with your recovery key")), classes="screen-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(
                    "If you made a recovery key, type it here (spaces and dashes "
                    "do not matter). Without it, a forgotten passphrase cannot be recovered.",
                    classes="muted",
                )
                yield Label("Recovery key")
                yield SecretInput(id="key")
                yield Label("A new passphrase")
                yield SecretInput(id="new")
                yield Label("The new passphrase again")
                yield SecretInput(id="repeat")
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Back", id="back")
                yield Button("Open and set the new passphrase", id="open", variant="primary")

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#open")
    def open_with_key(self) -> None:
        problem = self.query_one("#problem", Static)
        try:
            new = check_passphrase(self.query_one("#new", Input).value, self.query_one("#repeat", Input).value)
        except ProfileError as error:
            problem.update(Content(shown(str(error))))
            return
        try:
            self.app.workspace.unlock_with_recovery(self.profile, self.query_one("#key", Input).value, new)
        except StoreError as error:
            problem.update(Content(shown(error.user_message)))
            self.query_one("#key", SecretInput).refused()  # as after a wrong passphrase
            return
        self.dismiss(True)
