"""A space in one private file: round trips, damage, failed saves, migrations."""

from __future__ import annotations

import errno
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import OsWithFailure, plain_body
from reflect.domain.entries import Entry, EntryFilter, new_entry, newest_first
from reflect.storage import atomic, changelog, records
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import (
    DataFolderBusy,
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    SpaceTooNew,
    StoreError,
    WrongPassphrase,
)
from reflect.storage.space_store import SpaceStore

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
SECRET = "I told nobody about the letter"


def make_entry(text: str, *, minutes: int = 0, space: str = "me", **kwargs) -> Entry:
    return new_entry(text, space=space, now=T0 + timedelta(minutes=minutes), **kwargs)


def fixed_now() -> datetime:
    return T0


def open_store(path: Path, **kwargs) -> SpaceStore:
    kwargs.setdefault("space", "me")
    kwargs.setdefault("now", fixed_now)
    return SpaceStore.open(path, **kwargs)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def entries_on_disk(path: Path) -> list[Entry]:
    """What a fresh reader finds in the file and its change log, independent of any open store."""
    with SpaceStore.open(path, space="me", create=False, read_only=True) as fresh:
        return newest_first(fresh.entries())


def disk_bytes(path: Path) -> bytes:
    """The space file and its change log, byte for byte."""
    log = changelog.log_path(path)
    return path.read_bytes() + b"\n--log--\n" + (log.read_bytes() if log.exists() else b"")




class _ReversedCodec:
    """Stands in for encryption: a header, then the bytes backwards."""

    HEADER = b"RVRS1"

    def encode(self, plain: bytes) -> bytes:
        return self.HEADER + plain[::-1]

    def decode(self, stored: bytes) -> bytes:
        if not stored.startswith(self.HEADER):
            raise SpaceDamaged(None, "The file is not in the expected form.")
        return stored[len(self.HEADER) :][::-1]


@pytest.fixture
def space_path(tmp_path) -> Path:
    return tmp_path / "data" / "spaces" / "me.json"


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@pytest.fixture
def full_disk(monkeypatch):
    """Make the next save fail at ``os.<call>`` the way a full disk does."""

    def fail(call: str, succeed_first: int = 0) -> OsWithFailure:
        failing = OsWithFailure(call, succeed_first)
        monkeypatch.setattr(atomic, "os", failing)
        monkeypatch.setattr(changelog, "os", failing)
        return failing

    yield fail


def test_round_trip_across_reopen(space_path):
    store = open_store(space_path)
    first = make_entry("First evening.", minutes=0, tags=["calm"], section_id="why")
    second = make_entry(
        "Second one, about a walk.",
        minutes=5,
        prompt_id="body-now",
        prompt_text="What does your body do now?",
        section_id="threat",
        tags=["Hard Day", "walk"],
    )
    store.add(first)
    store.add(second)
    assert store.entries() == [second, first]
    store.close()

    store = open_store(space_path)
    assert store.entries() == [second, first]
    assert store.get(second.id) == second
    assert store.get("no-such-id") is None

    edited = second.edited("Second one, rewritten.", T0 + timedelta(hours=1)).toggled_star()
    store.update(edited)
    removed = store.delete(first.id)
    assert removed == first
    store.close()

    store = open_store(space_path)
    assert store.entries() == [edited]
    assert store.search(EntryFilter(starred_only=True)) == [edited]
    assert store.search(EntryFilter(contains="REWRITTEN")) == [edited]
    assert store.search(EntryFilter(contains="first")) == []
    store.restore(removed)
    store.close()

    store = open_store(space_path)
    assert store.entries() == [edited, first]
    assert store.search(EntryFilter(tags=("calm",))) == [first]
    assert store.search(EntryFilter(contains="body do")) == [edited]  # the prompt counts
    assert store.search(EntryFilter(section_id="why")) == [first]
    store.close()


def test_entries_are_newest_first_and_a_copy(space_path):
    store = open_store(space_path)
    made = [make_entry(f"entry {i}", minutes=m) for i, m in enumerate([30, 10, 20])]
    for entry in made:
        store.add(entry)
    listed = store.entries()
    assert [e.text for e in listed] == ["entry 0", "entry 2", "entry 1"]
    listed.clear()
    assert len(store.entries()) == 3


def test_datetimes_keep_their_instant_and_zone(space_path):
    store = open_store(space_path)
    entry = make_entry("zone")
    store.add(entry)
    store.close()
    back = open_store(space_path).get(entry.id)
    assert back == entry
    assert back.created.utcoffset() == timedelta(hours=2)


def test_adding_an_id_twice_is_refused(space_path):
    store = open_store(space_path)
    entry = make_entry("once")
    store.add(entry)
    with pytest.raises(ValueError):
        store.add(entry.edited("twice", T0))
    assert store.entries() == [entry]


def test_entries_of_another_space_are_refused(space_path):
    store = open_store(space_path)
    with pytest.raises(ValueError):
        store.add(make_entry("not mine", space="shared"))
    assert store.entries() == []


def test_naive_datetimes_are_refused_before_anything_is_written(space_path):
    store = open_store(space_path)
    before = space_path.read_bytes()
    naive = Entry(id="n1", space="me", text="x", created=datetime(2024, 1, 1), updated=datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        store.add(naive)
    assert space_path.read_bytes() == before
    assert store.entries() == []


def test_update_and_delete_of_unknown_ids(space_path):
    store = open_store(space_path)
    with pytest.raises(KeyError):
        store.update(make_entry("ghost"))
    with pytest.raises(KeyError):
        store.delete("ghost")


def test_restore_twice_does_nothing_the_second_time(space_path):
    store = open_store(space_path)
    entry = make_entry("undo me")
    store.add(entry)
    removed = store.delete(entry.id)
    store.restore(removed)
    store.restore(removed)
    assert store.entries() == [entry]
    with pytest.raises(ValueError):
        store.restore(entry.edited("different", T0))


@pytest.mark.parametrize(
    "text",
    [
        "[b]bold[/b] [/] [link=https://x]x[/link] [red on blue] \\[escaped] $var {braces}",
        "Emoji 🫂❤️‍🩹 and a family 👩‍👩‍👧 and flags 🇳🇱, combining é and zero-width\u200djoin",
        "a" * 100_000,
        "line one\r\nline two\n\n\ttabbed\x00nul and \u2028 separators",
    ],
    ids=["markup", "emoji", "long-line", "control"],
)
def test_unusual_text_round_trips_exactly(space_path, text):
    store = open_store(space_path)
    entry = make_entry(text, prompt_text=text[:200], tags=["[b]", "🫂"])
    store.add(entry)
    store.save_draft("draft", text)
    store.close()
    store = open_store(space_path)
    assert store.get(entry.id) == entry
    assert store.get(entry.id).text == text
    assert store.get_draft("draft") == text


def test_new_space_is_written_at_once_in_a_private_folder(space_path, umask):
    store = open_store(space_path)
    assert space_path.exists()
    assert mode_of(space_path) == 0o600
    assert mode_of(space_path.parent) == 0o700
    store.add(make_entry("private"))
    assert mode_of(space_path) == 0o600
    # The save went into the change log beside the space, private too.
    assert sorted(p.name for p in space_path.parent.iterdir()) == ["me.json", "me.json.log"]
    assert mode_of(space_path.parent / "me.json.log") == 0o600
    store.compact()
    assert sorted(p.name for p in space_path.parent.iterdir()) == ["me.json"]
    assert mode_of(space_path) == 0o600


def test_opening_tightens_a_file_others_could_read(space_path):
    open_store(space_path).close()
    os.chmod(space_path, 0o644)
    assert any("permissions 0644" in p for p in SpaceStore.verify(space_path))
    open_store(space_path).close()
    assert mode_of(space_path) == 0o600
    assert SpaceStore.verify(space_path) == []


def test_missing_space_without_create(space_path):
    with pytest.raises(SpaceMissing) as caught:
        open_store(space_path, create=False)
    assert not space_path.exists()
    assert caught.value.user_message


def _valid_file(path: Path) -> bytes:
    store = open_store(path)
    store.add(make_entry(SECRET, tags=["letter"]))
    store.add(make_entry("A second, quieter entry.", minutes=1))
    store.save_draft("journal", SECRET + " (draft)")
    store.compact()  # everything in the one file, no change log beside it
    store.close()
    return path.read_bytes()


def _damaged_versions(valid: bytes) -> dict[str, bytes]:
    tables = orjson.loads(valid)
    entry_id, record = next(iter(tables["entries"].items()))

    def with_record(**changes) -> bytes:
        changed = orjson.loads(valid)
        changed["entries"][entry_id].update(changes)
        return orjson.dumps(changed)

    misfiled = orjson.loads(valid)
    misfiled["entries"]["other-id"] = misfiled["entries"].pop(entry_id)
    no_meta = orjson.loads(valid)
    del no_meta["_meta"]
    bad_table = orjson.loads(valid)
    bad_table["entries"] = [record]
    bad_draft = orjson.loads(valid)
    bad_draft["drafts"]["journal"] = {"text": 42}
    bad_schema = orjson.loads(valid)
    bad_schema["_meta"]["space"]["schema"] = "one"
    other_space = orjson.loads(valid)
    other_space["_meta"]["space"]["space"] = "partner"
    return {
        "empty": b"",
        "whitespace": b"  \n",
        "not-json": b"this is not json at all",
        "binary": bytes(range(256)),
        "json-list": b"[1, 2, 3]",
        "json-string": b'"entries"',
        "json-null": b"null",
        "no-meta": orjson.dumps(no_meta),
        "table-not-records": orjson.dumps(bad_table),
        "bad-draft": orjson.dumps(bad_draft),
        "bad-schema": orjson.dumps(bad_schema),
        "other-space": orjson.dumps(other_space),
        "misfiled-entry": orjson.dumps(misfiled),
        "naive-date": with_record(created="2024-03-01T09:30:00"),
        "not-a-date": with_record(updated="yesterday"),
        "text-missing": with_record(text=None),
        "tags-not-list": with_record(tags="letter"),
        "starred-not-bool": with_record(starred="yes"),
        "id-missing": with_record(id=""),
        "utf8-broken": valid.replace(b"nobody", b"nob\xffdy"),
    }


def _assert_damaged_and_untouched(path: Path, content: bytes) -> SpaceDamaged:
    path.write_bytes(content)
    os.chmod(path, 0o600)
    with pytest.raises(SpaceDamaged) as caught:
        open_store(path)
    assert path.read_bytes() == content
    error = caught.value
    assert error.path == path
    assert SECRET not in error.user_message and SECRET not in str(error)
    assert "nobody" not in error.user_message
    assert "Traceback" not in error.user_message
    assert SpaceStore.verify(path)  # check agrees there is a problem
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return error


def test_damaged_files_are_refused_and_left_alone(space_path):
    valid = _valid_file(space_path)
    for name, content in _damaged_versions(valid).items():
        error = _assert_damaged_and_untouched(space_path, content)
        assert error.detail, name


@pytest.mark.parametrize("fraction", [0.0001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999])
def test_truncated_files_are_refused_and_left_alone(space_path, fraction):
    valid = _valid_file(space_path)
    cut = valid[: max(1, int(len(valid) * fraction))]
    assert cut != valid
    _assert_damaged_and_untouched(space_path, cut)


def test_damage_message_is_plain(space_path):
    space_path.parent.mkdir(parents=True)
    error = _assert_damaged_and_untouched(space_path, b"")
    assert error.user_message.startswith("The file that holds this space (me.json) could not be read.")
    assert "reflect check" in error.user_message


def test_newer_schema_is_refused_and_left_alone(space_path):
    valid = _valid_file(space_path)
    tables = orjson.loads(valid)
    tables["_meta"]["space"]["schema"] = records.SCHEMA_VERSION + 1
    newer = orjson.dumps(tables)
    space_path.write_bytes(newer)
    with pytest.raises(SpaceTooNew) as caught:
        open_store(space_path)
    assert space_path.read_bytes() == newer
    assert "newer version of reflect" in caught.value.user_message
    assert SpaceStore.verify(space_path) == [
        f"It was saved by a newer reflect (format {records.SCHEMA_VERSION + 1}; "
        f"this reflect knows up to {records.SCHEMA_VERSION})."
    ]


def test_every_older_format_has_a_migration():
    assert set(records.MIGRATIONS) == set(range(1, records.SCHEMA_VERSION))


def _as_format_1(path: Path) -> bytes:
    """Rewrite a space file (its change log folded in) as reflect wrote format 1:
    one JSON object, every entry under "entries"."""
    store = SpaceStore.open(path, space="me", create=False)
    store.compact()
    store.close()
    tables, _layout = records.merge_layout(orjson.loads(path.read_bytes()))
    tables["_meta"]["space"]["schema"] = 1
    path.write_bytes(orjson.dumps(tables))
    return path.read_bytes()


def _pretend_version_3(monkeypatch, calls: list[int]) -> None:
    """Install two fake steps: v1 keeps text under 'body', v2 adds a 'mood' table."""

    def one_to_two(tables):
        calls.append(1)
        for record in tables["entries"].values():
            record["body"] = record.pop("text")
        return tables

    def two_to_three(tables):
        calls.append(2)
        assert tables["_meta"]["space"]["schema"] == 2
        for record in tables["entries"].values():
            record["text"] = record.pop("body").upper()
        tables["mood"] = {"1": {"migrated": True}}
        return tables

    monkeypatch.setattr(records, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(records, "MIGRATIONS", {2: two_to_three, 1: one_to_two})


def test_migrations_run_in_order_after_a_backup(space_path, monkeypatch):
    entry = make_entry("old words")
    store = open_store(space_path)
    store.add(entry)
    store.close()
    v1 = _as_format_1(space_path)
    os.chmod(space_path, 0o644)

    calls: list[int] = []
    _pretend_version_3(monkeypatch, calls)
    store = open_store(space_path)

    assert calls == [1, 2]
    backup = space_path.with_name("me.json.pre-v1.bak")
    assert backup.read_bytes() == v1
    assert mode_of(backup) == 0o600
    assert mode_of(space_path) == 0o600
    assert store.get(entry.id).text == "OLD WORDS"
    assert store.table_records("mood") == [{"migrated": True}]
    on_disk = orjson.loads(space_path.read_bytes())
    assert on_disk["_meta"]["space"]["schema"] == 3
    store.close()

    open_store(space_path).close()
    assert calls == [1, 2], "an up-to-date file is not migrated again"


def test_a_migration_that_fails_leaves_the_file_alone(space_path, monkeypatch):
    store = open_store(space_path)
    store.add(make_entry("old words"))
    store.close()
    v1 = _as_format_1(space_path)

    def broken(tables):
        return tables["no such table"]

    monkeypatch.setattr(records, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(records, "MIGRATIONS", {1: broken})
    with pytest.raises(SpaceDamaged) as caught:
        open_store(space_path)
    assert "brought up to date" in caught.value.detail
    assert space_path.read_bytes() == v1
    assert not space_path.with_name("me.json.pre-v1.bak").exists()


@pytest.mark.parametrize(
    ("call", "succeed_first"),
    [("write", 0), ("fsync", 0), ("replace", 0)],
)
def test_failed_save_keeps_file_and_memory_as_they_were(
    space_path, full_disk, monkeypatch, call, succeed_first
):
    store = open_store(space_path)
    kept = make_entry("kept", minutes=0, tags=["a"])
    store.add(kept)
    store.save_draft("journal", "draft before")
    if call == "replace":
        store.compact()  # the next save starts a new change log: written whole, then renamed
    before = disk_bytes(space_path)
    assert store.search(EntryFilter(contains="kept")) == [kept]  # caches are warm

    failing = full_disk(call, succeed_first)
    lost = make_entry("this one fails", minutes=1)
    with pytest.raises(SaveFailed) as caught:
        store.add(lost)
    assert failing.calls >= 1
    assert caught.value.errno == errno.ENOSPC
    assert "disk is full" in caught.value.user_message
    assert "Nothing was lost" in caught.value.user_message
    assert disk_bytes(space_path) == before
    assert store.get(lost.id) is None
    assert store.entries() == entries_on_disk(space_path) == [kept]

    # TinyDB edits documents in place before it writes: the edit must be undone.
    with pytest.raises(SaveFailed):
        store.update(kept.edited("changed", T0).toggled_star())
    assert disk_bytes(space_path) == before
    assert store.get(kept.id) == kept
    assert store.search(EntryFilter(contains="changed")) == []
    assert store.search(EntryFilter(contains="kept")) == [kept]

    with pytest.raises(SaveFailed):
        store.delete(kept.id)
    with pytest.raises(SaveFailed):
        store.save_draft("journal", "draft after")
    with pytest.raises(SaveFailed):
        store.insert_record("checkins", {"connection": 2})
    assert disk_bytes(space_path) == before
    assert store.entries() == [kept]
    assert store.get_draft("journal") == "draft before"
    assert store.table_records("checkins") == []
    assert sorted(p.name for p in space_path.parent.iterdir() if not p.name.endswith(".log")) == ["me.json"]

    monkeypatch.undo()  # the disk has room again
    store.add(lost)
    store.insert_record("checkins", {"connection": 2})
    assert store.entries() == entries_on_disk(space_path) == [lost, kept]
    store.close()
    reopened = open_store(space_path)
    assert reopened.entries() == [lost, kept]
    assert reopened.table_records("checkins") == [{"connection": 2}]
    # The failed insert did not use up a record number.
    reopened.compact()
    assert orjson.loads(space_path.read_bytes())["checkins"] == {"1": {"connection": 2}}


def test_failed_save_message_for_a_read_only_folder():
    error = SaveFailed(Path("/x/me.json"), errno.EACCES)
    assert "not allowed to write" in error.user_message
    assert "Nothing was lost" in SaveFailed(Path("/x/me.json")).user_message
    # Said by the command line too, where nothing is "on screen": no promise that is untrue there.
    assert "on screen" not in SaveFailed(Path("/x/me.json")).user_message


def test_other_errors_during_save_are_not_disguised_but_memory_is_restored(space_path):
    store = open_store(space_path)
    store.insert_record("checkins", {"n": 1})
    before = space_path.read_bytes()
    with pytest.raises(TypeError):
        store.insert_record("checkins", {"n": object()})
    assert space_path.read_bytes() == before
    assert store.table_records("checkins") == [{"n": 1}]


def test_drafts_live_in_the_space_file(space_path):
    store = open_store(space_path)
    assert store.get_draft("journal") is None
    store.save_draft("journal", "half a thought")
    store.save_draft("session:1", "other")
    store.compact()
    tables = orjson.loads(space_path.read_bytes())
    assert tables["drafts"]["journal"]["text"] == "half a thought"
    store.close()

    store = open_store(space_path)
    assert store.get_draft("journal") == "half a thought"
    store.clear_draft("journal")
    store.clear_draft("journal")
    store.clear_draft("never-there")
    store.close()
    store = open_store(space_path)
    assert store.get_draft("journal") is None
    assert store.get_draft("session:1") == "other"


def test_saving_the_same_draft_again_does_not_rewrite_the_file(space_path, full_disk):
    store = open_store(space_path)
    store.save_draft("journal", "same")
    full_disk("write")
    store.save_draft("journal", "same")  # would raise SaveFailed if it wrote


def test_other_features_keep_their_own_tables(space_path):
    store = open_store(space_path)
    store.insert_record("checkins", {"connection": 3, "distance": 1})
    store.insert_record("checkins", {"connection": 1, "distance": 4})
    assert store.table_records("checkins") == [
        {"connection": 3, "distance": 1},
        {"connection": 1, "distance": 4},
    ]
    store.table_records("checkins")[0]["connection"] = 99  # copies, not the store's own
    store.close()

    store = open_store(space_path)
    assert store.table_records("checkins")[0]["connection"] == 3
    store.replace_records("checkins", [{"connection": 5}])
    store.insert_record("checkins", {"connection": 6})
    store.close()
    store = open_store(space_path)
    assert store.table_records("checkins") == [{"connection": 5}, {"connection": 6}]
    assert store.table_records("nothing-yet") == []
    for reserved in ("entries", "drafts", "_meta"):
        with pytest.raises(ValueError):
            store.insert_record(reserved, {"x": 1})
        with pytest.raises(ValueError):
            store.table_records(reserved)


def test_replace_records_is_one_save(space_path, full_disk):
    store = open_store(space_path)
    store.replace_records("ladder", [{"step": 1}, {"step": 2}])
    full_disk("write")
    with pytest.raises(SaveFailed):
        store.replace_records("ladder", [{"step": 9}])
    assert store.table_records("ladder") == [{"step": 1}, {"step": 2}]
    fresh = open_store(space_path, create=False, read_only=True)
    assert fresh.table_records("ladder") == [{"step": 1}, {"step": 2}]


def test_every_byte_passes_through_the_codec(space_path):
    codec = _ReversedCodec()
    assert isinstance(codec, Codec) and isinstance(PlainCodec(), Codec)
    store = open_store(space_path, codec=codec)
    entry = make_entry(SECRET)
    store.add(entry)
    store.save_draft("journal", "drafted words")
    store.close()
    stored = space_path.read_bytes()
    assert stored.startswith(_ReversedCodec.HEADER)
    assert SECRET.encode() not in stored and b"drafted words" not in stored

    assert open_store(space_path, codec=codec).entries() == [entry]
    assert SpaceStore.verify(space_path, codec) == []
    with pytest.raises(SpaceDamaged):  # the codec's own complaint, with the path added
        open_store(space_path, codec=PlainCodec())
    plain_file = space_path.with_name("plain.json")
    plain_file.write_bytes(orjson.dumps(records.new_space_tables("me", T0)))
    with pytest.raises(SpaceDamaged) as caught:
        open_store(plain_file, codec=codec)
    assert caught.value.path == plain_file
    assert caught.value.detail == "The file is not in the expected form."


def test_a_codec_refusing_the_passphrase_is_passed_on(space_path):
    class _Locked:
        def encode(self, plain: bytes) -> bytes:
            return plain

        def decode(self, stored: bytes) -> bytes:
            raise WrongPassphrase()

    open_store(space_path).close()
    with pytest.raises(WrongPassphrase):
        open_store(space_path, codec=_Locked())
    assert SpaceStore.verify(space_path, _Locked()) == [WrongPassphrase.user_message]


def test_verify_reads_and_changes_nothing(space_path):
    assert SpaceStore.verify(space_path) == [f"There is no file at {space_path}."]
    valid = _valid_file(space_path)
    assert SpaceStore.verify(space_path) == []
    tables = orjson.loads(valid)
    for record in tables["entries"].values():
        record["created"] = "not a date"
    broken = plain_body(tables)
    space_path.write_bytes(broken)
    problems = SpaceStore.verify(space_path)
    assert len(problems) == 2
    assert all("'created' is not a date" in p for p in problems)
    assert space_path.read_bytes() == broken


def test_verify_lists_many_problems_briefly(space_path):
    tables = records.new_space_tables("me", T0)
    for i in range(30):
        tables["entries"][f"id{i}"] = {"id": f"id{i}"}
    space_path.parent.mkdir(parents=True)
    space_path.write_bytes(orjson.dumps(tables))
    os.chmod(space_path, 0o600)
    problems = SpaceStore.verify(space_path)
    assert len(problems) == 21
    assert problems[0] == "Entry id0: 'space' is missing or not text."
    assert problems[-1] == "... and 10 more problems like these."


def test_a_closed_store_holds_nothing(space_path):
    store = open_store(space_path)
    store.add(make_entry("bye"))
    with store:
        pass
    with pytest.raises(RuntimeError):
        store.entries()
    with pytest.raises(RuntimeError):
        store.add(make_entry("after"))


def test_record_shape():
    entry = make_entry("words", prompt_id="p", prompt_text="P?", section_id="s", tags=["b", "a"])
    record = records.entry_to_record(entry)
    assert record == {
        "id": entry.id,
        "space": "me",
        "text": "words",
        "created": "2024-03-01T09:30:00+02:00",
        "updated": "2024-03-01T09:30:00+02:00",
        "prompt_id": "p",
        "prompt_text": "P?",
        "section_id": "s",
        "tags": ["a", "b"],
        "starred": False,
    }
    assert records.entry_from_record(orjson.loads(orjson.dumps(record))) == entry
    optional_missing = {k: record[k] for k in ("id", "space", "text", "created", "updated")}
    assert records.entry_from_record(optional_missing) == Entry(
        id=entry.id, space="me", text="words", created=entry.created, updated=entry.updated
    )
    with pytest.raises(ValueError) as caught:
        records.entry_from_record({**record, "created": SECRET})
    assert SECRET not in str(caught.value)


def test_every_error_speaks_plainly():
    path = Path("/data/spaces/me.json")
    errors: list[StoreError] = [
        SpaceDamaged(path, "The file is empty."),
        SpaceTooNew(path, 3, 1),
        SaveFailed(path, errno.ENOSPC),
        SpaceMissing(path),
        WrongPassphrase(),
        StoreError(),
        DataFolderBusy(path),
    ]
    for error in errors:
        message = error.user_message
        assert message.endswith(".") and "  " not in message
        assert "Traceback" not in message and "Error" not in message and "errno" not in message


_WORDS = st.sampled_from(["quiet", "Ocean", "trust", "HAND", "walk", "é", "🫂", " ", "[b]"])
_TEXT = st.lists(_WORDS, max_size=8).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.tuples(_TEXT, _TEXT, st.booleans(), st.sampled_from(["", "a", "b"])), max_size=12),
    flt=st.builds(
        EntryFilter,
        contains=_TEXT,
        tags=st.lists(st.sampled_from(["calm", "hard"]), max_size=2, unique=True).map(tuple),
        section_id=st.sampled_from(["", "a", "b"]),
        starred_only=st.booleans(),
    ),
)
def test_search_agrees_with_the_domain_filter(tmp_path_factory, texts, flt):
    """The store's quicker search must find exactly what ``EntryFilter.matches`` finds.

    Searches run before and after changes, so stale search caches show up too.
    """
    path = tmp_path_factory.mktemp("search") / "me.json"
    store = open_store(path)
    added = []
    for i, (text, prompt, starred, section) in enumerate(texts):
        entry = make_entry(
            text, minutes=i % 5, prompt_text=prompt, section_id=section, tags=["calm"] if i % 2 else ["hard", "calm"]
        )
        entry = entry.toggled_star() if starred else entry
        store.add(entry)
        added.append(entry)
        if i == len(texts) // 2:
            store.search(flt)
    def agrees() -> None:
        expected = [e for e in newest_first(store.entries()) if flt.matches(e)]
        assert store.search(flt) == expected

    agrees()
    if added:
        store.update(added[0].edited(added[-1].text + " quiet", T0).toggled_star())
        agrees()
        store.delete(added[-1].id)
        agrees()
    store.close()


def _valid_bytes_for_fuzzing() -> bytes:
    tables = records.new_space_tables("me", T0)
    for i, text in enumerate(["Walked together 🫂", "[b]hard[/b] day"]):
        entry = make_entry(text, minutes=i, tags=["calm"], prompt_text="Why?", section_id="s")
        tables["entries"][entry.id] = records.entry_to_record(entry)
    tables["drafts"]["journal"] = records.draft_to_record("half", T0)
    tables["checkins"] = {"1": {"connection": 2}}
    return orjson.dumps(tables)


_VALID = _valid_bytes_for_fuzzing()

_flip = st.tuples(st.just("flip"), st.integers(0, len(_VALID) - 1), st.integers(0, 255))
_remove = st.tuples(st.just("remove"), st.integers(0, len(_VALID) - 1), st.integers(1, 40))
_damage = st.lists(st.one_of(_flip, _remove), min_size=1, max_size=4)


def _apply(data: bytes, damage: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, at, value in damage:
        if not buffer:
            break
        at %= len(buffer)
        if kind == "flip":
            buffer[at] = value
        else:
            del buffer[at : at + value]
    return bytes(buffer)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=_damage)
def test_damaged_bytes_open_cleanly_or_raise_space_damaged(tmp_path, damage):
    """Any flipped or missing bytes: a sound store, or a plain refusal, and the file untouched.

    A flip can also turn the format number into a higher one; that file is
    refused as too new, which is a plain refusal too.
    """
    path = tmp_path / "me.json"
    content = _apply(_VALID, damage)
    path.write_bytes(content)
    try:
        store = SpaceStore.open(path, space="me", create=False)
    except (SpaceDamaged, SpaceTooNew) as refusal:
        assert refusal.user_message
        assert path.read_bytes() == content
        return
    for entry in store.entries():
        assert isinstance(entry, Entry)
        assert isinstance(entry.text, str) and isinstance(entry.id, str)
        assert entry.created.utcoffset() is not None and entry.updated.utcoffset() is not None
        assert all(isinstance(t, str) for t in entry.tags)
        assert isinstance(entry.starred, bool)
        assert store.get(entry.id) == entry
    store.search(EntryFilter(contains="a", tags=("calm",)))
    store.close()


def test_a_reader_without_the_lock_migrates_in_memory_only(space_path, monkeypatch):
    entry = make_entry("old words")
    store = open_store(space_path)
    store.add(entry)
    store.close()
    v1 = _as_format_1(space_path)
    _pretend_version_3(monkeypatch, [])
    reader = SpaceStore.open(space_path, space=entry.space, create=False, read_only=True)
    assert reader.get(entry.id).text == "OLD WORDS"
    reader.close()
    assert space_path.read_bytes() == v1
    assert not space_path.with_name("me.json.pre-v1.bak").exists()
