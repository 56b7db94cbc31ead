"""How fast reflect feels with a big journal: run on demand, prints figures.

    /tmp/venv/bin/python benchmarks/run.py [--quick] [--only NAME ...]

Every figure is also shown as a ratio to T, the time this same interpreter
takes to run ``python -c "import textual.app"`` on this machine, so figures
can be compared across machines. T is sampled between the other runs too and
the median of every sample is used, so a busy machine slows T and the figures
alike. Journals of 1,000 and 10,000 made-up entries are generated in a
temporary folder that is removed at the end; the real data folder is never
touched. benchmarks/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO)] if str(REPO) not in sys.path else []
sys.dont_write_bytecode = True  # nothing generated is left in the repository

import journals  # noqa: E402  (needs the repository on the path first)
import nacl.pwhash  # noqa: E402
import nacl.secret  # noqa: E402
import terminal  # noqa: E402

from reflect.domain.entries import Entry, EntryFilter, new_entry  # noqa: E402
from reflect.paths import ENV_HOME  # noqa: E402
from reflect.storage.atomic import read_private_bytes  # noqa: E402
from reflect.storage.codec import Codec  # noqa: E402
from reflect.storage.sealed import KdfParams, SealedSpace  # noqa: E402
from reflect.storage.space_store import SpaceStore  # noqa: E402

SIZES = (1_000, 10_000)
BIG = 10_000
HOME_SCREEN_TEXT = "The path"
UNLOCK_SCREEN_TEXT = "Welcome back"
SLOT = "benchmark"
PASSPHRASE = "correct horse battery staple"
GROUPS = ("start", "cli", "store", "sealed")
T_NAME = 'T: python -c "import textual.app"'
NEW_TEXT = "A short reflection from the benchmark, about one line long."


@dataclass(frozen=True)
class Repeats:
    """How many times each figure is measured."""

    baseline: int
    start: int
    cli: int
    saves: int
    searches: int
    unlocks: int


FULL = Repeats(baseline=7, start=9, cli=9, saves=30, searches=50, unlocks=7)
QUICK = Repeats(baseline=3, start=3, cli=3, saves=10, searches=20, unlocks=2)


@dataclass(frozen=True)
class Target:
    """A limit on a figure, in seconds or in multiples of T."""

    text: str
    seconds: float | None = None
    times_t: float | None = None

    def met(self, value: float, t: float) -> bool:
        limit = self.seconds if self.seconds is not None else self.times_t * t
        return value <= limit


@dataclass(frozen=True)
class Figure:
    """One measured figure: every sample, in seconds."""

    name: str
    journal: str
    samples: tuple[float, ...]
    target: Target | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile (the largest sample when there are few)."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def verdict(self, t: float) -> str:
        if self.target is None:
            return ""
        if not self.target.met(self.median, t):
            return "MISSED"
        if len(self.samples) > 1 and not self.target.met(self.p95, t):
            return "met, p95 over"
        return "met"


class Bench:
    """The shared state of one run: the temporary folder, T's samples and the figures."""

    def __init__(self, root: Path, repeats: Repeats) -> None:
        self.root = root
        self.repeats = repeats
        self.t_samples: list[float] = []
        self.figures: list[Figure] = []
        self._plain: dict[int, bytes] = {}
        self._folders = 0

    @property
    def t(self) -> float:
        return statistics.median(self.t_samples)

    def sample_t(self) -> None:
        """One more run of ``python -c "import textual.app"``."""
        self.t_samples += wall_times([sys.executable, "-c", "import textual.app"], 1, warm_up=False)

    def journal_json(self, size: int) -> bytes:
        """The plain JSON of a generated journal of ``size`` entries (made once)."""
        if size not in self._plain:
            started = time.perf_counter()
            self._plain[size] = journals.space_json(journals.make_entries(size))
            mib = len(self._plain[size]) / 2**20
            print(f"  made a {size:,}-entry journal, {mib:.1f} MiB, in {time.perf_counter() - started:.1f} s")
        return self._plain[size]

    def fresh_folder(
        self, size: int, codec: Codec | None = None, passphrase: str | None = None
    ) -> tuple[Path, Path]:
        """A new data folder holding the ``size`` journal; returns (folder, journal file).

        With ``passphrase`` the folder's one person is protected by it, as a
        person who chose a passphrase at setup is.
        """
        self._folders += 1
        folder = self.root / f"data-{self._folders}-{size}"
        kwargs = {} if codec is None else {"codec": codec}
        return folder, journals.write_data_folder(folder, self.journal_json(size), passphrase=passphrase, **kwargs)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(f"  {figure.name} [{figure.journal}]: median {_ms(figure.median).strip()}")

    def round_robin(self, runs: int, measures: dict[str, Callable[[], float]]) -> dict[str, tuple[float, ...]]:
        """Run every measure once per round, and T once per round, ``runs`` rounds.

        Taking turns spreads a busy moment of the machine over every figure
        instead of spoiling one of them. Each measure runs once untimed first.
        """
        for measure in measures.values():
            measure()
        samples: dict[str, list[float]] = {name: [] for name in measures}
        for _ in range(runs):
            self.sample_t()
            for name, measure in measures.items():
                samples[name].append(measure())
        return {name: tuple(values) for name, values in samples.items()}


def subprocess_env() -> dict[str, str]:
    """The environment of every timed subprocess (main() sets where bytecode goes)."""
    env = {k: v for k, v in os.environ.items() if k != ENV_HOME}
    # An installed reflect runs from compiled bytecode; without it every run
    # would compile Textual and reflect again. The bytecode goes to
    # PYTHONPYCACHEPREFIX, a temporary folder, never into the repository.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(REPO)
    env["TERM"] = "xterm-256color"
    env.pop("NO_COLOR", None)
    return env


def wall_time(argv: Sequence[str], stdin: bytes | None = None) -> float:
    """Seconds for one run of ``argv`` with its output discarded; it must succeed.

    ``stdin`` is what the program reads from standard input (a passphrase);
    without it standard input is empty.
    """
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=subprocess_env(), cwd=tempfile.gettempdir(), input=stdin or b"",
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def wall_times(argv: Sequence[str], runs: int, *, warm_up: bool = True) -> tuple[float, ...]:
    """Seconds for each of ``runs`` runs of ``argv``, after one untimed run if ``warm_up``."""
    if warm_up:
        wall_time(argv)
    return tuple(wall_time(argv) for _ in range(runs))


def first_frame(argv: Sequence[str], marker: str = HOME_SCREEN_TEXT) -> Callable[[], float]:
    """A measure: seconds from starting ``argv`` in a pseudo-terminal to ``marker`` on screen."""
    env = subprocess_env()
    return lambda: terminal.seconds_until_shown(argv, marker, env=env, cwd=tempfile.gettempdir())


def reflect_argv(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "reflect", "--data-dir", str(folder), *args]


def measure_t(bench: Bench) -> None:
    """T, and a bare interpreter start for reference."""
    bare = wall_times([sys.executable, "-c", "pass"], bench.repeats.baseline)
    bench.t_samples += wall_times([sys.executable, "-c", "import textual.app"], bench.repeats.baseline)
    bench.add(Figure("python -c pass (for reference)", "-", bare))


def measure_start(bench: Bench) -> None:
    """App start to the first screen a person sees, in a pseudo-terminal.

    For a journal without a passphrase that is the home screen; for one
    protected by a passphrase it is the unlock screen. Two yardsticks run
    alongside: the smallest Textual app with the same widgets (Textual's own
    share) and reflect on an empty journal (reflect's share that does not
    grow with the journal).
    """
    empty = bench.root / "data-empty"
    journals.write_data_folder(empty, journals.space_json([]))
    protected, _ = bench.fresh_folder(BIG, passphrase=PASSPHRASE)
    measures = {
        "minimal": first_frame([sys.executable, str(HERE / "minimal_app.py")]),
        "0": first_frame(reflect_argv(empty)),
    }
    for size in SIZES:
        folder, _ = bench.fresh_folder(size)
        measures[f"{size:,}"] = first_frame(reflect_argv(folder))
    measures["protected"] = first_frame(reflect_argv(protected), UNLOCK_SCREEN_TEXT)
    samples = bench.round_robin(bench.repeats.start, measures)
    bench.add(Figure("minimal Textual app, first frame", "-", samples.pop("minimal")))
    start_target = Target("<= 1.5 T", times_t=1.5)
    locked = samples.pop("protected")
    for journal, values in samples.items():
        bench.add(Figure("app start to first frame", journal, values, start_target if journal == f"{BIG:,}" else None))
    bench.add(Figure("app start to unlock screen (passphrase)", f"{BIG:,}", locked, start_target))


def measure_cli(bench: Bench) -> None:
    """`reflect write TEXT` and `reflect list --contains WORD`, as subprocesses.

    Also `reflect write` for a person protected by a passphrase (given on
    standard input, as scripts do), which has to derive the key first.
    """
    word = journals.vocabulary().words[400]
    measures, matches = {}, {}
    for size in SIZES:
        folder, path = bench.fresh_folder(size)
        with SpaceStore.open(path, space=journals.JOURNAL, create=False) as store:
            matches[size] = len(store.search(EntryFilter(contains=word)))
        measures[("write", size)] = lambda f=folder: wall_time(reflect_argv(f, "write", NEW_TEXT))
        measures[("list", size)] = lambda f=folder: wall_time(reflect_argv(f, "list", "--contains", word))
    protected, _ = bench.fresh_folder(BIG, passphrase=PASSPHRASE)
    secret = f"{PASSPHRASE}\n".encode()
    measures[("write", "protected")] = lambda: wall_time(reflect_argv(protected, "write", NEW_TEXT), secret)
    samples = bench.round_robin(bench.repeats.cli, measures)
    write_target = Target("<= 0.5 T", times_t=0.5)
    for size in SIZES:
        target = write_target if size == BIG else None
        bench.add(Figure("reflect write TEXT", f"{size:,}", samples[("write", size)], target))
        bench.add(Figure("reflect list --contains WORD", f"{size:,}", samples[("list", size)],
                         note=f"{matches[size]} match"))
    bench.add(Figure("reflect write TEXT (passphrase)", f"{BIG:,}", samples[("write", "protected")], write_target))


def search_words(count: int, seed: int = journals.SEED) -> list[str]:
    """Words to look for: common to rare, some half-typed, a few found nowhere."""
    rng = random.Random(seed)
    words = journals.vocabulary().words
    chosen = []
    for n in range(count):
        if n % 10 == 9:
            chosen.append(f"zq{n}x")  # matches nothing, so every entry is looked at
            continue
        word = words[min(len(words) - 1, int(math.exp(rng.uniform(0, math.log(len(words))))))]
        chosen.append(word[: rng.randint(3, len(word))] if n % 3 == 0 and len(word) > 3 else word)
    return chosen


def one_entry(rng: random.Random, n: int) -> Entry:
    """A new ~100-word entry for the save figures, a little later than the last."""
    when = datetime.now().astimezone() + timedelta(seconds=n)
    return new_entry(journals.make_text(rng, journals.vocabulary()), space=journals.JOURNAL, now=when, tags=["evening"])


def measure_store(bench: Bench, label: str, open_store: Callable[[], SpaceStore]) -> None:
    """Durable save and search latency inside the process, on the 10k journal."""
    rng = random.Random(7)
    store = open_store()
    try:
        words = search_words(bench.repeats.searches)
        started = time.perf_counter()
        found = store.search(EntryFilter(contains=words[1]))
        first = time.perf_counter() - started
        bench.add(Figure(f"{label}: first search (fills its cache)", f"{BIG:,}", (first,), note=f"{len(found)} match"))
        samples, hits = [], []
        for word in words:
            started = time.perf_counter()
            hits.append(len(store.search(EntryFilter(contains=word))))
            samples.append(time.perf_counter() - started)
        bench.add(Figure(f"{label}: search", f"{BIG:,}", tuple(samples), Target("<= 16 ms", seconds=0.016),
                         note=f"{min(hits)}-{max(hits)} match"))
        store.add(one_entry(rng, -1))  # the first save also makes TinyDB's table object
        samples = []
        for n in range(bench.repeats.saves):
            entry = one_entry(rng, n)
            started = time.perf_counter()
            store.add(entry)
            samples.append(time.perf_counter() - started)
        bench.add(Figure(f"{label}: save one entry", f"{BIG:,}", tuple(samples), Target("<= 25 ms", seconds=0.025)))
    finally:
        store.close()


def measure_plain_store(bench: Bench) -> None:
    _, path = bench.fresh_folder(BIG)
    opens = []
    for _ in range(3):
        started = time.perf_counter()
        SpaceStore.open(path, space=journals.JOURNAL, create=False).close()
        opens.append(time.perf_counter() - started)
    bench.add(Figure("plain: open the journal in-process", f"{BIG:,}", tuple(opens)))
    measure_store(bench, "plain", lambda: SpaceStore.open(path, space=journals.JOURNAL, create=False))


def measure_sealed(bench: Bench) -> None:
    """Encryption at rest: unlocking with real KDF settings, then save and search."""
    derivations = []
    for n in range(bench.repeats.unlocks):
        started = time.perf_counter()
        nacl.pwhash.argon2id.kdf(
            nacl.secret.SecretBox.KEY_SIZE, PASSPHRASE.encode(), bytes([n]) * nacl.pwhash.argon2id.SALTBYTES,
            opslimit=KdfParams.REAL.opslimit, memlimit=KdfParams.REAL.memlimit,
        )
        derivations.append(time.perf_counter() - started)
    bench.add(Figure("Argon2id alone (KdfParams.REAL)", "-", tuple(derivations)))
    plain = bench.journal_json(BIG)
    real = SealedSpace.create(SLOT, PASSPHRASE, KdfParams.REAL)
    _, real_path = bench.fresh_folder(BIG, codec=real)
    unlocks, opens = [], []
    for _ in range(bench.repeats.unlocks):
        started = time.perf_counter()
        space, body = SealedSpace.unlock(read_private_bytes(real_path), SLOT, PASSPHRASE)
        unlocked = time.perf_counter()
        SpaceStore.open(real_path, space=journals.JOURNAL, codec=space, create=False).close()
        opens.append(time.perf_counter() - started)
        unlocks.append(unlocked - started)
        if body != plain:
            raise RuntimeError("the sealed journal did not decrypt to what was written")
    bench.add(Figure("sealed: unlock (KdfParams.REAL)", f"{BIG:,}", tuple(unlocks), Target("< 0.5 s", seconds=0.5)))
    bench.add(Figure("sealed: unlock + open the journal", f"{BIG:,}", tuple(opens), Target("< 1 s", seconds=1.0)))

    fast = SealedSpace.create(SLOT, PASSPHRASE, KdfParams.TEST)
    _, path = bench.fresh_folder(BIG, codec=fast)
    measure_store(bench, "sealed", lambda: SpaceStore.open(path, space=journals.JOURNAL, codec=fast, create=False))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def table(figures: Sequence[Figure], t: float) -> str:
    lines = [
        f"{'figure':<40} {'journal':>7} {'median':>11} {'p95':>11} {'x T':>7}  {'target':>9}  {'result':<14} n",
        f"{T_NAME:<40} {'-':>7} {_ms(t)} {'':>11} {1:6.2f}T",
    ]
    for f in figures:
        p95 = _ms(f.p95) if len(f.samples) > 1 else ""
        target = f.target.text if f.target else ""
        note = f"  {f.note}" if f.note else ""
        lines.append(
            f"{f.name:<40} {f.journal:>7} {_ms(f.median)} {p95:>11} {f.median / t:6.2f}T"
            f"  {target:>9}  {f.verdict(t):<14} {len(f.samples)}{note}"
        )
    return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{datetime.now():%Y-%m-%d %H:%M}  nproc {os.cpu_count()}  Python {platform.python_version()}  "
        f"{platform.system()} {platform.release()}  load average {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time reflect with journals of 1k and 10k entries.")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (rougher figures)")
    parser.add_argument("--only", action="append", choices=GROUPS, metavar="NAME",
                        help=f"run only this group (repeatable): {', '.join(GROUPS)}")
    args = parser.parse_args(argv)
    groups = args.only or list(GROUPS)
    repeats = QUICK if args.quick else FULL
    steps = {"start": measure_start, "cli": measure_cli, "store": measure_plain_store, "sealed": measure_sealed}

    started = machine()
    print(started)
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reflect-bench-") as tmp:
        # The subprocesses keep their bytecode in the temporary folder, not in
        # the repository's __pycache__; the untimed warm-up runs fill it.
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        bench = Bench(Path(tmp), repeats)
        measure_t(bench)
        for name in groups:
            try:
                steps[name](bench)
            except Exception as error:  # one broken group should not hide the others' figures
                failed.append(name)
                print(f"  {name}: could not be measured: {type(error).__name__}: {error}")
    del os.environ["PYTHONPYCACHEPREFIX"]

    print(f"\nstarted {started}\nended   {machine()}\n")
    print(table(bench.figures, bench.t))
    targeted = [f for f in bench.figures if f.target]
    missed = [f for f in targeted if f.verdict(bench.t) == "MISSED"]
    print(f"\nT = {bench.t * 1000:.0f} ms (median of {len(bench.t_samples)} runs). "
          f"Targets met: {len(targeted) - len(missed)} of {len(targeted)}.")
    if failed:
        print(f"Not measured: {', '.join(failed)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
