"""The save-to-file flow the save dialogs share (an export, the trend's chart or data, a prep).

A screen mixes in :class:`SavesToFile`, gives a ``_say(problem)`` that shows a sentence
and an ``action_save`` that works out the path and calls :meth:`SavesToFile.save_to`.
The flow: write; if a file is already there, ask with a ConfirmScreen before replacing
(and save again when the person says yes); a folder that is missing, a folder where the
file should be, or any other OSError becomes a plain sentence; only a write that worked
reaches ``done``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from reflect.usecases.exports import ExportExists, exports_dir, save_problem

T = TypeVar("T")

NOTHING_REPLACED = "Nothing was replaced. Choose another name, or save again to be asked once more."
REPLACE_QUESTION = "There is already a file with that name. Replace it?"


def chosen_path(text: str, private_folder: Path) -> Path | None:
    """The path typed, made absolute: a relative one is inside ``private_folder``; None if empty."""
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else private_folder / path


class SavesToFile:
    """Mixin for a Textual screen that saves one file (or a pair) the person named."""

    _replace_confirmed_for: Path | None = None
    replace_question: str = REPLACE_QUESTION
    save_failed_words: str = "The file could not be written"

    @property
    def private_folder(self) -> Path:
        """The data folder's exports folder: offered first, and the only folder ever created."""
        return exports_dir(self.app.workspace.layout.root)  # type: ignore[attr-defined]

    def typed_path(self, text: str) -> Path | None:
        """A typed path made absolute (a relative one is inside the exports folder); None if empty."""
        return chosen_path(text, self.private_folder)

    def _say(self, problem: str) -> None:  # pragma: no cover - each screen has its own line
        raise NotImplementedError

    def action_save(self) -> None:  # pragma: no cover - each screen works out its path
        raise NotImplementedError

    def replace_detail(self, path: Path) -> str:
        """What the replace question shows under it: the path by default."""
        return str(path)

    def save_to(self, path: Path, write: Callable[[bool], T], done: Callable[[T], None]) -> None:
        """Call ``write(replace)``; on success ``done(result)``, else say why or ask to replace."""
        try:
            result = write(self._replace_confirmed_for == path)
        except ExportExists:
            self._ask_to_replace(path)
            return
        except OSError as error:
            self._say(save_problem(error, path, what=self.save_failed_words))
            return
        done(result)

    def _ask_to_replace(self, path: Path) -> None:
        from reflect.ui.screens.dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._replace_confirmed_for = path
                self.action_save()
            else:
                self._say(NOTHING_REPLACED)

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmScreen(self.replace_question, self.replace_detail(path), confirm_label="Replace"),
            answered,
        )
