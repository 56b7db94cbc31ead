"""What the command line reads and prints: passphrases, text from standard input, safe output.

Names and journal text printed here never steer the terminal, and a passphrase
or a reflection is never a command-line argument.
"""

from __future__ import annotations

import sys

from reflect.cli import wording as messages
from reflect.domain.display import shown

READ_FROM_STDIN = "-"


class CommandError(Exception):
    """A plain message for the person, and the exit code that goes with it."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def out(text: str) -> None:
    """Print to standard output; names and journal text in it never steer the terminal."""
    print(shown(text))


def err(text: str) -> None:
    print(shown(text), file=sys.stderr)


def escape_unsafe_in_json(text: str) -> str:
    """JSON text with DEL and C1 characters written as ``\\u`` escapes: the same data, safe to print.

    ``json.dumps`` already escapes the C0 range; it can leave DEL and C1 as
    they are, and a terminal reads U+009B as the start of a control sequence.
    They occur only inside strings, where the escape means the same character.
    """
    return "".join(f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F else c for c in text)


def read_stdin() -> str:
    """Whatever standard input holds; nothing when it is closed."""
    return sys.stdin.read() if sys.stdin is not None else ""


def read_text(hint: str) -> str:
    """Text from standard input; on a terminal, say how to end it first.

    Text typed this way is never an argument, so other programs cannot see it
    and the shell does not keep it in its history.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        err(hint)
    return read_stdin()


def read_passphrase(prompt: str, missing: str = messages.NO_PASSPHRASE_GIVEN) -> str:
    """Masked on a terminal; otherwise the next line of standard input. Never an argument."""
    if sys.stdin is None:
        raise CommandError(missing)
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(shown(prompt))
        except EOFError:  # Ctrl+D at the prompt
            raise CommandError(messages.NO_PASSPHRASE_TYPED) from None
    line = sys.stdin.readline()
    if not line:
        raise CommandError(missing)
    return line.rstrip("\r\n")


def new_passphrase(name: str) -> str:
    if sys.stdin.isatty():
        first = read_passphrase(messages.NEW_PASSPHRASE_PROMPT.format(name=name))
        again = read_passphrase(messages.REPEAT_PASSPHRASE_PROMPT)
        if first != again:
            raise CommandError(messages.PASSPHRASES_DIFFER)
        return first
    return read_passphrase("")
