"""Both of us are here: each partner unlocks with their own passphrase, behind a curtain.

:class:`PassphraseTurnScreen` is one person's turn at the keyboard: a full
screen (nothing of the screen below shows through) with one masked field.
It derives the keys in a thread and dismisses with the opened spaces, or
with None when the person steps back. The app joins both people's spaces
(:meth:`ReflectApp.enter_together`); this screen never lets anyone in by itself.

With ``verify``, the same turn only proves who is at the keyboard (before a
couple session shows someone their own answer): ``verify(passphrase)`` runs
in the thread instead of opening anything, and the screen dismisses with True.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from reflect.domain.display import shown
from reflect.domain.profiles import Profile
from reflect.storage.errors import StoreError
from reflect.ui.screens.unlock import open_or_refusal
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.widgets.secret_input import SecretInput

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp


class PassphraseTurnScreen(Screen[object]):
    """``profile`` types their own passphrase; dismisses with their opened spaces, or None."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    AUTO_FOCUS = "#passphrase"
    CSS_PATH = "together.tcss"
    BINDINGS = [Binding("escape", "step_back", "Step back", id="turn-back")]

    def __init__(
        self,
        profile: Profile,
        *,
        why: str = "",
        intro: str = "",
        verify: Callable[[str], bool] | None = None,
    ) -> None:
        """``intro`` replaces the line under the title; ``verify`` see the module's note."""
        super().__init__()
        self.profile = profile
        self.why = why or "so that you can both be here together."
        self.intro = intro
        self.verify = verify
        if verify is not None:
            # In the middle of a couple session: nothing but the safety keys, as behind the curtain.
            self.ONLY_SAFETY_KEYS = True
        self._attempt = 0
        self._ready = None

    def compose(self) -> ComposeResult:
        with Center(id="turn-middle"):
            with Vertical(id="turn"):
                yield Static(Content(shown(f"{self.profile.name}, your passphrase")), classes="screen-title")
                yield Static(
                    Content(shown(self.intro or f"Only you type it, {self.why}")), classes="screen-intro"
                )
                yield Label("Passphrase")
                yield SecretInput(id="passphrase")
                yield Static("", id="problem")
                with Horizontal():
                    yield Button("Go on" if self.verify else "Open", id="open", variant="primary")
                    yield Button("Step back", id="back")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "both of us"

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#open")
    def open_spaces(self) -> None:
        if self.query_one("#open", Button).disabled:
            return
        passphrase = self.query_one("#passphrase", Input).value
        if not passphrase:
            self.show_problem("Type your passphrase, then press Enter.")
            return
        self.show_problem("Checking…" if self.verify else "Opening…")
        self.query_one("#open", Button).disabled = True
        self._attempt += 1
        self.derive(passphrase, self._attempt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="together-unlock")
    def derive(self, passphrase: str, attempt: int) -> None:
        if self.verify is not None:
            try:
                proved = self.verify(passphrase)
            except StoreError as error:
                self.app.call_from_thread(self.failed, error.user_message)
                return
            if proved:
                self.app.call_from_thread(self._opened, attempt, True)
            else:
                self.app.call_from_thread(
                    self.failed,
                    f"That is not {self.profile.name}'s passphrase, so nothing is shown. Check it and try again.",
                )
            return
        opened, refusal = open_or_refusal(self.app.workspace, self.profile, passphrase)
        if opened is None:
            self.app.call_from_thread(self.failed, refusal)
        else:
            self.app.call_from_thread(self._opened, attempt, opened)

    def _opened(self, attempt: int, opened) -> None:
        if attempt != self._attempt or not self.is_attached:
            if opened is not True:
                opened.discard()  # stepped back, locked or hidden meanwhile: this turn is over
            return
        if self.app.screen is not self:
            self._ready = opened  # the pause or the help is open above: handed on when it closes
            return
        self.dismiss(opened)

    def on_screen_resume(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None:
            self.dismiss(ready)

    def on_unmount(self) -> None:
        if self._ready is not None and self._ready is not True:
            self._ready.discard()
            self._ready = None

    def failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#open", Button).disabled = False
        self.show_problem(message)
        self.query_one("#passphrase", SecretInput).refused()

    def show_problem(self, message: str) -> None:
        self.query_one("#problem", Static).update(Content(shown(message)))

    @on(Button.Pressed, "#back")
    def action_step_back(self) -> None:
        self._attempt += 1  # an unlock still running is not wanted any more
        self.dismiss(None)
