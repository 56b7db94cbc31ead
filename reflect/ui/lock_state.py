"""When reflect locks, and which unlock may still let someone in.

No Textual here: the rules are tested with a clock that only moves when told.
The app owns one ``LockState`` and asks it; screens never change it.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

Clock = Callable[[], float]
"""Seconds from some fixed point, like ``time.monotonic``."""


class LockState:
    """The idle lock, the lock generation, and quick hide.

    Every lock, hide and unlock attempt starts a new *generation*. Work that
    began in an older generation (a key derived in a thread, a file read in the
    background) finished too late: its result is thrown away, never adopted.
    """

    def __init__(self, clock: Clock = monotonic) -> None:
        self._clock = clock
        self._last_activity = clock()
        self.generation = 0
        """Goes up at every lock, hide and unlock attempt."""
        self.hidden = False
        """The neutral screen is up: nothing but Enter is answered."""

    def touch(self) -> None:
        """Someone pressed a key, clicked or scrolled."""
        self._last_activity = self._clock()

    def quiet_for(self) -> float:
        """Seconds since the last key, click or scroll."""
        return self._clock() - self._last_activity

    def idle_lock_due(self, *, minutes: int, unlocked: bool, protected: bool) -> bool:
        """Lock now? Only an unlocked, passphrase-protected reflect, quiet long enough.

        ``minutes`` of 0 turns the idle lock off.
        """
        return minutes > 0 and unlocked and protected and self.quiet_for() >= minutes * 60

    def lock(self, *, hide: bool = False) -> int:
        """A lock (or a quick hide): everything still in flight no longer counts."""
        self.generation += 1
        self.hidden = hide
        return self.generation

    def come_back(self) -> int:
        """Enter on the neutral screen: still locked, whatever finished behind it."""
        self.hidden = False
        self.generation += 1
        return self.generation

    def begin_attempt(self) -> int:
        """A new unlock attempt: only the newest may let anyone in."""
        self.generation += 1
        return self.generation

    def is_current(self, generation: int) -> bool:
        """May work begun in ``generation`` still be adopted?"""
        return generation == self.generation
