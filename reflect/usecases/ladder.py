"""Use cases for the touch ladder: where it lives, reading it, and changing it by its rules.

A couple's ladder lives in their shared space, so both can see where it is.
A hurt partner using reflect alone keeps a private ladder in their own
space. Anyone else alone has no ladder of their own: they read the pack's
steps and the prompts beside them. Every change goes through the rules of
:mod:`reflect.domain.ladder`, which refuse whoever may not make it, and the
whole ladder (steps, limits, pauses, suggestions and its log of tries and
changes of pace) is saved as one record of the ``ladder`` table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from reflect.domain.clock import Clock
from reflect.domain.content import LadderStep
from reflect.domain.ladder import Ladder, ladder_from_pack
from reflect.domain.profiles import Household, Profile, Role
from reflect.storage.exercise_records import LADDER_TABLE, ladder_from_record, ladder_to_record

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal
    from reflect.usecases.workspace import Workspace

LADDER_UNREADABLE = (
    "The ladder saved in this space could not be read, so it is shown as the pack suggests "
    "and cannot be changed here. Nothing has been overwritten; `reflect check` can say more."
)


class LadderUnreadable(ValueError):
    """The saved ladder is damaged; it is left exactly as it is."""


def ladder_space(household: Household, person: Profile | None, open_spaces: list[str]) -> str | None:
    """The space a person's ladder lives in, or None when they have none to keep.

    The shared space for a couple (when it is open); a hurt partner's own
    private space when they are on their own; nothing for anyone else alone.
    """
    if person is None:
        return None
    shared = household.shared_space
    if shared is not None:
        return shared if shared in open_spaces else None
    return person.space if person.role is Role.HURT else None


def hurt_partners(household: Household) -> frozenset[str]:
    """Whose limits set a couple's pace: the people whose role is hurt.

    Every reading of the ladder that says where it is (the screen, exports,
    session prep) gives it these, so each says the same: when both are hurt
    and only one has set a limit, the ladder has not begun.
    """
    return frozenset(p.id for p in household.profiles if p.role is Role.HURT)


def saved_ladder(journal: Journal, hurt: frozenset[str] = frozenset()) -> Ladder | None:
    """The ladder saved in a space, or None when it has none (or it cannot be read).

    ``hurt``: see :func:`hurt_partners`; without it every limit set counts.
    """
    try:
        records = journal.table_records(LADDER_TABLE)
        return replace(ladder_from_record(records[-1]), hurt=hurt) if records else None
    except (ValueError, TypeError, KeyError):
        return None


def pack_steps(workspace: Workspace) -> tuple[LadderStep, ...]:
    """The default steps: the first loaded pack that has a ladder."""
    return next((pack.ladder for pack in workspace.packs.packs if pack.ladder), ())


class LadderBook:
    """One space's ladder, read and saved through the rules."""

    def __init__(
        self,
        journal: Journal,
        default_steps: tuple[LadderStep, ...],
        now: Clock,
        hurt: frozenset[str] = frozenset(),
    ) -> None:
        self.journal = journal
        self.default_steps = default_steps
        self.now = now
        self.hurt = hurt
        """Whose limits set the pace: the hurt partners, by the roles the shared space vouches for."""

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> "LadderBook | None":
        """The ladder of whoever is unlocked, or None when they keep none (see :func:`ladder_space`)."""
        space = ladder_space(workspace.household, workspace.current, workspace.open_spaces)
        if space is None:
            return None
        # A couple's ladder opens only with their shared space, which opens only
        # when profiles.json's roles are the ones it vouches for (couple_roles).
        return cls(workspace.store(space), pack_steps(workspace), workspace.now, hurt_partners(workspace.household))

    @property
    def space(self) -> str:
        return self.journal.space

    def saved(self) -> bool:
        return bool(self.journal.table_records(LADDER_TABLE))

    def load(self) -> Ladder:
        """The saved ladder, or a fresh one with the pack's steps. Raises :class:`LadderUnreadable`."""
        try:
            records = self.journal.table_records(LADDER_TABLE)
        except (ValueError, TypeError, KeyError):
            raise LadderUnreadable(LADDER_UNREADABLE) from None
        if not records:
            return replace(ladder_from_pack(self.default_steps), hurt=self.hurt)
        try:
            return replace(ladder_from_record(records[-1]), hurt=self.hurt)
        except (ValueError, TypeError, KeyError):
            raise LadderUnreadable(LADDER_UNREADABLE) from None

    def save(self, ladder: Ladder) -> None:
        self.journal.replace_records(LADDER_TABLE, [ladder_to_record(ladder, self.space)])

    def change(self, rule: Callable[..., Ladder], *args, **kwargs) -> Ladder:
        """Apply one rule of :mod:`reflect.domain.ladder` and save the result.

        ``rule`` is called as ``rule(ladder, *args, now=..., **kwargs)``. A
        refusal (:class:`~reflect.domain.ladder.PaceRefused`) saves nothing.
        """
        before = self.load()
        after = rule(before, *args, now=self.now(), **kwargs)
        if after is not before:
            self.save(after)
        return after


def merge_ladder(journal: Journal, imported: Ladder) -> int:
    """Bring in an exported ladder; return how many lines of its log were added.

    Its log lines that are not here yet are added. When the space has no
    ladder yet, its steps come too. Limits and pauses never do: the pace is
    the choice of the hurt partner here and now, never of a file (whose
    people may not even be this folder's), so an import never moves it.
    """
    try:
        records = journal.table_records(LADDER_TABLE)
        here = ladder_from_record(records[-1]) if records else None
    except (ValueError, TypeError, KeyError):
        raise LadderUnreadable(LADDER_UNREADABLE) from None
    if here is None:
        journal.replace_records(
            LADDER_TABLE, [ladder_to_record(Ladder(steps=imported.steps, log=imported.log), journal.space)]
        )
        return len(imported.log)
    known = {(e.kind, e.at, e.by, e.words) for e in here.log}
    new = [e for e in imported.log if (e.kind, e.at, e.by, e.words) not in known]
    if new:
        log = tuple(sorted((*here.log, *new), key=lambda e: e.at))
        journal.replace_records(LADDER_TABLE, [ladder_to_record(replace(here, log=log), journal.space)])
    return len(new)
