"""Preferences: when reflect locks itself, and changing your passphrase."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from reflect.domain.display import shown
from reflect.domain.profiles import ProfileError, check_passphrase
from reflect.storage.errors import StoreError
from reflect.ui.widgets.secret_input import SecretInput

IDLE_CHOICES = [("after 1 minute", 1), ("after 5 minutes", 5), ("after 15 minutes", 15), ("after 30 minutes", 30), ("never", 0)]


class PreferencesScreen(ModalScreen[None]):
    """Small settings a person may want to change. Nothing here is private writing."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]
    AUTO_FOCUS = "#idle"
    DEFAULT_CSS = """
    PreferencesScreen Label {
        color: $text-muted;
        padding-top: 1;
    }
    PreferencesScreen #passphrase-problem {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        settings = self.app.workspace.settings
        current = self.app.workspace.current
        with VerticalScroll(classes="dialog"):
            yield Static("Preferences", classes="screen-title")
            yield Label("Lock reflect by itself when nobody has touched it")
            choices = IDLE_CHOICES
            if settings.idle_lock_minutes not in {value for _, value in choices}:
                choices = [(f"after {settings.idle_lock_minutes} minutes", settings.idle_lock_minutes), *choices]
            yield Select(choices, value=settings.idle_lock_minutes, allow_blank=False, id="idle")
            if current is not None and current.protected:
                yield Label(Content(shown(f"A new passphrase for {current.name}")))
                yield SecretInput(id="new")
                yield Label("The new passphrase again")
                yield SecretInput(id="repeat")
                yield Static(
                    "Your writing stays exactly as it is. Your journal and its backups are "
                    "sealed again under a new key, so the old passphrase opens nothing here.",
                    classes="muted",
                )
                yield Static("", id="passphrase-problem")
            with Horizontal(classes="dialog-buttons"):
                if current is not None and current.protected:
                    yield Button("New recovery key", id="recovery")
                    yield Button("Change passphrase", id="change")
                yield Button("Close", id="close", variant="primary")

    @on(Select.Changed, "#idle")
    def idle_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.app.workspace.settings.idle_lock_minutes:
            self.app.workspace.settings.idle_lock_minutes = event.value
            self.app.save_settings_quietly()

    @on(Button.Pressed, "#change")
    @on(Input.Submitted, "#repeat")
    def change_passphrase(self) -> None:
        problem = self.query_one("#passphrase-problem", Static)
        new, repeat = self.query_one("#new", Input), self.query_one("#repeat", Input)
        try:
            change = self.app.workspace.change_passphrase(check_passphrase(new.value, repeat.value))
        except ProfileError as error:
            problem.update(Content(shown(str(error))))
            return
        except StoreError as error:
            problem.update(Content(shown(error.user_message)))
            return
        new.value = repeat.value = ""
        problem.update(Content(change.message))

    @on(Button.Pressed, "#recovery")
    def new_recovery_key(self) -> None:
        """A new key replaces any earlier one; it is shown once."""
        from reflect.ui.screens.setup import RecoveryKeyScreen

        problem = self.query_one("#passphrase-problem", Static)
        try:
            change = self.app.workspace.change_recovery_key()
        except (ProfileError, StoreError) as error:
            problem.update(Content(error.user_message if isinstance(error, StoreError) else str(error)))
            return
        problem.update(Content(change.message))
        self.app.push_screen(RecoveryKeyScreen(self.app.workspace.current.name, change.recovery_key or ""))

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)
