"""The command line's parser: every command, option and help line.

Only the command a command line names has its parser built: building all of
them, with every help line, was a noticeable part of ``reflect list -n`` and
``reflect write``'s start-up. Every help text and usage error reads exactly as
when they were all built (tests/test_cli_help_text.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from reflect import __version__
from reflect.cli import wording as messages

Recipe = Callable[[str], argparse.ArgumentParser]
"""Makes one command's parser, given its ``prog`` ("reflect write")."""


class _ParsersOnDemand(dict):
    """Command name -> its parser, made the first time the name is looked up."""

    def __init__(self, make: Callable[[str], argparse.ArgumentParser]) -> None:
        super().__init__()
        self._make = make

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        parser = super().__getitem__(name)
        if parser is None:
            parser = self._make(name)
            self[name] = parser  # an existing key keeps its place: the choices stay in order
        return parser

    def get(self, name, default=None):
        return self[name] if name in self else default


class _CommandsOnDemand(argparse._SubParsersAction):
    """Subcommands whose parsers are made only when used (``add_later``).

    The list of commands and their help lines (``reflect --help``, the
    choices in a usage error) are there from the start, as with ``add_parser``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._recipes: dict[str, Recipe] = {}
        self._name_parser_map = self.choices = _ParsersOnDemand(self._make)

    def add_later(self, name: str, recipe: Recipe, *, help: str) -> None:
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))
        self._recipes[name] = recipe
        dict.__setitem__(self._name_parser_map, name, None)

    def _make(self, name: str) -> argparse.ArgumentParser:
        return self._recipes[name](f"{self._prog_prefix} {name}")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the data folder (default: $REFLECT_HOME, else your user data folder)",
    )
    return common


def _whose() -> argparse.ArgumentParser:
    whose = argparse.ArgumentParser(add_help=False)
    whose.add_argument("--profile", metavar="NAME", default=None, help="whose journal (needed when two people use reflect)")
    whose.add_argument("--shared", action="store_true", help="the couple's shared space instead of the private journal")
    return whose


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reflect",
        description="A private companion for rebuilding closeness after infidelity. "
        "Run with no command to open the app.",
        parents=[_common()],
    )
    parser.add_argument("--version", action="version", version=f"reflect {__version__}")
    parser.add_argument(
        "--demo",
        nargs="?",
        const="solo",
        default=None,
        choices=("solo", "couple"),
        metavar="couple",
        help="open the app on throw-away sample data: one person's journal, or with 'couple' "
        "two partners (Ana and Ben; their demo passphrases are shown on the lock screen)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", action=_CommandsOnDemand)
    commands.add_later("packs", _packs, help="work with prompt packs")
    commands.add_later("write", _write, help="add a reflection without opening the app")
    commands.add_later("list", _list, help="print reflections, newest first")
    commands.add_later(
        "checkin", _checkin, help="count moments of connection and of distance, since the last check-in or today"
    )
    commands.add_later("export", _export, help="export your reflections (md, json) or check-ins (csv)")
    commands.add_later("profiles", _profiles, help="the people who use reflect here")
    commands.add_later("check", _check, help="verify every data file; change nothing")
    commands.add_later(
        "import",
        _import,
        help="bring back a JSON export, or a journal from jrnl or Day One (importing twice adds nothing)",
    )
    return parser


def _packs(prog: str) -> argparse.ArgumentParser:
    common = _common()
    packs = argparse.ArgumentParser(prog=prog, parents=[common])
    packs_commands = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True)
    validate = packs_commands.add_parser("validate", help="check a prompt pack", parents=[common])
    validate.add_argument("path", metavar="PATH", help="a pack folder (with a pack.md)")
    return packs


def _write(prog: str) -> argparse.ArgumentParser:
    write = argparse.ArgumentParser(
        prog=prog,
        description="Add a reflection. With no TEXT, it is read from standard input after the "
        "passphrase line; on a terminal, type it and end with Ctrl+D. " + messages.ARGV_WARNING,
        parents=[_common(), _whose()],
    )
    write.add_argument("--prompt", metavar="ID", default="", help="the prompt this answers")
    write.add_argument("--tag", metavar="TAG", action="append", default=[], help="a tag (repeatable)")
    write.add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="the text (better left out: then it is read from standard input, unseen by other programs)",
    )
    return write


def _list(prog: str) -> argparse.ArgumentParser:
    listing = argparse.ArgumentParser(prog=prog, parents=[_common(), _whose()])
    listing.add_argument("-n", type=int, default=None, metavar="N", help="at most N entries")
    listing.add_argument(
        "--contains",
        default="",
        metavar="TEXT",
        help="only entries containing TEXT (" + messages.ARGV_WARNING_SHORT + ")",
    )
    listing.add_argument("--tag", metavar="TAG", action="append", default=[], help="only entries with TAG")
    listing.add_argument("--json", action="store_true", help="print JSON records")
    return listing


def _checkin(prog: str) -> argparse.ArgumentParser:
    checkin = argparse.ArgumentParser(prog=prog, parents=[_common(), _whose()])
    checkin.add_argument("--connection", metavar="N", default="0", help="moments of genuine connection (0-99, default 0)")
    checkin.add_argument("--distance", metavar="M", default="0", help="moments of profound distance (0-99, default 0)")
    checkin.add_argument(
        "--note",
        metavar="TEXT",
        default="",
        help="a few words, if you like; '-' reads them from standard input after the passphrase line ("
        + messages.ARGV_WARNING_SHORT
        + ")",
    )
    return checkin


def _export(prog: str) -> argparse.ArgumentParser:
    export = argparse.ArgumentParser(prog=prog, parents=[_common(), _whose()])
    export.add_argument(
        "--format",
        required=True,
        choices=("md", "json", "csv"),
        help="md: reflections to read; json: everything, to keep or import; csv: check-ins",
    )
    export.add_argument("-o", "--output", metavar="PATH", default=None, help="write to PATH (default: print)")
    export.add_argument("--force", action="store_true", help="replace PATH if it already exists")
    return export


def _profiles(prog: str) -> argparse.ArgumentParser:
    common = _common()
    profiles = argparse.ArgumentParser(prog=prog, parents=[common])
    profile_commands = profiles.add_subparsers(dest="profiles_command", metavar="ACTION", required=True)
    add = profile_commands.add_parser(
        "add", help="add a person (the second one makes a couple)", parents=[common]
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=("hurt", "involved", "individual"))
    add.add_argument(
        "--no-passphrase",
        action="store_true",
        help="one person only: keep the journal unencrypted (anyone using this account could read it)",
    )
    profile_commands.add_parser("list", help="who uses reflect here", parents=[common])
    change = profile_commands.add_parser("passphrase", help="change a passphrase", parents=[common])
    change.add_argument("name", metavar="NAME")
    return profiles


def _check(prog: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, parents=[_common()])


def _import(prog: str) -> argparse.ArgumentParser:
    importing = argparse.ArgumentParser(prog=prog, parents=[_common(), _whose()])
    importing.add_argument(
        "path",
        metavar="PATH",
        help="a file made by `reflect export --format json`, by `jrnl --export json`, "
        "or Day One's JSON export (the zip or its Journal.json)",
    )
    return importing
