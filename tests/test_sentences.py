"""The sentence builder's rules and records, without a terminal."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from reflect.domain.content import SentenceStarter
from reflect.domain.sentences import (
    Reflection,
    SentenceRefused,
    build_sentence,
    receive,
    reflect_back,
)
from reflect.storage.exercise_records import sentence_from_record, sentence_to_record
from reflect.usecases.sentences import add_sentences, read_sentences, save_sentence

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc)
HARD = SentenceStarter("hard-because", "I want to be close to you and it's hard right now because", "naming")
HEARD = SentenceStarter("what-i-heard", "What I heard is", "receiving")
WHOLE = SentenceStarter("heard-you", "I heard you. You don't need to say anything more right now.", "receiving")


def spoken(**kw):
    return build_sentence(HARD, " I keep [b]picturing[/] it ", "a quiet evening", space="shared", now=NOW,
                          speaker=kw.get("speaker", "alex"))


def test_the_whole_sentence_is_the_beginning_the_ending_and_what_would_help():
    sentence = spoken()
    assert sentence.text == (
        "I want to be close to you and it's hard right now because I keep [b]picturing[/] it\n"
        "What would help is a quiet evening"
    )
    with pytest.raises(SentenceRefused, match="few words"):
        build_sentence(HARD, "   ", space="shared", now=NOW)
    with pytest.raises(SentenceRefused):
        build_sentence(HEARD, "something", space="shared", now=NOW)


def test_the_partner_receives_once_with_a_receiving_beginning_and_the_speaker_answers_once():
    sentence = spoken()
    with pytest.raises(SentenceRefused):
        receive(sentence, "alex", HEARD, "you", now=NOW)  # not the speaker
    with pytest.raises(SentenceRefused):
        receive(sentence, "sam", HARD, "you", now=NOW)  # not a receiving beginning
    with pytest.raises(SentenceRefused):
        reflect_back(sentence, "alex", Reflection.THATS_IT)  # nothing received yet
    received = receive(sentence, "sam", HEARD, "that evenings are hard", now=NOW)
    assert received.authors == ("alex", "sam")
    with pytest.raises(SentenceRefused):
        receive(received, "sam", HEARD, "more", now=NOW)
    whole = receive(sentence, "sam", WHOLE, "", now=NOW)
    assert whole.received.text == WHOLE.text
    with pytest.raises(SentenceRefused):
        reflect_back(received, "sam", Reflection.THATS_IT)
    answered = reflect_back(received, "alex", Reflection.NOT_QUITE, "it is more the mornings")
    with pytest.raises(SentenceRefused, match="nothing more"):
        reflect_back(answered, "alex", Reflection.THATS_IT)


def test_a_sentence_alone_has_no_receiving_step():
    alone = build_sentence(HARD, "I am tired", space="private-robin", now=NOW)
    with pytest.raises(SentenceRefused):
        receive(alone, "sam", HEARD, "you are tired", now=NOW)


def test_the_record_round_trips_without_loss():
    whole = reflect_back(receive(spoken(), "sam", HEARD, "x", now=NOW), "alex", Reflection.THATS_IT, "yes")
    assert sentence_from_record(sentence_to_record(whole)) == whole
    alone = spoken()
    assert sentence_from_record(sentence_to_record(alone)) == alone
    with pytest.raises(ValueError):
        sentence_from_record({"id": "x", "space": "shared"})
    bad = sentence_to_record(whole) | {"reflection": "maybe"}
    with pytest.raises(ValueError, match="reflection"):
        sentence_from_record(bad)


def test_saving_updates_the_one_linked_record_and_import_adds_nothing_twice(solo_ws):
    journal = solo_ws.journal
    sentence = build_sentence(HARD, "I am tired", space=journal.space, now=NOW)
    save_sentence(journal, sentence)
    save_sentence(journal, sentence)
    found, problems = read_sentences(journal)
    assert found == [sentence] and problems == []
    assert add_sentences(journal, [sentence]) == 0
    journal.insert_record("sentences", {"id": "broken"})
    found, problems = read_sentences(journal)
    assert found == [sentence] and len(problems) == 1 and "I am tired" not in problems[0]
