"""Timing how long a terminal app takes to show its first screen, with no display.

The app runs in a pseudo-terminal made with :func:`pty.fork`, so it sees a
real tty of a fixed size (Textual needs one). Its output is read until a known
piece of text from the first screen appears; that moment is what a person
would see. The app is then killed by its process id.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Mapping, Sequence

COLUMNS = 120
ROWS = 40

_ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def seconds_until_shown(
    argv: Sequence[str],
    marker: str,
    *,
    env: Mapping[str, str],
    cwd: str,
    timeout: float = 60.0,
) -> float:
    """Seconds from starting ``argv`` in a pseudo-terminal to ``marker`` being on screen.

    Raises ``RuntimeError`` with the tail of the output if the program ends,
    or ``TimeoutError`` if ``marker`` does not appear within ``timeout``.
    """
    wanted = marker.encode("utf-8")
    started = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:  # the child: give the terminal a size, then become the app
        try:
            fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.chdir(cwd)
            os.execve(argv[0], list(argv), dict(env))
        finally:
            os._exit(127)
    seen = bytearray()
    try:
        while True:
            remaining = started + timeout - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{marker!r} did not appear within {timeout:.0f} s: {_tail(seen)}")
            ready, _, _ = select.select([master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                raise RuntimeError(f"the app ended before showing {marker!r}: {_tail(seen)}")
            seen += chunk
            # Text usually arrives whole; escapes between letters are removed just in case.
            if wanted in seen or wanted in _ESCAPES.sub(b"", seen):
                return time.perf_counter() - started
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(master)


def _tail(seen: bytes) -> str:
    text = _ESCAPES.sub(b"", bytes(seen)).decode("utf-8", "replace")
    return " ".join(text.split())[-400:] or "(no output)"
