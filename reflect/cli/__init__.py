"""The command line: ``reflect.cli:main`` is the console entry point."""

from reflect.cli.commands import CommandError, main, read_passphrase

__all__ = ["CommandError", "build_parser", "main", "read_passphrase"]


def __getattr__(name: str):
    if name == "build_parser":  # argparse loads only when a command line needs it (see cli.quick_args)
        from reflect.cli.parser import build_parser

        return build_parser
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
