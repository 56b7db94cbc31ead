"""`reflect import`: a JSON export comes back whole, and importing twice adds nothing."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflect.cli import main
from reflect.usecases.imports import ImportRefused, read_export
from reflect.storage.sealed import KdfParams


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(KdfParams, "REAL", KdfParams.TEST)


def run(argv, capsys, monkeypatch, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_export_then_import_into_a_new_folder_twice(tmp_path, capsys, monkeypatch):
    old, new = str(tmp_path / "old"), str(tmp_path / "new")
    for text in ("first [b]as typed[/b]", "second 🙂"):
        run(["write", "--data-dir", old, "--tag", "kept", text], capsys, monkeypatch)
    run(["checkin", "--data-dir", old, "--connection", "3", "--distance", "1", "--note", 'a, "quoted" note'], capsys, monkeypatch)
    exported = tmp_path / "export.json"
    assert run(["export", "--data-dir", old, "--format", "json", "-o", str(exported)], capsys, monkeypatch)[0] == 0

    run(["profiles", "add", "Robin", "--role", "hurt", "--data-dir", new], capsys, monkeypatch, "robin passphrase\n")
    code, out, _ = run(["import", str(exported), "--data-dir", new], capsys, monkeypatch, "robin passphrase\n")
    assert code == 0 and "Imported 2 reflections and 1 check-in " in out
    code, out, _ = run(["import", str(exported), "--data-dir", new], capsys, monkeypatch, "robin passphrase\n")
    assert code == 0 and "Imported 0 reflections and 0 check-ins (3 were already here)" in out

    _, before, _ = run(["export", "--data-dir", old, "--format", "json"], capsys, monkeypatch)
    _, after, _ = run(["export", "--data-dir", new, "--format", "json"], capsys, monkeypatch, "robin passphrase\n")
    strip = lambda doc: [{k: v for k, v in r.items() if k != "space"} for r in doc]  # noqa: E731
    before, after = json.loads(before), json.loads(after)
    assert strip(after["entries"]) == strip(before["entries"])
    assert strip(after["checkins"]) == strip(before["checkins"])


@pytest.mark.parametrize(
    "content, says",
    [
        (b"not json at all", "not JSON"),
        (b'{"format": "something-else"}', "not a reflect export"),
        (b'[1, 2, 3]', "not a reflect export"),
        (b'{"format": "reflect-export", "version": 99}', "newer reflect"),
        (b'{"format": "reflect-export", "version": 1, "entries": {}}', "not a list"),
        (b"", "not JSON"),
    ],
)
def test_files_from_elsewhere_are_refused_plainly(tmp_path, capsys, monkeypatch, content, says):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    data = str(tmp_path / "d")
    code, _, err = run(["import", str(bad), "--data-dir", data], capsys, monkeypatch)
    assert code == 1 and says in err
    assert not (tmp_path / "d" / "spaces").exists() or not any((tmp_path / "d" / "spaces").iterdir())


def test_unreadable_records_are_counted_not_quoted(tmp_path, capsys, monkeypatch):
    export = tmp_path / "e.json"
    export.write_text(json.dumps({
        "format": "reflect-export", "version": 1,
        "entries": [{"id": "x", "text": "SECRET broken record"}],
        "checkins": [],
    }))
    code, out, err = run(["import", str(export), "--data-dir", str(tmp_path / "d")], capsys, monkeypatch)
    assert code == 0 and "1 record in the file" in err and "SECRET" not in out + err


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_is_imported_or_refused_never_crashes(tmp_path, value):
    candidate = {"format": "reflect-export", "version": 1, "entries": value, "checkins": value}
    path = tmp_path / "fuzz.json"
    for doc in (value, candidate):
        path.write_text(json.dumps(doc))
        try:
            contents = read_export(path)
        except ImportRefused as refused:
            assert refused.user_message
        else:
            assert contents.unreadable >= 0


def test_imported_records_follow_the_same_rules_as_writing(tmp_path, capsys, monkeypatch):
    export = tmp_path / "e.json"
    good = {"id": "a1", "space": "x", "text": "kept", "created": "2026-11-01T10:00:00+00:00",
            "updated": "2026-11-01T10:00:00+00:00", "tags": ["Has Space", "", "[b]x[/]"]}
    empty = dict(good, id="a2", text="   ")
    long_id = dict(good, id="z" * 5000)
    export.write_text(json.dumps({"format": "reflect-export", "version": 1, "entries": [good, empty, long_id]}))
    data = str(tmp_path / "d")
    code, out, err = run(["import", str(export), "--data-dir", data], capsys, monkeypatch)
    assert code == 0 and "Imported 1 reflection and" in out and "2 records" in err
    code, out, _ = run(["list", "--data-dir", data, "--json"], capsys, monkeypatch)
    [record] = json.loads(out)
    assert record["tags"] == ["[b]x[/]", "has-space"]
