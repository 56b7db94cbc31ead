"""Building entries from their records: the quick path must judge every record
exactly as the checked one does, and opening a space must keep memory and the
collector as they should be (issue 12)."""

from __future__ import annotations

import errno
import gc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.entries import EntryFilter, new_entry
from reflect.storage import records, space_store
from reflect.storage.errors import SaveFailed, SpaceDamaged
from reflect.storage.space_store import SpaceStore

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))


class _Text(str):
    """Text that is not exactly ``str`` (JSON never gives one; a caller might)."""


# Values a hand edit, a bug or damage could leave in any field.
_ODD = st.sampled_from(
    [
        None, 0, 1, 1.5, True, False, "", "x", "me", [], ["calm"], ["calm", 1], [None], ("calm",), {}, {"a": 1},
        "2024-03-01T09:30:00", "2024-03-01T09:30:00+02:00", "2024-03-01T09:30:00Z", "2024-13-01T09:30:00+00:00",
        "2024-03-01", "not a date", _Text("me"), _Text("2024-03-01T09:30:00+02:00"), "true", b"me",
    ]
)
_FIELDS = st.sampled_from(
    ["id", "space", "text", "created", "updated", "prompt_id", "prompt_text", "section_id", "tags", "starred",
     "author", "session", "unknown"]
)
_DATES = st.sampled_from(
    ["2024-03-01T09:30:00", "2024-03-01T09:30:00+02:00", "2024-03-01T07:30:00Z", "2024-02-30T09:30:00+02:00",
     "2024-03-01", "2024-03-01T09:30:00+25:00", "2024-03-01 09:30+02:00", _Text("2024-03-01T09:30:00+02:00")]
)
_EDIT = st.one_of(
    st.tuples(st.just("set"), _FIELDS, _ODD),
    st.tuples(st.just("set"), st.sampled_from(["created", "updated"]), _DATES),
    st.tuples(st.just("drop"), _FIELDS, st.none()),
)


@st.composite
def _records(draw, edits: bool = True) -> object:
    """A record as entry_to_record writes it (with distinct words in every
    field, so a field read into the wrong place shows), then edited (unless not ``edits``)."""
    created = T0 + timedelta(minutes=draw(st.integers(0, 10**6)))
    updated = created if draw(st.booleans()) else created + timedelta(hours=draw(st.integers(-50, 50)))
    entry = new_entry(
        draw(st.sampled_from(["words", "", "🫂 [b]x[/b]"])),
        space="me",
        now=created,
        prompt_id=draw(st.sampled_from(["", "pid"])),
        prompt_text=draw(st.sampled_from(["", "Why?"])),
        section_id=draw(st.sampled_from(["", "sect"])),
        tags=draw(st.lists(st.sampled_from(["calm", "hard"]), max_size=2)),
        author=draw(st.sampled_from(["", "auth"])),
        session_id=draw(st.sampled_from(["", "sess"])),
    )
    entry = entry.edited(entry.text, updated)
    if draw(st.booleans()):
        entry = entry.toggled_star()
    record: object = records.entry_to_record(entry)
    if draw(st.booleans()):
        record = orjson.loads(orjson.dumps(record))
    if not edits:
        return record
    for kind, name, value in draw(st.lists(_EDIT, max_size=3)):
        if kind == "set":
            record[name] = value  # type: ignore[index]
        else:
            record.pop(name, None)  # type: ignore[union-attr]
    shape = draw(st.sampled_from(["dict", "dict", "dict", "subclass", "list", "none"]))
    if shape == "subclass":
        record = type("Fields", (dict,), {})(record)  # a mapping that is not exactly a dict
    elif shape == "list":
        record = list(record.items())  # type: ignore[union-attr]
    elif shape == "none":
        record = None
    return record


def _outcome(build, record: object) -> tuple[str, object]:
    try:
        entry = build(record)
    except ValueError as exc:
        return "refused", str(exc)
    return "entry", (entry, vars(entry))


@settings(max_examples=400, deadline=None)
@given(record=_records())
def test_the_quick_path_judges_every_record_as_the_checked_path_does(record):
    """Same entry (field by field) or same plain refusal, for sound, hand-edited and damaged records."""
    quick = records._entry_from_sound_record(record)
    checked = _outcome(records._entry_from_record_checked, record)
    if quick is not None:
        assert checked == ("entry", (quick, vars(quick)))
    assert _outcome(records.entry_from_record, record) == checked


@settings(max_examples=150, deadline=None)
@given(table=st.lists(_records(), max_size=8), misfiled=st.integers(0, 9))
def test_parse_space_reports_what_the_checked_path_reports(table, misfiled):
    """Every problem, in order, and the same entries, as when each record is read field by field."""
    tables = records.new_space_tables("me", T0)
    for i, record in enumerate(table):
        key = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else f"k{i}"
        tables["entries"][f"other{i}" if i == misfiled else key] = record
    tables["entries"]["ok"] = records.entry_to_record(new_entry("fine", space="me", now=T0, entry_id="ok"))
    found = records.parse_space(tables)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(records, "_entry_from_sound_record", lambda record: None)
        assert found == records.parse_space(tables)


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ({"created": "2024-03-01T09:30:00"}, "'created' is not a date and time with a time zone"),
        ({"updated": "yesterday"}, "'updated' is not a date and time with a time zone"),
        ({"updated": "2024-03-01T09:30:00"}, "'updated' is not a date and time with a time zone"),
        ({"text": 5}, "'text' is missing or not text"),
        ({"tags": "calm"}, "'tags' is not a list of words"),
        ({"tags": ["calm", 3]}, "'tags' is not a list of words"),
        ({"starred": "yes"}, "'starred' is not true or false"),
        ({"author": None}, "'author' is not text"),
        ({"space": "you"}, "belongs to another space"),
        ({"id": "elsewhere"}, "is filed under a different id"),
    ],
)
def test_a_hand_edited_record_is_still_reported_as_damage(tmp_path, edit, said):
    path = tmp_path / "me.json"
    entry = new_entry("words", space="me", now=T0)
    tables = records.new_space_tables("me", T0)
    for i in range(50):  # sound records around it take the quick path
        other = new_entry(f"other {i}", space="me", now=T0 + timedelta(minutes=i))
        tables["entries"][other.id] = records.entry_to_record(other)
    tables["entries"][entry.id] = {**records.entry_to_record(entry), **edit}
    path.write_bytes(orjson.dumps(tables))
    with pytest.raises(SpaceDamaged) as caught:
        SpaceStore.open(path, space="me", create=False)
    assert said in caught.value.detail
    assert path.read_bytes() == orjson.dumps(tables)


@pytest.mark.parametrize("collecting", [True, False])
def test_opening_a_space_leaves_the_collector_as_it_was(tmp_path, collecting):
    """Collection is paused while a space is read and is on again after (unless it was off),
    also when the file is damaged; what was read is kept out of later collections
    until the space is closed."""
    path = tmp_path / "me.json"
    with SpaceStore.open(path, space="me") as store:
        for i in range(20):
            store.add(new_entry(f"entry {i}", space="me", now=T0 + timedelta(minutes=i)))
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(path.read_bytes()[:-5])
    (gc.enable if collecting else gc.disable)()
    try:
        store = SpaceStore.open(path, space="me", create=False)
        assert gc.isenabled() is collecting
        assert gc.get_freeze_count() > 0
        assert len(store.entries()) == 20
        store.close()
        assert gc.get_freeze_count() == 0
        with pytest.raises(SpaceDamaged):
            SpaceStore.open(damaged, space="me", create=False)
        assert gc.isenabled() is collecting
    finally:
        gc.enable()
        gc.unfreeze()


class _WholeFileCodec:
    """A codec that cannot seal log records: every save rewrites the whole file."""

    def encode(self, plain: bytes) -> bytes:
        return b"W" + plain

    def decode(self, stored: bytes) -> bytes:
        return stored[1:]


def test_a_failed_whole_file_save_keeps_memory_as_the_disk_has_it_even_when_it_cannot_be_read(
    tmp_path, monkeypatch
):
    """No copy of the last saved JSON is kept in memory, and none is needed: a save
    works on new tables, and memory changes only once it is on disk."""
    path = tmp_path / "me.json"
    store = SpaceStore.open(path, space="me", codec=_WholeFileCodec())
    kept = new_entry("kept", space="me", now=T0, tags=["calm"])
    store.add(kept)
    store.save_draft("journal", "draft before")
    before = path.read_bytes()
    assert store.search(EntryFilter(contains="kept")) == [kept]

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def unreadable(target: Path) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(space_store, "atomic_write_bytes", full_disk)
    monkeypatch.setattr(space_store, "read_private_bytes", unreadable)
    with pytest.raises(SaveFailed):
        store.add(new_entry("lost", space="me", now=T0 + timedelta(minutes=1)))
    with pytest.raises(SaveFailed):
        store.update(kept.edited("changed", T0).toggled_star())
    with pytest.raises(SaveFailed):
        store.delete(kept.id)
    with pytest.raises(SaveFailed):
        store.save_draft("journal", "draft after")
    with pytest.raises(SaveFailed):
        store.insert_record("checkins", {"connection": 2})
    assert store.entries() == [kept]
    assert store.search(EntryFilter(contains="changed")) == []
    assert store.get_draft("journal") == "draft before"
    assert store.table_records("checkins") == []

    monkeypatch.undo()
    assert path.read_bytes() == before
    store.insert_record("checkins", {"connection": 2})
    store.close()
    with SpaceStore.open(path, space="me", codec=_WholeFileCodec(), create=False) as again:
        assert again.entries() == [kept]
        assert again.get_draft("journal") == "draft before"
        assert again.table_records("checkins") == [{"connection": 2}]


@pytest.mark.parametrize(
    "flt",
    [
        EntryFilter(),
        EntryFilter(contains="WALK"),
        EntryFilter(contains="why"),
        EntryFilter(contains="walk", tags=("calm",)),
        EntryFilter(contains="ß"),
        EntryFilter(contains="\x00"),
        EntryFilter(tags=("calm",)),
        EntryFilter(contains="nothing like this"),
    ],
)
def test_a_command_search_finds_what_the_journal_screen_finds(solo_ws, clock, flt):
    texts = ["A walk by the sea", "Walked home", "Strasse", "STRASSE at night", "quiet", "walk\x00"]
    for text in texts:
        solo_ws.write(text, tags=["calm"] if "a" in text else [], prompt_id="")
        clock.advance(minutes=5)
    assert solo_ws.search(flt) == solo_ws.journal.search(flt)
