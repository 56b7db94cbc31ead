"""A couple's try on the touch ladder, as a couple session: agreed, then "how it felt", sealed.

The try is agreed together (the step, at or below the pace, and a stop word
or gesture if they like) and written on the ladder in the shared space. Then
each partner writes how it felt and what they would like next time, each in
their own turn, sealed in their own private space until both have written
(:mod:`reflect.usecases.couple_sessions`, exercise kind ``ladder-try``, its
``ref`` the step's id).

What the hurt partner would like next time (the same step, a smaller one, a
pause) is kept beside their sealed answer, in their own private space, and
only when the session is over (revealed, or ended by either of them) does it
move the ladder, through :func:`reflect.domain.ladder.next_time`. The other
partner's choice is part of their answer and moves nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.ladder import NextTime, PaceRefused, next_time, record_try
from reflect.domain.profiles import Role
from reflect.domain.sessions import CoupleSession, SessionExercise, SessionRefused
from reflect.usecases import couple_sessions as cs
from reflect.usecases.ladder import LadderBook
from reflect.usecases.session import NotUnlocked

if TYPE_CHECKING:
    from reflect.usecases.workspace import Workspace

TRY_KIND = "ladder-try"
NEXT_TIME_TABLE = "ladder_next_time"
"""Table of a hurt partner's private space: what they would like after a try, until the session is over."""


def try_title(step_text: str) -> str:
    """The question of a try's session, as both partners see it on their turn."""
    return (
        f"After trying: {step_text}\n"
        "How did it feel? And next time: the same step, a smaller one, or a pause?"
    )


def begin_try(workspace: Workspace, step_id: str, stop_signal: str, *, starter: str) -> CoupleSession:
    """Agree a try together: it is written on the ladder, and its "how it felt" session begins.

    Refused (``PaceRefused``) for a step beyond the pace, or while the ladder
    rests; nothing is saved then.
    """
    book = LadderBook.for_workspace(workspace)
    if book is None:
        raise SessionRefused("A try is agreed in the shared space, and it is not open.")
    ladder = book.load()
    step = ladder.step(step_id)
    # The ladder's rules first, so a refused try begins no session.
    record_try(ladder, step_id, "-", by=starter, now=workspace.now(), stop_signal=stop_signal)
    assert step is not None
    session = cs.begin(workspace, SessionExercise(TRY_KIND, step_id, try_title(step.text)), starter=starter)
    book.change(record_try, step_id, session.id, by=starter, stop_signal=stop_signal)
    return session


def keep_next_time(workspace: Workspace, session_id: str, person: str, choice: NextTime | None) -> None:
    """Keep what ``person`` would like next time beside their sealed answer (their own space only).

    ``None``: they did not pick (or took a pick back by changing their answer):
    nothing is kept, so nothing moves, and nothing says they chose the same step.
    """
    private = workspace.session.sealed_journal_of(person)
    records = [r for r in _records(private) if r.get("session") != session_id]
    if choice is not None:
        records.append({"session": session_id, "choice": NextTime(choice).value})
    private.replace_records(NEXT_TIME_TABLE, records)


def settle_next_time(workspace: Workspace) -> list[str]:
    """Apply the hurt partners' choices of tries whose session is over; say what changed.

    Only for people at the screen (their private space is open). Each choice
    is applied once, then dropped. A choice of a session still open waits.
    """
    book = LadderBook.for_workspace(workspace)
    if book is None:
        return []
    said: list[str] = []
    for person in workspace.people_here:
        if person.role is not Role.HURT:
            continue
        try:
            private = workspace.session.sealed_journal_of(person.id)
        except NotUnlocked:  # their space is not open: their choice waits
            continue
        records = _records(private)
        waiting = []
        for record in records:
            session = cs.find(workspace, str(record.get("session", "")))
            if session is not None and session.is_open:
                waiting.append(record)
                continue
            if session is None:
                continue  # the session is gone from the shared space: nothing to move
            try:
                before = book.load()
                after = book.change(next_time, person, session.id, NextTime(record.get("choice")))
            except (PaceRefused, ValueError):
                continue
            if after.log != before.log:
                said.append(after.log[-1].words)
        if len(waiting) != len(records):
            private.replace_records(NEXT_TIME_TABLE, waiting)
    return said


def _records(private) -> list[dict]:
    try:
        return [r for r in private.table_records(NEXT_TIME_TABLE) if isinstance(r, dict)]
    except (ValueError, TypeError, KeyError):
        return []
