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

The folded text is kept in blocks of about a thousand entries: a change
refolds only the blocks it touches, and no single step of a search holds the
interpreter for long, so a search in a worker thread leaves the screen's
thread free to draw.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import chain

from reflect.domain.entries import Entry, EntryFilter, newest_first

# Between an entry's text and its prompt, and after each entry: a needle
# without them can never match across two fields or two entries. UTF-8 never
# makes these bytes except for these characters.
_TEXT_END = "\x01"
_ENTRY_END = "\x00"
_SEPARATORS = frozenset(_TEXT_END + _ENTRY_END)
# Entries per block; a block grown past twice this is split.
BLOCK = 1024


def _key(entry: Entry):
    return (entry.created, entry.id)


class _Block:
    """Some consecutive entries, newest first, with their casefolded text in one UTF-8 string."""

    __slots__ = ("entries", "joined", "starts", "last_key")

    def __init__(self, entries: Sequence[Entry], pieces: Sequence[bytes | memoryview]) -> None:
        self.entries = tuple(entries)
        starts = [0] * (len(pieces) + 1)
        at = 0
        for i, piece in enumerate(pieces):
            at += len(piece)
            starts[i + 1] = at
        self.joined = b"".join(pieces)
        # Where each entry starts in ``joined``, and one more: where it ends.
        self.starts = starts
        self.last_key = _key(self.entries[-1])

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> "_Block":
        return cls(entries, [_piece(e) for e in entries])

    def changed(self, removed: set[int], added: list[Entry]) -> list["_Block"]:
        """This block without the ``removed`` entries (by ``id()``) and with ``added``."""
        old = memoryview(self.joined)
        kept = [(e, old[self.starts[i] : self.starts[i + 1]]) for i, e in enumerate(self.entries) if id(e) not in removed]
        both = sorted([*kept, *((e, _piece(e)) for e in added)], key=lambda pair: _key(pair[0]), reverse=True)
        # Split only when it has grown past twice the size, so edits do not split it again and again.
        size = BLOCK if len(both) > 2 * BLOCK else max(len(both), 1)
        blocks = [
            _Block([e for e, _ in part], [piece for _, piece in part])
            for part in (both[i : i + size] for i in range(0, len(both), size))
        ]
        kept.clear()
        both.clear()
        old.release()
        return blocks


class _Folded:
    """Every entry in blocks, newest first."""

    __slots__ = ("blocks", "ordered")

    def __init__(self, blocks: list[_Block]) -> None:
        self.blocks = blocks
        self.ordered = tuple(chain.from_iterable(b.entries for b in blocks))

    @classmethod
    def of(cls, ordered: Sequence[Entry]) -> "_Folded":
        return cls([_Block.of(ordered[i : i + BLOCK]) for i in range(0, len(ordered), BLOCK)])

    def changed(self, entries: tuple[Entry, ...]) -> "_Folded":
        """The same for ``entries``: only the blocks that lost or gained an entry are folded again.

        Entries are told apart by identity (both snapshots hold every one of
        them, so no ``id()`` is reused meanwhile): an edited entry is a new object.
        """
        before = set(map(id, self.ordered))
        now = set(map(id, entries))
        removed = before - now
        added_ids = now - before
        if not removed and not added_ids:
            return self
        blocks = self.blocks
        if not blocks:
            return _Folded.of(newest_first([e for e in entries if id(e) in added_ids]))
        last_keys = [b.last_key for b in blocks]
        removals: dict[int, set[int]] = {}
        if removed:
            for entry in self.ordered:
                if id(entry) in removed:
                    # Its block: the first whose oldest entry is not newer than it.
                    removals.setdefault(_first_at_or_below(last_keys, _key(entry), strict=False), set()).add(id(entry))
        additions: dict[int, list[Entry]] = {}
        for entry in entries:
            if id(entry) in added_ids:
                at = min(_first_at_or_below(last_keys, _key(entry), strict=True), len(blocks) - 1)
                additions.setdefault(at, []).append(entry)
        new_blocks: list[_Block] = []
        for i, block in enumerate(blocks):
            if i in removals or i in additions:
                new_blocks.extend(block.changed(removals.get(i, set()), additions.get(i, [])))
            else:
                new_blocks.append(block)
        return _Folded(new_blocks)


def _first_at_or_below(last_keys: list, key, *, strict: bool) -> int:
    """The first block whose oldest key is below ``key`` (or equal, unless ``strict``); len() if none.

    ``last_keys`` go down, so this is a binary search.
    """
    lo, hi = 0, len(last_keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if last_keys[mid] < key or (not strict and last_keys[mid] == key):
            hi = mid
        else:
            lo = mid + 1
    return lo


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
        # A copy: the store may replace or change its own list later.
        self._newest = list(newest) if newest is not None else None
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

    def prepare(self) -> None:
        """Do the slow part of the first search now (in a worker, before anyone types)."""
        self._build()

    def _ordered(self) -> tuple[Entry, ...] | list[Entry]:
        folded = self._folded
        if folded is not None:
            return folded.ordered
        newest = self._newest
        if newest is not None:
            return newest  # never waits for a fold running in a worker (prepare)
        with self._lock:
            if self._folded is not None:
                return self._folded.ordered
            # Sorting is much cheaper than folding: only a search for words folds.
            if self._newest is None:
                self._newest = newest_first(list(self._entries))
            return self._newest

    def _scan(self, needle: bytes, check) -> Iterator[Entry]:
        for block in self._build().blocks:
            entries, starts = block.entries, block.starts
            find, at, index = block.joined.find, 0, -1
            while True:
                hit = find(needle, at)
                if hit < 0:
                    break
                # Common words match entry after entry: the next one needs no search.
                index = index + 1 if hit < starts[index + 2] else bisect_right(starts, hit, index + 1) - 1
                entry = entries[index]
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
                before = self._previous._folded if self._previous is not None else None
                if before is not None:
                    self._folded = before.changed(self._entries)
                else:
                    self._folded = _Folded.of(self._newest or newest_first(list(self._entries)))
                self._previous = self._newest = None
            return self._folded


def _piece(entry: Entry) -> bytes:
    # UTF-8 (lone surrogates kept as themselves) is self-synchronising: a
    # needle's bytes are found exactly where its characters are.
    text = f"{entry.text.casefold()}{_TEXT_END}{entry.prompt_text.casefold()}{_ENTRY_END}"
    return text.encode("utf-8", "surrogatepass")
