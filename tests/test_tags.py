"""Tags as people type them: '#Fear' is the tag 'fear', shown as '#fear'."""

from __future__ import annotations

from reflect.domain.entries import normalise_tag, normalise_tags
from reflect.ui.screens.write import parse_tags


def test_a_typed_hash_is_not_part_of_the_tag():
    assert normalise_tag("#Fear") == "fear"
    assert normalise_tag("  ##Fear  ") == "fear"
    assert normalise_tags(["#Fear", "fear", "#"]) == ("fear",)
    assert parse_tags("#Fear, #first-time evening") == ("evening", "fear", "first-time")


def test_a_hash_inside_a_tag_stays():
    assert normalise_tag("c#") == "c#"
