"""A couple's try on the ladder: agreed together, then each writes how it felt, sealed until both have.

The session is an ordinary couple session (:class:`~reflect.ui.screens.couple.SessionFlow`),
with one more thing on each person's turn: what they would like next time.
The hurt partner's choice waits, sealed in their own space, until the
session is over, and only then moves the ladder; the other's is part of
their answer and moves nothing (:mod:`reflect.usecases.ladder_tries`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import RadioButton, RadioSet, Static

from reflect.domain.display import shown
from reflect.domain.ladder import NextTime, PaceRefused
from reflect.domain.sessions import CoupleSession, SessionRefused
from reflect.storage.errors import StoreError
from reflect.ui.commands import AFTER_TRY, bindings_for
from reflect.ui.screens.couple import AnswerScreen, SessionFlow, before_first_together
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.exercise_dialogs import picked_next_time
from reflect.usecases import couple_sessions as cs
from reflect.usecases.ladder_tries import begin_try, keep_next_time, settle_next_time

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

AFTER_THE_TRY = (
    "Try the step whenever you are both ready, and stop whenever either of you wants to. "
    "Afterwards, press Enter, and each of you writes how it felt, on your own. Later is fine too."
)


class TryAnswerScreen(AnswerScreen):
    """One partner's turn after a try: how it felt, and what they would like next time."""

    # Only the safety keys reach the app from someone's turn, so this screen
    # moves between its own two fields itself.
    BINDINGS = bindings_for(AFTER_TRY)

    def action_to_choices(self) -> None:
        self.query_one("#next-time", RadioSet).focus()

    def action_to_words(self) -> None:
        self.editor.focus()

    def on_mount(self) -> None:
        super().on_mount()
        choices = RadioSet(
            # Nothing picked for anyone: a partner who does not pick is not said to want the same step.
            *(RadioButton(choice.label, id=f"next-{choice.value}") for choice in NextTime),
            id="next-time",
        )
        room = self.query_one("#answer-room")
        room.mount(Static("Next time:", classes="muted"), choices, after="#answer")

    @property
    def next_time(self) -> NextTime | None:
        """What they picked for next time; None when they picked nothing."""
        return picked_next_time(self.query_one("#next-time", RadioSet))

    def action_save(self) -> None:
        text = self.editor.text
        if not text.strip():
            self.query_one("#answer-status", Static).update(
                "Write a few words first, even one, or press Esc to step back for now."
            )
            return
        choice = self.next_time
        answer = text.rstrip() + (f"\n\nNext time: {choice.label.lower()}." if choice is not None else "")
        try:
            keep_next_time(self.app.workspace, self.session.id, self.person, choice)
            cs.save_answer(self.app.workspace, self.session.id, self.person, answer)
        except (SessionRefused, StoreError) as error:
            message = error.user_message if isinstance(error, StoreError) else str(error)
            self.query_one("#answer-status", Static).update(Content(shown(message)))
            return
        self._kept_text = text
        self.dismiss(True)


class TryFlow(SessionFlow):
    """A couple session whose turns ask how the try felt, and what next time."""

    def answer_screen(self, session: CoupleSession, person: str) -> TryAnswerScreen:
        return TryAnswerScreen(session, person)


def settle_and_say(app: ReflectApp) -> None:
    """Apply a hurt partner's choice after a finished try, in the ladder's own neutral words."""
    try:
        words = settle_next_time(app.workspace)
    except (SessionRefused, StoreError, PaceRefused):
        return
    for line in words:
        app.notify(line, markup=False, timeout=6)


def start_try(app: ReflectApp, step_id: str, stop_signal: str, *, starter: str,
              done: Callable[[], None] | None = None) -> None:
    """Agree the try (the safety note first, the first time), then the "how it felt" session."""
    finished = done or (lambda: None)

    def wrapped() -> None:
        settle_and_say(app)
        finished()

    def go(go_on: bool) -> None:
        if not go_on or not app.workspace.together:
            finished()
            return
        try:
            session = begin_try(app.workspace, step_id, stop_signal, starter=starter)
        except (SessionRefused, PaceRefused, StoreError) as error:
            app.notify(error.user_message if isinstance(error, StoreError) else str(error), markup=False)
            finished()
            return
        finished()  # the ladder shows the try at once
        tried = f" The stop signal: {stop_signal.strip()}." if stop_signal.strip() else ""

        def after(ready: bool | None) -> None:
            if ready:
                TryFlow(app, session.id, done=wrapped).step()

        app.push_screen(
            CurtainScreen("", heading="Agreed, and written on the ladder." + tried, line=AFTER_THE_TRY), after
        )

    before_first_together(app, go)


def resume_try(app: ReflectApp, session_id: str, *, done: Callable[[], None] | None = None) -> None:
    finished = done or (lambda: None)

    def wrapped() -> None:
        settle_and_say(app)
        finished()

    TryFlow(app, session_id, done=wrapped).step()
