"""Finding entries by their words fast enough to follow typing, and safely from a worker thread.

An :class:`EntrySearch` is the journal's entries as they were at one moment.
The store hands one out cheaply (it keeps a tuple of the entries, nothing
more); the first search through it does the slow part, casefolding every
entry into one UTF-8 string, in whichever thread runs it, and every later
search reuses that. Nothing in it changes once built, so a worker thread may
search it while the store takes new entries: its answers are those of the
moment it was taken, and the next snapshot reuses the folded text of every
entry that did not change.

The answers are exactly :meth:`EntryFilter.matches`, produced lazily, newest
first: a screen that shows forty rows asks for forty, and only a count needs
the whole journal.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace

from reflect.domain.entries import Entry, EntryFilter, newest_first

# Between an entry's text and its prompt, and after each entry: a needle
# without them can never match across two fields or two entries. UTF-8 never
# makes these bytes except for these characters.
_TEXT_END = "\x01"
_ENTRY_END = "\x00"
_SEPARATORS = frozenset(_TEXT_END + _ENTRY_END)


class _Folded:
    """Every entry's casefolded text and prompt in one UTF-8 string, newest first."""

    __slots__ = ("ordered", "joined", "starts", "position")

    def __init__(self, ordered: tuple[Entry, ...], joined: bytes, starts: list[int]) -> None:
        self.ordered = ordered
        self.joined = joined
        # Where each entry starts in ``joined``, and one more: where it ends.
        self.starts = starts
        self.position: dict[str, int] | None = None

    def piece(self, index: int) -> bytes:
        return self.joined[self.starts[index] : self.starts[index + 1]]


class EntrySearch:
    """The entries of one space as they were when it was taken, ready to be searched.

    Safe to search from any thread; it never changes the store, and the store
    never changes it.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...],
        *,
        newest: list[Entry] | None = None,
        previous: EntrySearch | None = None,
    ) -> None:
        self._entries = entries
        self._newest = newest
        self._previous = previous
        self._folded: _Folded | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def newest(self) -> list[Entry]:
        """Every entry of the snapshot, newest first."""
        return list(self._ordered())

    def matching(self, flt: EntryFilter) -> Iterator[Entry]:
        """The entries that match ``flt``, newest first, found as they are asked for."""
        if flt == EntryFilter():
            return iter(self._ordered())
        if not flt.contains:
            return (e for e in self._ordered() if flt.matches(e))
        needle = flt.contains.casefold()
        if not _SEPARATORS.isdisjoint(needle):
            # Only a pasted control character gets here; the plain rule is exact.
            return (e for e in self._ordered() if flt.matches(e))
        rest = replace(flt, contains="")
        return self._scan(needle.encode("utf-8", "surrogatepass"), None if rest == EntryFilter() else rest.matches)

    def search(self, flt: EntryFilter) -> list[Entry]:
        """Every entry that matches ``flt``, newest first."""
        return list(self.matching(flt))

    def _ordered(self) -> tuple[Entry, ...] | list[Entry]:
        folded = self._folded
        if folded is not None:
            return folded.ordered
        with self._lock:
            if self._folded is not None:
                return self._folded.ordered
            # Sorting is much cheaper than folding: only a search for words folds.
            if self._newest is None:
                self._newest = newest_first(list(self._entries))
            return self._newest

    def _scan(self, needle: bytes, check) -> Iterator[Entry]:
        folded = self._build()
        ordered, starts = folded.ordered, folded.starts
        find, at = folded.joined.find, 0
        while True:
            hit = find(needle, at)
            if hit < 0:
                return
            index = bisect_right(starts, hit) - 1
            entry = ordered[index]
            if check is None or check(entry):
                yield entry
            # One match is enough for an entry: go on from the next one.
            at = starts[index + 1]

    def _build(self) -> _Folded:
        folded = self._folded
        if folded is not None:
            return folded
        with self._lock:
            if self._folded is None:
                self._folded = _fold(self._newest or newest_first(list(self._entries)), self._previous)
                self._previous = self._newest = None
            return self._folded


def _fold(ordered_list: list[Entry], previous: EntrySearch | None) -> _Folded:
    ordered = tuple(ordered_list)
    # An entry that did not change since the last snapshot keeps its folded text.
    before = previous._folded if previous is not None else None
    position: dict[str, int] = {}
    if before is not None:
        if before.position is None:
            before.position = {e.id: i for i, e in enumerate(before.ordered)}
        position = before.position
    pieces = []
    for entry in ordered:
        index = position.get(entry.id)
        if index is not None and before is not None and before.ordered[index] is entry:
            pieces.append(before.piece(index))
        else:
            pieces.append(_piece(entry))
    starts = [0] * (len(pieces) + 1)
    at = 0
    for i, piece in enumerate(pieces):
        at += len(piece)
        starts[i + 1] = at
    return _Folded(ordered, b"".join(pieces), starts)


def _piece(entry: Entry) -> bytes:
    # UTF-8 (lone surrogates kept as themselves) is self-synchronising: a
    # needle's bytes are found exactly where its characters are.
    text = f"{entry.text.casefold()}{_TEXT_END}{entry.prompt_text.casefold()}{_ENTRY_END}"
    return text.encode("utf-8", "surrogatepass")
