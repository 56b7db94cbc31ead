"""What can go wrong with the files that hold people's spaces.

Every error carries a ``user_message``: one or two plain, kind sentences that
say what happened and what to do. The app shows that sentence and never a
traceback. Neither the message nor ``str(error)`` ever contains journal text,
so an error can be logged or shown without exposing what someone wrote.
"""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """Base class for every storage problem the app can explain to a person."""

    user_message = "reflect ran into a problem with its saved data. Nothing you wrote has been shared."


class SpaceMissing(StoreError):
    """A space was opened without permission to create it, and its file is not there."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"no space file at {self.path}")

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            f"There is no saved space at {self.path}: it was removed, moved or renamed outside reflect. "
            "Nothing was changed. `reflect check` shows the backups you can go back to."
        )


class SpaceDamaged(StoreError):
    """A space file is empty, cut short, not JSON, or not shaped like a space.

    ``detail`` is a plain sentence about the file's structure; it never quotes
    the file's contents. ``path`` may be ``None`` when the error comes from a
    codec that does not know which file it is decoding; the store fills it in.
    """

    def __init__(self, path: Path | None, detail: str) -> None:
        self.path = Path(path) if path is not None else None
        self.detail = detail
        super().__init__(f"{self.path}: {detail}" if self.path else detail)

    @property
    def user_message(self) -> str:  # type: ignore[override]
        name = f" ({self.path.name})" if self.path else ""
        return (
            f"The file that holds this space{name} could not be read. {self.detail} "
            "It has not been changed. `reflect check` shows the backups you can go back to."
        )


class HouseholdDamaged(SpaceDamaged):
    """profiles.json, the list of who uses this folder, cannot be used."""

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            f"The list of people who use reflect here ({self.path.name if self.path else 'profiles.json'}) "
            f"{self.detail} It has not been changed, and no journal was opened. "
            "`reflect check` shows the backups you can go back to."
        )


class SpaceTooNew(StoreError):
    """A space file was written by a newer reflect that uses a newer format."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path = Path(path)
        self.found = found
        self.known = known
        super().__init__(f"{self.path}: format {found}, this reflect knows up to {known}")

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            "This space was saved by a newer version of reflect. "
            "Update reflect to open it; the file has not been changed."
        )


class DataFolderBusy(StoreError):
    """Another copy of reflect holds the data folder's lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"lock held by another process: {self.path}")

    user_message = (
        "Another copy of reflect is already using this data folder. "
        "Close the other copy, then try again."
    )


_SAVE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "reflect is not allowed to write in the data folder",
    errno.EPERM: "reflect is not allowed to write in the data folder",
    errno.EROFS: "the data folder is on a read-only disk",
}


class SaveFailed(StoreError):
    """Writing a space failed; the previous version of the file is intact."""

    def __init__(self, path: Path, errno_code: int | None = None) -> None:
        self.path = Path(path)
        self.errno = errno_code
        super().__init__(f"could not save {self.path} (errno {errno_code})")

    @property
    def reason(self) -> str:
        """A few plain words on why, when the system said why."""
        return _SAVE_REASONS.get(self.errno or 0, "")

    @property
    def user_message(self) -> str:  # type: ignore[override]
        why = f" because {self.reason}" if self.reason else ""
        return (
            f"reflect could not save just now{why}. Nothing was lost: everything saved "
            "before is intact, and what you were saving was not stored yet, so keep it "
            "where you wrote it. Free some space or check the folder, then try saving again."
        )


WRONG_PASSPHRASE = "That passphrase doesn't open this space. Please check it and try again."


class WrongPassphrase(StoreError):
    """The passphrase (or recovery key) given does not open this space.

    ``user_message`` is a plain sentence that can be shown as it is.
    """

    user_message = WRONG_PASSPHRASE

    def __init__(self, user_message: str = WRONG_PASSPHRASE) -> None:
        super().__init__(user_message)
        self.user_message = user_message


_TAMPER_TAIL = (
    " Nothing was opened and nothing has been changed. Someone with access to this "
    "computer account may have done this. `reflect check` lists the backups."
)


class SpaceTampered(SpaceDamaged):
    """A space file is intact as bytes but is not what reflect wrote for this space:
    swapped for another, a slot added or removed, a header changed, or a plain
    file where a sealed one belongs. Never reported as a wrong passphrase."""

    @property
    def user_message(self) -> str:  # type: ignore[override]
        detail = self.detail
        if "outside reflect" not in detail:
            detail = f"{detail} It was changed outside reflect."
        if "Nothing was opened" in detail or "nothing has been changed" in detail:
            return detail
        return detail + _TAMPER_TAIL


class HouseholdTampered(HouseholdDamaged):
    """profiles.json says something the sealed spaces contradict (e.g. that a
    protected person has no passphrase)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            "The list of people who use reflect here (profiles.json) was changed outside "
            "reflect: it no longer matches the sealed spaces in this folder.",
        )

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            f"{self.detail} Nothing was opened and nothing was saved; if you typed a "
            "passphrase, it was not stored anywhere. Someone with access to this computer "
            "account may have done this. `reflect check` lists the backups."
        )


class SpaceRolledBack(SpaceDamaged):
    """A sealed space file is an older copy than the last one reflect saw."""

    def __init__(self, path: Path, found: int, seen: int) -> None:
        self.found = found
        self.seen = seen
        super().__init__(
            path,
            f"This space has been put back to an older copy: reflect last saw it after "
            f"save {seen}, and this file is from save {found}. Anything written in between "
            "is not in it.",
        )

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            f"{self.detail} It was changed outside reflect, so it was not opened and it "
            "will not be written over. Someone with access to this computer account may have "
            "done this. `reflect check` lists the backups; to keep an older copy on purpose, "
            "remove this space's entry from seen.json while reflect is closed."
        )


PLAIN_WHERE_SEALED = "A readable, unencrypted file was found where this sealed space belongs."
MEMBERS_DIFFER = (
    "The people this shared space was made for are not the people listed in profiles.json."
)
ROLES_DIFFER = (
    "Who was hurt and who caused the hurt, as profiles.json says it now, is not what this "
    "shared space was made with, so profiles.json was changed outside reflect. The shared "
    "space stays closed until the roles are put back as they were."
)
OLD_FORMAT_AGAIN = (
    "This space's file is in reflect's old format, but reflect already saved it in the new one."
)
SAME_KEY_AS_SHARED = "This private journal's file is locked with the shared space's key."
OLD_FORMAT_UNCHECKED = (
    "It is in reflect's old format, and bringing it up to date safely needs the shared "
    "space to check it against, but the shared space cannot be opened just now."
)
JOURNAL_REPLACED = (
    "What you typed opens your shared space but not your private journal, so the "
    "journal's file was replaced or changed outside reflect."
)
JOURNAL_UNVERIFIED = (
    "Your shared space cannot be opened just now, and the record of your journal's last "
    "save is missing, so reflect cannot tell whether your journal is the one you last used "
    "or an older copy put back. To keep your words safe, nothing was opened. "
    "`reflect check` shows what is wrong with the shared space and the backups you can go back to."
)
NOT_BOTH_OPEN = (
    "What you typed opens your private journal but not the shared space. One passphrase "
    "always opens both, so one of the two files was put back to an older copy, replaced "
    "or changed outside reflect, and neither was opened."
)
SHARED_REPLACED = (
    "What you typed opens your private journal but not the shared space, so the shared "
    "space's file was replaced, put back to an older copy or changed outside reflect."
)


class SpaceChanged(StoreError):
    """The space's file was replaced between reading its head part and its older
    part (another copy of reflect saved it meanwhile): the two cannot be put
    together, so the space is opened again whole."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"{self.path}: changed while it was being read")

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            "This space was saved by another copy of reflect while it was being read. "
            "Nothing has been changed; opening it again will show it as it is now."
        )


class SpaceReplacedWhileOpen(SaveFailed):
    """The space's file or its change log was removed, replaced or changed by
    something other than reflect while reflect had the space open.

    ``written_again``: reflect wrote the space again whole from what it had
    open (every save it had made is in it), keeping what it found in place
    aside under the names in ``kept``; else nothing was written and the files
    are as they were found. Either way the change being saved was not saved.
    """

    def __init__(self, path: Path, kept: list[str], *, written_again: bool) -> None:
        super().__init__(path)
        self.kept = list(kept)
        self.written_again = written_again

    @property
    def user_message(self) -> str:  # type: ignore[override]
        start = (
            "This was not saved: while reflect had this space open, its file on disk was "
            "removed, replaced or changed by something other than reflect. "
        )
        if not self.written_again:
            return start + (
                "reflect has not written anything over it. Keep what you were writing where it "
                "is, lock reflect and unlock it again: reflect will say what it finds. "
                "`reflect check` lists the backups."
            )
        kept = f" What was found in its place is kept beside it as {', '.join(self.kept)}." if self.kept else ""
        return start + (
            "reflect wrote the space again from what it had open, so everything saved before "
            f"is on disk again.{kept} What you were writing is still here: save it again. "
            "If you did not change those files, someone or something with access to this "
            "computer did."
        )
