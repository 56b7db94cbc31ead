"""Small, non-private preferences kept beside the journal (settings.json)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from reflect.storage.atomic import atomic_write_bytes

DEFAULT_THEME = "textual-dark"
IDLE_LOCK_RANGE = range(0, 31)
"""Minutes the preferences offer (0 is never); anything else in the file gives the default."""
MAX_SETTINGS_BYTES = 64 * 1024
"""Far more than a few preferences take; a larger file is not reflect's and gives the defaults."""


@dataclass
class Settings:
    """Preferences. Nothing here is private writing."""

    first_run_acknowledged: bool = False
    theme: str = DEFAULT_THEME
    idle_lock_minutes: int = 5


def load_settings(path: Path) -> Settings:
    """Read settings; a missing or unreadable file gives the defaults.

    Settings hold no reflections, so a damaged file is not worth stopping
    for: the defaults are used and the file is rewritten on the next change.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
        if len(data) > MAX_SETTINGS_BYTES:
            return Settings()
        raw = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        # RecursionError: a hand-made file of thousands of nested brackets.
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        value = raw.get(f.name, getattr(defaults, f.name))
        if type(value) is not type(getattr(defaults, f.name)):
            value = getattr(defaults, f.name)
        if f.name == "idle_lock_minutes" and value not in IDLE_LOCK_RANGE:
            value = defaults.idle_lock_minutes
        values[f.name] = value
    return Settings(**values)


def save_settings(path: Path, settings: Settings) -> None:
    atomic_write_bytes(path, json.dumps(asdict(settings), indent=2).encode("utf-8"))
