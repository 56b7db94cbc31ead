"""One search over a whole space, read once, for a command that searches once
(``reflect list --contains WORD``).

Opening a space (:meth:`SpaceStore.open`) builds an
:class:`~reflect.domain.entries.Entry` from every record; a command that
prints the few entries that match a word needs none of the others. Here the
space is read exactly as the whole open reads it (the same functions: the
file, its layout, the change log replayed), every record is checked in one
pass without building anything, and entries are built only for the records
that match.

The check of a record (:func:`_matching_records`) accepts only what
``records.entry_from_record`` builds an entry from on its quick path (exact
JSON types, every field an entry is saved with, dates with a time zone), filed
under its own id, in this space, and on the right side of the layout's
cutoff; ``parse_space`` reads every such record without a problem. Anything
else -- a damaged or hand-edited record, an older format, a record missing a
field an older reflect did not write -- makes :func:`entries_matching` return
``None``, and the caller opens the space the usual way, which reads it record
by record and says what is wrong in its usual words (or, for a record that is
merely unusual, reads it). The tests compare the two verdicts over mutated
records.

The older part, read line by line
---------------------------------

A body whose older part is written one record per line
(:func:`records.older_part_bytes`) is not parsed whole for a word that is
plain ASCII without ``"``, ``\\`` or a control character (:func:`_scannable`):

* the head part and the change log are read as the head-first read reads them
  (``space_store._head_of``: the head parsed and checked against its layout
  record, the log's records read and checked, every one a ``put`` or ``del``
  of an entry); then the older part, in pieces of :data:`SCAN_BYTES` from
  the same file (its stamp and its first bytes checked against the head's;
  the stamp again at the end, else all of it is read again);
* the older part must be ``,"_older":{\\n`` ... ``\\n}}`` holding exactly
  as many lines as the layout record's count of older entries (its line
  breaks are counted: orjson never writes a raw line break, so each one is
  the end of a record), the last ending in ``}``;
* its bytes are lowered (ASCII only: what ``str.casefold`` does to ASCII) and
  every line holding the word is a *candidate*. So is every line holding one
  of the few characters whose casefolding gives ASCII letters (``ß``, ``ſ``,
  the Kelvin sign, ligatures such as U+FB01, ``İ``...: :func:`_folds_to_ascii`,
  computed from the Unicode tables), and every line holding ``\\u`` or
  ``\\/`` (JSON escapes orjson never writes for a letter, which a file edited
  by hand may hold). Why that is every line that can match: orjson writes
  every other character of a string as itself (UTF-8), ``"``, ``\\`` and
  control characters as escapes; casefolding works one character at a time;
  an ASCII character folds to its lower-case self, and any other character
  folds to ASCII only if it is one of those few. So the characters whose
  folding gives the word are ASCII characters written as themselves, one after
  another, in the record's line, and lowered bytes hold the word there;
* each candidate line must parse alone as exactly one ``"key":{record}``;
  candidates then go through everything the one pass above checks
  (:func:`_matching_records`, the change log replayed over them, the layout's
  cutoff, an id in both parts).

What this does not check that the whole open checks: the older records whose
line holds none of these -- records that cannot match -- are not read. A
damaged one (JSON that does not parse, a wrong field, the wrong side of the
cutoff, an id repeated, ids that differ from the layout's filter of them) is
not noticed here, nor is a missing ``},`` at its end (nor two such hand edits
that make the line count add up again, say a line break written inside a string
and two records put on one line), so ``list --contains`` can show the matches of a journal
whose other records are damaged, where the whole open says it cannot be read.
Nor can it tell a line that only looks like a record: a hand edit crafted over
several lines (a whole record written inside a field of another, across line
breaks, with other lines joined so that the count adds up) is valid JSON that
the whole open reads as one entry with an unknown field, where this finds one
entry more (a review of this module found it; the line-end check it once had
did not stop it either). No damage does that, only a deliberate edit, and
anyone who can edit a plain journal can make it say anything.
That is acceptable for a lone person's plain journal: nothing is written, the
answer holds every entry that matches, and the whole open (``reflect list``,
``reflect check``, the app) still reports damage in its usual words;
``reflect list -n`` likewise reads only the head part. Anything else
unusual -- the structure above not as written, a candidate that does not
parse alone, a needle with other characters, a body in the one-line layout
-- is read as before (a needle or a layout) or the usual way (``None``).

Nothing is written; nothing is kept.
"""

from __future__ import annotations

import gc
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from reflect.domain.entries import Entry, EntryFilter, newest_first
from reflect.storage import changelog, heads, records
from reflect.storage.atomic import open_private_file
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.space_store import _decode, _head_of, _identity_of, _LayoutCheck, _read, _replay_log

Tables = dict[str, Any]

def entries_matching(
    path: Path,
    flt: EntryFilter,
    *,
    space: str,
    codec: Codec = PlainCodec(),
    at_least: int | None = None,
    leave_for_exit: bool = False,
) -> list[Entry] | None:
    """The entries of the space saved at ``path`` that ``flt`` matches, newest
    first, or ``None``: then open the space the usual way (nothing was changed).

    ``flt.contains`` must not be empty. Raises the whole open's errors
    (``SpaceDamaged``, ``SpaceTooNew``, ...) for a file it cannot read at all;
    a caller that wants the usual words in every case opens the space the usual
    way on any of them too.

    ``leave_for_exit``: for a process that ends once the entries are shown.
    The records read (at 100,000 entries about a million objects) are then
    not freed one by one when this returns, which takes longer than reading
    them is worth saving; the process's end gives their memory back at once
    (see :func:`_leave_for_exit`). Only when the entries are returned: when
    ``None`` is returned the memory is freed, for the usual open that follows.
    """
    if not flt.contains:
        raise ValueError("a search needs words")
    path = Path(path)
    needle = flt.contains.casefold()
    if isinstance(codec, PlainCodec) and _scannable(needle):
        by_lines = _by_lines(path, needle, space)
        if by_lines is None:
            return None
        if by_lines is not _ONE_LINE:
            return newest_first([entry for entry in by_lines if flt.matches(entry)])
    sealer = changelog.sealer_for(codec)
    found: list[changelog.LogState | None] = [None]
    layout_check = _LayoutCheck()

    def replay(raw: Tables) -> None:
        if sealer is not None:
            found[0] = _replay_log(path, raw, sealer, layout_check.touched)

    for _attempt in range(3):
        # As SpaceStore.open: a writer may fold its log into a new snapshot meanwhile.
        before = _identity_of(path)
        stored = _read(path)
        layout_check.reset()
        tables, plain, version = _decode(path, stored, codec, replay, None, layout_check)
        del stored, plain
        if _identity_of(path) == before:
            break
    if version != records.SCHEMA_VERSION:
        return None  # brought up to date by the usual open
    state = found[0]
    if state is not None and state.records and sealer is not None:
        sealer.counted(len(state.records))
    meta = records.meta_of(tables)
    if meta["space"] != space:
        return None
    header_base = getattr(codec, "log_base", None)
    if header_base is not None and header_base != records.log_base_of(tables)[0]:
        return None
    counter = getattr(codec, "counter", None)
    if at_least is not None and isinstance(counter, int) and counter < at_least:
        return None
    if not _sound_tables(tables):
        return None
    with records.gc_paused():  # nothing made here is in a cycle (see gc_paused)
        hits = _matching_records(tables.get(records.ENTRIES_TABLE, {}), space, needle, layout_check)
    if hits is None:
        return None
    if leave_for_exit:
        _leave_for_exit(tables, layout_check)
    return newest_first([entry for entry in hits if flt.matches(entry)])


def _leave_for_exit(*objects: object) -> None:
    """Keep ``objects`` until the process ends, without freeing them.

    They are put in a reference cycle, so reference counting never frees
    them, and moved out of the cyclic collector's sight (``gc.freeze``), so
    no collection frees them either, nor the one the interpreter makes as it
    ends. The interpreter's end is otherwise as usual (output flushed, files
    closed, locks let go, ``atexit`` run); the system takes the memory back
    when the process is gone. For a command that is about to end only.
    """
    holder: list[object] = [*objects]
    holder.append(holder)
    gc.freeze()


def _sound_tables(tables: Tables) -> bool:
    """Every table a set of records and every draft readable: what ``parse_space`` checks besides the entries."""
    for table in tables.values():
        if type(table) is not dict:
            return False
        if not set(map(type, table.values())) <= {dict}:
            return False
    for record in tables.get(records.DRAFTS_TABLE, {}).values():
        try:
            records.draft_from_record(record)
        except ValueError:
            return False
    return True


def _matching_records(
    entries: dict[str, Any], space: str, needle: str, layout_check: _LayoutCheck
) -> list[Entry] | None:
    """The entries of the records whose text or prompt text, casefolded, holds
    ``needle`` (``EntryFilter.matches``' rule for words); ``None`` when any
    record is not one ``records.entry_from_record`` reads on its quick path
    (``records.sound_entry_fields``), filed under its own id in ``space``, on
    the side of the layout's cutoff it is filed on. Only the matches are built."""
    cutoff = layout_check.cutoff
    older = layout_check.older
    touched = layout_check.touched
    sound = records.sound_entry_fields
    hits: list[Entry] = []
    hit = hits.append
    for key, record in entries.items():
        fields = sound(record)
        if fields is None or fields[0] != key or fields[1] != space:
            return None
        if cutoff is not None and (fields[3] < cutoff) != (key in older) and key not in touched:
            return None  # the whole open says the file does not match its layout record
        if needle in fields[2].casefold() or needle in fields[6].casefold():
            hit(Entry(*fields))
    return hits


# What _by_lines returns for a body it does not read line by line (one line, an older layout).
_ONE_LINE: Any = object()
_ESCAPES = re.compile(rb"\\[u/]")


def _scannable(needle: str) -> bool:
    """Whether a casefolded word is found by :func:`_by_lines`: printable ASCII,
    without the two characters JSON always escapes."""
    return needle.isascii() and needle.isprintable() and '"' not in needle and "\\" not in needle


def _by_lines(path: Path, needle: str, space: str) -> list[Entry] | None:
    """The entries matching ``needle`` (casefolded, :func:`_scannable`) of the
    plain space at ``path``, reading only the older part's lines that can
    match (see the module's docstring); ``_ONE_LINE`` for a body not written
    that way (then read it whole, as before); ``None`` on any surprise (then
    open it the usual way)."""
    for _attempt in range(3):
        # As the head-first read: a writer may fold its log into a new snapshot meanwhile.
        read = _head_of(path, PlainCodec())
        if read is None:
            return _ONE_LINE  # not a head-first body as a head-first read takes it
        head, tables, layout, state, replayed, _ids = read
        try:
            older = _older_candidates(path, head, layout, needle)
        except OSError:
            return None
        if older is not _CHANGED:
            break
    else:
        return None
    if older is None or older is _ONE_LINE:
        return older
    entries = tables.get(records.ENTRIES_TABLE)
    if not isinstance(entries, dict) or not older.keys().isdisjoint(entries):
        return None
    entries.update(older)
    layout_check = _LayoutCheck()
    for ops in replayed:
        changelog.apply_ops(tables, ops)
        layout_check.touched.update(op[2] for op in ops if op[1] == records.ENTRIES_TABLE)
    if state is not None and state.records:
        changelog.sealer_for(PlainCodec()).counted(len(state.records))  # as the whole open does
    try:
        if records.meta_of(tables)["space"] != space:
            return None
    except ValueError:
        return None
    if not _sound_tables(tables):
        return None
    end, cutoff, count = layout
    if count:
        layout_check.cutoff = datetime.fromisoformat(cutoff)
        layout_check.older = older.keys()
    with records.gc_paused():
        return _matching_records(tables.get(records.ENTRIES_TABLE, {}), space, needle, layout_check)


_CHANGED: Any = object()  # the file changed while it was read: read it again
# Read and searched this much at a time: the passes over a piece find it in the
# processor's cache (about twice as fast as each pass over the whole body).
SCAN_BYTES = 1 << 18


def _older_candidates(path: Path, head: heads.HeadPart, layout: tuple[int, str, int], needle: str) -> Any:
    """The older part's records whose line can hold ``needle``, each line parsed
    alone, read from the file ``head`` was read from; ``_ONE_LINE``, ``None``
    (a surprise) or ``_CHANGED``, as :func:`_by_lines` says."""
    end, _cutoff, count = layout
    mark = records._OLDER_MARK
    with os.fdopen(open_private_file(path), "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        if heads.FileStamp(info.st_ino, info.st_mtime_ns, info.st_size) != head.stamp:
            return _CHANGED
        start = end + len(mark) + 2
        first = _read_exactly(handle, start)
        if first[:end] != head.plain:
            return _CHANGED
        if first[end:] == mark + b'{"':
            return _ONE_LINE
        if count == 0:
            return {} if first[end:] == mark + b"{}" and _read_exactly(handle, 2) == b"}" else None
        if first[end:] != mark + b"{\n":
            return None
        stop = info.st_size - 3
        if stop <= start or os.pread(handle.fileno(), 4, stop) != b"\n}}":
            return None
        lines = _scan_lines(handle.fileno(), start, stop, _needle_pattern(needle), count)
        if lines is None:
            return None
    if heads.stamp_of(path) != head.stamp:
        return _CHANGED
    import orjson

    older: dict[str, Any] = {}
    loads = orjson.loads
    for line in lines.values():
        try:
            parsed = loads(b"{" + line + b"}")
        except orjson.JSONDecodeError:
            return None
        if type(parsed) is not dict or len(parsed) != 1:
            return None
        [(key, record)] = parsed.items()
        if key in older:
            return None
        older[key] = record
    return older


def _read_exactly(handle: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = handle.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _scan_lines(fd: int, start: int, stop: int, pattern: re.Pattern[bytes], count: int) -> dict[int, bytes] | None:
    """Read the older part's lines (``start`` to ``stop`` in the file) and return
    those that can hold the word (``pattern`` on the lowered bytes; see the
    module's docstring) by where they start, each without its ending comma;
    ``None`` when they are not ``count`` lines, the last ending ``}``, or the
    file is shorter than that.

    The line breaks are counted, not each line's end checked: a lost or added
    line break (a record over two lines, two records on one) shows in the
    count, and a line that can match is parsed alone, so its end is checked
    there. The end of a line that cannot match is not checked, as nothing
    else of it is (the module's docstring says what that leaves unread).
    """
    lines: dict[int, bytes] = {}
    breaks = 0
    at = start
    size = SCAN_BYTES
    last = b""
    while at < stop:
        chunk = os.pread(fd, min(size, stop - at), at)
        if not chunk:
            return None
        if at + len(chunk) < stop:
            # Up to the last whole line read; the next read starts with the next line.
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                size *= 2  # a line longer than a read: read more at once
                continue
        else:
            cut = len(chunk)
        breaks += chunk.count(b"\n", 0, cut)
        _lines_holding(chunk.lower(), pattern, chunk, cut, at, lines)
        _lines_holding(chunk, _ESCAPES, chunk, cut, at, lines)
        if not chunk.isascii():
            present = chunk.translate(None, _ASCII)  # UTF-8 keeps each character's bytes together
            for folding, found in _folds_to_ascii():
                if folding in present:
                    _lines_holding(chunk, found, chunk, cut, at, lines)
        at += cut
        last = chunk[cut - 1 : cut]
    if breaks != count - 1 or last != b"}":
        return None  # a line break lost or added: a record over two lines, or two on one
    return lines


def _lines_holding(
    data: bytes, pattern: re.Pattern[bytes], part: bytes, cut: int, at: int, lines: dict[int, bytes]
) -> None:
    """Add to ``lines`` each line of ``part[:cut]`` (whose lowered or own bytes
    are ``data``) holding ``pattern``, by where it starts in the file (``part``
    starts at ``at``), without its ending comma."""
    search = pattern.search
    found = search(data, 0, cut)
    while found is not None:
        where = found.start()
        start = part.rfind(b"\n", 0, where) + 1
        stop = part.find(b"\n", where, cut)
        if stop < 0:
            lines[at + start] = part[start:cut]  # the last line: no comma
            return
        # A line but the last without its comma (the lines were not as written): b"" is then never one record.
        lines[at + start] = part[start : stop - 1] if part[stop - 1 : stop] == b"," else b""
        found = search(data, stop, cut)


def _needle_pattern(needle: str) -> re.Pattern[bytes]:
    return re.compile(re.escape(needle.encode("ascii")))


_ASCII = bytes(range(128))
# The characters whose casefolding holds an ASCII character, for the Unicode
# version they were computed with (recomputed for another: see _folds_to_ascii).
_FOLDS_TO_ASCII_UNICODE = "14.0.0"
_FOLDS_TO_ASCII = (
    "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
)
_folds_cache: list[tuple[tuple[bytes, re.Pattern[bytes]], ...]] = []


def _folds_to_ascii() -> tuple[tuple[bytes, re.Pattern[bytes]], ...]:
    """The UTF-8 of every non-ASCII character whose ``casefold()`` holds an ASCII
    character (as patterns), from the Unicode tables of this Python (every code point)."""
    if not _folds_cache:
        import unicodedata

        if unicodedata.unidata_version == _FOLDS_TO_ASCII_UNICODE:
            chars = _FOLDS_TO_ASCII
        else:  # pragma: no cover - another Python's Unicode tables: about 0.1 s, once
            chars = folding_to_ascii()
        encoded = [c.encode("utf-8") for c in chars]
        _folds_cache.append(tuple((code, re.compile(re.escape(code))) for code in encoded))
    return _folds_cache[0]


def folding_to_ascii() -> str:
    """Every non-ASCII character whose casefolding holds an ASCII character,
    found by trying every code point (the tests compare it with the list kept)."""
    return "".join(
        c for c in map(chr, range(0x80, 0x110000)) if (f := c.casefold()) != c and any(ord(x) < 0x80 for x in f)
    )
