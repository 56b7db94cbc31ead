"""Sentences and the ladder in the journal rows, search, exports and `reflect import`, without loss."""

from __future__ import annotations

import orjson

from reflect.domain.entries import EntryFilter
from reflect.domain.ladder import pause, record_try, set_pace
from reflect.domain.sentences import Reflection, build_sentence, receive, reflect_back
from reflect.usecases.exercise_journal import matching, records_of
from reflect.usecases.exports import export_space
from reflect.usecases.imports import import_into, import_report, read_import
from reflect.usecases.ladder import LadderBook, saved_ladder
from reflect.usecases.sentences import pack_starters, read_sentences, save_sentence
from tests.helpers import PASS_A, open_solo


def fill(ws):
    """A private ladder with a try and a pause, and one sentence, in Robin's journal."""
    person, journal = ws.current, ws.journal
    book = LadderBook.for_workspace(ws)
    ladder = book.change(set_pace, person, book.load().steps[1].id)
    book.change(record_try, ladder.steps[0].id, "sess", by=person.id, stop_signal="a raised hand")
    book.change(pause, person)
    starter = pack_starters(ws)[0]
    sentence = save_sentence(journal, build_sentence(starter, "mornings [b]are[/] hard", "tea", space=journal.space,
                                                     now=ws.now()))
    return book.load(), sentence


def test_the_journal_rows_and_search_find_sentences_and_the_ladders_notes(solo_ws):
    ladder, sentence = fill(solo_ws)
    rows = records_of(solo_ws.journal, solo_ws)
    kinds = {r.kind for r in rows}
    assert kinds == {"sentence", "ladder"}
    assert [r.title for r in matching(rows, EntryFilter(contains="MORNINGS"))] == [sentence.title]
    assert any("a raised hand" in r.text for r in matching(rows, EntryFilter(contains="raised")))
    assert matching(rows, EntryFilter(contains="mornings", starred_only=True)) == []
    touch = next(s for _, s in solo_ws.sections() if s.id == "touch-ladder")
    assert {r.kind for r in matching(rows, EntryFilter(section_id=touch.id))} == {"ladder"}


def test_markdown_shows_them_and_json_brings_them_back_without_loss(solo_ws, tmp_path, clock):
    ladder, sentence = fill(solo_ws)
    markdown, _ = export_space(solo_ws.journal, "md", solo_ws.now().tzinfo)
    assert "# Sentences" in markdown and "mornings [b]are[/] hard" in markdown
    assert "# The touch ladder" in markdown and "The ladder is resting for now." in markdown
    assert "stop signal: a raised hand" in markdown
    text, _ = export_space(solo_ws.journal, "json", solo_ws.now().tzinfo)
    data = orjson.loads(text)
    assert len(data["sentences"]) == 1 and data["ladder"]["log"]
    path = tmp_path / "export.json"
    path.write_text(text)

    # Into another folder: the same words, the same log; no pace is taken from a file.
    other = open_solo(tmp_path / "other", clock)
    try:
        check_import_into(other, path, ladder, sentence)
    finally:
        other.close()


def check_import_into(other, path, ladder, sentence):
    contents = read_import(path)
    result = import_into(other.journal, contents)
    found, _ = read_sentences(other.journal)
    assert found == [sentence.__class__(**{**sentence.__dict__, "space": other.journal.space})]
    brought = saved_ladder(other.journal)
    assert brought.log == ladder.log and brought.steps == ladder.steps
    assert brought.pace is None and not brought.paused
    assert any("sentence" in line for line in import_report(result))
    # Twice adds nothing.
    again = import_into(other.journal, read_import(path))
    assert again.sentences_added == 0 and again.ladder_notes_added == 0


def test_a_received_sentence_imported_into_the_shared_space_names_only_the_importer(couple, tmp_path):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    shared = ws.store(ws.household.shared_space)
    starters = pack_starters(ws)
    naming = next(s for s in starters if s.kind == "naming")
    heard = next(s for s in starters if s.kind == "receiving")
    whole = reflect_back(
        receive(build_sentence(naming, "x", space=shared.space, now=ws.now(), speaker=alex.id), sam.id, heard,
                "you", now=ws.now()),
        alex.id,
        Reflection.THATS_IT,
    )
    save_sentence(shared, whole)
    text, _ = export_space(shared, "json", ws.now().tzinfo)
    path = tmp_path / "shared.json"
    path.write_text(text.replace(whole.id, "another-id"))
    import_into(shared, read_import(path), author=sam.id)
    found, _ = read_sentences(shared)
    imported = next(s for s in found if s.id == "another-id")
    assert imported.speaker == sam.id and imported.listener == ""
    assert imported.received.text == whole.received.text and imported.reflection is Reflection.THATS_IT


def test_session_prep_takes_my_sentences_without_my_partners_words_and_the_ladders_notes(couple):
    from reflect.usecases.session_prep import (
        PrepChoices,
        PrepItemKind,
        PrepSources,
        build_prep,
        kinds_for,
        last_weeks,
        prep_markdown,
    )
    from tests.helpers import PASS_B

    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    shared = ws.store(ws.household.shared_space)
    starters = pack_starters(ws)
    naming = next(s for s in starters if s.kind == "naming")
    heard = next(s for s in starters if s.kind == "receiving")
    mine = build_sentence(naming, "ALEX-WORDS", space=shared.space, now=ws.now(), speaker=alex.id)
    save_sentence(shared, reflect_back(receive(mine, sam.id, heard, "SAM-WORDS", now=ws.now()), alex.id,
                                       Reflection.NOT_QUITE, "more the mornings"))
    save_sentence(shared, build_sentence(naming, "SAM-OWN", space=shared.space, now=ws.now(), speaker=sam.id))
    book = LadderBook.for_workspace(ws)
    book.change(set_pace, alex, book.load().steps[1].id)
    ws.lock()
    ws.unlock(alex, PASS_A)
    sources = PrepSources.from_workspace(ws)
    assert {k.kind for k in kinds_for(sources)} >= {PrepItemKind.SENTENCES, PrepItemKind.LADDER}
    today = ws.now().date()
    prep = build_prep(sources, PrepChoices(last_weeks(1, today), frozenset(PrepItemKind)), today=today)
    text = prep_markdown(prep)
    assert "ALEX-WORDS" in text and "not quite. more the mornings" in text
    assert "SAM-WORDS" not in text and "SAM-OWN" not in text
    assert "Where the ladder is now:" in text and "The pace is now:" in text
    ws.lock()
    ws.unlock(sam, PASS_B)
    assert PrepItemKind.SENTENCES in {k.kind for k in kinds_for(PrepSources.from_workspace(ws))}


def test_both_hurt_one_limit_exports_and_prep_say_the_ladder_has_not_begun_as_the_screen_does(tmp_path, clock):
    """Before: exports and session prep read the ladder without who is hurt, so Ana's one limit set the pace."""
    from reflect.domain.profiles import Role
    from reflect.usecases.session_prep import PrepChoices, PrepItemKind, PrepSources, build_prep, last_weeks, prep_markdown
    from reflect.usecases.workspace import NewPerson
    from tests.helpers import PASS_B, open_fresh

    ws = open_fresh(tmp_path / "data", clock)
    try:
        ws.set_up([NewPerson("Ana", Role.HURT, PASS_A), NewPerson("Ben", Role.HURT, PASS_B)])
        ana, ben = ws.household.profiles
        ws.unlock(ana, PASS_A)
        book = LadderBook.for_workspace(ws)
        steps = book.load().steps
        book.change(set_pace, ana, steps[2].id)
        assert book.load().pace is None  # the screen's reading: Ben has not begun
        today = ws.now().date()
        prep = build_prep(PrepSources.from_workspace(ws), PrepChoices(last_weeks(1, today), frozenset(PrepItemKind)),
                          today=today)
        text = prep_markdown(prep)
        assert "Where the ladder is now:" not in text and "The ladder has not begun." in text
        from reflect.usecases.ladder import hurt_partners

        shared = ws.store(ws.household.shared_space)
        markdown, _ = export_space(shared, "md", ws.now().tzinfo, hurt=hurt_partners(ws.household))
        assert "The ladder has not begun." in markdown and f"Where it is: {steps[2].text}" not in markdown
    finally:
        ws.close()
