"""Preferences: when reflect locks itself, changing your passphrase, and adding a partner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from reflect.domain.display import shown
from reflect.domain.profiles import ProfileError, check_passphrase
from reflect.storage.errors import StoreError
from reflect.ui.widgets.secret_input import SecretInput

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

OLDER_FIRST = (
    "Your older reflections are still opening. The change is made as soon as they are in, "
    "if this stays open."
)
"""Said when a key change is asked for before the whole journal is read (it needs all of it)."""
IDLE_CHOICES = [("after 1 minute", 1), ("after 5 minutes", 5), ("after 15 minutes", 15), ("after 30 minutes", 30), ("never", 0)]


class PreferencesScreen(ModalScreen[None]):
    """Small settings a person may want to change. Nothing here is private writing."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    class SettingsChanged(Message):
        """A setting changed: the app saves the settings (quietly, if it cannot)."""

    class AddPartner(Message):
        """The first person's passphrase is checked: the app locks and hands the keyboard over."""

        def __init__(self, passphrase: str) -> None:
            super().__init__()
            self.passphrase = passphrase

    BINDINGS = [Binding("escape", "dismiss", "Close")]
    AUTO_FOCUS = "#idle"
    CSS_PATH = "preferences.tcss"

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        settings = workspace.settings
        current = workspace.current
        in_shared = workspace.active_space is not None and workspace.active_space == workspace.household.shared_space
        # Whoever holds the keyboard in the shared space may not be the person
        # who unlocked: a new passphrase or recovery key would open their journal.
        personal = current is not None and current.protected and not in_shared
        alone = personal and not workspace.household.is_couple
        # The heading, the result line and the buttons stay in view; the fields scroll.
        with Vertical(classes="dialog -fill"):
            yield Static("Preferences", classes="screen-title")
            with VerticalScroll(classes="dialog-body"):
                yield Label("Lock reflect by itself when nobody has touched it")
                choices = IDLE_CHOICES
                if settings.idle_lock_minutes not in {value for _, value in choices}:
                    choices = [(f"after {settings.idle_lock_minutes} minutes", settings.idle_lock_minutes), *choices]
                yield Select(choices, value=settings.idle_lock_minutes, allow_blank=False, id="idle")
                if personal:
                    # Asked first: whoever holds the keyboard may not be the person who unlocked.
                    yield Label(Content(shown(f"{current.name}'s passphrase now (needed for any change below)")))
                    yield SecretInput(id="current")
                    yield Label(Content(shown(f"A new passphrase for {current.name}")))
                    yield SecretInput(id="new")
                    yield Label("The new passphrase again")
                    yield SecretInput(id="repeat")
                    yield Static(
                        "Your writing stays exactly as it is. Your journal and its backups are "
                        "sealed again under a new key, so the old passphrase opens nothing here.",
                        classes="muted",
                    )
                    if alone:
                        yield Label("Add your partner")
                        yield Static(
                            "Your partner gets a private journal of their own, which you cannot open, "
                            "and the two of you get a shared space. Type your passphrase above first. "
                            "Then reflect locks, and you pass the keyboard to your partner, who chooses "
                            "their own.",
                            classes="muted",
                        )
                        yield Button("Add a partner", id="add-partner")
                elif in_shared:
                    yield Static(
                        "Passphrases and recovery keys are changed from a private journal (F6).",
                        classes="muted",
                    )
            if personal:
                yield Static("", id="passphrase-problem")
            with Horizontal(classes="dialog-buttons"):
                if personal:
                    yield Button("New recovery key", id="recovery")
                    yield Button("Change passphrase", id="change")
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        # Focus starts on the first field; its label above it should show too.
        self.call_after_refresh(self.query_one(".dialog-body").scroll_home, animate=False)

    @on(Select.Changed, "#idle")
    def idle_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.app.workspace.settings.idle_lock_minutes:
            self.app.workspace.settings.idle_lock_minutes = event.value
            self.post_message(self.SettingsChanged())

    def waits_for_older(self, again: Callable[[], None]) -> bool:
        """True while older reflections are still opening: a key change needs the whole
        journal, so it says so and ``again()`` runs once they are in, if this is still open
        (rather than the screen freezing while the rest is read)."""

        def if_still_open() -> None:
            if self.is_attached:
                again()

        if not self.app.waits_for_older(if_still_open, quietly=True):
            return False
        self.query_one("#passphrase-problem", Static).update(OLDER_FIRST)
        return True

    @on(Button.Pressed, "#change")
    @on(Input.Submitted, "#repeat")
    def change_passphrase(self) -> None:
        if self.waits_for_older(self.change_passphrase):
            return
        problem = self.query_one("#passphrase-problem", Static)
        new, repeat = self.query_one("#new", Input), self.query_one("#repeat", Input)
        current = self.query_one("#current", Input)
        try:
            typed = current.value
            current.value = ""
            change = self.app.workspace.change_passphrase(check_passphrase(new.value, repeat.value), current=typed)
        except ProfileError as error:
            problem.update(Content(shown(str(error))))
            return
        except StoreError as error:
            problem.update(Content(shown(error.user_message)))
            return
        new.value = repeat.value = ""
        problem.update(Content(change.message))

    @on(Button.Pressed, "#recovery")
    def offer_recovery_key(self) -> None:
        """As in setup, the look-away comes first; the key is made only after it."""
        from reflect.usecases import wording
        from reflect.ui.screens.setup import RecoveryOfferScreen

        if not self.query_one("#current", Input).value:
            self.query_one("#passphrase-problem", Static).update(wording.CURRENT_PASSPHRASE_NEEDED)
            self.query_one("#current", Input).focus()
            return

        def answered(make_one: bool | None) -> None:
            if make_one:
                self.new_recovery_key()

        self.app.push_screen(RecoveryOfferScreen(self.app.workspace.current.name, replacing=True), answered)

    def new_recovery_key(self) -> None:
        """A new key replaces any earlier one; it is shown once."""
        from reflect.ui.screens.setup import RecoveryKeyScreen

        if self.waits_for_older(self.new_recovery_key):
            return
        problem = self.query_one("#passphrase-problem", Static)
        current = self.query_one("#current", Input)
        typed, current.value = current.value, ""
        try:
            change = self.app.workspace.change_recovery_key(current=typed)
        except (ProfileError, StoreError) as error:
            problem.update(Content(error.user_message if isinstance(error, StoreError) else str(error)))
            return
        problem.update(Content(change.message))
        self.app.push_screen(RecoveryKeyScreen(self.app.workspace.current.name, change.recovery_key or ""))

    @on(Button.Pressed, "#add-partner")
    def add_partner(self) -> None:
        """Check the first person's passphrase and the household's rules before anyone is handed the keyboard."""
        problem = self.query_one("#passphrase-problem", Static)
        current = self.query_one("#current", Input)
        typed, current.value = current.value, ""
        workspace = self.app.workspace
        try:
            workspace.check_partner_may_join()
            workspace.check_current_passphrase(typed)
        except ProfileError as error:
            problem.update(Content(shown(str(error))))
            current.focus()
            return
        self.post_message(self.AddPartner(typed))

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)
