"""Journals from elsewhere (jrnl, Day One), repeated ids, and files that are none of these."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflect.cli import main
from reflect.usecases.imports import ImportRefused, import_into, read_import
from reflect.usecases.other_journals import MAX_ZIP_MEMBERS
from reflect.storage.space_store import SpaceStore

SAMPLES = Path(__file__).parent / "samples"
JRNL = SAMPLES / "jrnl-export.json"
DAY_ONE = SAMPLES / "dayone" / "Journal.json"


def run(argv, capsys, monkeypatch, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def listed(data: str, capsys, monkeypatch) -> list[dict]:
    code, out, _ = run(["list", "--data-dir", data, "--json"], capsys, monkeypatch)
    assert code == 0
    return json.loads(out)


def day_one_zip(tmp_path: Path, name: str = "Journal.json", data: bytes | None = None) -> Path:
    path = tmp_path / "Export-All Entries.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, DAY_ONE.read_bytes() if data is None else data)
        archive.writestr("photos/d41d8cd98f00b204e9800998ecf8427e.jpeg", b"\xff\xd8 not really a photo")
    return path


def test_jrnl_sample_keeps_dates_tags_stars_and_text_exactly():
    contents = read_import(JRNL, tz=timezone.utc)
    assert contents.source == "jrnl" and contents.unreadable == 0
    by_day = {e.created.date().isoformat(): e for e in contents.entries}
    walk, therapy, short = by_day["2026-10-03"], by_day["2026-10-07"], by_day["2026-10-09"]
    assert walk.created == datetime(2026, 10, 3, 20, 15, tzinfo=timezone.utc)
    assert walk.text == "Long walk after dinner.\nWe did not talk about it, and that was fine. @evening"
    assert therapy.text.startswith("Things to say at [b]therapy[/b] on Thursday\n- the phone, again\n")
    assert therapy.starred and not walk.starred
    assert therapy.tags == ("evening", "therapy") and short.tags == ()
    assert short.text == "Short one: tired."


def test_day_one_sample_keeps_dates_in_their_own_zone_tags_stars_and_text():
    contents = read_import(DAY_ONE, tz=timezone.utc)
    assert contents.source == "Day One"
    assert contents.unreadable == 1  # the photo-only entry has no text to bring
    dinner, morning = sorted(contents.entries, key=lambda e: e.created)
    assert dinner.created == datetime(2026, 9, 14, 20, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert dinner.created.utcoffset().total_seconds() == 2 * 3600
    assert dinner.updated > dinner.created
    assert dinner.starred and not morning.starred
    assert dinner.tags == ("dinner", "hard-days")
    # Day One's Markdown escapes and markup-like text stay exactly as exported.
    assert "everything\\.\n\nI kept watching the door\\." in dinner.text
    assert "[/b] stays as typed" in dinner.text
    assert morning.text == "Woke up early 🙂 and felt calm for once."
    assert dinner.id == "dayone-6c4a1f0e2b3d4e5f8091a2b3c4d5e6f7"


def test_the_day_one_zip_reads_like_its_journal(tmp_path):
    from_zip = read_import(day_one_zip(tmp_path), tz=timezone.utc)
    from_json = read_import(DAY_ONE, tz=timezone.utc)
    assert from_zip.entries == from_json.entries and from_zip.unreadable == from_json.unreadable


@pytest.mark.parametrize("sample", ["jrnl", "dayone-json", "dayone-zip"])
def test_each_import_twice_adds_nothing_and_lists_literally(tmp_path, capsys, monkeypatch, sample):
    path = {"jrnl": JRNL, "dayone-json": DAY_ONE}.get(sample) or day_one_zip(tmp_path)
    data = str(tmp_path / "d")
    code, out, err = run(["import", str(path), "--data-dir", data], capsys, monkeypatch)
    expected = 3 if sample == "jrnl" else 2
    assert code == 0 and f"Imported {expected} reflections and 0 check-ins (0 were already here)" in out
    if sample != "jrnl":
        assert "1 record in the file could not be read and was left out" in err
    code, out, _ = run(["import", str(path), "--data-dir", data], capsys, monkeypatch)
    assert code == 0 and f"Imported 0 reflections and 0 check-ins ({expected} were already here)" in out
    records = listed(data, capsys, monkeypatch)
    assert len(records) == expected
    assert any(r["starred"] for r in records)
    texts = "\n".join(r["text"] for r in records)
    assert ("[b]therapy[/b]" if sample == "jrnl" else "[/b] stays as typed") in texts


def test_the_same_entry_exported_again_with_a_star_is_already_here(tmp_path, workspace):
    store = workspace.journal
    data = json.loads(JRNL.read_text())
    first = tmp_path / "first.json"
    first.write_text(json.dumps(data))
    data["entries"][0]["starred"] = True
    data["entries"][0]["tags"] = ["@changed"]
    again = tmp_path / "again.json"
    again.write_text(json.dumps(data))
    assert import_into(store, read_import(first)).entries_added == 3
    result = import_into(store, read_import(again))
    assert result.entries_added == 0 and result.entries_already_here == 3


def test_repeated_ids_in_one_file_are_counted(tmp_path, capsys, monkeypatch):
    """Issue 8: duplicate ids in an import used to be dropped without being counted."""
    record = {"id": "same1", "space": "x", "text": "once", "created": "2026-11-01T10:00:00+00:00",
              "updated": "2026-11-01T10:00:00+00:00", "tags": []}
    export = tmp_path / "e.json"
    export.write_text(json.dumps({"format": "reflect-export", "version": 1,
                                  "entries": [record, dict(record, text="twice"), dict(record, id="other")]}))
    data = str(tmp_path / "d")
    code, out, err = run(["import", str(export), "--data-dir", data], capsys, monkeypatch)
    assert code == 0 and "Imported 2 reflections" in out
    assert "1 record appears more than once in the file; it was imported once." in err
    assert "twice" not in out + err
    assert sorted(r["text"] for r in listed(data, capsys, monkeypatch)) == ["once", "once"]


def test_repeated_ids_are_counted_by_import_into(tmp_path):
    store = SpaceStore.open(tmp_path / "s.json", space="s")
    contents = read_import(JRNL)
    contents.entries.append(contents.entries[0])
    result = import_into(store, contents)
    assert (result.entries_added, result.repeated_in_file, result.entries_already_here) == (3, 1, 0)
    store.close()


@pytest.mark.parametrize(
    "content, says",
    [
        (b'{"entries": [], "something": 1}', "jrnl JSON export (`jrnl --export json`)"),
        (b'{"tags": [], "entries": {}}', "Day One JSON export"),
        (b"PK\x03\x04 this is not really a zip", "damaged zip file"),
        (b"\x00\x01\x02 binary", "not JSON"),
    ],
)
def test_unknown_or_broken_files_name_what_was_expected(tmp_path, capsys, monkeypatch, content, says):
    bad = tmp_path / "weird.json"
    bad.write_bytes(content)
    code, _, err = run(["import", str(bad), "--data-dir", str(tmp_path / "d")], capsys, monkeypatch)
    assert code == 1 and says in err


def test_a_zip_without_a_journal_says_what_was_expected(tmp_path, capsys, monkeypatch):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/a.jpeg", b"x")
    code, _, err = run(["import", str(path), "--data-dir", str(tmp_path / "d")], capsys, monkeypatch)
    assert code == 1 and "no Day One journal inside" in err and "Journal.json" in err


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path, monkeypatch):
    import reflect.usecases.imports as imports

    path = day_one_zip(tmp_path, data=b'{"metadata": {}, "entries": [' + b" " * 5_000_000 + b"]}")
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1_000_000)
    with pytest.raises(ImportRefused, match="larger than reflect can import"):
        read_import(path)


def test_a_zip_whose_listing_understates_a_member_is_still_capped(tmp_path, monkeypatch):
    """The cap is applied to what is read, not to the size the zip claims."""
    import reflect.usecases.imports as imports

    path = day_one_zip(tmp_path, data=b'{"metadata": {}, "entries": [' + b" " * 50_000 + b"]}")
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 10_000)
    original = zipfile.ZipFile.infolist

    def understated(self):
        infos = original(self)
        for info in infos:
            info.file_size = 10
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)
    with pytest.raises(ImportRefused):
        read_import(path)


def test_a_zip_with_too_many_members_is_refused(tmp_path, monkeypatch):
    import reflect.usecases.other_journals as other

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30):
            archive.writestr(f"photos/{i}.jpeg", b"x")
        archive.writestr("Journal.json", DAY_ONE.read_bytes())
    monkeypatch.setattr(other, "MAX_ZIP_MEMBERS", 20)
    with pytest.raises(ImportRefused, match="too many files"):
        read_import(path)
    assert MAX_ZIP_MEMBERS >= 10_000


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import reflect.usecases.imports as imports

    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b" " * 2000 + b"]")
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(ImportRefused, match="larger than any file reflect can import"):
        read_import(big)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=16,
)
_entry_keys = st.sampled_from(
    ["title", "body", "date", "time", "tags", "starred", "uuid", "creationDate", "modifiedDate", "timeZone", "text"]
)
_plausible_dates = st.sampled_from(
    ["2026-10-03", "2026-13-40", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "20:15", "99:99",
     "2026-09-14T18:30:00Z", "2026-09-14T18:30:00", "Europe/Berlin", "../../etc/passwd", "", "Mars/Olympus"]
)
_entry_like = st.dictionaries(_entry_keys, _json_values | _plausible_dates, max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.builds(lambda e, t: {"tags": t, "entries": e}, st.lists(_entry_like | _json_values, max_size=4), _json_values),
        st.builds(lambda e, m: {"metadata": m, "entries": e}, st.lists(_entry_like | _json_values, max_size=4), _json_values),
        _json_values,
    )
)
def test_malformed_journals_from_elsewhere_are_imported_or_refused(tmp_path, doc):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc))
    try:
        contents = read_import(path, tz=timezone.utc)
    except ImportRefused as refused:
        assert refused.user_message
    else:
        assert contents.unreadable >= 0
        store = SpaceStore.open(tmp_path / "fuzz-space.json", space="fuzz")
        try:
            import_into(store, contents)
        finally:
            store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=400))
def test_damaged_zips_are_refused_plainly(tmp_path, noise, cut):
    good = day_one_zip(tmp_path).read_bytes()
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(good[:cut] + noise + good[cut + len(noise):])
    try:
        read_import(damaged, tz=timezone.utc)
    except ImportRefused as refused:
        assert refused.user_message


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.builds(lambda v: json.dumps(v).encode(), _json_values))
def test_any_file_never_raises_past_the_command_line(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "any.json"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    real = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        code = main(["import", str(path), "--data-dir", str(folder / "d")])
    finally:
        sys.stdin, sys.stdout, sys.stderr = real
    assert code in (0, 1)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert "could not be read" in err.getvalue() or code == 0 or err.getvalue().strip()


def test_round_trip_export_json_then_import_into_a_fresh_space_gives_the_same_records(tmp_path, clock):
    """Every field of every entry and check-in comes back, in a space that never saw them.

    The spaces stand for shared spaces, where entries and check-ins carry an
    author: the person who imports them, never the one the file names (a file
    can be edited).
    """
    from dataclasses import replace as with_changes

    from reflect.usecases.checkins import load_checkins, record_checkin
    from reflect.domain.entries import new_entry
    from reflect.usecases.exports import export_space

    old = SpaceStore.open(tmp_path / "old.json", space="old", now=clock)
    first = new_entry("first [b]as typed[/b]\n\ttabbed 🙂", space="old", now=clock(), tags=["a", "b"],
                      prompt_id="body-now", prompt_text="What does your body do?", section_id="why",
                      author="partner-a")
    clock.advance(hours=5)
    second = with_changes(new_entry("second", space="old", now=clock(), author="someone"), starred=True)
    edited = first.edited("first, edited", clock())
    old.add_many([edited, second])
    record_checkin(old, 3, 1, now=clock(), note='a, "quoted" note')
    text, skipped = export_space(old, "json", timezone.utc)
    assert skipped == 0
    path = tmp_path / "export.json"
    path.write_text(text)
    fresh = SpaceStore.open(tmp_path / "fresh.json", space="fresh", now=clock)
    result = import_into(fresh, read_import(path), author="someone")
    assert (result.entries_added, result.checkins_added, result.unreadable) == (2, 1, 0)
    moved = lambda records: sorted((with_changes(r, space="x") for r in records), key=lambda r: r.id)  # noqa: E731
    assert moved(fresh.entries()) == moved(with_changes(e, author="someone") for e in old.entries())
    assert moved(load_checkins(fresh)) == moved(with_changes(c, author="someone") for c in load_checkins(old))
    again = import_into(fresh, read_import(path), author="someone")
    assert (again.entries_added, again.checkins_added) == (0, 0)
    old.close()
    fresh.close()


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_devices_are_refused_without_being_read(tmp_path, capsys, monkeypatch, special):
    if not Path(special).exists():
        pytest.skip(f"{special} is not here")
    code, _, err = run(["import", special, "--data-dir", str(tmp_path / "d")], capsys, monkeypatch)
    assert code == 1 and "not an ordinary file" in err


def test_a_folder_is_refused_plainly(tmp_path, capsys, monkeypatch):
    code, _, err = run(["import", str(tmp_path), "--data-dir", str(tmp_path / "d")], capsys, monkeypatch)
    assert code == 1 and "is a folder" in err


def test_import_warnings_say_record_or_records():
    from reflect.usecases.imports import ImportResult, import_warnings

    one = ImportResult(0, 0, 0, 0, unreadable=1, repeated_in_file=1)
    assert import_warnings(one) == [
        "1 record in the file could not be read and was left out.",
        "1 record appears more than once in the file; it was imported once.",
    ]
    two = ImportResult(0, 0, 0, 0, unreadable=2, repeated_in_file=3)
    assert import_warnings(two) == [
        "2 records in the file could not be read and were left out.",
        "3 records appear more than once in the file; each was imported once.",
    ]
