"""The journal's fast search finds exactly what the domain's rule finds, and reads only its snapshot."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from itertools import islice
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.entries import Entry, EntryFilter, new_entry, newest_first
from reflect.storage import entry_search
from reflect.storage.entry_search import EntrySearch
from reflect.storage.space_store import SpaceStore

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))

# Characters whose casefolding is odd (ß -> ss, ſ and ſt, the Kelvin sign,
# dotted İ -> i + combining dot, ﬁ, final sigma), combining marks, emoji,
# the search's own separators, other control characters and a lone surrogate.
ODD = "ßſKİıﬁﬆΣσς\u0307\u0301é🫂\x00\x01\x02\n\t \ud800"
_CHARS = st.one_of(st.sampled_from(ODD + "abkSsiIfte"), st.sampled_from(ODD), st.characters())
_TEXT = st.lists(_CHARS, max_size=10).map("".join)


def _entry(i: int, text: str, prompt: str, starred: bool, tags: tuple[str, ...], section: str) -> Entry:
    # Built directly (not through new_entry) so a lone surrogate can stay in the text.
    when = T0 + timedelta(minutes=i % 4)  # ties in time too: the id breaks them
    return Entry(
        id=f"e{i:03d}",
        space="me",
        text=text,
        created=when,
        updated=when,
        prompt_text=prompt,
        section_id=section,
        tags=tags,
        starred=starred,
    )


_ENTRY_FIELDS = st.tuples(
    _TEXT,
    st.one_of(st.just(""), _TEXT),
    st.booleans(),
    st.sampled_from([(), ("calm",), ("calm", "hard")]),
    st.sampled_from(["", "a", "b"]),
)


@st.composite
def journals_and_filters(draw):
    fields = draw(st.lists(_ENTRY_FIELDS, max_size=12))
    entries = [_entry(i, *f) for i, f in enumerate(fields)]
    pieces = [e.text for e in entries] + [e.prompt_text for e in entries]
    # Half of the needles are cut out of what was written (so they are found),
    # in another case, so casefolding has to agree.
    source = draw(st.sampled_from(pieces)) if pieces and draw(st.integers(0, 3)) else draw(_TEXT)
    start = draw(st.integers(0, len(source)))
    needle = source[start : start + draw(st.integers(1, 4))]
    needle = draw(st.sampled_from([needle, needle.upper(), needle.lower(), needle.casefold()]))
    flt = EntryFilter(
        contains=needle,
        tags=draw(st.sampled_from([(), ("calm",), ("hard",)])),
        section_id=draw(st.sampled_from(["", "a"])),
        starred_only=draw(st.booleans()),
    )
    return entries, flt


def _rule(entries: list[Entry], flt: EntryFilter) -> list[Entry]:
    return [e for e in newest_first(list(entries)) if flt.matches(e)]


@settings(max_examples=400, deadline=None)
@given(journals_and_filters())
def test_the_fast_search_is_the_domain_rule(case):
    entries, flt = case
    expected = _rule(entries, flt)
    search = EntrySearch(tuple(entries))
    assert search.search(flt) == expected
    # Lazily: the first rows asked for are the newest ones, nothing else.
    assert list(islice(search.matching(flt), 2)) == expected[:2]
    # A snapshot taken after one entry changed reuses the others' folded text.
    if entries:
        changed = Entry(**{**entries[0].__dict__, "text": entries[-1].text + flt.contains.upper()})
        after = [changed, *entries[1:]]
        later = EntrySearch(tuple(after), previous=search)
        assert later.search(flt) == _rule(after, flt)


_CHANGE = st.tuples(st.sampled_from(["add", "edit", "delete"]), st.integers(0, 40), _ENTRY_FIELDS)


@settings(max_examples=200, deadline=None)
@given(
    start=st.lists(_ENTRY_FIELDS, max_size=10),
    changes=st.lists(st.lists(_CHANGE, min_size=1, max_size=4), max_size=5),
    block=st.integers(1, 3),
    needle=_TEXT,
)
def test_snapshot_after_snapshot_is_still_the_domain_rule(start, changes, block, needle):
    """Each change refolds only the blocks it touches (tiny blocks here, so a
    journal has many): every snapshot in a chain still answers as the rule does."""
    flt = EntryFilter(contains=needle)
    with mock.patch.object(entry_search, "BLOCK", block):
        journal = {e.id: e for e in (_entry(i, *f) for i, f in enumerate(start))}
        previous = EntrySearch(tuple(journal.values()))
        assert previous.search(flt) == _rule(list(journal.values()), flt)
        serial = len(start)
        for batch in changes:
            for kind, which, fields in batch:
                ids = sorted(journal)
                if kind == "add" or not ids:
                    serial += 1
                    new = _entry(serial + which, *fields)
                    journal[new.id] = new
                elif kind == "edit":
                    old = journal[ids[which % len(ids)]]
                    journal[old.id] = Entry(**{**old.__dict__, "text": fields[0], "starred": fields[2]})
                else:
                    del journal[ids[which % len(ids)]]
            snapshot = EntrySearch(tuple(journal.values()), previous=previous)
            assert snapshot.search(flt) == _rule(list(journal.values()), flt)
            assert snapshot.newest() == newest_first(list(journal.values()))
            previous = snapshot


def test_casefold_oddities_are_found_the_way_the_rule_finds_them():
    texts = ["Straße", "ſtill", "20 \u212a outside", "İstanbul", "ﬁne", "ΣΟΦΟΣ", "plain"]
    entries = [_entry(i, t, "", False, (), "") for i, t in enumerate(texts)]
    search = EntrySearch(tuple(entries))
    for needle in ["ss", "STRASSE", "st", "still", "k", "K", "i\u0307", "fi", "σοφος", "ς", "s", "\x00", ""]:
        flt = EntryFilter(contains=needle)
        assert search.search(flt) == _rule(entries, flt), repr(needle)
    assert [e.text for e in search.search(EntryFilter(contains="ss"))] == ["Straße"]
    assert len(search.search(EntryFilter(contains="k"))) == 1


def test_a_snapshot_keeps_answering_for_the_moment_it_was_taken(tmp_path):
    """Taken on the main thread, searched later (in a worker): what the store did
    meanwhile never reaches it, and the next snapshot sees all of it."""
    store = SpaceStore.open(tmp_path / "me.json", space="me", now=lambda: T0)
    first = new_entry("a quiet walk", space="me", now=T0)
    second = new_entry("walking home", space="me", now=T0 + timedelta(minutes=1))
    store.add(first)
    store.add(second)
    walk = EntryFilter(contains="WALK")
    snapshot = store.search_snapshot()
    assert store.search_snapshot() is snapshot  # nothing changed: the same one, searched once
    store.add(new_entry("a third walk", space="me", now=T0 + timedelta(minutes=2)))
    store.delete(first.id)
    store.update(second.edited("stayed in", T0))
    # Built only now, after the changes, and still the journal as it was.
    assert snapshot.search(walk) == [second, first]
    assert len(snapshot) == 2
    assert [e.text for e in store.search(walk)] == ["a third walk"]
    assert [e.text for e in store.search_snapshot().newest()] == ["a third walk", "stayed in"]
    store.close()


def test_a_worker_searching_while_the_store_changes_sees_one_consistent_journal(tmp_path):
    store = SpaceStore.open(tmp_path / "me.json", space="me", now=lambda: T0)
    for i in range(200):
        store.add(new_entry(f"evening {i} walk", space="me", now=T0 + timedelta(minutes=i)))
    walk = EntryFilter(contains="walk")
    snapshots = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(60):
                snapshot = snapshots[-1]
                found = snapshot.search(walk)
                assert found == _rule(snapshot.newest(), walk)
        except BaseException as error:  # handed back to the test's thread
            failures.append(error)

    snapshots.append(store.search_snapshot())
    thread = threading.Thread(target=worker)
    thread.start()
    for i in range(60):
        store.add(new_entry(f"night {i} walk", space="me", now=T0 + timedelta(hours=9, minutes=i)))
        snapshots.append(store.search_snapshot())
    thread.join()
    assert not failures
    assert len(store.search(walk)) == 260
    store.close()
