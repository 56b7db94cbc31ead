"""Made-up journals of a given size, the same every time, for the benchmarks.

The words are invented (syllables picked by a seeded random generator) and
used with a Zipf-like frequency, so a search finds some words everywhere and
others almost nowhere, as in real writing. Nothing here is anyone's writing.
"""

from __future__ import annotations

import functools
import itertools
import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from reflect.content.packs import load_packs
from reflect.domain.entries import Entry, new_entry
from reflect.domain.profiles import LEGACY_SPACE, Role
from reflect.paths import DataLayout, builtin_packs_dir
from reflect.storage.settings import Settings, save_settings
from reflect.storage import records
from reflect.storage.atomic import atomic_write_bytes
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.space_store import SpaceStore
from reflect.usecases.workspace import NewPerson, Workspace

# A journal written before setup becomes the first person's private space
# under this name, so it is the journal the app and `reflect write` open.
JOURNAL = LEGACY_SPACE
SEED = 20240501
WORDS_PER_ENTRY = 100
VOCABULARY_SIZE = 3000
TAGS = ("evening", "morning", "hard-day", "hopeful", "therapy", "body", "talk", "walk")
# Far enough back that a year or three of entries ends before today.
FIRST_ENTRY = datetime(2022, 1, 3, 21, 15, tzinfo=timezone(timedelta(hours=1)))

_ONSETS = ("", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "st", "th", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "m", "nd")


@dataclass(frozen=True)
class Vocabulary:
    """Invented words, most frequent first, and the weights to draw them with."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]

    def rank(self, word: str) -> int:
        return self.words.index(word)


@functools.cache
def vocabulary(seed: int = SEED, size: int = VOCABULARY_SIZE) -> Vocabulary:
    """``size`` distinct invented words with Zipf weights (word n drawn ~1/n as often)."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < size:
        syllables = rng.choice((1, 1, 2, 2, 2, 3))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if len(word) >= 3:
            seen.setdefault(word, None)
    # Short words are the common ones in real writing, so they get the top ranks.
    words = tuple(sorted(seen, key=len))
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return Vocabulary(words, tuple(itertools.accumulate(weights)))


def make_text(rng: random.Random, vocab: Vocabulary, count: int = WORDS_PER_ENTRY) -> str:
    """About ``count`` invented words in sentences and a few paragraphs."""
    words = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=count)
    sentences = []
    start = 0
    while start < len(words):
        length = rng.randint(6, 18)
        chunk = words[start : start + length]
        sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        start += length
    paragraphs = []
    while sentences:
        take = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return "\n\n".join(paragraphs)


def make_entries(count: int, seed: int = SEED) -> list[Entry]:
    """``count`` journal entries, oldest first, a few hours apart.

    About a third answer a real prompt from the built-in pack, some have tags
    and a few are starred, so the home screen and filters have work to do.
    """
    rng = random.Random(seed + count)
    vocab = vocabulary(seed)
    prompts = [p for pack in load_packs([builtin_packs_dir()]).packs for s in pack.sections for p in s.prompts]
    entries = []
    when = FIRST_ENTRY
    for _ in range(count):
        when += timedelta(minutes=rng.randint(60, 240))
        prompt = rng.choice(prompts) if prompts and rng.random() < 0.35 else None
        entry = new_entry(
            make_text(rng, vocab),
            space=JOURNAL,
            now=when,
            prompt_id=prompt.id if prompt else "",
            prompt_text=prompt.text if prompt else "",
            section_id=prompt.section_id if prompt else "",
            tags=rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2))),
        )
        # new_entry draws its id from the system; a seeded one keeps runs identical.
        entry_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        entries.append(replace(entry, id=entry_id, starred=rng.random() < 0.05))
    return entries


def space_json(entries: list[Entry]) -> bytes:
    """The plain JSON of a journal space holding ``entries``, as SpaceStore writes it."""
    tables = records.new_space_tables(JOURNAL, FIRST_ENTRY)
    tables[records.ENTRIES_TABLE] = {e.id: records.entry_to_record(e) for e in entries}
    return orjson.dumps(tables)


def write_data_folder(
    root: Path, plain: bytes, *, codec: Codec = PlainCodec(), passphrase: str | None = None
) -> Path:
    """A data folder whose journal holds ``plain``. Returns the journal file.

    The journal is written in one go rather than entry by entry. With the
    plain codec the folder is then set up for one person, as the app's setup
    would: with ``passphrase`` the journal is sealed with it (real key
    derivation settings) and only the sealed file stays. The journal is opened
    once through the workspace, as the app opens it, to be sure reflect reads
    it; that also takes the day's backup. With another ``codec`` the sealed
    file is written alone, with no profile, for the in-process figures. The
    first-run notice is marked as read either way, so the app opens straight
    onto the path or the unlock screen.
    """
    layout = DataLayout(root).ensure()
    save_settings(layout.settings_file, Settings(first_run_acknowledged=True))
    expected = len(orjson.loads(plain)[records.ENTRIES_TABLE])
    if isinstance(codec, PlainCodec):
        atomic_write_bytes(layout.space_file(JOURNAL), plain)
        with Workspace.open(root, pack_dirs=()) as workspace:
            [person] = workspace.set_up([NewPerson("Sam", Role.INDIVIDUAL, passphrase)])
            workspace.unlock(person, passphrase)
            count = len(workspace.journal.entries())
            path = workspace.space_path(JOURNAL)
    else:
        if passphrase is not None:
            raise ValueError("a passphrase seals the plain journal; pass no codec with it")
        path = layout.space_file(JOURNAL, sealed=True)
        atomic_write_bytes(path, codec.encode(plain))
        with SpaceStore.open(path, space=JOURNAL, codec=codec, create=False) as store:
            count = len(store.entries())
    if count != expected:
        raise RuntimeError(f"{path} opened with {count} entries, expected {expected}")
    return path
