"""Where reflect keeps things. The one place that knows folder and file names.

Every folder reflect makes is private to the user (0700) and every file it
writes is private too (0600), whatever the umask says.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "REFLECT_HOME"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def default_data_dir() -> Path:
    """The platform's user data folder for reflect."""
    from platformdirs import user_data_path

    return user_data_path("reflect", appauthor=False)


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``REFLECT_HOME``, then the platform default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return default_data_dir()


def ensure_private_dir(path: Path, *, tighten_existing: bool = True) -> Path:
    """Create ``path`` (and parents) and make sure only its owner can enter it.

    ``tighten_existing=False`` leaves a folder that already existed as it is:
    used for the data folder itself, which a person may point at a folder of
    their own (or, by mistake, at /tmp). Everything reflect puts inside it is
    private regardless.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    if tighten_existing or not existed:
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


class DataLayout:
    """The files inside one data folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def spaces_dir(self) -> Path:
        return self.root / "spaces"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def lock_file(self) -> Path:
        return self.root / "reflect.lock"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def household_file(self) -> Path:
        return self.root / "profiles.json"

    @property
    def seen_file(self) -> Path:
        """The last save counter seen for each sealed space (see storage/seen.py)."""
        return self.root / "seen.json"

    def space_file(self, space_id: str, *, sealed: bool = False) -> Path:
        """A space's file: ``.sealed`` when encrypted, ``.json`` when not."""
        return self.spaces_dir / f"{space_id}.{'sealed' if sealed else 'json'}"

    def ensure(self) -> "DataLayout":
        ensure_private_dir(self.root, tighten_existing=False)
        ensure_private_dir(self.spaces_dir)
        ensure_private_dir(self.backups_dir)
        return self


def builtin_packs_dir() -> Path:
    """The packs shipped with reflect: inside the wheel, or the repo's ``prompts/``."""
    here = Path(__file__).resolve().parent
    bundled = here / "_prompts"
    if bundled.is_dir():
        return bundled
    return here.parent / "prompts"
