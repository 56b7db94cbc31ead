"""A masked field for passphrases and recovery keys, whose contents never leave it."""

from __future__ import annotations

from textual.widgets import Input


class SecretInput(Input):
    """An ``Input`` that is always masked and cannot be copied or cut from.

    Textual's ``Input`` copies a selection with Ctrl+C (and cuts with Ctrl+X)
    even when it masks what is typed, so a mistyped passphrase could be pasted
    into a field that shows it. Here both keys do nothing: they are handled,
    so no other copy binding (such as the screen's) runs instead.
    """

    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None, classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(id=id, classes=classes, disabled=disabled, password=True)

    def action_copy(self) -> None:
        """Nothing is copied out of a secret."""

    def action_cut(self) -> None:
        """Nothing is cut either: cutting would copy."""

    def refused(self) -> None:
        """After a passphrase or key was refused: focus it, all selected, so typing replaces it."""
        self.focus()
        self.action_select_all()
