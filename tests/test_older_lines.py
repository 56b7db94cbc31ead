"""The older part written one record per line (issue 12, fourth step).

``records.snapshot_bytes`` writes the older part as ``{\\n"id":{...},\\n"id":{...}\\n}``:
JSON whitespace, so every JSON reader (an older reflect's too) reads the body
unchanged, and every newline in it ends a record (orjson never writes a raw
newline inside a string).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.entries import new_entry
from reflect.storage import records

T0 = datetime(2025, 2, 1, 7, 0, tzinfo=timezone(timedelta(hours=-5)))

# Text that tries to look like the layout: newlines, braces, commas, quotes, backslashes.
RISKY_TEXT = st.text(
    alphabet=st.sampled_from(list('ab\n\r\t",:{}[]\\/ ßſ\u212aİﬁ\u2028\x00\x1f\x7fé🫂')), max_size=30
)


def tables_of(texts: list[str], space: str = "me") -> dict:
    tables = records.new_space_tables(space, T0)
    for i, text in enumerate(texts):
        entry = new_entry(text, space=space, now=T0 + timedelta(hours=i), prompt_text=text[::-1])
        tables["entries"][entry.id] = records.entry_to_record(entry)
    return tables


def older_bytes(body: bytes) -> bytes:
    end = records.head_end_at_start(body)
    assert end is not None
    return body[end + len(records._OLDER_MARK) : -1]


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(RISKY_TEXT, min_size=0, max_size=12), keep=st.integers(1, 5))
def test_a_body_with_its_older_part_on_lines_is_plain_json(texts, keep):
    tables = tables_of(texts)
    body = records.snapshot_bytes(tables, keep=keep)
    for parsed in (orjson.loads(body), json.loads(body)):
        merged, layout = records.merge_layout(parsed, body)
        assert merged["entries"] == tables["entries"]
        assert layout is not None
    older = older_bytes(body)
    parsed_older = orjson.loads(body)["_older"]
    if not parsed_older:
        assert older == b"{}"
        return
    # One record per line, each line a key and its record, every line but the last ending with a comma.
    lines = older[2:-2].split(b"\n")
    assert older[:2] == b"{\n" and older[-2:] == b"\n}"
    assert len(lines) == len(parsed_older)
    assert all(line.endswith(b",") for line in lines[:-1]) and not lines[-1].endswith(b",")
    for line, (key, record) in zip(lines, parsed_older.items()):
        assert orjson.loads(b"{" + line.removesuffix(b",") + b"}") == {key: record}


def test_older_part_bytes_is_one_record_per_line():
    assert records.older_part_bytes({}) == b"{}"
    assert records.older_part_bytes({"a": {"t": "x\ny"}, "b": {}}) == b'{\n"a":{"t":"x\\ny"},\n"b":{}\n}'


# The older part parsed in blocks of lines (records.older_part_of), against one parse of the whole.

_KEYS = st.text(alphabet=st.sampled_from(list('ab,\n"\\{}:')), min_size=0, max_size=4)
_VALUES = st.dictionaries(st.sampled_from(["t", "u"]), RISKY_TEXT, max_size=2)
_EDITS = st.lists(
    st.tuples(st.integers(0, 10**6), st.sampled_from(["cut", "nl", "comma-nl", "drop", "dup-line", "brace", "space", "comma-at-end", "blank-line"])),
    max_size=3,
)


def _edited(part: bytes, edits) -> bytes:
    for at, kind in edits:
        at %= len(part) + 1
        if kind == "cut":
            part = part[:at]
        elif kind == "nl":
            part = part[:at] + b"\n" + part[at:]
        elif kind == "comma-nl":
            part = part[:at] + b",\n" + part[at:]
        elif kind == "drop":
            part = part[:at] + part[at + 1 :]
        elif kind == "brace":
            part = part[:at] + b"}" + part[at:]
        elif kind == "comma-at-end":  # {...,\n\n}: a last block with nothing in it
            part = part[:-2] + b",\n" + b" " * (at % 2) + part[-2:]
        elif kind == "blank-line":  # ,\n,\n or ,\n \n,\n: a block with nothing in it
            first = part.find(b",\n", at)
            if first >= 0:
                part = part[:first] + b",\n" + b" " * (at % 2) + part[first:]
        elif kind == "space":
            part = part[:at] + b" " + part[at:]
        else:
            start = part.rfind(b"\n", 0, at) + 1
            end = part.find(b"\n", at)
            line = part[start : end if end >= 0 else len(part)]
            part = part[:start] + line + b"\n" + part[start:]
    return part


def _whole(rest: bytes):
    try:
        return "ok", list(records.older_part_of(rest).items()), None
    except ValueError as exc:
        return "damage", None, str(exc)


@settings(max_examples=400, deadline=None)
@given(
    older=st.dictionaries(_KEYS, _VALUES, max_size=12),
    extra=st.lists(st.tuples(_KEYS, _VALUES), max_size=3),
    edits=_EDITS,
    block=st.integers(1, 60),
)
def test_blocks_give_what_one_parse_of_the_whole_gives(older, extra, edits, block):
    part = records.older_part_bytes(older)
    if extra and older:  # keys repeated further on: JSON keeps the last value (at the first place)
        part = part[:-2] + b"".join(b",\n" + orjson.dumps(k) + b":" + orjson.dumps(v) for k, v in extra) + b"\n}"
    part = _edited(part, edits)
    blocks = records._loads_in_blocks(part, block)
    try:
        whole = orjson.loads(part)
    except orjson.JSONDecodeError:
        whole = None
    if blocks is not None:
        assert whole is not None and list(blocks.items()) == list(whole.items())
    rest = records._OLDER_MARK + part + b"}"
    expected = _whole(rest)
    old_block = records.OLDER_BLOCK_BYTES
    try:
        records.OLDER_BLOCK_BYTES = block
        assert _whole(rest) == expected
    finally:
        records.OLDER_BLOCK_BYTES = old_block


def test_an_older_part_written_on_lines_is_parsed_in_several_blocks(monkeypatch):
    older = {f"id{i}": {"text": f"line {i}, with {{braces}},\\n and commas"} for i in range(500)}
    part = records.older_part_bytes(older)
    calls = []
    real = orjson.loads
    monkeypatch.setattr(orjson, "loads", lambda data: calls.append(len(data)) or real(data))
    assert records._loads_in_blocks(part, 1000) == older
    assert len(calls) > 20 and max(calls) < 1000 + 200
    calls.clear()
    one_line = orjson.dumps(older)
    assert records._loads_in_blocks(one_line, 1000) is None  # a one-line part: parsed whole, as before
    assert records.older_part_of(records._OLDER_MARK + one_line + b"}") == older
