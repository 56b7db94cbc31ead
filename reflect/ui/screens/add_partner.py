"""Adding a partner from the app: the hand-over curtain, then the new person's own choices.

The first person types their passphrase in Preferences. reflect then locks
(nothing of their journal stays on screen or in memory) and shows a full
screen that asks them to pass the keyboard. Only then does the new person
choose their name, how they come to this, and their passphrase. The shared
space is made by the same use case the command line uses
(``Workspace.add_profile``).

This hand-over screen is self-contained: it is a plain full screen with no
text of either person on it, like the curtain of a couple session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Middle, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from reflect.domain.display import shown
from reflect.domain.profiles import ProfileError
from reflect.storage.errors import StoreError
from reflect.ui.widgets.safety_footer import SafetyFooter

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

NOTHING_ADDED = "Nothing was added. reflect is locked; {name} opens it again with their passphrase."
PARTNER_ADDED = "{name} is added, with a private journal of their own and a shared space for the two of you."


class HandOverScreen(Screen[bool]):
    """A full screen between two people at one keyboard: it names who should take it, and waits."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    AUTO_FOCUS = "#ready"
    CSS_PATH = "add_partner.tcss"
    BINDINGS = [Binding("escape", "not_now", "Not now")]

    def __init__(self, first_name: str) -> None:
        super().__init__()
        self.first_name = first_name

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                with Vertical(id="hand-over"):
                    yield Static("Please pass the keyboard to your partner", classes="screen-title")
                    yield Static(
                        Content(
                            shown(
                                f"Thank you, {self.first_name}. reflect is locked, and nothing of your "
                                "journal is on screen."
                            )
                        ),
                        classes="screen-intro",
                    )
                    yield Static(
                        "When you have the keyboard, press Enter. You will choose your own name, "
                        "how you come to this, and a passphrase only you know.",
                        classes="screen-intro",
                    )
                    with Horizontal(classes="dialog-buttons"):
                        yield Button("Not now", id="not-now")
                        yield Button("I have the keyboard", id="ready", variant="primary")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "adding a partner"

    @on(Button.Pressed, "#ready")
    def ready(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#not-now")
    def action_not_now(self) -> None:
        self.dismiss(False)


class AddingPartner:
    """One run of adding a partner: holds the first person's passphrase until it is used, then forgets it."""

    def __init__(self, app: ReflectApp, first_passphrase: str) -> None:
        self.app = app
        self._first_passphrase = first_passphrase
        self.first = app.workspace.current

    def start(self) -> None:
        """Lock, then the hand-over screen over the lock."""
        first = self.first
        if first is None:
            return
        self.app.lock_now()
        self.app.push_screen(HandOverScreen(first.name), self._handed_over)

    def _give_up(self) -> None:
        self._first_passphrase = ""
        self.app.notify(NOTHING_ADDED.format(name=self.first.name), markup=False, timeout=8)

    def _handed_over(self, ready: bool | None) -> None:
        from reflect.ui.screens.setup import PersonFormScreen

        if not ready:
            self._give_up()
            return
        self.app.push_screen(
            PersonFormScreen(2, 2, taken=self.first.name, heading="About you, joining as a partner"),
            self._person_chosen,
        )

    def _person_chosen(self, person) -> None:
        from reflect.ui.screens.setup import offer_recovery_key
        from reflect.ui.screens.unlock import UnlockScreen

        if person is None:
            self._give_up()
            return
        workspace = self.app.workspace
        try:
            profile = workspace.add_profile(
                person.name, person.role, person.passphrase, partner_passphrase=self._first_passphrase
            )
        except (ProfileError, StoreError) as error:
            message = error.user_message if isinstance(error, StoreError) else str(error)
            self.app.notify(f"{message} Nothing was added.", severity="error", markup=False, timeout=12)
            self._first_passphrase = ""
            return
        finally:
            workspace.lock()  # whatever was opened to make the shared space is closed again
        self._first_passphrase = ""

        def done() -> None:
            self.app.reset_screens()
            self.app.push_screen(UnlockScreen(door="new"))
            self.app.notify(PARTNER_ADDED.format(name=profile.name), markup=False, timeout=10)

        offer_recovery_key(self.app, profile, person.passphrase, done)
