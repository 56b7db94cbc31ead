"""First-time setup: just me, or the two of us; names, roles, passphrases, recovery keys.

Passphrases are typed into masked fields and handed straight to the
workspace; no screen keeps them after it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Header, Input, Label, RadioButton, RadioSet, Static

from reflect.domain.display import shown
from reflect.domain.profiles import ProfileError, Role, check_name, check_passphrase
from reflect.storage.errors import StoreError
from reflect.ui.widgets.deliberate_checkbox import DeliberateCheckbox
from reflect.ui.widgets.secret_input import SecretInput
from reflect.usecases.workspace import NewPerson
from reflect.ui.widgets.safety_footer import SafetyFooter

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

NO_RECOVERY = (
    "reflect cannot recover a forgotten passphrase, and nobody else can either: that is "
    "what keeps your writing private. The one way back in is a recovery key, which you "
    "can make at the end of setup and keep somewhere safe."
)

NO_PASSPHRASE_WARNING = (
    "Without a passphrase, your journal is saved unencrypted. Anyone who can use "
    "this computer account, or who gets hold of its disk, could read it."
)


class SetupScreen(Screen[None]):
    """Choose who will use reflect here, then set each person up."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    class Done(Message):
        """Everyone is set up (and offered a recovery key)."""

        def __init__(self, profiles, solo_passphrase: str | None) -> None:
            super().__init__()
            self.profiles = profiles
            self.solo_passphrase = solo_passphrase
            """One person with a passphrase goes straight in with it."""

    AUTO_FOCUS = "#just-me"
    _solo_passphrase: str | None = None  # held only until setup ends, to let a lone person in
    CSS_PATH = "setup.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            with Vertical(id="setup"):
                yield Static("Who will use reflect on this computer?", classes="screen-title")
                yield Static(
                    "Just you, writing privately. Or the two of you: each with a private "
                    "journal the other cannot open, and a shared space you both can.",
                    classes="screen-intro",
                )
                yield Static(NO_RECOVERY, classes="screen-intro")
                with Horizontal():
                    yield Button("Just me", id="just-me", variant="primary")
                    yield Button("The two of us", id="two-of-us")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "setting up"

    @on(Button.Pressed, "#just-me")
    def just_me(self) -> None:
        self.app.push_screen(PersonFormScreen(1, 1), self._solo_done)

    def _solo_done(self, person: NewPerson | None) -> None:
        if person is not None:
            self._finish([person])

    @on(Button.Pressed, "#two-of-us")
    def two_of_us(self) -> None:
        self.app.push_screen(PersonFormScreen(1, 2), self._first_done)

    def _first_done(self, first: NewPerson | None) -> None:
        if first is None:
            return

        def curtain_done(_: object) -> None:
            self.app.push_screen(
                PersonFormScreen(2, 2, taken=first.name),
                lambda second: self._finish([first, second]) if second else None,
            )

        self.app.push_screen(
            CurtainScreen(f"Thank you, {first.name}. Now please hand the keyboard to your partner."),
            curtain_done,
        )

    def _finish(self, people: list[NewPerson]) -> None:
        workspace = self.app.workspace
        try:
            profiles = workspace.set_up(people)
        except (ProfileError, StoreError) as error:
            message = error.user_message if isinstance(error, StoreError) else str(error)
            self.notify(message, severity="error", markup=False, timeout=10)
            return
        protected = [(p, person.passphrase) for p, person in zip(profiles, people) if person.passphrase]
        # The last person set up still has the keyboard: they go first.
        protected.reverse()
        self._solo_passphrase = protected[0][1] if len(profiles) == 1 and protected else None
        self._offer_recovery_keys(protected, profiles, first=True)

    def _offer_recovery_keys(self, pending, profiles, *, first: bool = False) -> None:
        if not pending:
            self.post_message(self.Done(profiles, self._solo_passphrase))
            self._solo_passphrase = None
            return
        (profile, passphrase), rest = pending[0], pending[1:]
        if not first:
            self.app.push_screen(
                CurtainScreen(f"Now please hand the keyboard to {profile.name}."),
                lambda _: self._offer_one(profile, passphrase, rest, profiles),
            )
            return
        self._offer_one(profile, passphrase, rest, profiles)

    def _offer_one(self, profile, passphrase, rest, profiles) -> None:
        """Offer one person a recovery key, then move on to the next."""
        offer_recovery_key(self.app, profile, passphrase, lambda: self._offer_recovery_keys(rest, profiles))


def offer_recovery_key(app, profile, passphrase: str, then) -> None:
    """Offer a person just set up a recovery key, shown once; ``then()`` runs after, whatever they chose.

    Their spaces are opened only to add the key, and locked again at once.
    """

    def offered(make_one: bool | None) -> None:
        if not make_one:
            then()
            return
        workspace = app.workspace
        try:
            workspace.unlock(profile, passphrase)
            key = workspace.add_recovery_key(current=passphrase)
        except (StoreError, ProfileError) as error:
            message = error.user_message if isinstance(error, StoreError) else str(error)
            app.notify(message, severity="error", markup=False)
            then()
            return
        finally:
            workspace.lock()
        app.push_screen(RecoveryKeyScreen(profile.name, key), lambda _: then())

    app.push_screen(RecoveryOfferScreen(profile.name), offered)


class PersonFormScreen(ModalScreen[NewPerson | None]):
    """One person's name, role and passphrase."""

    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        # Enter on the "Use no passphrase" box reaches here: it means Continue, never a tick.
        Binding("enter", "submit", "Continue", show=False),
    ]
    AUTO_FOCUS = "#name"
    CSS_PATH = "setup.tcss"

    def __init__(self, number: int, of: int, *, taken: str = "", heading: str = "") -> None:
        super().__init__()
        self.number = number
        self.of = of
        self.taken = taken
        self.heading = heading
        """Said at the top instead of "Person 2 of 2" (adding a partner later, say)."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one(".dialog-body").scroll_home, animate=False)

    @property
    def solo(self) -> bool:
        return self.of == 1

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -fill"):
            heading = self.heading or ("About you" if self.solo else f"Person {self.number} of 2")
            yield Static(Content(shown(heading)), classes="screen-title")
            with VerticalScroll(classes="dialog-body"):
                yield from self._fields()
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Back", id="cancel")
                yield Button("Continue", id="continue", variant="primary")

    def _fields(self) -> ComposeResult:
        yield Label("Your name, as reflect should show it")
        yield Input(id="name", max_length=40)
        yield Label("How you come to this")
        with RadioSet(id="role"):
            yield RadioButton("I am the partner who was hurt", id="hurt")
            yield RadioButton("I am the partner who caused the hurt", id="involved")
            if self.solo:
                yield RadioButton("Neither, or I'd rather not say", id="individual")
        yield Label("A passphrase (at least 8 characters; a few words work well)")
        yield SecretInput(id="passphrase")
        yield Label("The same passphrase again")
        yield SecretInput(id="repeat")
        if self.solo:
            yield DeliberateCheckbox("Use no passphrase", id="no-passphrase")
            yield Static(NO_PASSPHRASE_WARNING, id="no-passphrase-warning")
        yield Static("reflect cannot recover a forgotten passphrase.", classes="muted")

    @on(Checkbox.Changed, "#no-passphrase")
    def toggle_no_passphrase(self, event: Checkbox.Changed) -> None:
        self.set_class(event.value, "-no-passphrase")
        for field in self.query("#passphrase, #repeat").results(Input):
            field.disabled = event.value
        if event.value:  # the warning must be read, not found by scrolling
            self.call_after_refresh(self.query_one("#no-passphrase-warning").scroll_visible, animate=False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#continue")
    def action_submit(self) -> None:
        try:
            person = self._person()
        except ProfileError as error:
            self.query_one("#problem", Static).update(Content(shown(str(error))))
            return
        if person.passphrase is None:
            from reflect.ui.screens.dialogs import ConfirmScreen

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.dismiss(person)

            self.app.push_screen(
                ConfirmScreen(
                    "Continue without a passphrase?",
                    NO_PASSPHRASE_WARNING,
                    confirm_label="Yes, no passphrase",
                ),
                confirmed,
            )
            return
        self.dismiss(person)

    def _person(self) -> NewPerson:
        name = check_name(self.query_one("#name", Input).value)
        if self.taken and name.casefold() == self.taken.casefold():
            raise ProfileError("Please use a different name from your partner's.")
        pressed = self.query_one("#role", RadioSet).pressed_button
        if pressed is None or not pressed.id:
            # The hurt partner sets the pace, so a role is never assumed.
            raise ProfileError("Please choose how you come to this.")
        role = Role(pressed.id)
        no_passphrase = self.solo and self.query_one("#no-passphrase", Checkbox).value
        if no_passphrase:
            return NewPerson(name, role, None)
        passphrase = check_passphrase(
            self.query_one("#passphrase", Input).value, self.query_one("#repeat", Input).value
        )
        return NewPerson(name, role, passphrase)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class CurtainScreen(ModalScreen[None]):
    """A privacy curtain between two people at one keyboard."""

    AUTO_FOCUS = "#ready"
    CSS_PATH = "setup.tcss"

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(shown(self.message)))
            yield Static("Nothing the other person typed is on screen.", classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("I'm ready", id="ready", variant="primary")

    @on(Button.Pressed, "#ready")
    def ready(self) -> None:
        self.dismiss(None)


class RecoveryOfferScreen(ModalScreen[bool]):
    """Offer a one-time recovery key."""

    AUTO_FOCUS = "#make"

    def __init__(self, name: str, *, replacing: bool = False) -> None:
        super().__init__()
        self.person = name
        self.replacing = replacing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            if self.replacing:
                yield Static(Content(shown(f"{self.person}, a new recovery key?")), classes="screen-title")
            else:
                yield Static(Content(shown(f"{self.person}, would you like a recovery key?")), classes="screen-title")
            yield Static(
                "It is a long code that opens your spaces if you forget your passphrase. "
                "It is shown once. Write it down and keep it where only you can reach it. "
                + ("Any earlier recovery key stops working. " if self.replacing else "")
                + "If anyone else can see the screen, ask them to look away first.",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Not now", id="skip")
                yield Button("Make a recovery key", id="make", variant="primary")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "make")


class RecoveryKeyScreen(ModalScreen[None]):
    """Show a recovery key once."""

    AUTO_FOCUS = "#done"
    CSS_PATH = "setup.tcss"

    def __init__(self, name: str, key: str) -> None:
        super().__init__()
        self.person = name
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(shown(f"{self.person}'s recovery key")), classes="screen-title")
            yield Static(Content(self.key), id="key")
            yield Static(
                "Write it down now. It will not be shown again, and reflect does not keep a copy "
                "it can read.",
                classes="muted",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("I have written it down", id="done", variant="primary")

    @on(Button.Pressed, "#done")
    def done(self) -> None:
        self.key = ""
        self.dismiss(None)
