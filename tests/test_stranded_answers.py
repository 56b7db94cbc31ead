"""A pending answer whose together session the shared space no longer knows (an older copy of
the shared space put back) is never left where no screen or export shows it: it comes home to
its writer's own journal, saying so, and only there."""

from __future__ import annotations

import shutil

from reflect.domain.sessions import SessionExercise
from reflect.usecases import couple_sessions as cs
from reflect.usecases.exports import export_space
from tests.helpers import PASS_A, PASS_B, run_cli

PROMPT = SessionExercise(kind="prompt", ref="together-1", title="What helped this week?")
CANARY = "ALEX-STRANDED-CANARY-3391"


def together(ws, first, second):
    ws.unlock(first, PASS_A if first.name == "Alex" else PASS_B)
    ws.join(ws.open_for(second, PASS_B if second.name == "Sam" else PASS_A))
    return ws


def strand_alexs_answer(ws, alex, sam, *, garble_note: bool = True) -> str:
    ws.unlock(alex, PASS_A)  # the day's backups: the shared space before any session
    ws.lock()
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY)
    ws.lock()
    shared = ws.layout.space_file("shared", sealed=True)
    shutil.copy(ws.layout.backups_dir / "shared--1.sealed", shared)
    shared.with_name(shared.name + ".log").unlink(missing_ok=True)
    if garble_note:
        ws.layout.seen_file.write_text("garbled")
    return sid


def test_a_pending_answer_of_a_session_the_shared_space_lost_comes_home_to_its_writer(couple):
    ws, alex, sam = couple
    sid = strand_alexs_answer(ws, alex, sam)
    ws.unlock(alex, PASS_A)
    notice = ws.session.take_notice()
    assert notice and "shared space" in notice  # the rollback is named (item A) ...
    assert cs.find(ws, sid) is None
    cs.settle(ws)
    cs.settle(ws)  # twice changes nothing more
    # ... and the answer is not invisible: it is an ordinary entry of Alex's own journal
    [entry] = [e for e in ws.store(alex.space).entries() if CANARY in e.text]
    assert entry.session_id == sid and "no longer knows" in entry.prompt_text
    assert PROMPT.title in entry.prompt_text
    assert cs.own_answer(ws, sid, alex.id) is None
    text, _ = export_space(ws.store(alex.space), "md", None, {}, {})
    assert CANARY in text and "no longer knows" in text
    assert CANARY not in " ".join(e.text for e in ws.store("shared").entries())
    ws.lock()
    ws.unlock(sam, PASS_B)
    cs.settle(ws)
    for space in ws.open_spaces:
        assert CANARY not in " ".join(e.text for e in ws.store(space).entries())


def test_it_comes_home_when_the_note_still_vouches_for_the_shared_space_too(couple):
    """Without the note garbled the older shared copy is refused outright; once the person
    takes that copy on purpose (its line removed), the answer still comes home."""
    import json

    ws, alex, sam = couple
    strand_alexs_answer(ws, alex, sam, garble_note=False)
    ws.unlock(alex, PASS_A)
    assert "shared" in ws.unavailable
    cs.settle(ws)  # the shared space is closed: nothing can be known, nothing moves
    ws.lock()
    seen = json.loads(ws.layout.seen_file.read_text())
    del seen["spaces"]["shared"]
    ws.layout.seen_file.write_text(json.dumps(seen))
    ws.unlock(alex, PASS_A)
    cs.settle(ws)
    assert [e.text for e in ws.store(alex.space).entries() if CANARY in e.text] == [CANARY]


def test_an_open_session_keeps_its_pending_answer_pending(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY)
    ws.lock()
    ws.unlock(alex, PASS_A)
    cs.settle(ws)
    assert cs.own_answer(ws, sid, alex.id) == CANARY
    assert not [e for e in ws.store(alex.space).entries() if CANARY in e.text]


def test_the_command_line_brings_it_home_and_lists_and_exports_it(couple, capsys, monkeypatch):
    ws, alex, sam = couple
    strand_alexs_answer(ws, alex, sam)
    data = str(ws.layout.root)
    ws.close()
    code, out, err = run_cli(["checkin", "--profile", "Alex", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0 and "cannot tell whether" in err
    code, out, _ = run_cli(["list", "--profile", "Alex", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0 and CANARY in out
    code, out, _ = run_cli(["export", "--format", "md", "--profile", "Alex", "--data-dir", data], capsys, monkeypatch, f"{PASS_A}\n")
    assert code == 0 and CANARY in out and "no longer knows" in out
    for who, password, extra in (("Sam", PASS_B, []), ("Sam", PASS_B, ["--shared"])):
        code, out, _ = run_cli(["list", "--profile", who, *extra, "--data-dir", data], capsys, monkeypatch, f"{password}\n")
        assert code == 0 and CANARY not in out
