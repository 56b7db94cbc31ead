"""cli.quick_args reads a plain ``list`` or ``write`` exactly as argparse does, and leaves the rest to it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.cli.parser import build_parser
from reflect.cli.quick_args import read_plain_command


def by_argparse(argv: list[str]) -> dict | None:
    """What argparse makes of ``argv``, or None when it refuses it (and prints a usage error)."""
    try:
        return vars(build_parser().parse_args(argv))
    except SystemExit:
        return None


READ_QUICKLY = [
    ["list", "-n", "10"],
    ["list"],
    ["--data-dir", "/tmp/x", "list", "-n", "3"],
    ["--data-dir", "a", "--data-dir", "b", "list", "--data-dir", "c"],
    ["list", "--contains", "sea", "--tag", "a", "--tag", "b", "--json", "--shared", "--profile", "Sam"],
    ["list", "-n", " 7", "-n", "2"],
    ["list", "--data-dir", "", "-n", "1"],
    ["list", "--profile", "list"],
    ["write", "One more evening."],
    ["write"],
    ["--data-dir", "write", "write", "--tag", "x", "text", "--prompt", "p"],
    ["write", "--tag", "a", "--prompt", "p", "a text with spaces"],
    ["write", ""],
    ["write", "a=b", "--shared"],
]

LEFT_TO_ARGPARSE = [
    [],
    ["--help"],
    ["--version"],
    ["list", "-h"],
    ["list", "--help"],
    ["write", "--help"],
    ["check"],
    ["--demo"],
    ["--demo", "couple", "list"],
    ["list", "-n10"],
    ["list", "-n", "x"],
    ["list", "-n", "-3"],
    ["list", "-n"],
    ["list", "--cont", "sea"],
    ["list", "--contains=sea"],
    ["list", "--contains", "-sea"],
    ["list", "--", "-n"],
    ["list", "stray"],
    ["write", "one", "two"],
    ["write", "--", "-a text"],
    ["write", "-a text"],
    ["write", "--tag"],
    ["--data-dir"],
    ["--data-dir", "-x", "list"],
    ["--profile", "Sam", "list"],
    ["lis", "-n", "3"],
]


@pytest.mark.parametrize("argv", READ_QUICKLY, ids=" ".join)
def test_a_plain_command_line_is_read_as_argparse_reads_it(argv):
    quick = read_plain_command(argv)
    assert quick is not None
    assert vars(quick) == by_argparse(argv)


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE, ids=" ".join)
def test_anything_else_is_left_to_argparse(argv):
    assert read_plain_command(argv) is None


def test_each_default_is_a_new_list():
    first = read_plain_command(["list", "--tag", "a"])
    assert read_plain_command(["list"]).tag == [] and first.tag == ["a"]


WORDS = st.sampled_from(
    [
        "list", "write", "check", "--data-dir", "--profile", "--shared", "-n", "--contains", "--tag",
        "--json", "--prompt", "--version", "-h", "--", "--tag=a", "--cont", "3", "-3", "x", "", "a b", "-",
        "list", "write", "0", "١٢",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=7))
def test_whatever_quick_args_reads_argparse_reads_the_same(argv):
    quick = read_plain_command(argv)
    if quick is not None:
        assert vars(quick) == by_argparse(argv)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=6))
def test_a_plain_list_or_write_is_always_read_quickly(argv):
    """The quick reading is not an empty promise: a list or write with full options and plain values is taken."""
    argv = ["list", *[w for w in argv if w in ("--json", "--shared")]]
    assert read_plain_command(argv) is not None
