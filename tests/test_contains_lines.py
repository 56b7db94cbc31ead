"""``reflect list --contains`` reading only the older part's lines that can
match (``space_scan._by_lines``), against the usual open (issue 12, fourth step).

The quick scan lowers the older part's bytes and parses alone every line that
holds the word, or a character whose casefolding gives ASCII letters, or a
``\\u``/``\\/`` escape; it must give exactly the usual open's answer for every
journal this reflect writes, and for a file edited by hand either that answer
or ``None`` (then the usual open says what is wrong), never another one --
but for what the module's docstring says is not read: lines that cannot match,
and a record crafted inside another's field over several lines.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_quick_search import both_ways, make_folder
from reflect.domain.entries import EntryFilter, new_entry, newest_first
from reflect.storage import records, space_scan
from reflect.storage.errors import StoreError
from reflect.storage.space_store import SpaceStore

T0 = datetime(2025, 6, 1, 20, 0, tzinfo=timezone(timedelta(hours=2)))
SPACE = "me"

# Characters that try the scan: those whose casefolding is ASCII, escapes JSON
# writes, quotes, backslashes, newlines, mixed case, other scripts.
_RISKY = "ßẞſ\u212aİﬁﬀﬅ\u1e9a\u0149\u01f0" + 'AaBbSsTtKkIiFf "\\/\n\t\r\x00\x1f\x7f,:{}[]' + "éÉ🫂Ωσς\u0307\u2028"
_TEXT = st.text(alphabet=st.sampled_from(list(_RISKY)), max_size=14)


@contextlib.contextmanager
def _small_head(keep: int):
    old = records.HEAD_MIN_ENTRIES
    records.HEAD_MIN_ENTRIES = keep
    try:
        yield
    finally:
        records.HEAD_MIN_ENTRIES = old


def _journal(path: Path, texts: list[tuple[str, str]], keep: int, edits: list[tuple[int, str | None]]) -> None:
    """A plain space at ``path``: ``texts`` (text, prompt text) as entries, compacted with
    a head of ``keep``, then ``edits`` through the change log (new text, or None: removed)."""
    with _small_head(keep):
        store = SpaceStore.open(path, space=SPACE)
        made = []
        for i, (text, prompt) in enumerate(texts):
            entry = new_entry("x", space=SPACE, now=T0 + timedelta(hours=i), prompt_text=prompt)
            made.append(dataclasses.replace(entry, text=text))  # raw: control characters and all
        store.add_many(made)
        store.compact()
        for at, text in edits:
            if not made:
                break
            entry = made[at % len(made)]
            if store.get(entry.id) is None:
                continue
            if text is None:
                store.delete(entry.id)
            else:
                store.update(dataclasses.replace(entry, text=text, updated=T0 + timedelta(days=900)))
        store.close()


def _usual(path: Path, needle: str) -> list | str:
    flt = EntryFilter(contains=needle)
    try:
        with SpaceStore.open(path, space=SPACE, create=False, read_only=True) as store:
            return newest_first([e for e in store.entries() if flt.matches(e)])
    except StoreError as exc:
        return type(exc).__name__


def _quick(path: Path, needle: str) -> tuple[object, list | None]:
    """What the quick scan returned, and whether it read the older part by lines."""
    seen: list = []
    real = space_scan._by_lines

    def spy(*args):
        seen.append(real(*args))
        return seen[-1]

    space_scan._by_lines = spy
    try:
        found = space_scan.entries_matching(path, EntryFilter(contains=needle), space=SPACE)
    finally:
        space_scan._by_lines = real
    how = "lines" if seen and seen[0] is not space_scan._ONE_LINE and seen[0] is not None else ("none" if seen and seen[0] is None else "whole")
    return how, found


@st.composite
def _needles(draw, texts):
    """A piece of one of the texts (its edges included), its case changed, or a risky word."""
    pool = [t for pair in texts for t in pair if t]
    if pool and draw(st.booleans()):
        text = draw(st.sampled_from(pool))
        start = draw(st.integers(0, len(text) - 1))
        stop = draw(st.integers(start + 1, len(text)))
        piece = text[start:stop]
        return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in piece) or "s"
    return draw(st.sampled_from(["ss", "s", "st", "fi", "k", "i", "a", "ff", "SS", "Ks", "/", "a/", "b s", "é", "ß", "\\", '"', "\n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_quick_scan_answers_as_the_usual_open(tmp_path_factory, data):
    texts = data.draw(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=10), "texts")
    keep = data.draw(st.integers(1, 4), "keep")
    edits = data.draw(st.lists(st.tuples(st.integers(0, 20), st.one_of(st.none(), _TEXT)), max_size=3), "edits")
    path = tmp_path_factory.mktemp("scan") / "me.json"
    _journal(path, texts, keep, edits)
    for needle in data.draw(st.lists(_needles(texts), min_size=1, max_size=4), "needles"):
        usual = _usual(path, needle)
        how, found = _quick(path, needle)
        assert isinstance(usual, list)
        assert found == usual, (needle, how)
        if space_scan._scannable(needle.casefold()) and len(texts) > keep:
            assert how == "lines", "a journal this reflect wrote is read by lines"


def test_the_characters_that_fold_to_ascii_are_those_of_the_unicode_tables():
    import unicodedata

    found = space_scan.folding_to_ascii()  # every code point tried
    if unicodedata.unidata_version == space_scan._FOLDS_TO_ASCII_UNICODE:
        assert found == space_scan._FOLDS_TO_ASCII  # the list kept for these tables
    assert {"ß", "ſ", "\u212a", "ﬁ", "İ"} <= set(found)
    assert [code for code, _pattern in space_scan._folds_to_ascii()] == [c.encode() for c in found]


@pytest.mark.parametrize(
    ("needle", "text"),
    [("ss", "Stra\u00dfe"), ("s", "\u017f"), ("k", "\u212a"), ("fi", "\ufb01ne"), ("i", "\u0130"), ("st", "\ufb05")],
)
def test_a_word_found_only_through_casefolding_is_found(tmp_path, needle, text):
    """Without the characters that fold to ASCII among the candidates, these would be missed."""
    path = tmp_path / "me.json"
    _journal(path, [(f"older {text}", ""), ("older word", ""), ("newer", ""), ("new", "")], 2, [])
    how, found = _quick(path, needle)
    assert how == "lines"
    assert [e.text for e in found] == [f"older {text}"] == [e.text for e in _usual(path, needle)]


# Files edited by hand: the quick scan says None (the usual way then speaks) or gives the usual answer.


def _older_lines(body: bytes) -> tuple[int, int]:
    end = records.head_end_at_start(body)
    return end + len(records._OLDER_MARK) + 2, len(body) - 3


def _line_with(body: bytes, word: bytes, holding: bool = True) -> tuple[int, int]:
    start, stop = _older_lines(body)
    at = start
    while at < stop:
        end = body.find(b"\n", at, stop)
        end = stop if end < 0 else end
        if (word in body[at:end].lower()) == holding:
            return at, end
        at = end + 1
    raise AssertionError("no such line")


def _hand_edits(body: bytes) -> dict[str, bytes]:
    hit = _line_with(body, b"harbour")
    miss = _line_with(body, b"harbour", holding=False)
    start, stop = _older_lines(body)

    def replace_in(span, old, new):
        a, b = span
        line = body[a:b]
        assert old in line
        return body[:a] + line.replace(old, new, 1) + body[b:]

    # Two records on a matching line, with a record's end and a line break
    # written raw inside another string: every count still adds up.
    two = body[: hit[1]] + body[hit[1] + 1 :]
    a, b = _line_with(two, b"harbour", holding=False)
    two = two[:a] + two[a:b].replace(b"was quiet.", b"was},\nquiet.", 1) + two[b:]
    return {
        "two records on a matching line, a line break in a string": two,
        "raw newline in a string of a matching line": replace_in(hit, b"\\n", b"\n"),
        "raw newline in a string of another line": replace_in(miss, b"\\n", b"\n"),
        "raw newline after a comma in a string": replace_in(miss, b"was quiet.", b"was},\nquiet."),
        "two records on a line": body[: miss[1]] + body[miss[1] + 1 :],
        "two records on a matching line": body[: hit[1]] + body[hit[1] + 1 :],
        "a missing comma after a match": body[: hit[1] - 1] + body[hit[1] :],
        "a blank line": body[: miss[1] + 1] + b"\n" + body[miss[1] + 1 :],
        "a record over two lines": replace_in(miss, b',"space":', b',\n"space":'),
        "a matching record over two lines": replace_in(hit, b',"space":', b',\n"space":'),
        "a letter written as an escape": replace_in(miss, b"field", b"harbo\\u0075r"),
        "a slash written as an escape": replace_in(miss, b"field", b"harbour\\/"),
        "a letter escaped in a match": replace_in(hit, b"arbour", b"\\u0061rbour"),
        "the last line's brace": body[: stop - 1] + body[stop:],
        "a comma after the last line": body[:stop] + b"," + body[stop:],
        "the older part on one line": body[:start] + body[start:stop].replace(b"\n", b"") + body[stop:],
    }


@pytest.mark.parametrize("edit", range(16))
def test_a_file_edited_by_hand_gives_the_usual_answer_or_none(tmp_path, capsys, monkeypatch, edit):
    data, _stdin, path = make_folder(tmp_path / "data")
    name, body = list(_hand_edits(path.read_bytes()).items())[edit]
    path.write_bytes(body)
    # (Two records on a line are caught where the line can match; with counts
    # made to add up, lines that cannot match are among those not read. A
    # line's missing comma likewise: for "harbour/" the line cannot match.)
    only_where_it_matches = name.startswith(("two records on a matching line,", "a missing comma"))
    for word in ("harbour", "HARBOUR/")[: 1 if only_where_it_matches else 2]:
        quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", word], capsys, monkeypatch)
        assert returned, name
        if returned[0] is not None:
            assert quick == usual, name
    # Straight from the scan: None, or what the usual open finds.
    found = space_scan.entries_matching(path, EntryFilter(contains="harbour"), space=_space_of(path))
    usual_found = _usual_in(path, "harbour")
    assert found is None or found == usual_found, name


def _space_of(path: Path) -> str:
    return orjson.loads(path.read_bytes()[: records.head_end_at_start(path.read_bytes())] + b"}")["_meta"]["space"]["space"]


def _usual_in(path: Path, needle: str) -> list | str:
    flt = EntryFilter(contains=needle)
    try:
        with SpaceStore.open(path, space=_space_of(path), create=False, read_only=True) as store:
            return newest_first([e for e in store.entries() if flt.matches(e)])
    except StoreError as exc:
        return type(exc).__name__


@pytest.mark.parametrize("damage", ["braces", "the comma at its end", "cut short"])
def test_a_damaged_record_that_cannot_match_is_not_read_and_the_usual_ways_still_say_so(
    tmp_path, capsys, monkeypatch, damage
):
    """What the quick scan does not check (its module says so): a line that holds
    none of the word is not parsed, nor is its end checked. ``list --contains``
    shows the matches; ``reflect list`` and ``reflect check`` still say the file is damaged."""
    data, _stdin, path = make_folder(tmp_path / "data")
    body = path.read_bytes()
    miss = _line_with(body, b"harbour", holding=False)
    if damage == "braces":
        path.write_bytes(body[: miss[0] + 3] + b"{{" + body[miss[0] + 5 :])
    elif damage == "cut short":
        path.write_bytes(body[: miss[0] + 20] + body[miss[1] :])
    else:
        assert body[miss[1] - 1 : miss[1]] == b","
        path.write_bytes(body[: miss[1] - 1] + body[miss[1] :])
    quick, usual, returned = both_ways(["list", "--data-dir", data, "--contains", "harbour"], capsys, monkeypatch)
    assert returned[0] is not None and quick[0] == 0 and "harbour" in quick[1]
    assert usual[0] == 1 and "could not be read" in usual[2]
    from tests.helpers import run_cli

    code, _out, err = run_cli(["list", "--data-dir", data], capsys, monkeypatch)
    assert code == 1 and "could not be read" in err
    code, out, err = run_cli(["check", "--data-dir", data], capsys, monkeypatch)
    assert code != 0
