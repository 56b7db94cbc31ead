"""Prompt packs: what a good pack gives, and what every kind of mistake reports."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflect.content import load_pack, load_packs, summarise, validate_path
from reflect.content.packs import NOT_A_PACK
from reflect.domain.content import Audience
from tests.helpers import PACK_MD, SECTION_ONE, SECTION_TWO, write_pack

DEFAULT_PACK = Path(__file__).parents[1] / "prompts" / "after-betrayal"

def good_files() -> dict[str, str | bytes]:
    return {"pack.md": PACK_MD, "01-first.md": SECTION_ONE, "02-second.md": SECTION_TWO}


def problems_of(folder: Path) -> list[str]:
    pack, problems = load_pack(folder)
    assert pack is None, "a pack with problems must not be returned"
    assert problems
    return [str(problem) for problem in problems]


@pytest.fixture
def good_pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "test-pack", good_files())


def test_a_minimal_pack_loads_with_everything_it_says(good_pack: Path) -> None:
    pack, problems = load_pack(good_pack)

    assert problems == []
    assert pack is not None
    assert (pack.id, pack.title, pack.description) == ("test-pack", "A test pack", "What this pack is for.")
    assert pack.source == str(good_pack)
    assert [step.id for step in pack.ladder] == ["sit-closer", "hand-on-shoulder"]
    assert [(s.id, s.kind, s.text) for s in pack.starters] == [
        ("hard-because", "naming", "I want to be close to you and it's hard right now because"),
        ("what-i-heard", "receiving", "What I heard is"),
    ]
    first, second = pack.sections
    assert (first.id, first.title, first.order, first.summary) == ("first", "The first section", 1, "One line under the title.")
    assert first.reading == (
        "A reading, with [b]markup-like[/b] text and [@click=app.quit]a link[/].\n\nA second paragraph."
    )
    body_now, what_i_see = first.prompts
    assert body_now.text == "When your partner comes close, what does your body do first?"
    assert body_now.audiences == (Audience.HURT,)
    assert what_i_see.audiences == (Audience.INVOLVED, Audience.SOLO, Audience.TOGETHER)
    assert {p.section_id for p in first.prompts} == {"first"}
    assert second.prompts[0].section_id == "second"
    assert second.prompts[0].text == "What do you notice?"
    (exercise,) = first.exercises
    assert exercise.title == "Settling before you talk"
    assert exercise.text == "1. Sit where you can both see a window.\n2. Breathe out slowly."
    assert summarise(pack) == "ok: 2 sections, 3 prompts"


def test_sections_follow_order_then_file_name(tmp_path: Path) -> None:
    files = good_files()
    files["00-late.md"] = SECTION_TWO.replace("id: second", "id: late").replace("second-thoughts", "late-one")
    files["03-also-one.md"] = SECTION_TWO.replace("id: second", "id: also-one").replace(
        "order: 2", "order: 1"
    ).replace("second-thoughts", "also-one-prompt")
    pack, problems = load_pack(write_pack(tmp_path / "p", files))

    assert problems == []
    assert pack is not None
    assert [s.id for s in pack.sections] == ["first", "also-one", "late", "second"]


def test_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    files = {name: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() for name, text in good_files().items()}
    pack, problems = load_pack(write_pack(tmp_path / "p", files))

    assert problems == []
    assert pack is not None
    assert pack.id == "test-pack"
    assert pack.sections[0].prompts[0].text == "When your partner comes close, what does your body do first?"
    assert "\r" not in pack.sections[0].reading


def test_windows_line_endings_keep_line_numbers_right(tmp_path: Path) -> None:
    files = good_files()
    files["01-first.md"] = SECTION_ONE.replace("For: hurt partner", "For: hurt parnter").replace("\n", "\r\n")
    folder = write_pack(tmp_path / "p", files)

    assert problems_of(folder) == [
        f'{folder / "01-first.md"}:13: unknown audience "hurt parnter" in "For:" '
        "(use solo, hurt partner, involved partner or together)"
    ]


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing ``fragment``."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


def section_with(old: str, new: str) -> str:
    assert old in SECTION_ONE
    return SECTION_ONE.replace(old, new, 1)


# (file to replace, its new text, fragment on the expected line or a line number, words in the message)
MALFORMED = {
    "unknown header": (
        "01-first.md", section_with("title:", "tilte:"), "tilte:", 'unknown header "tilte" (expected id, title, order, summary, includes)'
    ),
    "duplicate header": ("01-first.md", section_with("order: 1", "order: 1\norder: 2"), "order: 2", 'header "order" appears twice (first on line 4)'),
    "missing title": ("01-first.md", section_with("title: The first section\n", ""), 1, 'the header needs a "title:" line'),
    "empty title": ("01-first.md", section_with("title: The first section", "title:"), "title:", 'the header needs a "title:" line'),
    "header line without colon": ("01-first.md", section_with("summary:", "summary"), "summary", 'a header line is "name: value"'),
    "order not a number": ("01-first.md", section_with("order: 1", "order: first"), "order:", "order must be a whole number"),
    "order with underscores": ("01-first.md", section_with("order: 1", "order: 1_0"), "order:", "order must be a whole number"),
    "order too long to be a number": ("01-first.md", section_with("order: 1", "order: " + "9" * 5000), "order:", "order must be a whole number"),
    "section id with markup": ("01-first.md", section_with("id: first", "id: fi[b]rst"), "id: fi[b]rst", '"fi[b]rst" is not a valid id'),
    "prompt id with markup": ("01-first.md", section_with("## Prompt: body-now", "## Prompt: [b]"), "## Prompt: [b]", '"[b]" is not a valid id'),
    "prompt id upper case": ("01-first.md", section_with("## Prompt: body-now", "## Prompt: Body-Now"), "## Prompt: Body-Now", "not a valid id"),
    "prompt id too long": ("01-first.md", section_with("## Prompt: body-now", "## Prompt: " + "a" * 61), "## Prompt: aaa", "not a valid id"),
    "prompt without id": ("01-first.md", section_with("## Prompt: body-now", "## Prompt:"), "## Prompt:", '"## Prompt:" needs an id after the colon'),
    "duplicate prompt id in a file": ("01-first.md", section_with("## Prompt: what-i-see", "## Prompt: body-now"), 17, 'id "body-now" is already used by the prompt at 01-first.md:12'),
    "unknown block": ("01-first.md", section_with("## Exercise: settle-first", "## Foo: settle-first"), "## Foo:", 'unknown block "Foo" (expected Prompt or Exercise)'),
    "heading without kind": ("01-first.md", section_with("## Exercise: settle-first", "## Settling first"), "## Settling", 'write "## Kind: id"'),
    "bare heading marks": ("01-first.md", section_with("## Exercise: settle-first", "##"), 22, 'write "## Kind: id"'),
    "prompt without For": ("01-first.md", section_with("For: hurt partner\n", ""), "## Prompt: body-now", 'prompt "body-now" has no "For:" line'),
    "unknown audience": ("01-first.md", section_with("For: hurt partner", "For: hurt partner, partner"), "For: hurt partner", 'unknown audience "partner" in "For:"'),
    "For names nobody": ("01-first.md", section_with("For: hurt partner", "For: , "), "For: ,", '"For:" names nobody'),
    "exercise without Title": ("01-first.md", section_with("Title: Settling before you talk\n", ""), "## Exercise:", 'exercise "settle-first" has no "Title:" line'),
    "exercise with empty Title": ("01-first.md", section_with("Title: Settling before you talk", "Title:  "), "Title:", 'exercise "settle-first" has an empty "Title:" line'),
    "prompt without text": (
        "01-first.md",
        section_with("For: hurt partner\n\nWhen your partner comes close, what does your body do first?\n", "For: hurt partner\n\n"),
        "## Prompt: body-now",
        'prompt "body-now" has no text',
    ),
    "section without reading": ("02-second.md", SECTION_TWO.replace("Another reading.\n", "   \n"), 5, "the section has no reading"),
    "section without prompts": ("02-second.md", SECTION_TWO.split("## Prompt")[0], 1, "the section has no prompts"),
    "prompt too long": ("02-second.md", SECTION_TWO.replace("What do you notice?", "x" * 1001), "xxxx", 'prompt "second-thoughts" is 1,001 characters; the limit is 1,000'),
    "reading too long": ("02-second.md", SECTION_TWO.replace("Another reading.", "\n" + "word " * 4001), "word", "the reading is 20,005 characters; the limit is 20,000"),
    "prompt in pack.md": ("pack.md", PACK_MD + "\n## Prompt: stray\nFor: solo\nHi\n", "## Prompt: stray", 'a "Prompt" block belongs in a section file, not here'),
    "ladder step in a section": ("02-second.md", SECTION_TWO + "\n## Ladder step: stray\nA hug.\n", "## Ladder step", 'a "Ladder step" block belongs in pack.md, not here'),
    "empty starter": ("pack.md", PACK_MD.replace("What I heard is\n", ""), "## Receiving:", 'receiving "what-i-heard" has no text'),
    "starter too long": ("pack.md", PACK_MD.replace("What I heard is", "y" * 1001), "yyyy", "is 1,001 characters"),
    "pack.md without title": ("pack.md", PACK_MD.replace("title: A test pack\n", ""), 1, 'the header needs a "title:" line'),
    "pack.md unknown header": ("pack.md", PACK_MD.replace("title:", "version: 2\ntitle:"), "version:", 'unknown header "version" (expected id, title)'),
    "pack id invalid": ("pack.md", PACK_MD.replace("id: test-pack", "id: Test Pack"), "id: Test", '"Test Pack" is not a valid id'),
    "no front matter": ("02-second.md", SECTION_TWO.split("---\n", 2)[2], 1, 'the file does not start with a header: its first line should be "---"'),
    "unterminated front matter": ("02-second.md", SECTION_TWO.replace("order: 2\n---", "order: 2\n"), 1, "the header is not closed"),
    "empty file": ("02-second.md", "\n  \n", 1, "the file is empty"),
    "control character": ("02-second.md", SECTION_TWO.replace("What do", "What \x1b[31mdo"), "What", "this line has a control character (U+001B)"),
    "not UTF-8": ("02-second.md", SECTION_TWO.encode().replace(b"Another", b"Anoth\xffer"), "Anoth", "the file is not UTF-8 text"),
}


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, case: str) -> None:
    name, content, where, words = MALFORMED[case]
    files = good_files()
    files[name] = content
    folder = write_pack(tmp_path / "pack", files)
    if isinstance(where, str):
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        where = line_of(text, where)

    problems = problems_of(folder)

    expected = f"{folder / name}:{where}: "
    assert any(p.startswith(expected) and words in p for p in problems), problems


def test_a_duplicate_prompt_id_names_the_first_one(tmp_path: Path) -> None:
    files = good_files()
    files["02-second.md"] = SECTION_TWO.replace("second-thoughts", "body-now")
    folder = write_pack(tmp_path / "pack", files)

    assert problems_of(folder) == [
        f'{folder / "02-second.md"}:8: id "body-now" is already used by the prompt at 01-first.md:12'
    ]


def test_a_duplicate_section_id_is_reported_at_its_header(tmp_path: Path) -> None:
    files = good_files()
    files["02-second.md"] = SECTION_TWO.replace("id: second", "id: first")
    folder = write_pack(tmp_path / "pack", files)

    assert problems_of(folder) == [
        f'{folder / "02-second.md"}:2: id "first" is already used by the section at 01-first.md:2'
    ]


def test_every_problem_is_found_in_one_pass(tmp_path: Path) -> None:
    files = good_files()
    files["01-first.md"] = (
        SECTION_ONE.replace("title:", "tilte:").replace("For: hurt partner", "For: nobody").replace("## Exercise", "## Exercize")
    )
    files["02-second.md"] = SECTION_TWO.replace("order: 2", "order: two")
    folder = write_pack(tmp_path / "pack", files)
    first, second = folder / "01-first.md", folder / "02-second.md"

    lines = [p.split(": ", 1)[0] for p in problems_of(folder)]

    assert lines == [f"{first}:1", f"{first}:3", f"{first}:13", f"{first}:22", f"{second}:4"]


def test_a_pack_without_sections_is_reported(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", {"pack.md": PACK_MD, "README.md": "Notes for authors, not a section."})

    assert problems_of(folder) == [f"{folder / 'pack.md'}:1: pack has no sections: add a section file next to pack.md"]


def test_a_folder_without_pack_md_is_reported(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", {"01-first.md": SECTION_ONE})

    assert problems_of(folder) == [f"{folder / 'pack.md'}:1: pack.md is missing: every pack needs one"]


def test_readme_and_hidden_files_are_not_sections(tmp_path: Path) -> None:
    files = good_files()
    files["README.md"] = "Not a section at all."
    files["._01-first.md"] = b"\x00\x05\x16\x07 Mac resource fork"
    pack, problems = load_pack(write_pack(tmp_path / "pack", files))

    assert problems == []
    assert pack is not None
    assert len(pack.sections) == 2


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", good_files())
    huge = folder / "03-huge.md"
    with huge.open("wb") as handle:
        handle.truncate(4 * 1024**3)  # sparse: reading it all would take seconds and gigabytes

    problems = problems_of(folder)

    assert problems == [f"{huge}:1: the file is larger than 256 KiB"]


def test_a_file_just_at_the_size_limit_is_read(tmp_path: Path) -> None:
    files = good_files()
    padding = 256 * 1024 - len(SECTION_TWO.encode())
    files["02-second.md"] = SECTION_TWO + " " * padding
    pack, problems = load_pack(write_pack(tmp_path / "pack", files))

    assert problems == []
    assert pack is not None


def test_a_link_outside_the_pack_is_skipped_with_a_problem(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(SECTION_TWO)
    folder = write_pack(tmp_path / "pack", good_files())
    (folder / "03-link.md").symlink_to(outside)

    assert problems_of(folder) == [f"{folder / '03-link.md'}:1: the file links to somewhere outside the pack folder; skipped"]


def test_a_link_inside_the_pack_is_followed(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", good_files())
    (folder / "drafts").mkdir()
    (folder / "drafts" / "third.md").write_text(SECTION_TWO.replace("second", "third"))
    (folder / "03-third.md").symlink_to(folder / "drafts" / "third.md")

    pack, problems = load_pack(folder)

    assert problems == []
    assert pack is not None
    assert [s.id for s in pack.sections] == ["first", "second", "third"]


def test_a_named_pipe_does_not_hang_the_loader(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack", good_files())
    os.mkfifo(folder / "03-pipe.md")

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the loader waited on a named pipe")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        problems = problems_of(folder)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    assert problems == [f"{folder / '03-pipe.md'}:1: the file is not a plain file"]


def test_unicode_line_separators_are_text_not_line_breaks(tmp_path: Path) -> None:
    files = good_files()
    files["02-second.md"] = SECTION_TWO.replace("Another reading.", "Another\u2028reading\u2029here.").replace(
        "For: solo", "For: someone"
    )
    folder = write_pack(tmp_path / "pack", files)

    assert [p.split(": ", 1)[0] for p in problems_of(folder)] == [f"{folder / '02-second.md'}:9"]


def test_load_packs_keeps_good_packs_and_names_the_bad_one(tmp_path: Path) -> None:
    packs_dir = tmp_path / "prompts"
    write_pack(packs_dir / "good", good_files())
    bad_files = good_files()
    bad_files["pack.md"] = PACK_MD.replace("test-pack", "bad-pack")
    bad_files["01-first.md"] = SECTION_ONE.replace("For: hurt partner\n", "")
    write_pack(packs_dir / "bad", bad_files)
    (packs_dir / "not-a-pack").mkdir()
    (packs_dir / "stray.md").write_text("just a file")

    load = load_packs([tmp_path / "missing", packs_dir])

    assert [pack.id for pack in load.packs] == ["test-pack"]
    assert load.skipped == [str(packs_dir / "bad")]
    assert [str(p) for p in load.problems] == [
        f'{packs_dir / "bad" / "01-first.md"}:12: prompt "body-now" has no "For:" line'
    ]


def test_load_packs_skips_a_second_pack_with_the_same_id(tmp_path: Path) -> None:
    write_pack(tmp_path / "builtin" / "one", good_files())
    write_pack(tmp_path / "mine" / "copy", good_files())

    load = load_packs([tmp_path / "builtin", tmp_path / "mine", tmp_path / "builtin"])

    assert [pack.source for pack in load.packs] == [str(tmp_path / "builtin" / "one")]
    assert load.skipped == [str(tmp_path / "mine" / "copy")]
    assert [str(p) for p in load.problems] == [
        f'{tmp_path / "mine" / "copy" / "pack.md"}:2: pack id "test-pack" is already used by {tmp_path / "builtin" / "one"}'
    ]


def test_load_packs_sorts_packs_by_title(tmp_path: Path) -> None:
    for folder, title in [("a", "Zebra"), ("b", "apple"), ("c", "Mango")]:
        files = good_files()
        files["pack.md"] = PACK_MD.replace("test-pack", f"pack-{folder}").replace("A test pack", title)
        write_pack(tmp_path / "packs" / folder, files)

    load = load_packs([tmp_path / "packs"])

    assert [pack.title for pack in load.packs] == ["apple", "Mango", "Zebra"]
    assert load.problems == [] and load.skipped == []


def test_validate_path_accepts_a_pack_folder_or_its_pack_md(good_pack: Path) -> None:
    for path in (good_pack, good_pack / "pack.md"):
        pack, problems = validate_path(path)
        assert problems == []
        assert pack is not None and pack.source == str(good_pack)


def test_validate_path_explains_what_is_not_a_pack(tmp_path: Path, good_pack: Path) -> None:
    (tmp_path / "notes.md").write_text("hello")

    for path in (tmp_path, tmp_path / "notes.md", good_pack / "01-first.md"):
        pack, problems = validate_path(path)
        assert pack is None
        assert [str(p) for p in problems] == [f"{path}:1: {NOT_A_PACK}"]

    missing = tmp_path / "nowhere"
    assert [str(p) for p in validate_path(missing)[1]] == [f"{missing}:1: no such file or folder"]


def test_validate_path_reports_a_bad_pack(tmp_path: Path) -> None:
    files = good_files()
    files["02-second.md"] = SECTION_TWO.replace("For: solo", "For: everyone")
    folder = write_pack(tmp_path / "pack", files)

    pack, problems = validate_path(folder)

    assert pack is None
    assert [p.line for p in problems] == [9]


def assert_sane(folder: Path, lines_in: dict[str, int]) -> None:
    """The loader returned either a pack or problems, each pointing at a real line."""
    pack, problems = load_pack(folder)
    assert (pack is None) == bool(problems)
    for problem in problems:
        name = Path(problem.path).name
        assert name in lines_in, problem
        assert 1 <= problem.line <= lines_in[name] + 1, problem
        assert problem.message


def line_count(data: bytes) -> int:
    # An upper bound on lines however the loader treats \r, \r\n and \n.
    return data.count(b"\n") + data.count(b"\r") + 1


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_in_a_section_file_give_a_pack_or_problems(tmp_path: Path, data: bytes) -> None:
    folder = write_pack(tmp_path / "pack", {"pack.md": PACK_MD, "01-fuzz.md": data})

    assert_sane(folder, {"pack.md": line_count(PACK_MD.encode()), "01-fuzz.md": line_count(data)})


@pytest.mark.slow
@FUZZ
@given(text=st.text(max_size=2000))
def test_any_text_in_pack_md_gives_a_pack_or_problems(tmp_path: Path, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    folder = write_pack(tmp_path / "pack", {"pack.md": data, "02-second.md": SECTION_TWO})

    assert_sane(folder, {"pack.md": line_count(data), "02-second.md": line_count(SECTION_TWO.encode())})


PACK_LIKE_LINES = st.sampled_from(
    [
        "---", "", "   ", "id: first", "id: [b]", "title: T", "order: 1", "order: x", "summary: s",
        "tilte: t", "## Prompt: p", "## Prompt: q", "## Prompt:", "## Exercise: e", "## Ladder step: l",
        "## Starter: s", "## Receiving: r", "## Foo: x", "##", "## no kind", "For: solo", "For: hurt, together",
        "For: nobody", "For:", "Title: A title", "Title:", "Some words [/] [@click=app.quit]", "\t", "\ufeff",
        "x" * 1200, "## Prompt: first",
    ]
)


@pytest.mark.slow
@FUZZ
@given(
    section=st.lists(st.one_of(PACK_LIKE_LINES, st.text(max_size=30)), max_size=40),
    pack_md=st.lists(PACK_LIKE_LINES, max_size=20),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_pack_like_lines_in_any_order_give_a_pack_or_problems(
    tmp_path: Path, section: list[str], pack_md: list[str], ending: str
) -> None:
    section_data = ending.join(section).encode("utf-8", "surrogatepass")
    pack_data = ending.join(["---", "id: fuzz", "title: Fuzz", "---", *pack_md]).encode()
    folder = write_pack(tmp_path / "pack", {"pack.md": pack_data, "01-fuzz.md": section_data})

    assert_sane(folder, {"pack.md": line_count(pack_data), "01-fuzz.md": line_count(section_data)})


def test_the_default_pack_is_valid_and_complete() -> None:
    pack, problems = load_pack(DEFAULT_PACK)

    assert [str(p) for p in problems] == []
    assert pack is not None
    assert len(pack.sections) == 8
    for section in pack.sections:
        assert len(section.prompts) >= 4, section.id
        words = len(re.findall(r"\S+", section.reading))
        assert 120 <= words <= 350, (section.id, words)
    audiences = {audience for s in pack.sections for p in s.prompts for audience in p.audiences}
    assert audiences == set(Audience)
    assert pack.ladder
    assert {starter.kind for starter in pack.starters} == {"naming", "receiving"}


def test_includes_names_the_pack_lists_a_section_shows(tmp_path: Path) -> None:
    files = good_files()
    files["01-first.md"] = section_with("summary:", "includes: ladder\nsummary:")
    files["02-second.md"] = SECTION_TWO.replace("order: 2", "order: 2\nIncludes:  Starters , ladder,starters")
    pack, problems = load_pack(write_pack(tmp_path / "p", files))

    assert problems == []
    assert pack is not None
    first, second = pack.sections
    assert first.includes == ("ladder",)
    assert second.includes == ("starters", "ladder")


def test_a_section_without_includes_shows_no_pack_lists(good_pack: Path) -> None:
    pack, _ = load_pack(good_pack)

    assert pack is not None
    assert [s.includes for s in pack.sections] == [(), ()]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("ladders", 'unknown "ladders" in "includes:" (use ladder, starters, or both separated by a comma)'),
        ("ladder, [b]steps[/b]", 'unknown "[b]steps[/b]" in "includes:"'),
        ("ladder; starters", 'unknown "ladder; starters" in "includes:"'),
    ],
)
def test_an_unknown_include_is_reported_at_its_line(tmp_path: Path, value: str, words: str) -> None:
    text = section_with("summary:", f"includes: {value}\nsummary:")
    files = good_files()
    files["01-first.md"] = text
    folder = write_pack(tmp_path / "p", files)

    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / '01-first.md'}:{line_of(text, 'includes:')}: ")
    assert words in problem


def test_includes_asking_for_lists_the_pack_lacks_is_reported(tmp_path: Path) -> None:
    files = good_files()
    files["pack.md"] = PACK_MD.split("## Ladder step")[0]
    text = section_with("summary:", "includes: ladder, starters\nsummary:")
    files["01-first.md"] = text
    folder = write_pack(tmp_path / "p", files)
    where = f"{folder / '01-first.md'}:{line_of(text, 'includes:')}: "

    assert problems_of(folder) == [
        where + '"includes: ladder", but pack.md has no "## Ladder step:" blocks',
        where + '"includes: starters", but pack.md has no "## Starter:" or "## Receiving:" blocks',
    ]


def test_the_default_pack_shows_the_ladder_and_starters_where_the_prompts_need_them() -> None:
    pack, _ = load_pack(DEFAULT_PACK)

    assert pack is not None
    assert {s.id: s.includes for s in pack.sections if s.includes} == {
        "touch-ladder": ("ladder",),
        "naming-difficulty": ("starters",),
    }


# The ladder's steps and the sentence builder's beginnings (issue 10).


def test_a_pack_with_beginnings_needs_both_kinds_for_the_sentence_builder(tmp_path: Path) -> None:
    files = good_files()
    files["pack.md"] = str(files["pack.md"]).replace("## Receiving: what-i-heard\nWhat I heard is\n", "")
    assert "Receiving" not in files["pack.md"]
    problems = problems_of(write_pack(tmp_path / "p", files))
    assert any('needs both kinds of beginning: add at least one "## Receiving:" block' in p for p in problems)


def test_a_ladder_step_or_a_beginning_is_one_short_line(tmp_path: Path) -> None:
    files = good_files()
    files["pack.md"] = (
        str(files["pack.md"])
        .replace("Sitting a little closer than usual.", "Sitting a little closer\nthan usual.")
        .replace("What I heard is", "What I heard is " + "very " * 30)
    )
    problems = problems_of(write_pack(tmp_path / "p", files))
    assert any('ladder step "sit-closer" should be one line' in p for p in problems)
    assert any('receiving "what-i-heard" is longer than 120 characters' in p for p in problems)
