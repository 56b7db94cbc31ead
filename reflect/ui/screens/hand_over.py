"""Handing the keyboard to one person: the curtain, then their own passphrase.

Whoever presses Enter at a curtain is not always the person it names. So
before a screen shows someone their own words, or lets them write, choose
or answer in their name, that person types their own passphrase. It is
checked against their private space, already open, in a thread
(:func:`reflect.usecases.couple_sessions.is_their_passphrase`). A wrong one
shows nothing and says so; Esc on it brings the curtain back, still naming
them. Couple sessions, ladder tries and the sentence builder all hand the
keyboard over through here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.together import PassphraseTurnScreen
from reflect.usecases import couple_sessions as cs

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

IS_IT_YOU = "So that it is really you at the keyboard, type your passphrase."


def proved_after_curtain(
    app: ReflectApp,
    person: str,
    then: Callable[[bool | None], None],
    *,
    again: Callable[[], None],
    current: Callable[[], bool],
    intro: str = IS_IT_YOU,
) -> Callable[[bool | None], None]:
    """A curtain's callback: once lifted, ``person`` types their passphrase before ``then(True)``.

    A curtain stepped back from calls ``then`` with what it gave. Stepping
    back from the passphrase calls ``again()`` (the curtain again, still
    naming them). Someone with no passphrase has nothing to prove it with:
    ``then`` follows the curtain at once. Nothing follows once ``current()``
    is False (a lock or a hide came in between).
    """
    workspace = app.workspace

    def lifted(ready: bool | None) -> None:
        if not ready or not current() or not cs.asks_passphrase(workspace, person):
            then(ready)
            return
        profile = next(p for p in workspace.people_here if p.id == person)
        app.push_screen(
            PassphraseTurnScreen(
                profile, intro=intro, verify=lambda typed: cs.is_their_passphrase(workspace, person, typed)
            ),
            proved,
        )

    def proved(result: object) -> None:
        if not current():
            return
        if result is True:
            then(True)
        else:
            again()

    return lifted


def hand_keyboard_to(
    app: ReflectApp,
    person: str,
    away: str | None,
    then: Callable[[bool | None], None],
    *,
    note: str = "",
    may_step_back: bool = True,
    intro: str = IS_IT_YOU,
) -> None:
    """The curtain naming ``person`` (``away`` looks away), then their passphrase, then ``then(True)``.

    ``then(False)`` when the curtain is stepped back from (only with
    ``may_step_back``). Nothing follows a lock or a hide in between, or
    the end of together.
    """
    generation = app.lock_generation
    workspace = app.workspace

    def current() -> bool:
        return app.lock_state.is_current(generation) and workspace.together

    def name(someone: str) -> str:
        found = workspace.household.find(someone)
        return found.name if found else "your partner"

    def show() -> None:
        app.push_screen(
            CurtainScreen(name(person), name(away) if away else None, note=note, may_step_back=may_step_back),
            proved_after_curtain(app, person, then, again=show, current=current, intro=intro),
        )

    show()
