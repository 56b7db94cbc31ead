"""The change log beside a space (issue 12): appends, compaction, damage, crashes.

A save appends one record to ``<space file>.log``; compaction folds the log
into a new snapshot. These tests hold the properties the one-file store had:
a torn last record is ignored and only at the very end, every other change to
the log or the snapshot is damage (never a wrong passphrase, never entries
silently missing), records belong to one space, one log and one place in it,
and a process killed at any moment loses no save that had returned.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reflect.domain.entries import new_entry
from reflect.storage import changelog
from reflect.storage.errors import SpaceDamaged, SpaceRolledBack, StoreError, WrongPassphrase
from reflect.storage.sealed import KdfParams, SealedDamaged, SealedSpace, SpaceIdentity
from reflect.storage.space_store import SpaceStore

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
SLOT = "me"
PASS = "a passphrase for the log tests"
IDENTITY = SpaceIdentity.private("private-me", SLOT)
SPACE = "private-me"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def entry(i: int):
    return new_entry(f"entry number {i}: a few honest words", space=SPACE, now=T0 + timedelta(minutes=i))


def make_space(path: Path, kind: str, count: int = 3):
    """A space with ``count`` entries in its log (none folded in); its codec and entries."""
    codec = SealedSpace.create(SLOT, PASS, KdfParams.TEST, identity=IDENTITY) if kind == "sealed" else None
    kwargs = {"codec": codec} if codec else {}
    store = SpaceStore.open(path, space=SPACE, **kwargs)
    added = [entry(i) for i in range(count)]
    for e in added:
        store.add(e)
    counter = codec.counter if codec else None
    store.close()
    return codec, added, counter


def reopen(path: Path, kind: str, *, at_least: int | None = None, read_only: bool = True) -> SpaceStore:
    """Open as a fresh process would: sealed spaces are unlocked from the file with the passphrase."""
    if kind == "sealed":
        seal, _ = SealedSpace.unlock(path.read_bytes(), SLOT, PASS, expect=IDENTITY)
        return SpaceStore.open(path, space=SPACE, codec=seal, create=False, read_only=read_only, at_least=at_least)
    return SpaceStore.open(path, space=SPACE, create=False, read_only=read_only)


def frames(log: bytes) -> tuple[bytes, list[bytes]]:
    """The header of a log and its frames, as bytes."""
    head, rest, out = log[: changelog.HEADER_BYTES], log[changelog.HEADER_BYTES :], []
    while rest:
        length = int.from_bytes(rest[:4], "big")
        out.append(rest[: 8 + length])
        rest = rest[8 + length :]
    return head, out


@pytest.fixture(params=["plain", "sealed"])
def kind(request):
    return request.param


def test_saves_append_and_compaction_folds_them_in(tmp_path, kind):
    path = tmp_path / "space"
    codec, added, counter = make_space(path, kind)
    snapshot = path.read_bytes()
    log = changelog.log_path(path)
    assert log.exists() and oct(log.stat().st_mode & 0o777) == "0o600"
    store = reopen(path, kind, read_only=False)
    assert {e.id for e in store.entries()} == {e.id for e in added}
    assert path.read_bytes() == snapshot  # opening and saving never rewrite the snapshot
    store.add(entry(10))
    assert path.read_bytes() == snapshot
    store.compact()
    assert not log.exists() and path.read_bytes() != snapshot
    store.close()
    assert len(reopen(path, kind).entries()) == 4
    if kind == "sealed":
        assert holds_no_text(path) and holds_no_text(log)


def holds_no_text(path: Path) -> bool:
    return not path.exists() or b"honest words" not in path.read_bytes()


def test_sealed_log_records_are_unreadable_and_count_as_saves(tmp_path):
    path = tmp_path / "space"
    codec, _added, counter = make_space(path, "sealed", count=3)
    assert b"honest words" not in changelog.log_path(path).read_bytes()
    store = reopen(path, "sealed")
    assert store._codec.counter == counter  # snapshot's saves plus one per record
    store.close()


def test_a_torn_last_record_is_ignored_and_cut_off_by_the_next_writer(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=3)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    head, parts = frames(whole)
    last_start = len(whole) - len(parts[-1])
    for cut in range(last_start + 1, len(whole)):
        log.write_bytes(whole[:cut])
        store = reopen(path, kind)
        assert len(store.entries()) == 2  # the torn one is not read as data
        store.close()
    log.write_bytes(whole[: last_start + 5])
    store = reopen(path, kind, read_only=False)
    store.add(entry(20))
    store.close()
    assert [e.text for e in reopen(path, kind).entries()][0].startswith("entry number 20")
    assert len(reopen(path, kind).entries()) == 3


def test_zeros_left_after_the_last_record_by_a_crash_are_a_torn_tail(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=3)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    for zeros in (1, 8, 200):
        log.write_bytes(whole + b"\0" * zeros)
        store = reopen(path, kind)
        assert len(store.entries()) == 3
        store.close()
    log.write_bytes(whole + b"\0" * 8 + b"\1")  # not only zeros: that is damage
    with pytest.raises(SpaceDamaged):
        reopen(path, kind)


def test_every_flipped_bit_in_the_log_is_damage(tmp_path, kind):
    path = tmp_path / "space"
    _codec, _added, counter = make_space(path, kind, count=3)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    for offset in range(len(whole)):
        flipped = bytearray(whole)
        flipped[offset] ^= 1 << (offset % 8)
        log.write_bytes(bytes(flipped))
        with pytest.raises(SpaceDamaged) as caught:
            reopen(path, kind, at_least=counter)
        assert not isinstance(caught.value, WrongPassphrase)
        assert log.read_bytes() == bytes(flipped)  # never overwritten
    log.write_bytes(whole)
    assert len(reopen(path, kind).entries()) == 3


def test_a_cut_log_is_a_torn_tail_or_an_older_copy_never_silent(tmp_path):
    """Cutting the log anywhere: the records before the cut open as they were;
    with the save counter last seen, a sealed space that lost a record says so."""
    path = tmp_path / "space"
    _codec, added, counter = make_space(path, "sealed", count=4)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    head, parts = frames(whole)
    ends = [len(head) + sum(len(p) for p in parts[: i + 1]) for i in range(len(parts))]
    for cut in range(len(whole)):
        log.write_bytes(whole[:cut])
        complete = sum(1 for end in ends if end <= cut)
        if cut < len(head):
            with pytest.raises(SpaceDamaged):
                reopen(path, "sealed", at_least=counter)
            continue
        store = reopen(path, "sealed")  # what the files alone say: the records before the cut
        assert {e.id for e in store.entries()} == {e.id for e in added[:complete]}
        store.close()
        if complete < len(parts):
            with pytest.raises(SpaceRolledBack):
                reopen(path, "sealed", at_least=counter)


def test_every_flipped_bit_in_a_sealed_snapshot_is_damage_not_a_wrong_passphrase(tmp_path):
    path = tmp_path / "space"
    codec, _added, counter = make_space(path, "sealed", count=2)
    store = reopen(path, "sealed", read_only=False)
    store.compact()
    store.add(entry(9))  # and a record in the log after it
    store.close()
    whole = path.read_bytes()
    for offset in range(0, len(whole), 3):
        flipped = bytearray(whole)
        flipped[offset] ^= 1 << (offset % 8)
        path.write_bytes(bytes(flipped))
        with pytest.raises(StoreError) as caught:
            reopen(path, "sealed")
        assert isinstance(caught.value, (SealedDamaged, SpaceDamaged)), offset
        assert not isinstance(caught.value, WrongPassphrase)
    path.write_bytes(whole)
    assert len(reopen(path, "sealed").entries()) == 3


def test_records_moved_reordered_dropped_or_replayed_are_damage(tmp_path, kind):
    path = tmp_path / "space"
    _codec, _added, counter = make_space(path, kind, count=4)
    log = changelog.log_path(path)
    whole = log.read_bytes()
    head, parts = frames(whole)
    variants = {
        "reordered": head + parts[1] + parts[0] + b"".join(parts[2:]),
        "middle dropped": head + parts[0] + b"".join(parts[2:]),
        "replayed": head + b"".join(parts) + parts[-1],
        "first dropped": head + b"".join(parts[1:]),
    }
    for name, content in variants.items():
        log.write_bytes(content)
        with pytest.raises(SpaceDamaged):
            reopen(path, kind)
        assert log.read_bytes() == content, name


def test_a_log_from_another_copy_or_space_is_damage(tmp_path, kind):
    a, b = tmp_path / "a" / "space", tmp_path / "b" / "space"
    make_space(a, kind, count=2)
    make_space(b, kind, count=2)
    # b's log beside a's snapshot (same name, same passphrase, another copy)
    changelog.log_path(a).write_bytes(changelog.log_path(b).read_bytes())
    with pytest.raises(SpaceDamaged) as caught:
        reopen(a, kind)
    assert "another copy" in caught.value.user_message or "damaged" in caught.value.user_message


def test_an_old_log_after_compaction_is_recognised_and_never_applied_twice(tmp_path, kind, monkeypatch):
    path = tmp_path / "space"
    make_space(path, kind, count=3)
    log = changelog.log_path(path)
    old_log = log.read_bytes()
    store = reopen(path, kind, read_only=False)
    # A crash between writing the new snapshot and removing the log.
    monkeypatch.setattr(changelog.LogWriter, "remove", lambda self: self.close())
    store.compact()
    monkeypatch.undo()
    store.close()
    assert log.read_bytes() == old_log
    reader = reopen(path, kind)
    assert len(reader.entries()) == 3  # not six
    reader.close()
    writer = reopen(path, kind, read_only=False)
    assert not log.exists()  # the writer removes it
    writer.add(entry(7))
    writer.close()
    assert len(reopen(path, kind).entries()) == 4
    # A stale log that does not hold exactly what was folded in is not trusted.
    store = reopen(path, kind, read_only=False)
    store.add(entry(8))
    store.add(entry(9))
    monkeypatch.setattr(changelog.LogWriter, "remove", lambda self: self.close())
    store.compact()
    monkeypatch.undo()
    store.close()
    head, parts = frames(log.read_bytes())
    assert len(parts) == 3  # entries 7, 8 and 9
    log.write_bytes(head + b"".join(parts[:-1]))
    with pytest.raises(SpaceDamaged):
        reopen(path, kind)


def test_a_space_from_before_change_logs_opens_and_gets_one(tmp_path):
    import orjson

    from reflect.storage import records

    path = tmp_path / "space"
    tables = records.new_space_tables(SPACE, T0)
    tables[records.ENTRIES_TABLE] = {e.id: records.entry_to_record(e) for e in [entry(1)]}
    path.write_bytes(orjson.dumps(tables))
    os.chmod(path, 0o600)
    store = SpaceStore.open(path, space=SPACE, create=False)
    assert len(store.entries()) == 1
    store.add(entry(2))  # the first save gives it a change log
    store.close()
    assert records.LOG_TABLE in orjson.loads(path.read_bytes())
    assert len(reopen(path, "plain").entries()) == 2
    # A log beside a snapshot that never had one is not someone's to apply.
    log = changelog.log_path(path)
    path.write_bytes(orjson.dumps(tables))
    assert log.exists()
    with pytest.raises(SpaceDamaged):
        reopen(path, "plain")


# Killing a writer at random moments.

_CHILD = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from reflect.domain.entries import new_entry
from reflect.storage.codec import PlainCodec
from reflect.storage.quick_append import open_to_append, read_head
from reflect.storage.sealed import KdfParams, SealedSpace, SpaceIdentity
from reflect.storage import records
from reflect.storage.space_store import SpaceStore

path, kind, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
identity = SpaceIdentity.private("private-me", "me")
PW = "pw for the kill test"
# A small head part, so that compactions soon write an older part too; every
# other writer opens the space lazily (the head part and the log), as the app does.
records.HEAD_MIN_ENTRIES = 25
lazy = (start // 1000) % 4 >= 2


def whole_open():
    kwargs = {}
    if kind == "sealed":
        found = SealedSpace.unlock_head(path, "me", PW, expect=identity) if lazy and path.exists() else None
        if found is not None:
            seal = found[0]
        elif path.exists():
            seal, _ = SealedSpace.unlock(path.read_bytes(), "me", PW, expect=identity)
        else:
            seal = SealedSpace.create("me", PW, KdfParams.TEST, identity=identity)
        kwargs["codec"] = seal
    return SpaceStore.open(path, space="private-me", lazy=lazy, **kwargs)


def new(i):
    return new_entry(f"entry {i} " + "words " * 60, space="private-me", now=datetime.now(timezone.utc))


store = whole_open()
print("open", flush=True)
for i in range(start, start + 100000):
    if i % 6 in (1, 2):
        # As `reflect write` saves: the header and the log only, the space not opened whole.
        store.close()
        codec = SealedSpace.unlock_header(read_head(path), "me", PW, expect=identity) if kind == "sealed" else PlainCodec()
        quick = open_to_append(path, "private-me", codec) if codec is not None else None
        assert quick is not None, "a sound space takes a quick append"
        print("quick", flush=True)
        quick.add(new(i))
        print(f"ok {i}", flush=True)
        quick.close()
        store = whole_open()
    else:
        store.add(new(i))
        print(f"ok {i}", flush=True)
    if i % 4 == 3:
        print("compacting", flush=True)
        store.compact()
        print("compacted", flush=True)
"""


def kill_rounds(folder: Path, rounds: int, seed: int) -> dict[str, int]:
    """Run writers on a plain and a sealed space, killing each at a random moment.

    After each kill the space is opened as the next writer would: every entry
    whose ``add`` had returned is there, and the save counter never went back.
    Returns counts: kills, kills that landed during a compaction, entries.
    """
    rng = random.Random(seed)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    stats = {
        "kills": 0, "during_compaction": 0, "during_quick": 0, "acknowledged": 0, "opened": 0,
        "opened_from_head": 0,
    }
    acked: dict[str, set[str]] = {"plain": set(), "sealed": set()}
    counters: dict[str, int] = {}
    for n in range(rounds):
        kind = "plain" if n % 2 == 0 else "sealed"
        path = folder / kind / "space"
        path.parent.mkdir(parents=True, exist_ok=True)
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), kind, str(n * 1000)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # Wait until the writer is running, then let it save for a random while.
        line = child.stdout.readline() if child.stdout else b""
        assert line.strip() == b"open", "the writer must start"
        time.sleep(rng.uniform(0.0, 0.12))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        lines = out.decode().splitlines()
        stats["kills"] += 1
        if lines and lines[-1] == "compacting":
            stats["during_compaction"] += 1
        if lines and lines[-1] == "quick":
            stats["during_quick"] += 1
        for text in lines:
            if text.startswith("ok "):
                acked[kind].add(f"entry {text[3:]} ")
        if path.exists() and _check_from_head(path, kind, counters.get(kind)):
            stats["opened_from_head"] += 1
        if kind == "sealed" and path.exists():
            seal, _ = SealedSpace.unlock(path.read_bytes(), "me", "pw for the kill test", expect=IDENTITY)
            store = SpaceStore.open(path, space=SPACE, codec=seal, create=False, at_least=counters.get(kind))
            counters[kind] = seal.counter
        elif path.exists():
            store = SpaceStore.open(path, space=SPACE, create=False)
        else:
            continue
        texts = {e.text.split("words")[0] for e in store.entries()}
        missing = acked[kind] - texts
        assert not missing, f"round {n}: {len(missing)} acknowledged entries lost"
        store.close()
        stats["opened"] += 1
    stats["acknowledged"] = sum(len(v) for v in acked.values())
    return stats


def _check_from_head(path: Path, kind: str, at_least: int | None) -> bool:
    """The space opened from its head part agrees with the whole of it; True when
    it was opened from its head (a snapshot with an older part)."""
    kwargs = {}
    if kind == "sealed":
        found = SealedSpace.unlock_head(path, "me", "pw for the kill test", expect=IDENTITY)
        if found is None:
            return False
        kwargs["codec"] = found[0]
    store = SpaceStore.open(path, space=SPACE, create=False, read_only=True, lazy=True, at_least=at_least, **kwargs)
    try:
        partial = not store.complete
        newest = store.newest(5)
        everything = store.entries()
        assert newest is None or newest == everything[:5], "the head part named other newest entries"
        return partial
    finally:
        store.close()


@pytest.mark.slow
def test_killed_writers_and_compactions_lose_no_acknowledged_entry(tmp_path):
    stats = kill_rounds(tmp_path, 60, seed=20261130)
    # Where a kill lands depends on the machine's speed: on a much faster or
    # slower one, a few more rounds (on fresh spaces) give each moment its chance.
    for extra in range(4):
        if stats["during_compaction"] and stats["during_quick"]:
            break
        more = kill_rounds(tmp_path / f"more-{extra}", 20, seed=20261130 + extra + 1)
        stats = {name: stats[name] + more[name] for name in stats}
    assert stats["kills"] >= 60 and stats["opened"] >= stats["kills"] - 2
    assert stats["acknowledged"] > 100, "writers must get some saves done between kills"
    assert stats["during_compaction"] >= 1, "some kills must land during a compaction"
    assert stats["during_quick"] >= 1, "some kills must land during a quick append"
    assert stats["opened_from_head"] >= 5, "the spaces must get an older part, and open from their head"


def test_search_over_the_joined_text_agrees_with_the_domain_filter(tmp_path):
    """Search scans every entry's folded text at once; separators in what people
    typed, prompts, and matches at the ends of entries change nothing."""
    from reflect.domain.entries import EntryFilter

    store = SpaceStore.open(tmp_path / "space", space=SPACE)
    texts = ["Walk\x00ing home", "a\x01b walk", "WALK", "nothing here", "ends with walk", "straße"]
    for i, text in enumerate(texts):
        store.add(new_entry(text, space=SPACE, now=T0 + timedelta(minutes=i), prompt_text="Where did you walk?" if i == 3 else ""))
    for needle in ["walk", "WALK", "k", "\x00", "a\x01b", "strasse", "ß", "walk?", "zz", "e"]:
        flt = EntryFilter(contains=needle)
        assert store.search(flt) == [e for e in store.entries() if flt.matches(e)], repr(needle)
    store.add(new_entry("a later walk", space=SPACE, now=T0 + timedelta(hours=2)))
    assert store.search(EntryFilter(contains="later")) and len(store.search(EntryFilter(contains="walk"))) == 6
