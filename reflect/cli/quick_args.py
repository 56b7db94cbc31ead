"""``reflect list`` and ``reflect write`` read without argparse, when plainly written.

These two are what scripts and quick notes run, many times a day, and
importing argparse and building its parser was a sizeable part of what they
cost to start. A command line made only of these commands' options, each
spelled out in full and its value the next word, is read here into the very
namespace argparse would make (tests/test_cli_quick_args.py compares the two).
Anything else -- help, ``--version``, another command, an abbreviated option,
``--option=value``, ``-n5``, ``--``, a value or text beginning with "-", a
count that is not a number -- gives ``None``: then argparse reads the command
line, and words any mistake in it, exactly as always.
"""

from __future__ import annotations

from types import SimpleNamespace

# Each command's options: the attribute each fills, and how.
_TAKES_VALUE = "value"
_APPENDS = "append"
_SWITCH = "switch"
_COUNT = "count"

_WHOSE = {"--data-dir": ("data_dir", _TAKES_VALUE), "--profile": ("profile", _TAKES_VALUE), "--shared": ("shared", _SWITCH)}

_OPTIONS = {
    "list": {
        **_WHOSE,
        "-n": ("n", _COUNT),
        "--contains": ("contains", _TAKES_VALUE),
        "--tag": ("tag", _APPENDS),
        "--json": ("json", _SWITCH),
    },
    "write": {
        **_WHOSE,
        "--prompt": ("prompt", _TAKES_VALUE),
        "--tag": ("tag", _APPENDS),
    },
}

# What argparse sets when an option is not given (``--data-dir`` is then left unset).
_DEFAULTS = {
    "list": {"profile": None, "shared": False, "n": None, "contains": "", "tag": [], "json": False},
    "write": {"profile": None, "shared": False, "prompt": "", "tag": [], "text": None},
}


def read_plain_command(argv: list[str]) -> SimpleNamespace | None:
    """``argv`` as argparse would read it, for a plain ``list`` or ``write``; else ``None``."""
    values: dict[str, object] = {"demo": None}
    at = 0
    while at < len(argv) and argv[at] == "--data-dir":  # the only option taken before the command
        if at + 1 >= len(argv) or not _plain_value(argv[at + 1]):
            return None
        values["data_dir"] = argv[at + 1]
        at += 2
    if at >= len(argv) or argv[at] not in _OPTIONS:
        return None
    command = argv[at]
    options = _OPTIONS[command]
    values["command"] = command
    for name, default in _DEFAULTS[command].items():
        values[name] = list(default) if isinstance(default, list) else default
    words = iter(argv[at + 1 :])
    for word in words:
        if word.startswith("-"):
            if word not in options:
                return None
            name, kind = options[word]
            if kind == _SWITCH:
                values[name] = True
                continue
            value = next(words, None)
            if value is None or not _plain_value(value):
                return None
            if kind == _APPENDS:
                values[name].append(value)
            elif kind == _COUNT:
                try:
                    values[name] = int(value)
                except ValueError:
                    return None
            else:
                values[name] = value
        elif command == "write" and values["text"] is None:
            values["text"] = word
        else:
            return None  # a word no option takes: argparse says what is wrong
    return SimpleNamespace(**values)


def _plain_value(word: str) -> bool:
    """A value argparse takes as it is: one that cannot be read as an option."""
    return not word.startswith("-")
