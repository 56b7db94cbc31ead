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
