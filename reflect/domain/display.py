"""Showing people's text on a terminal without letting it steer the terminal.

Text is stored exactly as it was typed or imported. Only when it is shown do
control characters get replaced: an ESC, a CSI (U+009B) or a BEL inside a
reflection, a tag, a name or a prompt pack could otherwise change the window
title, the colours, or worse. Bidirectional controls (the embeddings,
overrides and isolates, and the LRM, RLM and ALM marks) are replaced too, so
no text can make itself, or what follows it, show reversed. The command line and the app both show user
text through :func:`shown`, and nothing else decides what is safe.
"""

from __future__ import annotations

import re

PLACEHOLDER = "\ufffd"
"""What a control character looks like on screen: the replacement character."""

KEPT = frozenset("\n\t")
"""The only control characters a terminal may receive from user text."""

_REPLACEMENTS = {
    code: PLACEHOLDER
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))  # C0, DEL and C1
    if chr(code) not in KEPT
}


UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_REPLACEMENTS)) + "]")
"""Matches any control character :func:`shown` replaces (prompt packs refuse them outright).

The bidirectional controls below are not in it: a pack in Arabic or Hebrew may
rightly hold a mark, and :func:`shown` replaces them when the pack is shown.
"""

BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
)
"""Characters that change the direction text is shown in: embeddings, overrides, isolates, marks."""

_REPLACEMENTS.update({ord(character): PLACEHOLDER for character in BIDI_CONTROLS})


def is_unsafe(character: str) -> bool:
    """Whether one character would be replaced by :func:`shown`."""
    return ord(character) in _REPLACEMENTS


# Every ASCII character shown as it is (the rest of ASCII is C0 or DEL).
_SAFE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\t"


def shown(text: str) -> str:
    """``text`` as it may reach a terminal: C0 controls (but newline and tab), DEL, C1 and bidi controls replaced.

    A Windows line ending becomes a plain newline rather than a placeholder,
    so imported text reads as it was written.

    Text with nothing to replace is returned as it is, found without the
    per-character table (``reflect list`` shows megabytes at once): ASCII
    text by deleting its safe bytes, other text by ``isprintable`` once
    newline and tab are taken out (every character replaced here is not
    printable).
    """
    if text.isprintable():  # one line: nothing to replace (newline and tab are not printable)
        return text
    if text.isascii():
        if not text.encode("ascii").translate(None, _SAFE_ASCII):
            return text
    elif text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return text.replace("\r\n", "\n").translate(_REPLACEMENTS)
