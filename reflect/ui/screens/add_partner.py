"""Adding a partner from the app: the hand-over curtain, then the new person's own choices.

The first person types their passphrase in Preferences. reflect then locks
(nothing of their journal stays on screen or in memory) and shows a full
screen that asks them to pass the keyboard. Only then does the new person
choose their name, how they come to this, and their passphrase. The shared
space is made by the same use case the command line uses
(``Workspace.add_profile``).

The hand-over is the couple sessions' own curtain (``CurtainScreen``): a
full screen with no text of either person on it, where only the safety keys
work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.profiles import ProfileError
from reflect.storage.errors import StoreError
from reflect.ui.screens.curtain import CurtainScreen

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

NOTHING_ADDED = "Nothing was added. reflect is locked; {name} opens it again with their passphrase."
PARTNER_ADDED = "{name} is added, with a private journal of their own and a shared space for the two of you."


def hand_over_curtain(first_name: str) -> CurtainScreen:
    """The curtain between the first person and the partner they are adding (Esc: not now)."""
    return CurtainScreen(
        "your partner",
        heading="Pass the keyboard to your partner.",
        line=f"Thank you, {first_name}. reflect is locked, and nothing of your journal is on screen.",
        note="When you have the keyboard, press Enter. You will choose your own name, how you come "
        "to this, and a passphrase only you know.",
        may_step_back=True,
    )


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
        self.app.push_screen(hand_over_curtain(first.name), self._handed_over)

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
