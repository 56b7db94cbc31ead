"""What a one-line header says when the whole of it does not fit (80 columns, say).

Textual's header cuts the end off with an ellipsis, which at 80 columns cut
"(sample data, nothing is kept)" and "Ana and Ben, together" in half. Here the
words that matter least go first, whole: the demo's long note becomes short,
then the app's own name, then the note. Only then is anything cut.
"""

from __future__ import annotations

from rich.cells import cell_len

HEADER_SIDES = 18
"""Columns the header keeps for its icon (8) and the space on its right (10)."""
DEMO_NOTE = " (sample data, nothing is kept)"
SHORT_DEMO_NOTE = " (sample data)"


def header_words(title: str, sub_title: str, width: int) -> tuple[str, str]:
    """``(title, sub_title)`` to show in a header ``width`` columns wide; an empty title means the sub-title alone."""
    room = width - HEADER_SIDES
    short = sub_title.replace(DEMO_NOTE, SHORT_DEMO_NOTE)
    bare = short.replace(SHORT_DEMO_NOTE, "")
    for shown_title, shown_sub in ((title, sub_title), (title, short), ("", short), ("", bare)):
        said = f"{shown_title} — {shown_sub}" if shown_title and shown_sub else shown_title or shown_sub
        if cell_len(said) <= room:  # columns, not characters: a CJK letter or an emoji takes two
            return shown_title, shown_sub
    return "", bare
