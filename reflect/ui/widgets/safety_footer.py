"""The footer every reflect screen shows, with the safety keys always first.

A terminal 80 columns wide cannot show every key of every screen on one
line. Textual's footer lists the screen's keys first and cuts off what does
not fit at the right, which used to be Lock and Hide, then the ladder's keys
and F6. Here the safety keys (help, pause, resources, lock, hide) come first,
in the same place on every screen; the screen's own keys follow, and what
does not fit on the line goes on a second line instead of being cut off.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reflect.ui.commands import TOGETHER_WORDS

SAFETY_KEYS = ("help", "pause", "resources", "lock", "quick-hide")
"""Binding ids of the keys that must be visible on every screen, in this order."""
LAST_KEYS = ("switch-space",)
"""Shown after the screen's own keys."""
MAX_LINES = 3
"""Never more footer lines than this (the screen above needs the room)."""


def key_width(key_display: str, description: str) -> int:
    """Cells one compact footer key takes: the key, a space, its words, and the gap after it."""
    return len(key_display) + (1 + len(description) if description else 0) + 1


def footer_lines(widths: list[int], room: int) -> list[int]:
    """How many keys go on each line, in order, so that no line is wider than ``room``.

    A key wider than a whole line gets a line to itself (it is cut only then).
    """
    lines: list[int] = []
    used = 0
    for width in widths:
        if lines and used + width <= room:
            lines[-1] += 1
            used += width
        else:
            lines.append(1)
            used = width
    return lines


class SafetyFooter(Footer):
    """A compact footer: safety keys, then the screen's keys, then F6; on more lines when they do not fit."""

    DEFAULT_CSS = """
    SafetyFooter {
        layout: vertical;
        height: auto;
        max-height: 3;
    }
    SafetyFooter > .footer-line {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._lines: list[int] = []

    def _keys(self) -> list[tuple[str, str, str, str, bool]]:
        """(key, key display, description, action, enabled) of each key shown, in order."""
        shown: dict[str, tuple] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:  # one key per action (f2, not also ctrl+g)
                shown[binding.action] = (binding, enabled, tooltip)

        def place(item: tuple) -> tuple[int, int]:
            binding_id = item[0].id
            if binding_id in SAFETY_KEYS:
                return (0, SAFETY_KEYS.index(binding_id))
            return (2, 0) if binding_id in LAST_KEYS else (1, 0)

        ordered = sorted(shown.values(), key=place)  # stable: the screen's own order is kept
        workspace = getattr(self.app, "workspace", None)
        together = workspace is not None and workspace.together
        keys = []
        for binding, enabled, tooltip in ordered:
            description = binding.description
            if together and binding.action in TOGETHER_WORDS:
                # Both here: F6 does not switch space, it locks and asks whose journal.
                description, _, tooltip = TOGETHER_WORDS[binding.action]
            keys.append((binding, self.app.get_key_display(binding), description, enabled, tooltip))
        return keys

    def _room(self) -> int:
        return self.app.size.width  # docked across the whole screen

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys = self._keys()
        lines = footer_lines([key_width(display, words) for _, display, words, _, _ in keys], self._room())
        self._lines = lines[:MAX_LINES]
        start = 0
        for count in self._lines:
            with HorizontalGroup(classes="footer-line"):
                for binding, display, description, enabled, tooltip in keys[start : start + count]:
                    yield FooterKey(
                        binding.key,
                        display,
                        description,
                        binding.action,
                        disabled=not enabled,
                        tooltip=tooltip,
                    ).data_bind(compact=Footer.compact)
            start += count

    def on_resize(self, event: events.Resize) -> None:
        if not self._bindings_ready or not self.is_attached:
            return
        keys = self._keys()
        wanted = footer_lines([key_width(display, words) for _, display, words, _, _ in keys], self._room())
        if wanted[:MAX_LINES] != self._lines:
            self.call_after_refresh(self.recompose)
