"""Couple sessions kept on disk (reflect.usecases.couple_sessions), without a terminal."""

from __future__ import annotations

import pytest

from reflect.domain.sessions import RevealChoice, SessionExercise, SessionRefused, Stage
from reflect.usecases import couple_sessions as cs
from tests.helpers import PASS_A, PASS_B, files_under, forms_of

PROMPT = SessionExercise(kind="prompt", ref="together-1", title="What helped this week?")
LADDER = SessionExercise(kind="ladder-try", ref="sit-closer", title="Sitting a little closer")
CANARY_A = "ALEX-PENDING-CANARY-7781"
CANARY_B = "SAM-PENDING-CANARY-4410"


def together(ws, first, second):
    """``first`` unlocks, then ``second`` joins: both are here."""
    words = {ws.household.profiles[0].id: PASS_A, ws.household.profiles[1].id: PASS_B}
    ws.unlock(first, words[first.id])
    ws.join(ws.open_for(second, words[second.id]))
    assert ws.together
    return ws


def texts_reachable(ws) -> str:
    """Every text the open, on-screen spaces hold: entries, drafts and every other table."""
    parts = []
    for space in ws.open_spaces:
        journal = ws.store(space)
        parts.extend(e.text for e in journal.entries())
        parts.append(repr(journal._store._storage.read()))
    return "\n".join(parts)


def test_together_shows_only_the_shared_space(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    shared = ws.household.shared_space
    assert ws.open_spaces == [shared]
    assert ws.active_space == shared
    for person in (alex, sam):
        with pytest.raises(Exception):
            ws.store(person.space)
        with pytest.raises(Exception):
            ws.switch_space(person.space)
    assert ws.session.presence.together
    ws.lock()
    assert not ws.together and ws.partner_here is None


def test_only_the_other_partner_can_join(couple):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    with pytest.raises(Exception):
        ws.join(ws.open_for(alex, PASS_A))
    assert not ws.together


def test_both_answer_and_both_reveal(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    session = cs.begin(ws, PROMPT, starter=sam.id)
    assert session.partners == (sam.id, alex.id)
    assert cs.next_turn(session) == sam.id
    session = cs.save_answer(ws, session.id, sam.id, "Sam's words")
    assert cs.next_turn(session) == alex.id
    session = cs.save_answer(ws, session.id, alex.id, "Alex's words")
    assert session.stage is Stage.CHOOSING
    with pytest.raises(SessionRefused):
        cs.reveal(ws, session.id)
    cs.choose(ws, session.id, sam.id, RevealChoice.REVEAL)
    cs.choose(ws, session.id, alex.id, RevealChoice.REVEAL)
    outcome = cs.reveal(ws, session.id)
    assert outcome.shown == ((sam.id, "Sam's words"), (alex.id, "Alex's words"))
    assert outcome.kept == ()
    shared = ws.store(ws.household.shared_space)
    by_author = {e.author: e for e in shared.entries() if e.session_id == session.id}
    assert by_author[sam.id].text == "Sam's words" and by_author[alex.id].text == "Alex's words"
    assert cs.revealed(ws, session.id).shown == outcome.shown
    # Nothing is left pending: the words live once, in the shared space.
    for person in (alex, sam):
        assert cs.own_answer(ws, session.id, person.id) is None
        assert ws.session.sealed_journal_of(person.id).get(cs.answer_entry_id(session.id, person.id)) is None
    assert cs.unfinished(ws) == []


def test_a_kept_answer_stays_in_its_writers_journal_and_the_partner_sees_a_line(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY_A)
    cs.save_answer(ws, sid, sam.id, "Sam's words")
    cs.choose(ws, sid, alex.id, RevealChoice.KEEP)
    cs.choose(ws, sid, sam.id, RevealChoice.REVEAL)
    outcome = cs.reveal(ws, sid)
    assert outcome.shown == ((sam.id, "Sam's words"),)
    assert outcome.kept == (alex.id,)
    assert CANARY_A not in texts_reachable(ws)
    kept = ws.session.sealed_journal_of(alex.id).get(cs.answer_entry_id(sid, alex.id))
    assert kept is not None and kept.text == CANARY_A and kept.session_id == sid
    ws.lock()
    ws.unlock(alex, PASS_A)
    mine = ws.store(alex.space).get(cs.answer_entry_id(sid, alex.id))
    assert mine.text == CANARY_A


def test_a_pending_answer_is_sealed_in_its_writers_space_only(couple, data_dir):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY_A)
    cs.keep_draft(ws, sid, sam.id, CANARY_B)
    assert CANARY_A not in texts_reachable(ws)
    assert CANARY_B not in texts_reachable(ws)
    ws.lock()
    # Sam alone: his passphrase opens his journal and the shared space, where
    # only "Alex has answered" is written.
    ws.unlock(sam, PASS_B)
    assert CANARY_A not in texts_reachable(ws)
    assert cs.find(ws, sid).answered == {alex.id}
    assert cs.draft_of(ws, sid, sam.id) == CANARY_B
    with pytest.raises(SessionRefused):
        cs.own_answer(ws, sid, alex.id)
    ws.lock()
    # On disk, in no form at all.
    for path in files_under(data_dir):
        data = path.read_bytes()
        for form in forms_of(CANARY_A) + forms_of(CANARY_B):
            assert form not in data, path
    ws.unlock(alex, PASS_A)
    assert cs.own_answer(ws, sid, alex.id) == CANARY_A


def test_an_answer_may_change_until_its_writer_chooses(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, "first")
    cs.save_answer(ws, sid, alex.id, "second")
    assert cs.own_answer(ws, sid, alex.id) == "second"
    cs.save_answer(ws, sid, sam.id, "his")
    cs.choose(ws, sid, alex.id, RevealChoice.REVEAL)
    with pytest.raises(SessionRefused):
        cs.save_answer(ws, sid, alex.id, "third")
    assert cs.own_answer(ws, sid, alex.id) == "second"


def test_interrupted_and_resumed_after_a_lock_on_another_day(couple, clock):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, LADDER, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, "felt alright")
    ws.lock()
    clock.advance(days=3)
    together(ws, sam, alex)
    (open_session,) = cs.unfinished(ws, kind="ladder-try")
    assert open_session.id == sid and cs.next_turn(open_session) == sam.id
    assert cs.unfinished(ws, kind="prompt") == []
    assert cs.own_answer(ws, sid, alex.id) == "felt alright"
    cs.save_answer(ws, sid, sam.id, "a bit tense")
    cs.choose(ws, sid, alex.id, RevealChoice.REVEAL)
    cs.choose(ws, sid, sam.id, RevealChoice.REVEAL)
    assert dict(cs.reveal(ws, sid).shown) == {alex.id: "felt alright", sam.id: "a bit tense"}


def test_ending_keeps_each_answer_in_its_writers_journal(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY_A)
    ended = cs.end(ws, sid, sam.id)
    assert ended.stage is Stage.ENDED and ended.ended_by == sam.id
    assert cs.unfinished(ws) == []
    assert CANARY_A not in texts_reachable(ws)
    entry = ws.session.sealed_journal_of(alex.id).get(cs.answer_entry_id(sid, alex.id))
    assert entry.text == CANARY_A and entry.session_id == sid and entry.prompt_text == PROMPT.title
    with pytest.raises(SessionRefused):
        cs.save_answer(ws, sid, sam.id, "too late")


def test_ended_while_the_writer_is_away_their_answer_comes_home_at_their_unlock(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, CANARY_A)
    ws.lock()
    ws.unlock(sam, PASS_B)
    cs.end(ws, sid, sam.id)
    ws.lock()
    ws.unlock(alex, PASS_A)
    cs.settle(ws)
    cs.settle(ws)  # twice changes nothing more
    entries = [e for e in ws.store(alex.space).entries() if e.session_id == sid]
    assert [e.text for e in entries] == [CANARY_A]
    assert cs.own_answer(ws, sid, alex.id) is None


def test_the_reveal_waits_for_both_to_be_here(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, "a")
    cs.save_answer(ws, sid, sam.id, "b")
    cs.choose(ws, sid, alex.id, RevealChoice.REVEAL)
    cs.choose(ws, sid, sam.id, RevealChoice.REVEAL)
    ws.lock()
    ws.unlock(alex, PASS_A)
    with pytest.raises(SessionRefused):
        cs.reveal(ws, sid)
    assert all(not e.session_id for e in ws.store(ws.household.shared_space).entries())
    ws.lock()
    together(ws, alex, sam)
    assert len(cs.reveal(ws, sid).shown) == 2


def test_a_reveal_cut_short_by_a_crash_is_finished_at_the_next_unlock(couple, monkeypatch):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, "a")
    cs.save_answer(ws, sid, sam.id, "b")
    cs.choose(ws, sid, alex.id, RevealChoice.REVEAL)
    cs.choose(ws, sid, sam.id, RevealChoice.KEEP)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cs, "_settle_people", crash)
    with pytest.raises(KeyboardInterrupt):
        cs.reveal(ws, sid)
    monkeypatch.undo()
    ws.lock()
    together(ws, alex, sam)
    cs.settle(ws)
    assert cs.own_answer(ws, sid, alex.id) is None  # revealed: in the shared space only
    shared = ws.store(ws.household.shared_space)
    assert shared.get(cs.answer_entry_id(sid, alex.id)).text == "a"
    assert shared.get(cs.answer_entry_id(sid, sam.id)) is None
    assert ws.session.sealed_journal_of(sam.id).get(cs.answer_entry_id(sid, sam.id)).text == "b"


def test_choosing_without_an_answer_or_out_of_turn_is_refused(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    cs.save_answer(ws, sid, alex.id, "a")
    with pytest.raises(SessionRefused):
        cs.choose(ws, sid, alex.id, RevealChoice.REVEAL)
    assert cs.find(ws, sid).choices == ()
    with pytest.raises(SessionRefused):
        cs.find(ws, "no-such") or cs.save_answer(ws, "no-such", alex.id, "x")


def test_has_begun_any_is_false_until_the_first_session(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    assert not cs.has_begun_any(ws)
    cs.begin(ws, PROMPT, starter=alex.id)
    assert cs.has_begun_any(ws)


def test_a_session_needs_the_shared_space(workspaces):
    ws = workspaces.solo()
    with pytest.raises(SessionRefused):
        cs.begin(ws, PROMPT, starter=ws.current.id)


# --- Random interleavings through the use cases, on a real data folder -------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "choose", "reveal", "end", "lock", "hide", "crash", "alone", "join"]),
        st.integers(0, 1),
        st.sampled_from(list(RevealChoice)),
    ),
    min_size=1,
    max_size=18,
)


def _everything(journal) -> str:
    """A space as it is held: every table, entries, drafts and records."""
    return repr(journal._store._storage.read())


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_interleavings_reveal_nothing_early_and_lose_nothing(tmp_path_factory, clock, steps):
    from tests.helpers import open_couple

    data_dir = tmp_path_factory.mktemp("interleaving") / "data"
    ws = open_couple(data_dir, clock)
    alex, sam = ws.household.profiles
    people = (alex, sam)
    together(ws, alex, sam)
    sid = cs.begin(ws, PROMPT, starter=alex.id).id
    last: dict[str, str] = {}
    counter = 0
    for verb, who, choice in steps:
        person = people[who]
        try:
            if verb == "answer":
                counter += 1
                text = f"<{person.name}-answer-{counter}>"
                cs.save_answer(ws, sid, person.id, text)
                last[person.id] = text
            elif verb == "choose":
                cs.choose(ws, sid, person.id, choice)
            elif verb == "reveal":
                cs.reveal(ws, sid)
            elif verb == "end":
                cs.end(ws, sid, person.id)
            elif verb in ("lock", "hide"):
                ws.lock()  # a quick hide locks too
            elif verb == "alone":
                ws.lock()
                ws.unlock(person, (PASS_A, PASS_B)[who])
                cs.settle(ws)  # as the app does at every unlock
            elif verb == "join":
                ws.lock()
                together(ws, person, people[1 - who])
                cs.settle(ws)
            elif verb == "crash":
                # The process dies: nothing is closed or locked; a new one opens the folder.
                ws.folder.release()
                ws = _reopen(data_dir, clock)
        except SessionRefused:
            pass
        # Read back with both keys: the shared space holds an answer only once shown.
        check = _reopen(data_dir, clock, keep=ws)
        together(check, alex, sam)
        session = cs.find(check, sid)
        shared = _everything(check.store(check.household.shared_space))
        for index, p in enumerate(people):
            text = last.get(p.id)
            if text is None:
                continue
            shown = session.stage is Stage.REVEALED and session.choice_of.get(p.id) is RevealChoice.REVEAL
            assert (text in shared) == shown
            own = check.session.sealed_journal_of(p.id)
            other = check.session.sealed_journal_of(people[1 - index].id)
            assert text not in _everything(other)
            # Not lost: in its writer's journal (pending or an entry) unless it was shown.
            held = own.get(cs.answer_entry_id(sid, p.id))
            pending = cs.own_answer(check, sid, p.id)
            assert shown or text in (pending, held.text if held else None)
        check.lock()
    ws.close()


def _reopen(data_dir, clock, keep=None):
    """Another open of the same folder, as a second run of reflect would see it (no lock taken)."""
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.workspace import Workspace
    from tests.helpers import DEFAULT_PACKS

    return Workspace.open(
        data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST, take_lock=keep is None
    )
