"""The footer every reflect screen shows, with the safety keys always first.

A terminal 80 columns wide cannot show every key of every screen. Textual's
footer lists the screen's keys first and cuts off what does not fit at the
right, which used to be Lock and Hide. Here the safety keys (help, pause,
resources, lock, hide) come first, in the same place on every screen; the
screen's own keys follow, and anything cut off is still in the help (F1).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reflect.ui.commands import TOGETHER_WORDS

SAFETY_KEYS = ("help", "pause", "resources", "lock", "quick-hide")
"""Binding ids of the keys that must be visible on every screen, in this order."""
LAST_KEYS = ("switch-space",)
"""Shown after the screen's own keys."""


class SafetyFooter(Footer):
    """A compact footer: safety keys, then the screen's keys, then F6."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
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
        self.styles.grid_size_columns = len(ordered)
        workspace = getattr(self.app, "workspace", None)
        together = workspace is not None and workspace.together
        for binding, enabled, tooltip in ordered:
            description = binding.description
            if together and binding.action in TOGETHER_WORDS:
                # Both here: F6 does not switch space, it locks and asks whose journal.
                description, _, tooltip = TOGETHER_WORDS[binding.action]
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
