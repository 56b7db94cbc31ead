"""``reflect list --contains WORD`` with one read of the journal (issue 12).

A lone person's plain journal is read as the whole open reads it; every record
is checked in one pass (``space_scan._matching_records``) and entries are
built only for the matches. The one-pass check must accept only records the
whole open reads without a problem: anything else goes the usual way, which
says what is wrong in its usual words. The output is the usual output.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import copy_data_folder, plain_body, run_cli
from tests.test_entry_records import _DATES, _EDIT, _FIELDS, _ODD, _records
from reflect.domain.entries import EntryFilter, new_entry
from reflect.domain.profiles import Role
from reflect.storage import records, space_scan
from reflect.storage.errors import SpaceDamaged
from reflect.storage.space_store import _LayoutCheck
from reflect.usecases import quick_search
from reflect.usecases.workspace import NewPerson, Workspace
from reflect.storage.sealed import KdfParams

PASS = "sam's search passphrase"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
COUNT = records.HEAD_MIN_ENTRIES + 80
FIXTURES = Path(__file__).parent / "fixtures" / "before-quick-append"
RT0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))  # the records strategy's time


def _text(i: int) -> str:
    word = "Harbour" if i % 7 == 0 else "harbour" if i % 11 == 0 else "field"
    return f"Evening {i}: the {word} was quiet.\nA second line, {i}."


def make_folder(root: Path, kind: str = "plain") -> tuple[str, str, Path]:
    """Sam alone with COUNT entries, compacted (a head part and an older part),
    then changes in the change log: an older entry edited, one removed, new ones."""
    passphrase = PASS if kind == "sealed" else None
    ws = Workspace.open(root, pack_dirs=(), kdf=KdfParams.TEST)
    [sam] = ws.set_up([NewPerson("Sam", Role.INDIVIDUAL, passphrase)])
    ws.unlock(sam, passphrase)
    store = ws.session.stores[sam.space]
    made = [
        new_entry(
            _text(i),
            space=sam.space,
            now=T0 + timedelta(hours=i),
            tags=["sea"] if i % 3 == 0 else [],
            prompt_text="What did the HARBOUR teach you?" if i % 13 == 0 else "",
        )
        for i in range(COUNT)
    ]
    store.add_many(made)
    store.compact()
    store.update(made[5].edited("Now about the harbour after all.", T0 + timedelta(days=400)))
    store.delete(made[7].id)  # it said Harbour
    ws.write("One more harbour evening, from the log.", tags=["sea"])
    ws.write("Nothing to find here.")
    path = ws.space_path(sam.space)
    ws.close()
    return str(root), (f"{PASS}\n" if passphrase else ""), path


def both_ways(argv: list[str], capsys, monkeypatch, stdin: str = "") -> tuple[tuple, tuple, list]:
    """The command as it runs, and as it runs the usual way; and what the one read returned."""
    returned: list = []
    real = space_scan.entries_matching

    def spy(*args, **kwargs):
        returned.append(real(*args, **kwargs))
        return returned[-1]

    with monkeypatch.context() as patch:
        patch.setattr(space_scan, "entries_matching", spy)
        quick = run_cli(argv, capsys, monkeypatch, stdin)
    with monkeypatch.context() as patch:
        patch.setattr(quick_search, "entries_containing", lambda *_a, **_k: None)
        usual = run_cli(argv, capsys, monkeypatch, stdin)
    return quick, usual, returned


@pytest.mark.parametrize(
    "more",
    [
        ["--contains", "harbour"],
        ["--contains", "HARBOUR", "--json"],
        ["--contains", "harbour", "--tag", "#Sea"],
        ["--contains", "harbour", "-n", "4"],
        ["--contains", "nowhere at all"],
        ["--contains", "Evening 1", "--json", "--tag", "sea"],
    ],
)
def test_the_one_read_shows_what_the_usual_way_shows(tmp_path, capsys, monkeypatch, more):
    data, _stdin, _path = make_folder(tmp_path / "data")
    quick, usual, returned = both_ways(["list", "--data-dir", data, *more], capsys, monkeypatch)
    assert quick == usual
    assert quick[0] == 0
    assert returned and returned[0] is not None, "the one read answered"
    if more[1] == "harbour" and len(more) == 2:
        out = quick[1]
        assert "One more harbour evening, from the log." in out  # the change log is replayed
        assert "Now about the harbour after all." in out
        assert "Evening 7:" not in out  # removed in the log
        assert out.index("One more harbour evening") < out.index("Now about the harbour") < out.index("Evening 0:")


def test_the_json_is_what_the_usual_way_gives(tmp_path, capsys, monkeypatch):
    data, _stdin, _path = make_folder(tmp_path / "data")
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "harbour", "--json"], capsys, monkeypatch)
    assert quick == usual and returned[0] is not None
    found = json.loads(quick[1])
    assert len(found) == len(returned[0]) > 40
    assert [r["id"] for r in found] == [e.id for e in returned[0]]


@pytest.mark.parametrize(
    ("where", "edit"),
    [
        ("older", {"created": "2024-03-01T09:30:00"}),  # no time zone
        ("older", {"updated": "yesterday"}),
        ("older", {"starred": "yes"}),
        ("older", {"tags": ["sea", 3]}),
        ("older", {"id": "somebody else"}),
        ("older", {"space": "shared"}),
        ("head", {"text": None}),
        ("older", {"created": "2099-01-01T00:00:00+00:00", "updated": "2099-01-01T00:00:00+00:00"}),  # past the cutoff
    ],
)
def test_a_damaged_or_hand_edited_record_is_reported_exactly_as_before(tmp_path, capsys, monkeypatch, where, edit):
    data, _stdin, path = make_folder(tmp_path / "data")
    tables = orjson.loads(path.read_bytes())
    table = tables["_older" if where == "older" else "entries"]
    key = next(iter(table))
    table[key] = {**table[key], **edit}
    path.write_bytes(plain_body(tables))
    before = path.read_bytes()
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "Evening"], capsys, monkeypatch)
    assert quick == usual
    code, out, err = quick
    assert code == 1 and out == ""
    assert "could not be read" in err
    assert returned == [None], "the one read left it to the usual way"
    assert path.read_bytes() == before


def test_a_damaged_draft_is_reported_exactly_as_before(tmp_path, capsys, monkeypatch):
    data, _stdin, path = make_folder(tmp_path / "data")
    tables = orjson.loads(path.read_bytes())
    tables["drafts"] = {"free": {"text": 3, "saved": "2026-01-05T08:00:00+00:00"}}
    path.write_bytes(plain_body(tables))
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "Evening"], capsys, monkeypatch)
    assert quick == usual
    assert quick[0] == 1 and "could not be read" in quick[2]
    assert returned == [None]


def test_a_record_an_older_reflect_wrote_is_read_the_usual_way(tmp_path, capsys, monkeypatch):
    """Sound but not as this reflect writes it (no 'starred', no 'section_id'): listed, the usual way."""
    data, _stdin, path = make_folder(tmp_path / "data")
    tables = orjson.loads(path.read_bytes())
    key = next(iter(tables["_older"]))
    record = tables["_older"][key]
    del record["starred"], record["section_id"]
    path.write_bytes(plain_body(tables))
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "Evening 0:"], capsys, monkeypatch)
    assert quick == usual and quick[0] == 0
    assert "Evening 0:" in quick[1]
    assert returned == [None]


def test_a_file_cut_short_is_reported_exactly_as_before(tmp_path, capsys, monkeypatch):
    data, _stdin, path = make_folder(tmp_path / "data")
    path.write_bytes(path.read_bytes()[:-40])
    quick, usual, _returned = both_ways(["list", "--data-dir", data, "--contains", "Evening"], capsys, monkeypatch)
    assert quick == usual
    assert quick[0] == 1 and "could not be read" in quick[2]


def test_sealed_journals_and_older_layouts_go_the_usual_way(tmp_path, capsys, monkeypatch):
    data, stdin, _path = make_folder(tmp_path / "mine", "sealed")
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "harbour"], capsys, monkeypatch, stdin)
    assert quick == usual and quick[0] == 0 and "One more harbour evening" in quick[1]
    assert returned == []
    for kind, stdin in (("plain", ""), ("sealed", "robin's test passphrase\n")):
        folder = copy_data_folder(FIXTURES / kind, tmp_path / f"old-{kind}")
        before = {p.name: p.read_bytes() for p in (folder / "spaces").iterdir()}
        argv = ["list", "--json", "--data-dir", str(folder), "--contains", "e"]
        quick, usual, returned = both_ways(argv, capsys, monkeypatch, stdin)
        assert quick == usual and quick[0] == 0 and json.loads(quick[1])
        assert returned in ([], [None])
        assert {p.name: p.read_bytes() for p in (folder / "spaces").iterdir()} == before, "listing writes nothing"


# The one-pass check, record by record, against the whole open's verdict.

_NEEDLES = st.sampled_from(["words", "WORDS", "why", "🫂", "[b]", "x", "ORD", "me"])
_ODD_TABLES = st.sampled_from([None, {}, {"1": {"text": "a draft", "saved": "x"}}, {"1": {"text": 3}}, {"1": []}, []])


@st.composite
def _edited(draw) -> object:
    """A sound record with one edit (most often), or any record ``_records`` makes."""
    if draw(st.booleans()):
        return draw(_records())
    record = draw(_records(edits=False))
    kind, name, value = draw(_EDIT)
    if kind == "set":
        record[name] = value
    else:
        record.pop(name, None)
    return record


@settings(max_examples=600, deadline=None)
@given(
    edited=_edited(),
    sound=st.lists(_records(edits=False), max_size=4),
    at=st.integers(0, 4),
    misfiled=st.one_of(st.none(), st.integers(0, 5)),
    needle=_NEEDLES,
    cutoff_minutes=st.one_of(st.none(), st.integers(0, 10**6)),
    flipped=st.one_of(st.none(), st.integers(0, 5)),
    touched_mask=st.integers(0, 2**6 - 1),
    drafts=_ODD_TABLES,
    other=_ODD_TABLES,
)
def test_the_one_pass_check_accepts_only_what_the_whole_open_reads(
    edited, sound, at, misfiled, needle, cutoff_minutes, flipped, touched_mask, drafts, other
):
    """Accepted: the whole open finds no problem (entries, tables, drafts, the
    layout's cutoff), and the records matched are exactly the entries
    ``EntryFilter.matches`` matches. Refused: the whole open refuses too, or a
    record is sound but unusual, which the usual way then reads."""
    tables = records.new_space_tables("me", RT0)
    table = [*sound[:at], edited, *sound[at:]]  # one record edited among sound ones
    for i, record in enumerate(table):
        key = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else f"k{i}"
        tables["entries"][f"other{i}" if i == misfiled else key] = record
    tables["entries"]["ok"] = records.entry_to_record(new_entry("fine words", space="me", now=RT0, entry_id="ok"))
    if drafts is not None:
        tables["drafts"] = drafts
    if other is not None:
        tables["other"] = other
    check = _LayoutCheck()
    if cutoff_minutes is not None:
        # The older part as a layout files it (created before the cutoff), one entry perhaps on the wrong side.
        check.cutoff = RT0 + timedelta(minutes=cutoff_minutes)
        check.older = set()
        for i, (key, record) in enumerate(tables["entries"].items()):
            try:
                before = datetime.fromisoformat(record["created"]) < check.cutoff
            except Exception:
                before = i % 2 == 0
            if before != (i == flipped):
                check.older.add(key)
        check.touched = {k for i, k in enumerate(tables["entries"]) if touched_mask >> i & 1}

    _same_verdict(tables, check, needle)


def _same_verdict(tables: dict, check: _LayoutCheck, needle: str) -> bool:
    """The one-pass check's verdict on ``tables`` against the whole open's (see above); whether it accepted."""
    hits = space_scan._matching_records(tables["entries"], "me", needle.casefold(), check)
    accepted = space_scan._sound_tables(tables) and hits is not None
    entries, problems = records.parse_space(tables)
    whole_reads = not problems
    if whole_reads:
        try:
            check.check(Path("me.json"), entries)
        except SpaceDamaged:
            whole_reads = False
    if accepted:
        assert whole_reads
        flt = EntryFilter(contains=needle)
        assert hits == [e for e in entries.values() if flt.matches(e)]
    else:
        assert not whole_reads or any(records._entry_from_sound_record(r) is None for r in tables["entries"].values())
    return accepted


def test_the_one_pass_check_judges_every_single_edit_as_the_whole_open_does():
    """Every field set to every odd value (or removed), in a record of the newest
    entries and of the older ones, beside sound records: never accepted where the
    whole open finds a problem; accepted where it reads every record on records' quick path."""
    bases = []
    for i, options in enumerate(
        [{}, {"tags": ["calm", "hard"], "author": "auth"}, {"session_id": "sess", "prompt_text": "Why?"}]
    ):
        entry = new_entry("words", space="me", now=RT0 + timedelta(days=i), **options)
        if i == 1:
            entry = entry.edited("words, later", RT0 + timedelta(days=5)).toggled_star()
        bases.append(records.entry_to_record(entry))
    newer = records.entry_to_record(new_entry("newer words", space="me", now=RT0 + timedelta(days=30)))
    edits = [("drop", name, None) for name in _FIELDS.elements]
    edits += [("set", name, value) for name in _FIELDS.elements for value in _ODD.elements]
    edits += [("set", name, value) for name in ("created", "updated") for value in _DATES.elements]
    accepted = 0
    for base in bases:
        for kind, name, value in edits:
            for older in (True, False):
                record = dict(base)
                if kind == "set":
                    record[name] = value
                else:
                    record.pop(name, None)
                tables = records.new_space_tables("me", RT0)
                # Filed under its id as it now reads (so an id of "" is filed under ""), or under the old one.
                key = record["id"] if isinstance(record.get("id"), str) and older else base["id"]
                tables["entries"] = {key: record, newer["id"]: newer}
                check = _LayoutCheck()
                check.cutoff = RT0 + timedelta(days=20)
                check.older = {key} if older else set()
                accepted += _same_verdict(tables, check, "WORDS")
    assert accepted > len(bases) * 2 * 10  # the sound edits (same text, an unknown field...) are taken
    for name in ("drafts", "other"):
        for table in _ODD_TABLES.elements:
            tables = records.new_space_tables("me", RT0)
            tables["entries"] = {newer["id"]: newer}
            tables[name] = table
            _same_verdict(tables, _LayoutCheck(), "words")


def test_the_one_pass_check_accepts_what_this_reflect_writes():
    tables = records.new_space_tables("me", RT0)
    for i in range(30):
        entry = new_entry(f"words {i}", space="me", now=RT0 + timedelta(minutes=i), tags=["calm"], author="a" * (i % 2))
        tables["entries"][entry.id] = records.entry_to_record(entry)
    hits = space_scan._matching_records(tables["entries"], "me", "words 2", _LayoutCheck())
    assert hits is not None and len(hits) == 1 + 10


# The older part's ids, checked without sorting them.

_IDS = st.sets(st.text(min_size=1, max_size=6), max_size=30)


@settings(max_examples=300, deadline=None)
@given(ids=_IDS, others=_IDS, how=st.sampled_from(["same", "other", "shuffled", "doubled", "cut", "garbled", "padded"]))
def test_older_ids_match_says_what_comparing_the_filters_says(ids, others, how):
    right = records.older_ids_filter(ids)
    if how == "same":
        text = right
    elif how == "other":
        text = records.older_ids_filter(others)
    else:
        import base64
        from array import array

        raw = array("I", sorted({records._fingerprint(i) for i in ids}))
        values = list(raw)
        if how == "shuffled":
            values = values[::-1]
        elif how == "doubled":
            values = values + values[-1:]
        elif how == "cut":
            values = values[1:]
        arr = array("I", values)
        if records._LITTLE:
            arr.byteswap()
        text = base64.b64encode(arr.tobytes()).decode("ascii")
        if how == "garbled":
            text = text[:-1] + ("A" if text[-1:] != "A" else "B") if text else "=="
        elif how == "padded":
            text = text + "\n"
    assert records.older_ids_match(ids, text) == (right == text)
