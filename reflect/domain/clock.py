"""The time of day, as reflect reads it: one function, so every save agrees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """The current time, timezone-aware, in the machine's local zone."""
    return datetime.now(timezone.utc).astimezone()
