"""Couple sessions at one screen: who is here, whose turn it is, when answers are revealed.

These are the rules of ``COUPLE.md`` as plain values and functions. A
:class:`CoupleSession` is what the shared space may know about a session: the
exercise, when it began, who has answered and each person's reveal choice.
It never holds the text of an answer; pending text lives in its writer's
private space, and only :func:`reveal_when_both_answered` decides when it may
move into the shared one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum


class SessionRefused(ValueError):
    """A step the rules of a session do not allow now; the message is for people."""


class RevealChoice(str, Enum):
    """What a writer decides, behind the curtain, about their answer."""

    REVEAL = "reveal"
    KEEP = "keep"


class Stage(str, Enum):
    """Where a session stands. It only ever moves forward."""

    ANSWERING = "answering"
    CHOOSING = "choosing"
    READY = "ready"
    """Both have chosen; the reveal waits until both are present."""
    REVEALED = "revealed"
    ENDED = "ended"


@dataclass(frozen=True)
class Presence:
    """Who is at the screen now: one person, or both partners."""

    here: frozenset[str]

    @classmethod
    def alone(cls, person: str) -> "Presence":
        return cls(frozenset({person}))

    @classmethod
    def both(cls, first: str, second: str) -> "Presence":
        return cls(frozenset({first, second}))

    @property
    def together(self) -> bool:
        return len(self.here) == 2

    def includes(self, person: str) -> bool:
        return person in self.here


@dataclass(frozen=True)
class SessionExercise:
    """What a session is about: a together prompt, a ladder try, a sentence."""

    kind: str
    ref: str
    title: str = ""


@dataclass(frozen=True)
class CoupleSession:
    """A session as the shared space records it. Never the text of an answer."""

    id: str
    exercise: SessionExercise
    partners: tuple[str, str]
    began: datetime
    answered: frozenset[str] = frozenset()
    choices: tuple[tuple[str, RevealChoice], ...] = ()
    ended_by: str | None = None
    revealed_at: datetime | None = None

    @property
    def choice_of(self) -> dict[str, RevealChoice]:
        return dict(self.choices)

    @property
    def stage(self) -> Stage:
        if self.ended_by is not None:
            return Stage.ENDED
        if self.revealed_at is not None:
            return Stage.REVEALED
        if len(self.answered) < 2:
            return Stage.ANSWERING
        if len(self.choices) < 2:
            return Stage.CHOOSING
        return Stage.READY

    @property
    def is_open(self) -> bool:
        return self.stage not in (Stage.REVEALED, Stage.ENDED)

    def partner_of(self, person: str) -> str:
        first, second = self.partners
        return second if person == first else first


def begin_session(
    exercise: SessionExercise, partners: tuple[str, str], *, now: datetime, session_id: str | None = None
) -> CoupleSession:
    """A new session for two different people."""
    first, second = partners
    if not first or not second or first == second:
        raise SessionRefused("A session needs two different people.")
    return CoupleSession(
        id=session_id or uuid.uuid4().hex, exercise=exercise, partners=partners, began=now
    )


def _require_partner(session: CoupleSession, person: str) -> None:
    if person not in session.partners:
        raise SessionRefused("Only the two partners of a session take part in it.")


def _require_open(session: CoupleSession) -> None:
    if session.stage is Stage.ENDED:
        raise SessionRefused("This session has ended.")
    if session.stage is Stage.REVEALED:
        raise SessionRefused("This session's answers have been shown already.")


def may_change_answer(session: CoupleSession, person: str) -> bool:
    """A writer may change their answer until they have made their reveal choice (rule 3)."""
    return (
        person in session.partners
        and session.is_open
        and person not in session.choice_of
    )


def record_answer(session: CoupleSession, person: str) -> CoupleSession:
    """Note that ``person`` has written (or rewritten) their answer. The text stays private."""
    _require_partner(session, person)
    _require_open(session)
    if person in session.choice_of:
        raise SessionRefused(
            "You have already chosen what to do with your answer, so it stays as it is."
        )
    return replace(session, answered=session.answered | {person})


def choose(session: CoupleSession, person: str, choice: RevealChoice) -> CoupleSession:
    """Record a writer's choice to reveal or keep; both must have answered first (rule 2)."""
    _require_partner(session, person)
    _require_open(session)
    if len(session.answered) < 2:
        raise SessionRefused("Choosing comes after both of you have written.")
    if person in session.choice_of:
        raise SessionRefused("You have chosen already.")
    return replace(session, choices=(*session.choices, (person, RevealChoice(choice))))


def whose_turn(session: CoupleSession, starter: str | None = None) -> str | None:
    """Who should take the keyboard next, or None when nobody has anything left to do.

    Answers first, then choices, each partner in their own turn; ``starter``
    (the person who began) goes first at each stage when both still have to act.
    """
    if not session.is_open:
        return None
    order = list(session.partners)
    if starter in order and order[0] != starter:
        order.reverse()
    waiting = (
        [p for p in order if p not in session.answered]
        if session.stage is Stage.ANSWERING
        else [p for p in order if p not in session.choice_of]
    )
    return waiting[0] if waiting else None


def can_reveal(session: CoupleSession, presence: Presence) -> bool:
    """Both have chosen and both are at the screen (rule 5)."""
    return session.stage is Stage.READY and all(presence.includes(p) for p in session.partners)


@dataclass(frozen=True)
class Reveal:
    """What appears on screen at the reveal, in one frame, and what stays private."""

    shown: tuple[tuple[str, str], ...]
    """(author, text) for every answer its writer chose to reveal, in partner order."""
    kept: tuple[str, ...]
    """Authors who kept their answer; the partner sees one neutral sentence."""
    session: CoupleSession = field(repr=False)


def reveal_when_both_answered(
    session: CoupleSession,
    presence: Presence,
    pending: Mapping[str, str],
    *,
    now: datetime,
) -> Reveal:
    """The reveal: only when both are present and both have chosen, and all at once.

    ``pending`` maps each author to their pending text, read from their own
    private space by whoever holds the keys. Only answers whose writer chose
    to reveal them come out; a kept answer's text is never looked at.
    """
    _require_open(session)
    if session.stage is not Stage.READY:
        raise SessionRefused("The answers are shown when both of you have written and chosen.")
    if not can_reveal(session, presence):
        raise SessionRefused("The answers are shown only when both of you are here.")
    choices = session.choice_of
    shown: list[tuple[str, str]] = []
    kept: list[str] = []
    for person in session.partners:
        if choices[person] is RevealChoice.REVEAL:
            if person not in pending:
                raise SessionRefused("One answer could not be found, so nothing is shown yet.")
            shown.append((person, pending[person]))
        else:
            kept.append(person)
    return Reveal(
        shown=tuple(shown), kept=tuple(kept), session=replace(session, revealed_at=now)
    )


def end_session(session: CoupleSession, person: str) -> CoupleSession:
    """Either partner may end a session at any moment, without a reason (rule 7).

    What each person wrote stays in their own private journal; nothing is deleted.
    """
    _require_partner(session, person)
    _require_open(session)
    return replace(session, ended_by=person)


def answers_that_stay_private(session: CoupleSession) -> frozenset[str]:
    """Authors whose pending answer becomes an ordinary private entry now.

    After an ending, every answer written so far; after a reveal, the kept ones.
    """
    if session.stage is Stage.ENDED:
        return frozenset(session.answered)
    if session.stage is Stage.REVEALED:
        return frozenset(p for p, c in session.choices if c is RevealChoice.KEEP)
    return frozenset()


def spaces_on_screen(
    presence: Presence, private_space_of: Mapping[str, str], shared_space: str | None
) -> frozenset[str]:
    """The spaces that may be open for who is here (rule 9).

    Together, only the shared space. One person alone: their own private
    space and the shared one. Never the other partner's private space.
    """
    shared = frozenset({shared_space}) if shared_space else frozenset()
    if presence.together:
        return shared
    (person,) = tuple(presence.here) or ("",)
    own = private_space_of.get(person)
    return shared | ({own} if own else frozenset())
