"""When reflect cannot tell whether a sealed space is its newest copy.

``seen.json`` keeps the last save of each sealed space, vouched for by that
space's key (see :mod:`reflect.storage.seen`). It is a plain file: anyone who
can write in the data folder can change it, and so can a sync tool or a
restore. When a space is unlocked and its note is missing, unreadable, or
not vouched for by its key, a copy of that space put back from before could
not be noticed. That is never passed over in silence:

- whoever unlocks is told, once, in plain words (:meth:`SeenDoubt.notice`):
  the app shows it at the unlock, the command line prints it and goes on;
- the changed note is moved aside (``seen.json.changed-<date>``) before
  reflect writes a new one, so the evidence is never written over, and
  ``reflect check`` names it until the person deletes it;
- reading and writing go on: the person is told, not locked out of their
  own words (a rollback the note does vouch for is still refused outright).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.usecases import wording

if TYPE_CHECKING:
    from reflect.domain.profiles import Household
    from reflect.storage.seen import SeenRecords


@dataclass
class SeenDoubt:
    """The spaces opened in one unlock whose last save could not be confirmed."""

    spaces: list[str]
    missing: bool
    """``seen.json`` was not there at all (rather than changed)."""
    to_set_aside: bool
    """The note holds something to keep: a line or a file reflect did not write."""
    kept: list[Path] = field(default_factory=list)
    """Where the changed note was moved to, once it was."""
    told: bool = False

    @classmethod
    def of(cls, seen: SeenRecords, opened_spaces) -> SeenDoubt | None:
        """The doubt :meth:`Session._check_seal` noted in ``seen`` for these spaces, or None."""
        from reflect.storage.seen import SeenState

        spaces = [s for s in opened_spaces if s in seen.doubted]
        if not spaces:
            return None
        changed_line = any(s in seen or s in seen.malformed for s in spaces)
        return cls(
            spaces=spaces,
            missing=seen.state is SeenState.MISSING,
            to_set_aside=seen.state is SeenState.UNREADABLE or changed_line,
        )

    def joined(self, other: SeenDoubt | None) -> SeenDoubt:
        if other is None:
            return self
        return SeenDoubt(
            spaces=[*self.spaces, *(s for s in other.spaces if s not in self.spaces)],
            missing=self.missing and other.missing,
            to_set_aside=self.to_set_aside or other.to_set_aside,
            kept=[*self.kept, *other.kept],
            told=self.told and other.told,
        )

    def notice(self, household: Household, *, own_space: str | None, writable: bool) -> str:
        """The plain sentences to show once, after the unlock."""
        labels = [household.space_in_words(space, own_space) for space in self.spaces]
        which = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
        how, change = (
            (wording.SEEN_NOTE_MISSING, "remove") if self.missing else (wording.SEEN_NOTE_CHANGED, "change")
        )
        one = len(labels) == 1
        text = wording.SEEN_DOUBT.format(
            which=which, how=how, change=change, are="is" if one else "are", copies="copy" if one else "copies"
        )
        if not writable:
            return f"{text} {wording.SEEN_DOUBT_NOTHING_CHANGED}"
        if self.kept:
            return f"{text} {wording.SEEN_DOUBT_KEPT.format(kept=', '.join(p.name for p in self.kept))}"
        return f"{text} {wording.SEEN_DOUBT_GOES_ON}"
