"""Showing people's text on a terminal without letting it steer the terminal.

Text is stored exactly as it was typed or imported. Only when it is shown do
control characters get replaced: an ESC, a CSI (U+009B) or a BEL inside a
reflection, a tag, a name or a prompt pack could otherwise change the window
title, the colours, or worse. The command line and the app both show user
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
"""Matches any character :func:`shown` replaces (prompt packs refuse them outright)."""


def is_unsafe(character: str) -> bool:
    """Whether one character would be replaced by :func:`shown`."""
    return ord(character) in _REPLACEMENTS


def shown(text: str) -> str:
    """``text`` as it may reach a terminal: C0 controls (but newline and tab), DEL and C1 replaced.

    A Windows line ending becomes a plain newline rather than a placeholder,
    so imported text reads as it was written.
    """
    if text.isprintable():  # the common case: nothing to replace (newline and tab are not printable)
        return text
    return text.replace("\r\n", "\n").translate(_REPLACEMENTS)
