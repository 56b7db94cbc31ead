"""``reflect write`` without opening the whole journal (issue 12).

The write reads the journal's header (sealed: authenticated, format 3) and its
change log, appends one record and returns. These tests hold it to what a
whole open guarantees: nothing is appended to a space that is damaged,
swapped, cut back or put back where the append can see it; what it cannot
see (the body past the header) is reported at the next whole open, never as
a wrong passphrase, and the append never changes the snapshot. A folder made
before this change is brought up to date once, after a backup copy.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.helpers import copy_data_folder, keep_copy_of_space, put_back_space, run_cli, space_bytes
from reflect.storage import changelog, records, sealed
from reflect.storage.codec import PlainCodec
from reflect.storage.errors import SpaceDamaged, StoreError, WrongPassphrase
from reflect.storage.quick_append import open_to_append, read_head
from reflect.storage.sealed import SealedDamaged, SealedSpace, SpaceIdentity
from reflect.storage.space_store import SpaceStore

FIXTURES = Path(__file__).parent / "fixtures" / "before-quick-append"
PASS = "robin's test passphrase"
OWNER = "36bf3bf690ae"
SEALED_SPACE = f"private-{OWNER}"
PLAIN_SPACE = "private-ba54ecc2bbfa"
OLD_TEXTS = {f"Written by the code before quick appends, number {i}." for i in range(3)} | {
    "One more, in the change log."
}


def old_folder(tmp_path: Path, kind: str) -> tuple[str, Path, str]:
    """A copy of a folder made before quick appends: (data dir, space file, stdin for a passphrase)."""
    data = tmp_path / kind
    copy_data_folder(FIXTURES / kind, data)
    if kind == "sealed":
        return str(data), data / "spaces" / f"{SEALED_SPACE}.sealed", f"{PASS}\n"
    return str(data), data / "spaces" / f"{PLAIN_SPACE}.json", ""


@pytest.fixture
def whole_opens(monkeypatch) -> list[Path]:
    """Every path ``SpaceStore.open`` opens whole, as they happen."""
    opened: list[Path] = []
    real = SpaceStore.open.__func__

    def counting(cls, path, **kwargs):
        opened.append(Path(path))
        return real(cls, path, **kwargs)

    monkeypatch.setattr(SpaceStore, "open", classmethod(counting))
    return opened


def write(data: str, text: str, stdin: str, capsys, monkeypatch) -> tuple[int, str, str]:
    return run_cli(["write", text, "--data-dir", data], capsys, monkeypatch, stdin + text + "\n")


def listed(data: str, stdin: str, capsys, monkeypatch) -> list[str]:
    import json

    code, out, err = run_cli(["list", "--json", "--data-dir", data], capsys, monkeypatch, stdin)
    assert code == 0, err
    return [record["text"] for record in json.loads(out)]


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_a_folder_from_before_is_brought_up_to_date_once_then_written_without_opening_it(
    tmp_path, capsys, monkeypatch, whole_opens, kind
):
    data, space_file, stdin = old_folder(tmp_path, kind)
    before = space_file.read_bytes()
    assert (before[8] == sealed.FORMAT_VERSION) if kind == "sealed" else before.startswith(b'{"_meta"')

    code, out, err = write(data, "The first one after the update.", stdin, capsys, monkeypatch)
    assert (code, out.strip()) == (0, "Saved."), err
    assert whole_opens == [space_file], "the first write opens the old journal whole, once"
    after = space_file.read_bytes()
    backup = space_file.with_name(f"{space_file.name}.pre-v1.bak")
    if kind == "sealed":
        assert after[8] == sealed.SEGMENTED_VERSION
        # A whole copy in format 2 (what the older reflect reads) is kept first, its log folded in.
        copy = backup.read_bytes()
        assert copy[8] == sealed.FORMAT_VERSION and backup.stat().st_mode & 0o777 == 0o600
        identity = SpaceIdentity.private(SEALED_SPACE, OWNER)
        seal, body = SealedSpace.unlock(copy, OWNER, PASS, expect=identity)
        assert seal.counter == SealedSpace.unlock(after, OWNER, PASS, expect=identity)[0].counter - 1
        assert not body.startswith(b'{"_log"')
        alone = tmp_path / "copy" / "space.sealed"
        alone.parent.mkdir()
        alone.write_bytes(copy)
        with SpaceStore.open(alone, space=SEALED_SPACE, codec=seal, create=False, read_only=True) as store:
            assert {e.text for e in store.entries()} == OLD_TEXTS
    else:
        assert after.startswith(b'{"_log":{"base":{"id":"')
        assert records.head_end_at_start(after) is not None
        # A whole copy in format 1 (one JSON object, every entry in "entries"), its log folded in.
        copy = orjson.loads(backup.read_bytes())
        assert copy["_meta"]["space"]["schema"] == 1 and backup.stat().st_mode & 0o777 == 0o600
        assert {r["text"] for r in copy["entries"].values()} == OLD_TEXTS
        assert "_older" not in copy and "_layout" not in copy

    whole_opens.clear()
    for n in range(2):
        code, out, err = write(data, f"Written without opening the journal, {n}.", stdin, capsys, monkeypatch)
        assert (code, out.strip()) == (0, "Saved."), err
    assert whole_opens == [], "later writes append without opening the journal"
    assert space_file.read_bytes() == after, "an append never changes the snapshot"

    texts = listed(data, stdin, capsys, monkeypatch)
    assert set(texts) == OLD_TEXTS | {
        "The first one after the update.",
        "Written without opening the journal, 0.",
        "Written without opening the journal, 1.",
    }
    assert texts[0] == "Written without opening the journal, 1."
    code, out, err = run_cli(["check", "--data-dir", data], capsys, monkeypatch)
    assert code == 0, out + err


def test_an_old_journal_with_an_empty_log_is_brought_up_to_date_by_its_first_write(
    tmp_path, capsys, monkeypatch, whole_opens
):
    data, space_file, stdin = old_folder(tmp_path, "sealed")
    changelog.log_path(space_file).unlink()  # as if its log had been folded in by the older code
    (Path(data) / "seen.json").unlink()
    before = space_file.read_bytes()
    write(data, "The first write folds nothing, and still updates the layout.", stdin, capsys, monkeypatch)
    assert space_file.read_bytes()[8] == sealed.SEGMENTED_VERSION
    # Without a log, the copy kept first is the old file exactly.
    assert space_file.with_name(f"{space_file.name}.pre-v1.bak").read_bytes() == before
    whole_opens.clear()
    write(data, "The second one is quick.", stdin, capsys, monkeypatch)
    assert whole_opens == []


def test_a_quick_write_counts_its_save_where_a_whole_open_checks_it(tmp_path, capsys, monkeypatch):
    from reflect.storage.seen import load_seen

    data, space_file, stdin = old_folder(tmp_path, "sealed")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    seen = load_seen(Path(data) / "seen.json")[SEALED_SPACE].counter
    write(data, "Counted once.", stdin, capsys, monkeypatch)
    assert load_seen(Path(data) / "seen.json")[SEALED_SPACE].counter == seen + 1
    seal, _ = SealedSpace.unlock(space_file.read_bytes(), OWNER, PASS, expect=SpaceIdentity.private(SEALED_SPACE, OWNER))
    SpaceStore.open(space_file, space=SEALED_SPACE, codec=seal, create=False, read_only=True).close()
    assert seal.counter == seen + 1


def test_a_journal_put_back_to_an_older_copy_is_refused_by_write(tmp_path, capsys, monkeypatch):
    data, space_file, stdin = old_folder(tmp_path, "sealed")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    keep_copy_of_space(space_file, tmp_path / "older")
    write(data, "Written after the copy was kept.", stdin, capsys, monkeypatch)
    put_back_space(tmp_path / "older", space_file)
    kept = space_bytes(space_file)

    code, out, err = write(data, "Must not land in the older copy.", stdin, capsys, monkeypatch)
    assert code == 1 and "put back to an older copy" in err
    assert space_bytes(space_file) == kept


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_a_change_log_from_another_copy_is_never_appended_to(tmp_path, capsys, monkeypatch, kind):
    data, space_file, stdin = old_folder(tmp_path, kind)
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    old_log = changelog.log_path(space_file).read_bytes()
    write(data, "In the log.", stdin, capsys, monkeypatch)
    # The log folded into a new snapshot, then an older state of it put back beside it.
    seal = None
    if kind == "sealed":
        seal, _ = SealedSpace.unlock(space_file.read_bytes(), OWNER, PASS, expect=SpaceIdentity.private(SEALED_SPACE, OWNER))
    with SpaceStore.open(space_file, space=SEALED_SPACE if seal else PLAIN_SPACE, codec=seal or PlainCodec(), create=False) as store:
        store.compact()
    changelog.log_path(space_file).write_bytes(old_log)
    kept = space_bytes(space_file)

    code, out, err = write(data, "Must not be appended.", stdin, capsys, monkeypatch)
    assert code == 1 and "belongs to another copy" in err, err
    assert space_bytes(space_file) == kept


def sealed_v3(tmp_path: Path, capsys, monkeypatch) -> tuple[Path, bytes, int]:
    """A format 3 journal with two records in its log: its file, its bytes, its header's length."""
    data, space_file, stdin = old_folder(tmp_path, "sealed")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    write(data, "In the log.", stdin, capsys, monkeypatch)
    blob = space_file.read_bytes()
    head_bytes = 13 + int.from_bytes(blob[9:13], "big") + sealed.MAC_BYTES
    return space_file, blob, head_bytes


def test_every_flipped_bit_in_the_header_stops_a_quick_write_and_is_damage(tmp_path, capsys, monkeypatch):
    _file, blob, head_bytes = sealed_v3(tmp_path, capsys, monkeypatch)
    identity = SpaceIdentity.private(SEALED_SPACE, OWNER)
    assert SealedSpace.unlock_header(blob[:head_bytes], OWNER, PASS, expect=identity) is not None
    for i in range(head_bytes):
        flipped = bytearray(blob)
        flipped[i] ^= 1 << (i % 8)
        assert SealedSpace.unlock_header(bytes(flipped), OWNER, PASS, expect=identity) is None, i
        with pytest.raises(SealedDamaged):  # what the whole unlock then says: never a wrong passphrase
            SealedSpace.unlock(bytes(flipped), OWNER, PASS, expect=identity)
    for cut in range(head_bytes):
        assert SealedSpace.unlock_header(blob[:cut], OWNER, PASS, expect=identity) is None, cut


def test_a_wrong_passphrase_is_still_told_as_one(tmp_path, capsys, monkeypatch):
    data, space_file, stdin = old_folder(tmp_path, "sealed")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    kept = space_bytes(space_file)
    code, out, err = write(data, "Not saved.", "not robin's passphrase\n", capsys, monkeypatch)
    assert code == 1 and err.strip() == WrongPassphrase().user_message
    assert space_bytes(space_file) == kept


@pytest.mark.parametrize("where", ["body", "cut"])
def test_damage_past_the_header_is_reported_at_the_next_whole_open(tmp_path, capsys, monkeypatch, where):
    """The append does not read the body, so it takes the entry; the snapshot is
    untouched by it, and the next whole open reports the damage, never a wrong passphrase."""
    space_file, blob, head_bytes = sealed_v3(tmp_path, capsys, monkeypatch)
    data = str(space_file.parent.parent)
    positions = range(head_bytes, len(blob), max(1, (len(blob) - head_bytes) // 12))
    for n, i in enumerate(positions):
        damaged = bytearray(blob)
        if where == "body":
            damaged[i] ^= 1 << (i % 8)
        else:
            del damaged[i:]
        space_file.write_bytes(bytes(damaged))
        records = changelog.count_records(space_file)[0]
        code, out, err = write(data, f"Taken in spite of it, {n}.", f"{PASS}\n", capsys, monkeypatch)
        assert code == 0, err
        assert space_file.read_bytes() == bytes(damaged), "the snapshot is never touched"
        assert changelog.count_records(space_file)[0] == records + 1
        code, out, err = run_cli(["list", "--data-dir", data], capsys, monkeypatch, f"{PASS}\n")
        assert code == 1 and "damaged" in err and WrongPassphrase().user_message not in err, (i, err)
    space_file.write_bytes(blob)


@pytest.mark.parametrize("kind", ["sealed", "plain"])
def test_every_flipped_bit_in_the_log_stops_a_quick_append(tmp_path, capsys, monkeypatch, kind):
    data, space_file, stdin = old_folder(tmp_path, kind)
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    write(data, "In the log.", stdin, capsys, monkeypatch)
    log = changelog.log_path(space_file)
    good = log.read_bytes()
    identity = SpaceIdentity.private(SEALED_SPACE, OWNER)

    def codec():
        if kind == "sealed":
            return SealedSpace.unlock_header(read_head(space_file), OWNER, PASS, expect=identity)
        return PlainCodec()

    space = SEALED_SPACE if kind == "sealed" else PLAIN_SPACE
    quick = open_to_append(space_file, space, codec())
    assert quick is not None and quick.records == 2
    quick.close()
    seal = codec()
    for i in range(len(good)):
        flipped = bytearray(good)
        flipped[i] ^= 1 << (i % 8)
        log.write_bytes(bytes(flipped))
        assert open_to_append(space_file, space, seal) is None, i
        assert log.read_bytes() == bytes(flipped)
    log.write_bytes(good)


def test_a_torn_last_record_is_cut_off_before_the_next_quick_append(tmp_path, capsys, monkeypatch):
    data, space_file, stdin = old_folder(tmp_path, "plain")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    write(data, "In the log.", stdin, capsys, monkeypatch)
    write(data, "Torn.", stdin, capsys, monkeypatch)
    log = changelog.log_path(space_file)
    log.write_bytes(log.read_bytes()[:-10])  # as if that append had stopped part way
    code, out, err = write(data, "After the torn one.", stdin, capsys, monkeypatch)
    assert code == 0, err
    assert changelog.count_records(space_file) == (3, [])
    assert "Torn." not in listed(data, stdin, capsys, monkeypatch)
    assert "After the torn one." in listed(data, stdin, capsys, monkeypatch)


def test_a_long_log_is_left_to_a_whole_open(tmp_path, capsys, monkeypatch, whole_opens):
    data, space_file, stdin = old_folder(tmp_path, "plain")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    write(data, "In the log.", stdin, capsys, monkeypatch)
    monkeypatch.setattr(changelog, "QUICK_APPEND_MAX_BYTES", 64)
    whole_opens.clear()
    code, out, err = write(data, "Through the whole open.", stdin, capsys, monkeypatch)
    assert code == 0 and whole_opens == [space_file]


def test_a_header_that_names_another_log_than_the_body_is_damage(tmp_path):
    """The whole open checks that the format 3 header and the body agree on the log."""
    import orjson

    identity = SpaceIdentity.private(SEALED_SPACE, OWNER)
    seal = SealedSpace.create(OWNER, PASS, sealed.KdfParams.TEST, identity=identity)
    path = tmp_path / "space.sealed"
    SpaceStore.open(path, space=SEALED_SPACE, codec=seal).close()
    seal, body = SealedSpace.unlock(path.read_bytes(), OWNER, PASS, expect=identity)
    tables = orjson.loads(body)
    other = dict(tables["_log"]["base"], id="ab" * 16)
    # The header takes the id the body starts with; the body's own table (the last one) says another.
    forged = body[:-1] + b',"_log":' + orjson.dumps({"base": other}) + b"}"
    path.write_bytes(seal.seal(forged))
    seal, _ = SealedSpace.unlock(path.read_bytes(), OWNER, PASS, expect=identity)
    with pytest.raises(SpaceDamaged):
        SpaceStore.open(path, space=SEALED_SPACE, codec=seal, create=False)


def test_quick_append_refuses_a_draft_and_another_space(tmp_path):
    from datetime import datetime, timezone

    from reflect.domain.entries import new_entry

    path = tmp_path / "space.json"
    SpaceStore.open(path, space="s").close()
    quick = open_to_append(path, "s", PlainCodec())
    assert quick is not None
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        quick.add(new_entry("x", space="other", now=now))
    with pytest.raises(ValueError):
        quick.add(new_entry("x", space="s", now=now), clearing_draft="draft")
    quick.close()
    assert not changelog.log_path(path).exists()
    assert isinstance(StoreError, type)


def test_work_meanwhile_runs_beside_the_key_derivation_and_is_done_by_its_end(tmp_path, capsys, monkeypatch):
    """``meanwhile`` runs on another thread while the key is being derived, has
    ended when the unlock returns, whatever the passphrase, and what it
    raises changes nothing and shows nowhere."""
    import threading

    _file, blob, head_bytes = sealed_v3(tmp_path, capsys, monkeypatch)
    identity = SpaceIdentity.private(SEALED_SPACE, OWNER)
    head = blob[:head_bytes]
    deriving = threading.Event()
    real_kdf = sealed.nacl.pwhash.argon2id.kdf

    def kdf(*args, **kwargs):
        deriving.set()
        return real_kdf(*args, **kwargs)

    monkeypatch.setattr(sealed.nacl.pwhash.argon2id, "kdf", kdf)
    ran: list[tuple[str, bool]] = []
    unhandled: list[object] = []
    monkeypatch.setattr(threading, "excepthook", unhandled.append)

    def work() -> None:
        # Waits for the derivation to begin: only work that runs beside it sees it begin.
        beside = deriving.wait(timeout=5)
        ran.append((threading.current_thread().name, beside))

    opened = SealedSpace.unlock_header(head, OWNER, PASS, expect=identity, meanwhile=work)
    assert opened is not None and ran == [("reflect-meanwhile", True)]
    plain = SealedSpace.unlock_header(head, OWNER, PASS, expect=identity)
    assert opened.counter == plain.counter and opened.counter_proof(1) == plain.counter_proof(1)

    ran.clear()
    deriving.clear()
    assert SealedSpace.unlock_header(head, OWNER, "not the passphrase", expect=identity, meanwhile=work) is None
    assert ran == [("reflect-meanwhile", True)]

    def failing() -> None:
        ran.append(("failing", True))
        raise OSError("the work went wrong")

    assert SealedSpace.unlock_header(head, OWNER, PASS, expect=identity, meanwhile=failing) is not None
    assert ran[-1] == ("failing", True) and unhandled == []
    assert capsys.readouterr() == ("", "")
    assert all(t.name != "reflect-meanwhile" for t in threading.enumerate())


def test_no_thread_to_be_had_still_unlocks(tmp_path, capsys, monkeypatch):
    """A process or memory limit that refuses a new thread costs the work
    meanwhile, never the unlock (nor the write)."""
    import threading

    _file, blob, head_bytes = sealed_v3(tmp_path, capsys, monkeypatch)
    identity = SpaceIdentity.private(SEALED_SPACE, OWNER)

    def refused(self) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    ran: list[str] = []
    opened = SealedSpace.unlock_header(blob[:head_bytes], OWNER, PASS, expect=identity, meanwhile=lambda: ran.append("x"))
    assert opened is not None and ran == []
    data = str(tmp_path / "sealed")
    assert write(data, "Written with no thread to spare.", f"{PASS}\n", capsys, monkeypatch)[0] == 0


def test_a_sealed_quick_write_loads_the_rest_while_its_key_is_derived(tmp_path, capsys, monkeypatch, whole_opens):
    """The quick write hands ``_load_the_rest`` to the unlock, which runs it
    beside the derivation; what it names exists and is loaded by it (an
    unknown name would be dropped there quietly, so it is checked here)."""
    import subprocess
    import sys
    import threading

    from reflect.usecases import quick_write
    from tests.helpers import PROJECT_ROOT

    data, _space_file, stdin = old_folder(tmp_path, "sealed")
    write(data, "Brings it up to date.", stdin, capsys, monkeypatch)
    whole_opens.clear()
    threads: list[str] = []
    monkeypatch.setattr(quick_write, "_load_the_rest", lambda: threads.append(threading.current_thread().name))
    assert write(data, "A quick one.", stdin, capsys, monkeypatch)[0] == 0
    assert whole_opens == [] and threads == ["reflect-meanwhile"]

    code = (
        "import sys; from reflect.usecases.quick_write import _load_the_rest; "
        "names = ('tempfile', 'reflect.storage.seen', 'reflect.usecases.journal'); "
        "before = [n in sys.modules for n in names]; _load_the_rest(); "
        "print(before, [n in sys.modules for n in names])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[False,", "False,", "False]", "[True,", "True,", "True]"]
