"""Issue 12: how long the app's screen stalls while a 100,000-entry journal loads, and after.

Run by hand from a checkout, with the interpreter that has reflect's dependencies::

    PYTHONPATH=. python benchmarks/app_stalls.py --sizes 100000 --runs 3

For each size a data folder is written once (``benchmarks/journals.py``), plain
(no passphrase: the app opens it at start) and sealed (real key derivation),
in the layout this reflect saves, with a few changes in its change log, so
that the day's backup has a log to fold in. Each run works on a fresh copy
without backups (the day's backup is due, as on the first opening of a day).

``ReflectApp`` runs under Textual's Pilot (headless, 120x40). A timer on the
main thread (``set_interval`` at 10 ms) notes when it ticks; a gap between
two ticks is how long the screen could not answer (draw, take a key). Two
phases are measured:

- *loading*: from the start (plain) or from Unlock pressed (sealed) until
  every older part is taken in and the day's backup is done, and 300 ms more;
- *after*: the journal screen opened, a word typed into its search, a star
  toggled, 1 s.

Printed per phase: the longest gap, the 99th percentile, how many gaps were
over 100 ms and over 50 ms, and where the main thread was during the gaps over
50 ms (a sampling thread notes the main thread's stack every 2 ms: the
outermost reflect function, i.e. which callback, and the innermost one; "idle"
means the main thread was waiting in the event loop while a thread worker held
the interpreter). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

PASSPHRASE = "a benchmark passphrase"
TICK = 0.010
REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", default=["plain", "sealed"])
    parser.add_argument("--top", type=int, default=6, help="places listed per phase")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import journals  # noqa: E402  (benchmarks/journals.py)

    with tempfile.TemporaryDirectory(prefix="reflect-bench-stalls-") as tmp:
        for size in args.sizes:
            entries = journals.make_entries(size)
            plain = journals.space_json(entries)
            del entries
            for kind in args.kinds:
                source = Path(tmp) / f"{kind}-{size}"
                passphrase = PASSPHRASE if kind == "sealed" else None
                journals.write_data_folder(source, plain, passphrase=passphrase)
                _prepare(source, passphrase)
                results: dict[str, list[Phase]] = collections.defaultdict(list)
                for run in range(args.runs):
                    folder = Path(tmp) / f"{kind}-{size}-run{run}"
                    shutil.copytree(source, folder)
                    shutil.rmtree(folder / "backups", ignore_errors=True)
                    for phase in asyncio.run(_through_the_app(folder, passphrase, size)):
                        results[phase.name].append(phase)
                    shutil.rmtree(folder)
                _print(kind, size, results, args.top)
            del plain
    return 0


def _prepare(folder: Path, passphrase: str | None) -> None:
    """The journal in the layout this reflect saves, then three changes in its log."""
    from reflect.usecases.workspace import Workspace

    with Workspace.open(folder, pack_dirs=None) as ws:
        ws.unlock(ws.household.profiles[0], passphrase)
        ws.journal._store.compact(even_if_empty=True)
        for number in range(3):
            ws.write(f"A change kept in the log, number {number}.", tags=("benchmark",))


class Phase:
    def __init__(self, name: str, ticks: list[float], samples: list[tuple[float, str, str]]) -> None:
        self.name = name
        self.gaps = [(b - a, a, b) for a, b in zip(ticks, ticks[1:], strict=False)]
        self.seconds = ticks[-1] - ticks[0] if ticks else 0.0
        self.places: collections.Counter[str] = collections.Counter()
        self.longest_at = "-"
        longest = max(self.gaps, default=(0.0, 0.0, 0.0))
        for gap, start, end in self.gaps:
            if gap <= 0.050:
                continue
            here: collections.Counter[str] = collections.Counter()
            for when, outer, inner in samples:
                if start < when <= end:
                    here[f"{outer} > {inner}"] += 1
            self.places.update(here)
            if (gap, start, end) == longest and here:
                self.longest_at = here.most_common(1)[0][0]


class Sampler(threading.Thread):
    """Notes where the main thread is, every 2 ms (while it gets the interpreter)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.main = threading.main_thread().ident
        self.samples: list[tuple[float, str, str]] = []
        self.running = True

    def run(self) -> None:
        me = threading.get_ident()
        while self.running:
            frames = sys._current_frames()
            frame = frames.get(self.main)
            if frame is not None:
                outer, inner = _where(frame)
                if outer == "idle":
                    # Which worker holds the interpreter: its innermost reflect function.
                    busy = [_where(f)[1] for ident, f in frames.items() if ident not in (self.main, me)]
                    busy = [b for b in busy if not b.startswith("(") and "." in b and "threading" not in b]
                    inner = "worker in " + (", ".join(sorted(set(busy))) or "?")
                self.samples.append((time.perf_counter(), outer, inner))
            time.sleep(0.002)


def _where(frame) -> tuple[str, str]:
    outer = inner = None
    leaf = frame
    while frame is not None:
        name = frame.f_code.co_filename
        if "/reflect/" in name and "/benchmarks/" not in name:
            here = f"{Path(name).stem}.{frame.f_code.co_name}"
            inner = inner or here
            outer = here
        frame = frame.f_back
    leaf_name = f"{Path(leaf.f_code.co_filename).stem}.{leaf.f_code.co_name}"
    if outer is None:
        if leaf.f_code.co_name in ("select", "_run_once", "run_forever", "poll"):
            return "idle", "(a thread worker holds the interpreter)"
        return "textual", leaf_name
    return outer, inner if inner != outer else leaf_name


def _done_loading(ws) -> bool:
    if not ws.is_unlocked or not ws.complete:
        return False
    backed_up = getattr(ws.folder, "_backed_up", set())
    running = getattr(ws.folder, "backup_running", lambda: False)()
    return all(ws.space_path(space) in backed_up for space in ws.open_spaces) and not running


async def _through_the_app(folder: Path, passphrase: str | None, size: int) -> list[Phase]:
    from textual.widgets import Input

    from reflect.ui.app import ReflectApp
    from reflect.ui.screens.journal import JournalScreen
    from reflect.ui.screens.unlock import UnlockScreen
    from reflect.usecases.workspace import Workspace

    ticks: list[float] = []

    class Timed(ReflectApp):
        CSS_PATH = str(Path(sys.modules[ReflectApp.__module__].__file__).parent / ReflectApp.CSS_PATH)

        def on_mount(self) -> None:
            self.set_interval(TICK, lambda: ticks.append(time.perf_counter()))
            super().on_mount()

    sampler = Sampler()
    sampler.start()
    phases = []
    with Workspace.open(folder, pack_dirs=None) as ws:
        app = Timed(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            if passphrase is not None:
                while not isinstance(app.screen, UnlockScreen):
                    await asyncio.sleep(0.01)
                await pilot.pause()
                app.screen.query_one("#passphrase", Input).value = passphrase
                ticks.clear()
                app.screen.unlock()  # what Enter does (pilot.press would wait for every worker)
            started = time.perf_counter()
            while not _done_loading(ws):
                await asyncio.sleep(0.005)
                if time.perf_counter() - started > 120 or app._exception is not None:
                    raise RuntimeError("the journal never came in whole")
            await asyncio.sleep(0.3)
            phases.append(Phase("loading", list(ticks), list(sampler.samples)))
            assert len(ws.journal.entries()) == size + 3

            ticks.clear()
            app.action_journal()
            while not isinstance(app.screen, JournalScreen):
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.3)
            app.screen.search_input.focus()
            for key in "tea":
                await pilot.press(key)
                await asyncio.sleep(0.15)
            await asyncio.sleep(0.3)
            app.screen.entry_list.focus()
            await pilot.pause()
            await pilot.press("s")  # star the highlighted reflection
            await asyncio.sleep(0.4)
            phases.append(Phase("after", list(ticks), list(sampler.samples)))
            await app.workers.wait_for_complete()
    sampler.running = False
    sampler.join()
    return phases


def _print(kind: str, size: int, results: dict[str, list[Phase]], top: int) -> None:
    for name, phases in results.items():
        longest = [max((g for g, _, _ in p.gaps), default=0.0) for p in phases]
        p99 = [_percentile([g for g, _, _ in p.gaps], 0.99) for p in phases]
        over100 = [sum(1 for g, _, _ in p.gaps if g > 0.1) for p in phases]
        over50 = [sum(1 for g, _, _ in p.gaps if g > 0.05) for p in phases]
        seconds = [p.seconds for p in phases]
        print(
            f"{kind:6} {size:>7,} {name:8} runs {len(phases)}: longest gap "
            f"{_ms(longest)}, p99 {_ms(p99)}, gaps > 100 ms {over100}, > 50 ms {over50}, "
            f"phase {statistics.median(seconds):.2f} s"
        )
        places: collections.Counter[str] = collections.Counter()
        for p in phases:
            places.update(p.places)
        for p in phases:
            print(f"         longest gap mostly: {p.longest_at}")
        total = sum(places.values()) or 1
        for place, count in places.most_common(top):
            print(f"         {count * 100 / total:4.0f}%  {place}")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(values: list[float]) -> str:
    return "/".join(f"{v * 1000:.0f}" for v in values) + " ms"


if __name__ == "__main__":
    sys.exit(main())
