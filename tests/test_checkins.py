"""Check-ins saved in a space, read back, exported as CSV, JSON, Markdown and SVG."""

from __future__ import annotations

import csv
import io
import json
import stat
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from tests.helpers import fold_change_log
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.usecases import exports
from reflect.usecases.checkins import (
    CSV_HEADER,
    UNREADABLE_TABLE,
    add_checkins,
    checkins_to_csv,
    load_checkins,
    read_checkins,
    record_checkin,
)
from reflect.cli import main
from reflect.domain.checkins import new_checkin, trend
from reflect.storage import records
from reflect.storage.errors import SaveFailed
from reflect.storage.space_store import SpaceStore
from reflect.domain.trend_scale import value_ticks
from reflect.usecases.trend_picture import trend_svg

T0 = datetime(2026, 3, 1, 21, 15, tzinfo=timezone(timedelta(hours=-5)))
SVG = "{http://www.w3.org/2000/svg}"
AWKWARD_NOTES = [
    "plain",
    "with, commas",
    'she said "not now"',
    "two\nlines",
    "crlf\r\ninside",
    "[b]markup[/b] 🙂",
    "  spaces kept  ",
    "",
]


def open_store(path: Path, space: str = "me") -> SpaceStore:
    return SpaceStore.open(path, space=space, now=lambda: T0)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "space.json")
    yield s
    s.close()


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_checkin_is_saved_in_the_space_and_read_back_after_reopening(tmp_path):
    path = tmp_path / "space.json"
    store = open_store(path)
    saved = record_checkin(store, 3, 1, now=T0, note="a walk")
    assert (saved.connection, saved.distance, saved.note, saved.space) == (3, 1, "a walk", "me")
    store.close()

    store = open_store(path)
    assert load_checkins(store) == [saved]
    store.compact()
    [record] = orjson.loads(path.read_bytes())[records.CHECKINS_TABLE].values()
    assert record == records.checkin_to_record(saved)
    store.close()


def test_bad_counts_are_refused_plainly_and_nothing_is_saved(store):
    for connection, distance in [(100, 0), (0, -1), (1.5, 0), (True, 0), ("3", 0)]:
        with pytest.raises(ValueError) as refused:
            record_checkin(store, connection, distance, now=T0)
        assert "whole number from 0 to 99" in str(refused.value)
    with pytest.raises(ValueError, match="at most 500"):
        record_checkin(store, 1, 1, now=T0, note="x" * 501)
    with pytest.raises(ValueError, match="time zone"):
        record_checkin(store, 1, 1, now=datetime(2026, 3, 1, 9))
    assert store.table_records(records.CHECKINS_TABLE) == []


def test_a_failed_save_leaves_nothing_behind(store, monkeypatch):
    from reflect.storage import space_store

    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    from reflect.storage import changelog

    monkeypatch.setattr(space_store, "atomic_write_bytes", full_disk)
    monkeypatch.setattr(changelog, "atomic_write_bytes", full_disk)
    monkeypatch.setattr(changelog, "_write_at", lambda fd, data, offset: full_disk(None, data))
    with pytest.raises(SaveFailed):
        record_checkin(store, 2, 2, now=T0)
    assert load_checkins(store) == []


def test_checkins_come_back_oldest_first(store):
    later = record_checkin(store, 1, 0, now=T0 + timedelta(days=2))
    earlier = record_checkin(store, 0, 1, now=T0)
    middle = record_checkin(store, 2, 2, now=T0 + timedelta(days=1))
    assert load_checkins(store) == [earlier, middle, later]


def test_malformed_records_are_skipped_named_and_kept_in_the_file(tmp_path):
    path = tmp_path / "space.json"
    store = open_store(path)
    good = record_checkin(store, 2, 1, now=T0, note="private words")
    for bad in (
        {"id": "a1", "space": "me", "when": T0.isoformat(), "connection": 120, "distance": 0},
        {"id": "a2", "space": "me", "when": "yesterday", "connection": 1, "distance": 0},
        {"id": "a3", "space": "me", "when": "2026-03-01T09:00:00", "connection": 1, "distance": 0},
        {"id": "a4", "space": "me", "when": T0.isoformat(), "connection": "1", "distance": 0},
        {"id": "a5", "space": "me", "when": T0.isoformat(), "connection": 1, "distance": 0, "note": 7},
        {"id": "a6", "space": "someone-else", "when": T0.isoformat(), "connection": 1, "distance": 0},
        {"space": "me", "when": T0.isoformat(), "connection": 1, "distance": 0},
        {"id": "a7", "when": T0.isoformat(), "connection": 1, "distance": 0},
        records.checkin_to_record(good),  # the same check-in saved twice
    ):
        store.insert_record(records.CHECKINS_TABLE, bad)
    checkins, problems = read_checkins(store)
    assert checkins == [good]
    assert len(problems) == 9
    assert not any("private words" in p for p in problems)
    assert any("a1" in p for p in problems) and any("another space" in p for p in problems)
    store.compact()
    store.close()
    # Nothing was thrown away: the file still holds every record for mending.
    assert len(orjson.loads(path.read_bytes())[records.CHECKINS_TABLE]) == 10


def test_adding_many_at_once_skips_ids_already_there(store):
    first = [new_checkin(i % 5, 2, space="me", now=T0 + timedelta(days=i)) for i in range(30)]
    assert add_checkins(store, first) == 30
    assert add_checkins(store, first[10:]) == 0
    more = [new_checkin(1, 1, space="me", now=T0 + timedelta(days=40))]
    assert add_checkins(store, first + more) == 1
    assert load_checkins(store) == first + more
    with pytest.raises(ValueError):
        add_checkins(store, [new_checkin(1, 1, space="them", now=T0)])


def test_csv_round_trips_awkward_notes_in_the_chosen_time_zone():
    checkins = [
        new_checkin(i, 10 - i, space="me", now=T0 + timedelta(hours=i), note=note)
        for i, note in enumerate(AWKWARD_NOTES)
    ]
    text = checkins_to_csv(checkins, timezone.utc)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_HEADER
    assert [r[4] for r in rows[1:]] == AWKWARD_NOTES
    assert [(int(r[2]), int(r[3])) for r in rows[1:]] == [(c.connection, c.distance) for c in checkins]
    # 21:15 at UTC-5 is 02:15 the next day in UTC.
    assert rows[1][:2] == ["2026-03-02", "02:15"]
    assert checkins_to_csv([], timezone.utc).splitlines() == [",".join(CSV_HEADER)]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_note_survives_csv(note):
    [row] = list(csv.DictReader(io.StringIO(checkins_to_csv([new_checkin(1, 2, space="me", now=T0, note=note)], timezone.utc), newline="")))
    assert row["note"] == note


def test_svg_parses_holds_the_lines_and_no_notes():
    checkins = [
        new_checkin(i % 4, (i * 7) % 5, space="me", now=T0 + timedelta(days=i), note=f"secret {i}")
        for i in range(0, 60, 2)
    ]
    points = trend(checkins, tz=timezone.utc)
    text = trend_svg(points, subtitle="1 March to 29 April")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    lines = {p.get("class"): p for p in root.iter(f"{SVG}polyline")}
    assert set(lines) == {"smoothed connection-line", "smoothed distance-line"}
    for line in lines.values():
        assert len(line.get("points").split()) == len(points)
    bands = [p.get("class") for p in root.iter(f"{SVG}polygon")]
    assert bands == ["band connection-band", "band distance-band"]
    assert len(list(root.iter(f"{SVG}circle"))) >= 2 * len(points)
    assert "secret" not in text


@pytest.mark.parametrize("count", [0, 1])
def test_svg_with_nothing_or_one_day_is_still_a_picture(count):
    checkins = [new_checkin(2, 1, space="me", now=T0)][:count]
    root = ET.fromstring(trend_svg(trend(checkins, tz=timezone.utc)))
    assert root.tag == f"{SVG}svg"
    if count == 0:
        assert any("No check-ins" in (t.text or "") for t in root.iter(f"{SVG}text"))
    else:
        assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_value_ticks_are_whole_and_few():
    for top in (4, 5, 6, 8, 10, 12, 15, 20, 25, 50, 100, 200):
        ticks = value_ticks(top)
        assert ticks[0] == 0 and len(ticks) <= 6
        assert all(isinstance(t, int) and t <= top for t in ticks)


def test_write_export_is_private_and_never_replaces_unasked(tmp_path):
    folder = tmp_path / "data" / "exports"
    target = folder / "out.csv"
    exports.write_export(target, b"one", private_folder=folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(exports.ExportExists):
        exports.write_export(target, b"two", private_folder=folder)
    assert target.read_bytes() == b"one"
    exports.write_export(target, b"two", replace=True)
    assert target.read_bytes() == b"two"
    with pytest.raises(exports.ExportFolderMissing):
        exports.write_export(tmp_path / "nowhere" / "x.csv", b"x", private_folder=folder)
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(IsADirectoryError):
        exports.write_export(folder, b"x")


def test_checkin_from_the_command_line(tmp_path, capsys):
    data = str(tmp_path / "d")
    code, out, err = run(["checkin", "--data-dir", data, "--connection", "3", "--distance", "1", "--note", "a walk, then tea"], capsys)
    assert (code, err) == (0, "")
    assert out.strip() == "Check-in saved."
    code, out, _ = run(["checkin", "--data-dir", data, "--distance", "2"], capsys)
    assert code == 0
    code, out, _ = run(["export", "--data-dir", data, "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["connection"], r["distance"], r["note"]) for r in rows] == [
        ("3", "1", "a walk, then tea"),
        ("0", "2", ""),
    ]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--connection", "lots"], "whole number from 0 to 99"),
        (["--connection", "-1"], "whole number from 0 to 99"),
        (["--distance", "2.5"], "whole number from 0 to 99"),
        (["--distance", "²"], "whole number from 0 to 99"),
        (["--connection", "100"], "whole number from 0 to 99"),
        (["--note", "x" * 501], "at most 500"),
    ],
)
def test_bad_checkin_values_get_a_plain_message(tmp_path, capsys, args, words):
    data = tmp_path / "d"
    code, out, err = run(["checkin", "--data-dir", str(data), *args], capsys)
    assert code == 2
    assert words in err and "Traceback" not in out + err
    code, out, _ = run(["export", "--data-dir", str(data), "--format", "csv"], capsys)
    assert out.splitlines() == [",".join(CSV_HEADER)]


def test_export_json_is_lossless(tmp_path, capsys):
    data = str(tmp_path / "d")
    run(["write", "--data-dir", data, "--tag", "evening", "[b]as typed[/b]\nsecond line"], capsys)
    run(["checkin", "--data-dir", data, "--connection", "2", "--distance", "3", "--note", 'quote " and, comma'], capsys)
    code, out, _ = run(["export", "--data-dir", data, "--format", "json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert (document["format"], document["version"]) == ("reflect-export", 1)
    [entry] = [records.entry_from_record(r) for r in document["entries"]]
    assert entry.text == "[b]as typed[/b]\nsecond line" and entry.tags == ("evening",)
    [checkin] = [records.checkin_from_record(r) for r in document["checkins"]]
    assert (checkin.connection, checkin.distance, checkin.note) == (2, 3, 'quote " and, comma')


def test_export_markdown_newest_first_with_prompt_and_tags(tmp_path, capsys):
    data = str(tmp_path / "d")
    run(["write", "--data-dir", data, "older words"], capsys)
    run(["write", "--data-dir", data, "--prompt", "body-now", "--tag", "calm", "newer words"], capsys)
    code, out, _ = run(["export", "--data-dir", data, "--format", "md"], capsys)
    assert code == 0
    assert out.startswith("# Your reflections")
    assert out.index("newer words") < out.index("older words")
    newer = out[: out.index("older words")]
    assert "\n> " in newer and "Tags: #calm" in newer
    assert out.count("\n## ") == 2


def test_export_to_a_file_is_private_and_not_replaced_without_force(tmp_path, capsys):
    data = str(tmp_path / "d")
    run(["checkin", "--data-dir", data, "--connection", "1"], capsys)
    target = tmp_path / "mine.csv"
    code, out, err = run(["export", "--data-dir", data, "--format", "csv", "-o", str(target)], capsys)
    assert code == 0 and str(target) in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_bytes()
    assert list(csv.reader(io.StringIO(first.decode(), newline="")))[1][2] == "1"

    run(["checkin", "--data-dir", data, "--connection", "5"], capsys)
    code, out, err = run(["export", "--data-dir", data, "--format", "csv", "-o", str(target)], capsys)
    assert code == 1 and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == first
    code, _, _ = run(["export", "--data-dir", data, "--format", "csv", "-o", str(target), "--force"], capsys)
    assert code == 0 and target.read_bytes() != first


@pytest.mark.parametrize("where", ["missing-folder", "a-folder"])
def test_export_to_an_impossible_place_says_so(tmp_path, capsys, where):
    data = str(tmp_path / "d")
    target = tmp_path / "no" / "such" / "x.md" if where == "missing-folder" else tmp_path
    code, out, err = run(["export", "--data-dir", data, "--format", "md", "-o", str(target)], capsys)
    assert code == 1 and err.strip() and "Traceback" not in out + err
    assert not (tmp_path / "no").exists()


def test_export_needs_a_known_format(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["export", "--data-dir", str(tmp_path / "d"), "--format", "xml"])
    assert done.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_export_mentions_unreadable_checkins_without_failing(tmp_path, capsys):
    data = tmp_path / "d"
    run(["checkin", "--data-dir", str(data), "--connection", "4"], capsys)
    path = data / "spaces" / "journal.json"
    if not path.exists():  # the space file's name belongs to the workspace
        [path] = (data / "spaces").glob("*.json")
    fold_change_log(path)
    tables = orjson.loads(path.read_bytes())
    tables[records.CHECKINS_TABLE]["2"] = {"id": "zz", "connection": "many"}
    path.write_bytes(orjson.dumps(tables))
    code, out, err = run(["export", "--data-dir", str(data), "--format", "csv"], capsys)
    assert code == 0
    assert len(out.splitlines()) == 2
    assert "could not be read" in err


def edit_checkins_table(path: Path, change) -> None:
    """Hand-edit the check-ins table of a plain space file, as a person with a text editor might."""
    fold_change_log(path)
    tables = orjson.loads(path.read_bytes())
    change(tables[records.CHECKINS_TABLE])
    path.write_bytes(orjson.dumps(tables))


def test_a_checkin_dated_beyond_what_a_clock_can_hold_is_skipped_without_its_note(tmp_path):
    path = tmp_path / "space.json"
    store = open_store(path)
    good = record_checkin(store, 2, 1, now=T0, note="kept words")
    store.close()
    far = {"id": "far1", "space": "me", "when": "9999-12-31T23:00:00-05:00", "connection": 1, "distance": 0, "note": "private far words"}
    edit_checkins_table(path, lambda table: table.update({"2": far}))
    store = open_store(path)
    checkins, problems = read_checkins(store)
    assert checkins == [good]
    assert len(problems) == 1 and "far1" in problems[0] and "2999" in problems[0]
    assert "private far words" not in problems[0]
    assert [p.connection for p in trend(checkins, tz=timezone(timedelta(hours=14)))] == [2]
    store.close()


def test_a_checkin_date_must_fall_in_a_sane_range():
    for year in (1969, 3000, 9999):
        with pytest.raises(ValueError, match="between the years 1970 and 2999"):
            new_checkin(1, 1, space="me", now=T0.replace(year=year))
    for year in (1970, 2999):
        edge = new_checkin(1, 1, space="me", now=T0.replace(year=year, month=1 if year == 1970 else 12, day=1 if year == 1970 else 31))
        # moving the edges into the farthest time zones must not overflow
        for hours in (-14, 14):
            edge.when.astimezone(timezone(timedelta(hours=hours)))


def test_a_checkins_table_with_a_key_that_is_not_a_number_is_one_plain_problem(tmp_path):
    path = tmp_path / "space.json"
    store = open_store(path)
    good = record_checkin(store, 2, 1, now=T0, note="private table words")
    store.close()
    edit_checkins_table(path, lambda table: table.update({"x": records.checkin_to_record(good)}))
    store = open_store(path)
    checkins, problems = read_checkins(store)
    assert (checkins, problems) == ([], [UNREADABLE_TABLE])
    assert load_checkins(store) == []
    store.close()


@pytest.mark.parametrize("breakage", ["far-date", "key-x"])
def test_export_keeps_working_when_checkins_were_hand_edited(tmp_path, capsys, breakage):
    data = tmp_path / "d"
    run(["write", "--data-dir", str(data), "words to keep"], capsys)
    run(["checkin", "--data-dir", str(data), "--connection", "4", "--note", "secret hand-edit note"], capsys)
    [path] = (data / "spaces").glob("*.json")
    if breakage == "far-date":
        def change(table):
            [record] = table.values()
            table["2"] = {**record, "id": "far1", "when": "9999-12-31T23:00:00-05:00"}
    else:
        def change(table):
            table["x"] = dict(next(iter(table.values())))
    edit_checkins_table(path, change)
    for form in ("md", "json", "csv"):
        code, out, err = run(["export", "--data-dir", str(data), "--format", form], capsys)
        assert code == 0, err
        assert "Traceback" not in out + err and "secret hand-edit note" not in err
        if form == "md":
            assert "words to keep" in out
        else:
            assert "could not be read" in err
        if form == "json":
            document = json.loads(out)
            assert len(document["checkins"]) == (1 if breakage == "far-date" else 0)
    if breakage == "far-date":
        code, out, _ = run(["export", "--data-dir", str(data), "--format", "csv"], capsys)
        assert [r["connection"] for r in csv.DictReader(io.StringIO(out, newline=""))] == ["4"]


def test_the_offered_export_name_names_the_person_safely():
    day = datetime(2026, 3, 1).date()
    assert exports.default_export_name(day, "csv") == "reflect-checkins-2026-03-01.csv"
    assert exports.default_export_name(day, "svg", person="Mary Jane") == "reflect-checkins-mary-jane-2026-03-01.svg"
    assert exports.default_export_name(day, "csv", person="../../etc [/]") == "reflect-checkins-etc-2026-03-01.csv"
    assert exports.default_export_name(day, "csv", person="🙂") == "reflect-checkins-2026-03-01.csv"
    assert len(exports.name_for_file("a" * 300)) == exports.MAX_NAME_IN_FILE


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80))
def test_any_name_makes_a_plain_file_name(name):
    made = exports.default_export_name(datetime(2026, 3, 1).date(), "csv", person=name)
    assert "/" not in made and "\\" not in made and "\0" not in made
    assert made.startswith("reflect-checkins-") and made.endswith("2026-03-01.csv")
    assert "--" not in made
