"""A checkbox for a weighty choice: only Space or a click ticks it, never Enter."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Checkbox


class DeliberateCheckbox(Checkbox, inherit_bindings=False):
    """A ``Checkbox`` that Enter does not tick.

    Textual's checkbox toggles on Enter as well as Space. In a form, Enter means
    "go on", and a person pressing Tab after the last field and then Enter would
    tick the box without meaning to (at 80x24 the "Use no passphrase" box sat at
    the bottom edge of the form, easy to miss). Here Enter is left to the screen,
    which treats it as the form's Continue; Space or a click ticks the box.
    Focusing it always brings it fully into view at once.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Tick or untick", show=False),
    ]

    def on_focus(self) -> None:
        # Textual scrolls a focused widget into view with an animation, and only when
        # it is not already wholly in view; a weighty choice is shown at once.
        self.scroll_visible(animate=False)
