"""The touch ladder: small non-sexual steps, at the pace of the partner who was hurt.

The rules of ``COUPLE.md`` ("The touch ladder's pace") as plain values and
functions. Only a person whose role is hurt moves the pace, pauses the ladder
or decides which steps exist; anyone else may see where it is and suggest a
step, which waits for that choice. When both partners are hurt, each sets
their own limit and the pace is the lower of the two. Going back is recorded
in the same plain words as going forward.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from reflect.domain.content import LadderStep
from reflect.domain.profiles import Profile, Role

MAX_STEP_CHARS = 120
MAX_STOP_SIGNAL_CHARS = 80
EVENT_KINDS = (
    "pace", "pause", "resume", "added", "renamed", "removed", "moved",
    "suggested", "accepted", "declined", "try", "next",
)


class PaceRefused(ValueError):
    """A change the ladder's rules do not allow to this person; the message is for people."""


@dataclass(frozen=True)
class LadderEvent:
    """One thing that happened to the ladder, in neutral words."""

    kind: str
    """pace, pause, resume, added, renamed, removed, moved, suggested, accepted, declined, try"""
    by: str
    at: datetime
    words: str
    step_id: str = ""
    session_id: str = ""
    stop_signal: str = ""
    """For a try: the word or gesture agreed to mean "stop", if any."""


class NextTime(str, Enum):
    """What each partner would like after a try. Only the hurt partner's choice moves anything."""

    SAME = "same"
    SMALLER = "smaller"
    PAUSE = "pause"

    @property
    def label(self) -> str:
        return NEXT_TIME_LABELS[self]


NEXT_TIME_LABELS = {
    NextTime.SAME: "The same step again",
    NextTime.SMALLER: "A smaller step",
    NextTime.PAUSE: "A pause for now",
}


@dataclass(frozen=True)
class Suggestion:
    """A step someone proposed, waiting for the hurt partner's choice."""

    id: str
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Ladder:
    """The steps, each hurt person's limit, pauses, waiting suggestions and the log."""

    steps: tuple[LadderStep, ...]
    limits: tuple[tuple[str, str | None], ...] = ()
    """(hurt person's id, the step they have reached or None for not begun)."""
    paused_by: frozenset[str] = frozenset()
    suggestions: tuple[Suggestion, ...] = ()
    log: tuple[LadderEvent, ...] = ()
    hurt: frozenset[str] = field(default=frozenset(), compare=False)
    """Everyone whose limit counts: the people the couple's roles (as vouched
    for by their shared space) call hurt. Not saved with the ladder: it comes
    from the roles each time the ladder is read. Someone here who has not set
    a limit yet counts as not begun. Empty: every limit set counts."""

    def index_of(self, step_id: str | None) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), None)

    def step(self, step_id: str | None) -> LadderStep | None:
        index = self.index_of(step_id)
        return None if index is None else self.steps[index]

    @property
    def pace(self) -> LadderStep | None:
        """Where the ladder is: the lowest limit of everyone who sets one; None before it begins."""
        limits = dict(self.limits)
        if self.hurt:
            # A limit not yet set is not begun, the lowest; a limit left by
            # someone who is not hurt (any more) does not count.
            limits = {person: limits.get(person) for person in self.hurt}
        if not limits:
            return None
        indexes = [self.index_of(step) for step in limits.values()]
        if any(i is None for i in indexes):
            return None
        return self.steps[min(i for i in indexes if i is not None)]

    @property
    def paused(self) -> bool:
        return bool(self.paused_by)

    def limit_of(self, person_id: str) -> LadderStep | None:
        return self.step(dict(self.limits).get(person_id))

    def within_pace(self) -> tuple[LadderStep, ...]:
        """The steps at or below where the ladder is now: the ones a try may use."""
        pace = self.pace
        if pace is None:
            return ()
        return self.steps[: self.index_of(pace.id) + 1]  # type: ignore[operator]

    def tries(self) -> tuple[LadderEvent, ...]:
        """Every try, oldest first."""
        return tuple(e for e in self.log if e.kind == "try")

    def find_try(self, session_id: str) -> LadderEvent | None:
        return next((e for e in self.log if e.kind == "try" and e.session_id == session_id), None)


def ladder_from_pack(steps: tuple[LadderStep, ...]) -> Ladder:
    """A fresh ladder with the pack's suggested steps and no pace yet."""
    return Ladder(steps=tuple(steps))


def _require_hurt(by: Profile, doing: str) -> None:
    if by.role is not Role.HURT:
        raise PaceRefused(
            f"Only the partner who was hurt can {doing}. "
            "The ladder moves at their pace; you can always see where it is."
        )


def _clean_step_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PaceRefused("A step needs a few words.")
    if len(cleaned) > MAX_STEP_CHARS:
        raise PaceRefused(f"A step can be at most {MAX_STEP_CHARS} characters.")
    return cleaned


def _logged(ladder: Ladder, event: LadderEvent, **changes: object) -> Ladder:
    return replace(ladder, log=(*ladder.log, event), **changes)


def set_pace(ladder: Ladder, by: Profile, step_id: str | None, *, now: datetime) -> Ladder:
    """Move ``by``'s limit to a step, up or down, or back to not begun (``None``)."""
    _require_hurt(by, "move the ladder")
    step = ladder.step(step_id)
    if step_id is not None and step is None:
        raise PaceRefused("That step is no longer on the ladder.")
    limits = dict(ladder.limits)
    limits[by.id] = step_id
    words = f"The pace is now: {step.text}" if step else "The ladder is back at its start."
    return _logged(
        ladder,
        LadderEvent(kind="pace", by=by.id, at=now, words=words, step_id=step_id or ""),
        limits=tuple(limits.items()),
    )


def pause(ladder: Ladder, by: Profile, *, now: datetime) -> Ladder:
    """Rest the ladder for a while. Nothing asks when it will start again."""
    _require_hurt(by, "pause the ladder")
    if by.id in ladder.paused_by:
        return ladder
    return _logged(
        ladder,
        LadderEvent(kind="pause", by=by.id, at=now, words="The ladder is resting for now."),
        paused_by=ladder.paused_by | {by.id},
    )


def resume(ladder: Ladder, by: Profile, *, now: datetime) -> Ladder:
    _require_hurt(by, "take the ladder up again")
    if by.id not in ladder.paused_by:
        return ladder
    return _logged(
        ladder,
        LadderEvent(kind="resume", by=by.id, at=now, words="The ladder is open again."),
        paused_by=ladder.paused_by - {by.id},
    )


def add_step(
    ladder: Ladder, by: Profile, text: str, *, now: datetime, after: str | None = None
) -> Ladder:
    """Add a step of the hurt partner's own, after ``after`` or at the end."""
    _require_hurt(by, "change the steps")
    step = LadderStep(id=uuid.uuid4().hex[:12], text=_clean_step_text(text))
    index = ladder.index_of(after)
    at = len(ladder.steps) if index is None else index + 1
    steps = (*ladder.steps[:at], step, *ladder.steps[at:])
    return _logged(
        ladder,
        LadderEvent(kind="added", by=by.id, at=now, words=f"A step was added: {step.text}",
                    step_id=step.id),
        steps=steps,
    )


def rename_step(ladder: Ladder, by: Profile, step_id: str, text: str, *, now: datetime) -> Ladder:
    _require_hurt(by, "change the steps")
    index = ladder.index_of(step_id)
    if index is None:
        raise PaceRefused("That step is no longer on the ladder.")
    renamed = LadderStep(id=step_id, text=_clean_step_text(text))
    steps = (*ladder.steps[:index], renamed, *ladder.steps[index + 1:])
    return _logged(
        ladder,
        LadderEvent(kind="renamed", by=by.id, at=now, words=f"A step now reads: {renamed.text}",
                    step_id=step_id),
        steps=steps,
    )


def remove_step(ladder: Ladder, by: Profile, step_id: str, *, now: datetime) -> Ladder:
    """Remove a step. A limit that stood on it moves to the step below (the gentler one)."""
    _require_hurt(by, "change the steps")
    index = ladder.index_of(step_id)
    if index is None:
        raise PaceRefused("That step is no longer on the ladder.")
    removed = ladder.steps[index]
    below = ladder.steps[index - 1].id if index > 0 else None
    limits = tuple((person, below if step == step_id else step) for person, step in ladder.limits)
    steps = (*ladder.steps[:index], *ladder.steps[index + 1:])
    return _logged(
        ladder,
        LadderEvent(kind="removed", by=by.id, at=now, words=f"A step was taken off: {removed.text}",
                    step_id=step_id),
        steps=steps,
        limits=limits,
    )


def move_step(ladder: Ladder, by: Profile, step_id: str, offset: int, *, now: datetime) -> Ladder:
    """Move a step up (-1) or down (+1) in the order."""
    _require_hurt(by, "change the steps")
    index = ladder.index_of(step_id)
    if index is None:
        raise PaceRefused("That step is no longer on the ladder.")
    target = max(0, min(len(ladder.steps) - 1, index + offset))
    if target == index:
        return ladder
    steps = list(ladder.steps)
    steps.insert(target, steps.pop(index))
    return _logged(
        ladder,
        LadderEvent(kind="moved", by=by.id, at=now,
                    words=f"A step changed place: {ladder.steps[index].text}", step_id=step_id),
        steps=tuple(steps),
    )


def suggest_step(ladder: Ladder, by: Profile, text: str, *, now: datetime) -> Ladder:
    """Anyone may suggest a step; it waits, unseen on the ladder, for the hurt partner's choice."""
    suggestion = Suggestion(id=uuid.uuid4().hex[:12], text=_clean_step_text(text), by=by.id, at=now)
    return _logged(
        ladder,
        LadderEvent(kind="suggested", by=by.id, at=now, words=f"A step was suggested: {suggestion.text}"),
        suggestions=(*ladder.suggestions, suggestion),
    )


def answer_suggestion(
    ladder: Ladder, by: Profile, suggestion_id: str, *, accept: bool, now: datetime
) -> Ladder:
    """The hurt partner adds a suggested step to the end of the ladder, or lets it go."""
    _require_hurt(by, "decide which steps are on the ladder")
    suggestion = next((s for s in ladder.suggestions if s.id == suggestion_id), None)
    if suggestion is None:
        raise PaceRefused("That suggestion has been answered already.")
    rest = tuple(s for s in ladder.suggestions if s.id != suggestion_id)
    if not accept:
        return _logged(
            ladder,
            LadderEvent(kind="declined", by=by.id, at=now, words="A suggestion was set aside."),
            suggestions=rest,
        )
    added = add_step(replace(ladder, suggestions=rest), by, suggestion.text, now=now)
    return replace(added, log=(*added.log[:-1], replace(added.log[-1], kind="accepted")))


def record_try(
    ladder: Ladder, step_id: str, session_id: str, *, by: str, now: datetime, stop_signal: str = ""
) -> Ladder:
    """Log a try of one step, with the stop word or gesture agreed for it (optional).

    How it felt lives in its couple session, sealed until both wrote; alone,
    in the hurt partner's own journal. A try never moves the pace.
    """
    step = ladder.step(step_id)
    if step is None:
        raise PaceRefused("That step is no longer on the ladder.")
    if ladder.paused:
        raise PaceRefused("The ladder is resting for now.")
    pace = ladder.pace
    if pace is None or ladder.index_of(step_id) > ladder.index_of(pace.id):  # type: ignore[operator]
        raise PaceRefused("That step is beyond where the ladder is now.")
    signal = " ".join(stop_signal.split())
    if len(signal) > MAX_STOP_SIGNAL_CHARS:
        raise PaceRefused(f"A stop word or gesture can be at most {MAX_STOP_SIGNAL_CHARS} characters.")
    return _logged(
        ladder,
        LadderEvent(kind="try", by=by, at=now, words=f"A try: {step.text}", step_id=step_id,
                    session_id=session_id, stop_signal=signal),
    )


def next_time(ladder: Ladder, by: Profile, session_id: str, choice: NextTime, *, now: datetime) -> Ladder:
    """After a try: what ``by`` would like next time. Only a hurt partner's choice moves anything.

    The same step leaves the ladder as it is; a smaller step sets their limit
    to the step below the one tried (never higher than it was); a pause rests
    the ladder. Anyone else's choice stays in their own answer and changes
    nothing here, so nothing can be pressed on the ladder through it.
    """
    tried = ladder.find_try(session_id)
    if tried is None:
        raise PaceRefused("That try is not on the ladder.")
    choice = NextTime(choice)
    if by.role is not Role.HURT or choice is NextTime.SAME:
        return ladder
    if choice is NextTime.PAUSE:
        return pause(ladder, by, now=now)
    index = ladder.index_of(tried.step_id)
    own = ladder.index_of(dict(ladder.limits).get(by.id))
    if index is None or own is None:
        # The step tried was taken off since (the limit already moved down),
        # or this person's ladder is back at its start: nothing is lower.
        return ladder
    target = index - 1
    if own < target:
        return ladder
    step = ladder.steps[target] if target >= 0 else None
    limits = dict(ladder.limits)
    limits[by.id] = step.id if step else None
    words = f"Next time, a gentler step: {step.text}" if step else "Next time, the ladder starts again from its beginning."
    return _logged(
        ladder,
        LadderEvent(kind="next", by=by.id, at=now, words=words, step_id=step.id if step else "",
                    session_id=session_id),
        limits=tuple(limits.items()),
    )
